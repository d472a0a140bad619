import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const sqlInput = {
  sql: z.string().min(1).describe('One SQL statement. A trailing semicolon and comments are fine; a second statement is an error.'),
  params: z
    .array(scalar)
    .optional()
    .describe('Values bound, in order, to the ? placeholders in sql. Prefer this to putting values into the SQL text.'),
};

/** One cell: text, number, NULL; integers beyond 2^53 as decimal strings; BLOBs as {"$blob": base64, bytes}. */
export const cellSchema = z.union([z.string(), z.number(), z.null(), z.object({ $blob: z.string(), bytes: z.number().int() })]);

export const rowsOutput = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  rowCount: z.number().int().describe('Rows returned in this result.'),
  truncated: z.boolean().describe('True when rows were cut by --max-rows or --max-bytes.'),
  totalRows: z.number().int().optional().describe('Rows the statement produced in all, when known.'),
});

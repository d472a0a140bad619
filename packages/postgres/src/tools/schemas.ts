import { z } from 'zod';

export const cellSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ $blob: z.string(), bytes: z.number().int() }),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

export const rowsOutput = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  rowCount: z.number().int().describe('Rows returned in this result.'),
  truncated: z.boolean().describe('True when rows were cut by --max-rows or --max-bytes.'),
});

export const sqlInput = {
  sql: z.string().min(1).describe('One read-only SQL statement (PostgreSQL dialect). A trailing semicolon and comments are fine; a second statement is an error.'),
  params: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional()
    .describe('Values bound to $1, $2, … in sql, in order. Prefer this to putting values into the SQL text.'),
};

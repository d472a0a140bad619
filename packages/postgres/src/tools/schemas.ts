import { z } from 'zod';

/**
 * One cell. Documented rather than spelled out as a union: every JSON value is a valid cell,
 * so a union would check nothing more, and a client validating 10,000 rows against it pays
 * for every branch of every cell.
 */
export const cellSchema = z
  .unknown()
  .describe('A value: string, number, boolean or null; bigint beyond 2^53 and numeric as strings; bytea as {"$blob": base64, "bytes": n}; arrays, json and jsonb as JSON.');

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

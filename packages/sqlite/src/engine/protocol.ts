/** Messages between the connector and its engine processes (structured clone over IPC). */

export type Scalar = string | number | boolean | null;
export type Params = Scalar[];

export interface EngineOptions {
  file: string;
  allowWrite: boolean;
  /** Create the demo database at `file` first if it does not exist. */
  demo: boolean;
}

export type Request =
  | { op: 'query'; sql: string; params?: Params; allow: 'read' | 'write' | 'create_table'; maxRows: number; maxBytes: number }
  /** Runs a write in a transaction that is rolled back, to tell the user what it would change. */
  | { op: 'dry_run'; sql: string; params?: Params }
  | { op: 'explain'; sql: string; params?: Params }
  | { op: 'tables' }
  | { op: 'describe'; table: string }
  | { op: 'schema' };

/** One cell as it leaves the engine: BLOBs and 64-bit integers keep every bit. */
export type Cell = string | number | null | { $blob: string; bytes: number };

export interface QueryResult {
  columns: string[];
  rows: Cell[][];
  rowCount: number;
  truncated: boolean;
  /** Rows the statement produced in all, when counting the rest was cheap. */
  totalRows?: number;
  /** About how many bytes the result takes as JSON, counted while reading (not part of the tool result). */
  bytes?: number;
  /** For writes. */
  changes?: number;
  lastInsertRowid?: string | number;
}

export interface DryRunResult {
  /** Rows the statement changed before it was rolled back. */
  changes: number;
}

export interface TableInfo {
  name: string;
  type: 'table' | 'view';
  rows: number | null;
}

export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  primaryKey: number;
  hidden: boolean;
}

export interface TableDescription {
  name: string;
  type: 'table' | 'view';
  sql: string | null;
  columns: ColumnInfo[];
  foreignKeys: Array<{ columns: string[]; table: string; to: string[]; onUpdate: string; onDelete: string }>;
  indexes: Array<{ name: string; unique: boolean; origin: string; columns: string[]; partial: boolean }>;
}

export interface PlanStep {
  id: number;
  parent: number;
  detail: string;
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { code: 'invalid_input' | 'not_found' | 'denied' | 'backend'; message: string; hint?: string } };

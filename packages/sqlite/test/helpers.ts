import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectInProcess, dataOf, noteOf, textOf, type TestClientOptions } from '@org/mcp-core/testing';
import { connector } from '../src/server.js';

export { dataOf, noteOf, textOf };

/** A fresh directory holding a real SQLite file built from `sql`; removed by cleanup(). */
export function makeDatabase(sql: string, name = 'test.db') {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sqlite-test-'));
  const file = join(dir, name);
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return {
    dir,
    file,
    /** sha256 of the file's bytes. */
    hash: () => createHash('sha256').update(readFileSync(file)).digest('hex'),
    /** Files in the directory, sorted. */
    files: () => readdirSync(dir).sort(),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The connector in-process with the official SDK client, configured by argv like the bin. */
export function connect(argv: string[], env: Record<string, string> = {}, client: TestClientOptions = {}) {
  return connectInProcess(connector, argv, env, client);
}

/** A client whose user agrees to every confirmation (MCP elicitation), so writes run through the whole pipeline. */
export const userAgrees: TestClientOptions = { elicit: () => ({ action: 'accept' }) };

export const SHOP_SQL = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, country TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE, total REAL, note TEXT);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', 'GB'), (2, 'Linus', 'linus@example.com', 'FI'), (3, 'Grace', NULL, 'US');
INSERT INTO orders VALUES (1, 1, 50.5, 'first; DELETE FROM customers'), (2, 1, 150, NULL), (3, 2, 99.99, 'COMMIT'), (4, 3, 300, '-- not a comment');
`;

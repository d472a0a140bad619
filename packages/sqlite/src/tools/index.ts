import { appendInsight } from './append-insight.js';
import { createTable } from './create-table.js';
import { describeTable } from './describe-table.js';
import { explainQuery } from './explain-query.js';
import { listTables } from './list-tables.js';
import { readQuery } from './read-query.js';
import { writeQuery } from './write-query.js';

/** Every tool of the connector, in the order clients list them. Drives registration, docs and snapshots. */
export const tools = [listTables, describeTable, readQuery, explainQuery, writeQuery, createTable, appendInsight] as const;

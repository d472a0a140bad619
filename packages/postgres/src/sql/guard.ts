/**
 * Layer 1 of the read-only defence: a parse-tree check of every SQL text before it
 * reaches the server.
 *
 * The SQL is parsed with libpg-query (PostgreSQL's own parser compiled to WASM, so it
 * splits and reads statements exactly as the server does) and the WHOLE tree is walked:
 *
 * - exactly one statement; the top level must be SELECT (incl. UNION/INTERSECT/EXCEPT),
 *   VALUES, TABLE t, SHOW, or EXPLAIN of one of these (EXPLAIN ANALYZE only when enabled);
 * - nowhere in the tree: another statement (INSERT/UPDATE/DELETE/MERGE in a CTE, ...),
 *   SELECT INTO, locking clauses (FOR UPDATE/SHARE/...), a function from
 *   {@link DENIED_FUNCTIONS} (wherever it is called: expression, FROM, LATERAL, CTE,
 *   subquery, SQL-syntax forms such as `COLLATION FOR`, and attribute notation
 *   `(x).pg_read_file`, which PostgreSQL runs as `pg_read_file(x)`), a relation from
 *   {@link DENIED_RELATIONS}, or a string literal whose meaning depends on the server's
 *   `standard_conforming_strings` setting;
 * - every relation the statement names is returned, and checked against an optional
 *   allowlist (see {@link RelationAllowlist} for the matching rule).
 *
 * This layer holds even on a superuser connection; it does not replace the other layers
 * (extended protocol, READ ONLY transaction, least-privilege role).
 *
 * Limits (by nature of a parse-tree check): it cannot see inside user-defined functions,
 * views, operators or casts (the READ ONLY transaction and the role cover those); the
 * function denylist is by name, so a dangerous function from an extension not listed here
 * passes this layer; relations named only inside strings (`'t'::regclass`) are not
 * collected (the functions that read table data that way are denied).
 *
 * Usage: `await loadParser()` once at start-up, then `classifySql(sql, opts)` (synchronous).
 */

// ---------------------------------------------------------------------------------------
// Reviewed data: what is refused. Names are compared in lower case, after the parser has
// resolved quoting and Unicode escapes, on the last part of a qualified name
// (`pg_catalog.pg_sleep` -> `pg_sleep`). A prefix refuses every function starting with it.
// ---------------------------------------------------------------------------------------

/** A group of refused functions sharing one reason (shown to the model). */
export interface DeniedFunctionGroup {
  /** Completes "function f() is refused: it ..." */
  readonly reason: string;
  /** What to do instead. */
  readonly instead: string;
  readonly names: readonly string[];
  readonly prefixes: readonly string[];
}

export const DENIED_FUNCTIONS: readonly DeniedFunctionGroup[] = [
  // Server files: read files, list directories, stat files, server config files, adminpack.
  {
    reason: 'reads files or lists directories on the database server',
    instead: 'Query tables and views of the database instead of server files.',
    names: [
      'pg_stat_file',
      'pg_current_logfile',
      'pg_logdir_ls',
      'pg_hba_file_rules',
      'pg_ident_file_mappings',
      'pg_show_all_file_settings',
    ],
    prefixes: ['pg_read_', 'pg_ls_', 'pg_file_'],
  },
  // Large objects: lo_import/lo_export read and write server files; the rest read or
  // change large-object contents outside the table allowlist.
  {
    reason: 'reads or writes large objects (lo_import/lo_export also touch server files)',
    instead: 'Query regular tables instead.',
    names: ['loread', 'lowrite'],
    prefixes: ['lo_'],
  },
  // Network and external work: dblink, postgres_fdw, pgsql-http / pg_net,
  // pg_background (runs SQL in another session, outside this read-only transaction).
  {
    reason: 'connects to other servers or runs work outside this read-only transaction',
    instead: 'Query only this database, with plain SQL.',
    names: ['http'],
    prefixes: ['dblink', 'postgres_fdw_', 'http_', 'pg_background_'],
  },
  // Functions that run a query given as text (which this check cannot inspect), or read a
  // whole table / schema / database by name (bypassing the relation allowlist).
  {
    reason: 'runs a query given as text, or reads whole tables by name, which cannot be checked',
    instead:
      'Write the query itself as SQL; to get XML or JSON, apply xmlelement/xmlagg or json_agg/to_json to its rows.',
    names: [
      'query_to_xml',
      'query_to_xmlschema',
      'query_to_xml_and_xmlschema',
      'cursor_to_xml',
      'cursor_to_xmlschema',
      'table_to_xml',
      'table_to_xmlschema',
      'table_to_xml_and_xmlschema',
      'schema_to_xml',
      'schema_to_xmlschema',
      'schema_to_xml_and_xmlschema',
      'database_to_xml',
      'database_to_xmlschema',
      'database_to_xml_and_xmlschema',
      'ts_stat',
      'ts_rewrite', // ts_rewrite(tsquery, text) runs the text as a query
      'get_raw_page', // pageinspect: raw pages of any table
    ],
    prefixes: [],
  },
  // Session and server settings / configuration.
  {
    reason: 'changes session or server settings',
    instead: "Read a setting with current_setting('name') or SHOW name.",
    names: ['set_config', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_rotate_logfile_old', 'pg_import_system_collations'],
    prefixes: [],
  },
  // WAL, replication, recovery and backup control.
  {
    reason: 'controls WAL, replication, recovery or backups',
    instead: 'Read the pg_stat_replication / pg_replication_slots views instead.',
    names: [
      'pg_switch_wal',
      'pg_switch_xlog',
      'pg_wal_replay_pause',
      'pg_wal_replay_resume',
      'pg_wal_replay_wait',
      'pg_xlog_replay_pause',
      'pg_xlog_replay_resume',
      'pg_log_standby_snapshot',
      'pg_promote',
      'pg_backup_start',
      'pg_backup_stop',
      'pg_start_backup',
      'pg_stop_backup',
      'pg_sync_replication_slots',
      'pg_copy_physical_replication_slot',
      'pg_copy_logical_replication_slot',
    ],
    // pg_create_*: replication slots, restore points; pg_drop_replication_slot;
    // pg_replication_origin_* / pg_replication_slot_advance; pg_logical_* (decoding, messages).
    prefixes: ['pg_create_', 'pg_drop_', 'pg_replication_', 'pg_logical_'],
  },
  // Other server processes.
  {
    reason: 'signals or terminates other server processes',
    instead: 'Read pg_stat_activity instead.',
    names: [
      'pg_terminate_backend',
      'pg_cancel_backend',
      'pg_wait_for_backend_termination',
      'pg_log_backend_memory_contexts',
    ],
    prefixes: [],
  },
  // Statistics, planner statistics and index maintenance.
  {
    reason: 'resets or rewrites statistics, or modifies indexes',
    instead: 'Read the pg_stat_* views instead.',
    names: [
      'pg_stat_statements_reset',
      'pg_restore_relation_stats',
      'pg_restore_attribute_stats',
      'pg_clear_relation_stats',
      'pg_clear_attribute_stats',
      'pg_set_relation_stats',
      'pg_set_attribute_stats',
      'brin_summarize_new_values',
      'brin_summarize_range',
      'brin_desummarize_range',
      'gin_clean_pending_list',
      'pg_truncate_visibility_map',
    ],
    prefixes: ['pg_stat_reset', 'binary_upgrade_'],
  },
  // Sequences and transaction ids (nextval/setval change a sequence, txid_current and
  // pg_current_xact_id assign a transaction id). currval and lastval only read: allowed.
  {
    reason: 'changes a sequence or assigns a transaction id',
    instead: "Read a sequence with currval('name'), lastval() or SELECT last_value FROM the_sequence.",
    names: ['nextval', 'setval', 'txid_current', 'pg_current_xact_id'],
    prefixes: [],
  },
  // Locks and notifications visible to other sessions.
  {
    reason: 'takes advisory locks or sends notifications to other sessions',
    instead: 'Read pg_locks instead.',
    names: ['pg_notify'],
    prefixes: ['pg_advisory', 'pg_try_advisory'],
  },
  // Deliberate waiting ties up the connection.
  {
    reason: 'sleeps and ties up the connection',
    instead: 'Remove the sleep.',
    names: [],
    prefixes: ['pg_sleep'],
  },
];

/** Functions refused by schema, whatever their name (used when the call is qualified). */
export const DENIED_FUNCTION_SCHEMAS: Readonly<Record<string, string>> = {
  // pg_cron: cron.schedule(...) runs SQL later, outside this read-only transaction.
  cron: 'schedules SQL to run later, outside this read-only transaction (pg_cron)',
};

/**
 * Catalog relations refused by name (when unqualified or in pg_catalog): on a superuser
 * connection they expose secrets or server files.
 */
export const DENIED_RELATIONS: Readonly<Record<string, string>> = {
  pg_authid: 'holds password hashes', // pg_roles shows the same rows without them
  pg_shadow: 'holds password hashes',
  pg_user_mapping: 'holds credentials of foreign servers',
  pg_user_mappings: 'holds credentials of foreign servers',
  pg_largeobject: 'holds large-object contents',
  pg_hba_file_rules: 'reads pg_hba.conf from the server',
  pg_ident_file_mappings: 'reads pg_ident.conf from the server',
  pg_file_settings: 'reads postgresql.conf from the server',
  pg_subscription: 'holds connection strings (with passwords) of subscriptions',
};

/** information_schema relations refused for the same reasons. */
export const DENIED_INFORMATION_SCHEMA_RELATIONS: Readonly<Record<string, string>> = {
  user_mapping_options: 'holds credentials of foreign servers',
  _pg_user_mappings: 'holds credentials of foreign servers',
};

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

/** A relation named by the statement, as the parser reports it (identifiers already case-folded). */
export interface SqlRelation {
  schema?: string;
  name: string;
}

export type SqlKind = 'select' | 'values' | 'table' | 'show' | 'explain';

export type SqlVerdict =
  | {
      ok: true;
      kind: SqlKind;
      /** Every relation the statement reads (CTE names excluded), first-seen order, no duplicates. */
      relations: SqlRelation[];
      /** Set for kind 'explain': whether the EXPLAIN executes the query. */
      explainAnalyze?: boolean;
    }
  | {
      ok: false;
      code: 'syntax' | 'multiple' | 'empty' | 'denied';
      /** Written for a model: what was refused, why, and what to do instead. */
      message: string;
      /** 0-based offset in the SQL text of the error or refused element, when known. */
      position?: number;
    };

/**
 * Optional allowlist of relations. Names are compared exactly as PostgreSQL stores them
 * (unquoted identifiers are folded to lower case by the parser, so give lower-case names).
 *
 * Rule: a relation's effective schema is its qualifier; an unqualified name counts as
 * `public` (the connector should pin `search_path` to `public`), except that an unqualified
 * name starting with `pg_` counts as `pg_catalog`, which PostgreSQL searches first.
 * - `schemas` (if given): the effective schema must be listed.
 * - `tables` (if given): some entry must match; a bare entry `orders` matches that name in
 *   any schema (still subject to `schemas`), a qualified entry `sales.orders` matches only
 *   when the effective schema is `sales`.
 */
export interface RelationAllowlist {
  schemas?: string[];
  tables?: string[];
}

export interface ClassifyOptions {
  /** Allow `EXPLAIN ANALYZE` (which executes the query) of a SELECT. Default false. */
  allowExplainAnalyze?: boolean;
  relations?: RelationAllowlist;
}

// ---------------------------------------------------------------------------------------
// Parser loading
// ---------------------------------------------------------------------------------------

/** The parser, once loaded (imported on first use: a session that runs no SQL never pays for it). */
let parseSync: ((sql: string) => unknown) | undefined;
let parserLoading: Promise<void> | undefined;

/** Loads the WASM parser. Idempotent; await it once before calling {@link classifySql}. */
export function loadParser(): Promise<void> {
  parserLoading ??= import('libpg-query').then(
    async (lib) => {
      await lib.loadModule();
      parseSync = lib.parseSync;
    },
    (err: unknown) => {
      parserLoading = undefined; // allow a retry
      throw err;
    },
  );
  return parserLoading;
}

// ---------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------

type Node = Record<string, unknown>;
type Scope = ReadonlySet<string>;

const ALLOWED_SUMMARY = 'Only read-only queries are allowed: SELECT, VALUES, TABLE, SHOW, or EXPLAIN of a SELECT.';
const EMPTY_SCOPE: Scope = new Set();

class Refusal extends Error {
  constructor(
    message: string,
    readonly location?: number,
  ) {
    super(message);
  }
}

interface Walk {
  readonly sql: string;
  readonly relations: SqlRelation[];
  readonly seen: Set<string>;
}

const exactDenied = new Map<string, DeniedFunctionGroup>();
const prefixDenied: Array<[string, DeniedFunctionGroup]> = [];
for (const group of DENIED_FUNCTIONS) {
  for (const name of group.names) exactDenied.set(name, group);
  for (const prefix of group.prefixes) prefixDenied.push([prefix, group]);
}

/** The refusal group of a function name, if any (case-insensitive). */
export function deniedFunction(name: string): DeniedFunctionGroup | undefined {
  const lower = name.toLowerCase();
  const exact = exactDenied.get(lower);
  if (exact) return exact;
  for (const [prefix, group] of prefixDenied) if (lower.startsWith(prefix)) return group;
  return undefined;
}

/**
 * Classifies one SQL text. Synchronous; {@link loadParser} must have completed.
 * Never throws for bad SQL: every refusal is a verdict with `ok: false`.
 */
export function classifySql(sql: string, opts: ClassifyOptions = {}): SqlVerdict {
  if (typeof sql !== 'string' || sql.trim() === '') return emptyVerdict();
  if (sql.includes('\0')) {
    return {
      ok: false,
      code: 'syntax',
      message: 'The SQL contains a NUL character (\\0), which PostgreSQL does not accept. Remove it and send the query again.',
      position: sql.indexOf('\0'),
    };
  }
  if (!parseSync) throw new Error('classifySql: the SQL parser is not loaded; await loadParser() first');

  let stmts: Array<{ stmt?: Node; stmt_location?: number }>;
  try {
    const tree = parseSync(sql) as unknown as { stmts?: Array<{ stmt?: Node; stmt_location?: number }> };
    stmts = tree.stmts ?? [];
  } catch (err) {
    return syntaxVerdict(err, sql);
  }
  if (stmts.length === 0) return emptyVerdict();
  if (stmts.length > 1) {
    const names = stmts.map((s) => statementName(s.stmt));
    return {
      ok: false,
      code: 'multiple',
      message: `${stmts.length} statements were sent (${names.join('; ')}); send one statement per call. Only one read-only query (SELECT, VALUES, TABLE, SHOW or EXPLAIN) is run per call, and transaction control is not needed.`,
      position: charOffset(sql, stmts[1]?.stmt_location ?? 0),
    };
  }

  const walk: Walk = { sql, relations: [], seen: new Set() };
  try {
    const verdict = classifyStatement(stmts[0]?.stmt ?? {}, opts, walk);
    if (opts.relations) checkAllowlist(walk.relations, opts.relations);
    return verdict;
  } catch (err) {
    if (err instanceof Refusal) {
      const position = err.location !== undefined && err.location >= 0 ? charOffset(sql, err.location) : undefined;
      return position === undefined
        ? { ok: false, code: 'denied', message: err.message }
        : { ok: false, code: 'denied', message: err.message, position };
    }
    if (err instanceof RangeError) {
      return { ok: false, code: 'denied', message: 'The query is nested too deeply to be checked. Simplify it.' };
    }
    throw err;
  }
}

function classifyStatement(stmt: Node, opts: ClassifyOptions, walk: Walk): SqlVerdict {
  const [type, body] = onlyEntry(stmt);
  switch (type) {
    case 'SelectStmt':
      visit(stmt, EMPTY_SCOPE, walk);
      return { ok: true, kind: selectKind(body), relations: walk.relations };
    case 'VariableShowStmt':
      return { ok: true, kind: 'show', relations: [] };
    case 'ExplainStmt': {
      const query = isNode(body['query']) ? body['query'] : {};
      const [innerType] = onlyEntry(query);
      if (innerType !== 'SelectStmt') {
        throw new Refusal(
          `EXPLAIN of ${statementName(query)} is refused. ${ALLOWED_SUMMARY} Explain the equivalent SELECT instead.`,
        );
      }
      const analyze = explainAnalyzes(body['options']);
      if (analyze && !opts.allowExplainAnalyze) {
        throw new Refusal(
          'EXPLAIN ANALYZE is disabled on this server because it executes the query. Use EXPLAIN without ANALYZE (the plan with estimated costs).',
        );
      }
      visit(query, EMPTY_SCOPE, walk);
      return { ok: true, kind: 'explain', relations: walk.relations, explainAnalyze: analyze };
    }
    default:
      throw new Refusal(statementRefusal(type, body));
  }
}

/** 'values' for a bare VALUES list, 'table' for `TABLE t`, else 'select'. */
function selectKind(body: Node): SqlKind {
  if (body['op'] !== undefined && body['op'] !== 'SETOP_NONE') return 'select';
  if (Array.isArray(body['valuesLists']) && body['valuesLists'].length > 0) return 'values';
  // The grammar expands `TABLE t` to `SELECT * FROM t` with a star of location -1
  // (a star written by the user always has a real location).
  const target = body['targetList'];
  if (Array.isArray(target) && target.length === 1) {
    const res = child(target[0], 'ResTarget');
    const ref = res && child(res['val'], 'ColumnRef');
    if (ref && ref['location'] === -1) return 'table';
  }
  return 'select';
}

/** True unless every ANALYZE option is explicitly false (conservative). */
function explainAnalyzes(options: unknown): boolean {
  let analyze = false;
  if (!Array.isArray(options)) return false;
  for (const item of options) {
    const def = child(item, 'DefElem');
    if (!def) continue;
    const arg = def['arg'];
    const str = child(arg, 'String');
    if (str && typeof str['sval'] === 'string' && str['sval'].includes('\\')) {
      throw new Refusal('EXPLAIN option values may not contain a backslash. Remove it.', numberOr(def['location']));
    }
    if (def['defname'] !== 'analyze') continue;
    if (!isFalse(arg)) analyze = true;
  }
  return analyze;
}

function isFalse(arg: unknown): boolean {
  const str = child(arg, 'String');
  if (str) return typeof str['sval'] === 'string' && ['false', 'off'].includes(str['sval'].toLowerCase());
  const int = child(arg, 'Integer');
  if (int) return (int['ival'] ?? 0) === 0;
  const bool = child(arg, 'Boolean');
  if (bool) return bool['boolval'] !== true;
  return false;
}

// ---------------------------------------------------------------------------------------
// Tree walk
// ---------------------------------------------------------------------------------------

/**
 * Visits every value of the JSON parse tree. Node wrappers look like `{ "FuncCall": {...} }`;
 * some typed fields (SelectStmt.larg/rarg, withClause, intoClause) are not wrapped, so the
 * checks below key on field names and object shapes, not only on wrappers.
 * `scope` holds the CTE names visible at this point.
 */
function visit(node: unknown, scope: Scope, walk: Walk): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, scope, walk);
    return;
  }
  if (!isNode(node)) return;

  if (typeof node['relname'] === 'string') addRelation(node, scope, walk);

  let inner = scope;
  const withClause = node['withClause'];
  if (isNode(withClause)) inner = visitWith(withClause, scope, walk);

  for (const key in node) {
    if (key === 'withClause') continue;
    const value = node[key];
    checkKey(key, value, walk);
    visit(value, inner, walk);
  }
}

/** Visits the CTEs with PostgreSQL's scoping and returns the scope for the rest of the query. */
function visitWith(withClause: Node, scope: Scope, walk: Walk): Scope {
  const ctes = Array.isArray(withClause['ctes']) ? withClause['ctes'] : [];
  const names = ctes.map((c) => {
    const cte = child(c, 'CommonTableExpr');
    return cte && typeof cte['ctename'] === 'string' ? cte['ctename'] : undefined;
  });
  const all = extendScope(scope, names);
  const recursive = withClause['recursive'] === true;
  ctes.forEach((cte, i) => {
    // WITH RECURSIVE: every CTE sees all of them. Plain WITH: only the earlier ones, so
    // `WITH t AS (SELECT * FROM t)` reads the real table t.
    visit(cte, recursive ? all : extendScope(scope, names.slice(0, i)), walk);
  });
  return all;
}

function checkKey(key: string, value: unknown, walk: Walk): void {
  switch (key) {
    case 'FuncCall':
      if (isNode(value)) checkFuncCall(value);
      return;
    case 'ColumnRef':
      // `t.f` may be run as f(t) (attribute notation); the first field is never a call.
      if (isNode(value) && Array.isArray(value['fields'])) {
        checkAttributeNames(value['fields'].slice(1), numberOr(value['location']));
      }
      return;
    case 'A_Indirection':
      // `(expr).f` is run as f(expr) when f is not a field: `('/etc/passwd').pg_read_file`.
      if (isNode(value) && Array.isArray(value['indirection'])) {
        const arg = value['arg'];
        checkAttributeNames(value['indirection'], locationOf(arg));
      }
      return;
    case 'A_Const':
      if (isNode(value)) checkStringLiteral(value, walk);
      return;
    case 'intoClause':
      if (value) {
        throw new Refusal(
          'SELECT ... INTO creates a table and is refused. Remove the INTO clause: the rows are returned to you directly.',
        );
      }
      return;
    case 'lockingClause':
      if (Array.isArray(value) && value.length > 0) {
        const strength = child(value[0], 'LockingClause')?.['strength'];
        throw new Refusal(
          `${LOCK_NAMES[String(strength)] ?? 'FOR UPDATE/SHARE'} locks rows and is refused. Remove the locking clause: a read-only query does not need row locks.`,
        );
      }
      return;
    default:
      // A statement nested in a SELECT: a data-modifying CTE (INSERT/UPDATE/DELETE/MERGE).
      if (key.endsWith('Stmt') && key !== 'SelectStmt' && /^[A-Z]/.test(key)) {
        const body = isNode(value) ? value : {};
        throw new Refusal(
          `${statementName({ [key]: body })} inside the query (for example in a WITH clause) is refused: it would modify data. ${ALLOWED_SUMMARY}`,
          numberOr(body['location']),
        );
      }
  }
}

const LOCK_NAMES: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

function checkFuncCall(call: Node): void {
  const parts = stringList(call['funcname']);
  const name = parts[parts.length - 1];
  if (name === undefined) return;
  const display = parts.join('.');
  const location = numberOr(call['location']);
  const group = deniedFunction(name);
  if (group) {
    throw new Refusal(`Function ${display}() is refused: it ${group.reason}. ${group.instead}`, location);
  }
  const schema = parts.length > 1 ? parts[parts.length - 2]?.toLowerCase() : undefined;
  const schemaReason = schema !== undefined ? DENIED_FUNCTION_SCHEMAS[schema] : undefined;
  if (schemaReason) {
    throw new Refusal(`Function ${display}() is refused: it ${schemaReason}. Query the data directly instead.`, location);
  }
}

function checkAttributeNames(fields: unknown[], location: number | undefined): void {
  for (const field of fields) {
    const str = child(field, 'String');
    const name = str?.['sval'];
    if (typeof name !== 'string') continue;
    const group = deniedFunction(name);
    if (group) {
      throw new Refusal(
        `".${name}" is refused: PostgreSQL reads x.${name} as the function call ${name}(x), and ${name}() ${group.reason}. If ${name} is a column, select it without a qualifier (or rename it in a subquery). ${group.instead}`,
        location,
      );
    }
  }
}

/**
 * A plain '...' literal whose backslashes would make it end elsewhere when the server has
 * standard_conforming_strings = off (`'a\'` ends at a different quote there), so the server
 * could read text this check took for a string as SQL. Refused; E'...' and $$...$$ literals
 * mean the same in both modes.
 */
function checkStringLiteral(aConst: Node, walk: Walk): void {
  const sval = aConst['sval'];
  const text = isNode(sval) ? sval['sval'] : undefined;
  if (typeof text !== 'string' || !text.includes('\\')) return;
  if (!/(?:^|[^\\])(?:\\\\)*\\(?:'|$)/.test(text)) return;
  const location = numberOr(aConst['location']);
  if (location !== undefined && location >= 0) {
    const first = walk.sql.charAt(charOffset(walk.sql, location));
    if (first !== "'" && first !== 'N' && first !== 'n') return; // E'', U&'', $$, B'', X''
  }
  throw new Refusal(
    "A string literal ending in (or containing) a backslash before a quote, like 'a\\', is refused: its meaning depends on the server setting standard_conforming_strings. Write it as an escape string (E'a\\\\') or with dollar quotes ($$a\\$$).",
    location,
  );
}

function addRelation(rangeVar: Node, scope: Scope, walk: Walk): void {
  const name = rangeVar['relname'] as string;
  const schema = typeof rangeVar['schemaname'] === 'string' ? rangeVar['schemaname'] : undefined;
  if (schema === undefined && scope.has(name)) return; // a CTE, not a relation
  const location = numberOr(rangeVar['location']);
  const deniedReason =
    (schema === undefined || schema === 'pg_catalog' ? DENIED_RELATIONS[name] : undefined) ??
    (schema === undefined || schema === 'information_schema' ? DENIED_INFORMATION_SCHEMA_RELATIONS[name] : undefined);
  if (deniedReason) {
    throw new Refusal(
      `Reading ${schema ? `${schema}.` : ''}${name} is refused: it ${deniedReason}. Use the pg_roles, pg_user, pg_settings or pg_stat_* views instead.`,
      location,
    );
  }
  const key = `${schema ?? ''}\u0000${name}`;
  if (walk.seen.has(key)) return;
  walk.seen.add(key);
  walk.relations.push(schema === undefined ? { name } : { schema, name });
}

function checkAllowlist(relations: SqlRelation[], allow: RelationAllowlist): void {
  for (const rel of relations) {
    if (relationAllowed(rel, allow)) continue;
    const shown = rel.schema ? `${rel.schema}.${rel.name}` : rel.name;
    const parts: string[] = [];
    if (allow.schemas) parts.push(`schemas: ${listForModel(allow.schemas)}`);
    if (allow.tables) parts.push(`tables: ${listForModel(allow.tables)}`);
    const qualify =
      rel.schema === undefined
        ? ` An unqualified name counts as schema ${effectiveSchema(rel)}; qualify it (schema.table) if you meant another schema.`
        : '';
    throw new Refusal(
      `Relation ${shown} is outside the relations this server may read (${parts.join('; ')}).${qualify} Query only allowed relations.`,
    );
  }
}

/** See {@link RelationAllowlist} for the rule. */
export function relationAllowed(rel: SqlRelation, allow: RelationAllowlist): boolean {
  const schema = effectiveSchema(rel);
  if (allow.schemas && !allow.schemas.includes(schema)) return false;
  if (!allow.tables) return true;
  return allow.tables.some((entry) => {
    const dot = entry.lastIndexOf('.');
    if (dot < 0) return entry === rel.name;
    return entry.slice(dot + 1) === rel.name && entry.slice(0, dot) === schema;
  });
}

function effectiveSchema(rel: SqlRelation): string {
  if (rel.schema !== undefined) return rel.schema;
  return rel.name.startsWith('pg_') ? 'pg_catalog' : 'public';
}

function listForModel(items: string[]): string {
  return items.length > 20 ? `${items.slice(0, 20).join(', ')}, … (${items.length} in all)` : items.join(', ');
}

// ---------------------------------------------------------------------------------------
// Statement names and messages
// ---------------------------------------------------------------------------------------

const STATEMENT_NAMES: Record<string, string> = {
  SelectStmt: 'SELECT',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CopyStmt: 'COPY',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  IndexStmt: 'CREATE INDEX',
  ViewStmt: 'CREATE VIEW',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  AlterSystemStmt: 'ALTER SYSTEM',
  RuleStmt: 'CREATE RULE',
  CreateTrigStmt: 'CREATE TRIGGER',
  TruncateStmt: 'TRUNCATE',
  LockStmt: 'LOCK',
  ListenStmt: 'LISTEN',
  UnlistenStmt: 'UNLISTEN',
  NotifyStmt: 'NOTIFY',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  DeclareCursorStmt: 'DECLARE CURSOR',
  ClosePortalStmt: 'CLOSE',
  CheckPointStmt: 'CHECKPOINT',
  DiscardStmt: 'DISCARD',
  LoadStmt: 'LOAD',
  ReindexStmt: 'REINDEX',
  ClusterStmt: 'CLUSTER',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CommentStmt: 'COMMENT',
  SecLabelStmt: 'SECURITY LABEL',
  ConstraintsSetStmt: 'SET CONSTRAINTS',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  ExplainStmt: 'EXPLAIN',
  VariableShowStmt: 'SHOW',
};

const TRANSACTION_NAMES: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** A readable statement name: 'DROP TABLE', 'COMMIT', 'SET', 'VACUUM', ... */
export function statementName(stmt: unknown): string {
  const [type, body] = onlyEntry(isNode(stmt) ? stmt : {});
  switch (type) {
    case 'TransactionStmt':
      return TRANSACTION_NAMES[String(body['kind'])] ?? 'transaction control';
    case 'VariableSetStmt':
      return body['kind'] === 'VAR_RESET' || body['kind'] === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
    case 'VacuumStmt':
      return body['is_vacuumcmd'] === true ? 'VACUUM' : 'ANALYZE';
    case 'GrantStmt':
      return body['is_grant'] === true ? 'GRANT' : 'REVOKE';
    case 'GrantRoleStmt':
      return body['is_grant'] === true ? 'GRANT role' : 'REVOKE role';
    case 'FetchStmt':
      return body['ismove'] === true ? 'MOVE' : 'FETCH';
    case 'DropStmt':
      return `DROP ${objectName(body['removeType'])}`.trim();
    case 'CreateTableAsStmt':
      return body['objtype'] === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
    case 'AlterTableStmt':
      return `ALTER ${objectName(body['objtype']) || 'TABLE'}`;
    case 'RenameStmt':
      return `ALTER ${objectName(body['renameType'])} ... RENAME`.replace('  ', ' ');
    default: {
      const known = STATEMENT_NAMES[type];
      if (known) return known;
      if (!type) return 'an unknown statement';
      // AlterDomainStmt -> ALTER DOMAIN
      return type
        .replace(/Stmt$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toUpperCase();
    }
  }
}

function objectName(objtype: unknown): string {
  return typeof objtype === 'string' ? objtype.replace(/^OBJECT_/, '').replace(/_/g, ' ') : '';
}

function statementRefusal(type: string, body: Node): string {
  const name = statementName({ [type]: body });
  switch (type) {
    case 'TransactionStmt':
      return `${name} is refused: transaction control is not allowed. Each query already runs in its own read-only transaction; send only the query.`;
    case 'CopyStmt':
      return 'COPY is refused: it reads or writes files on the database server or runs programs (COPY ... TO PROGRAM). Use a SELECT query to read the data; the rows are returned to you.';
    case 'VariableSetStmt':
      return `${name} is refused: it changes session settings. Read a setting with SHOW name or current_setting('name').`;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
    case 'TruncateStmt':
      return `${name} is refused: it modifies data and this connection is read-only. ${ALLOWED_SUMMARY}`;
    case 'DoStmt':
    case 'CallStmt':
    case 'ExecuteStmt':
    case 'PrepareStmt':
    case 'LoadStmt':
      return `${name} is refused: it runs code or prepared statements that cannot be checked. Send the SELECT query itself.`;
    case 'DeclareCursorStmt':
    case 'FetchStmt':
    case 'ClosePortalStmt':
      return `${name} is refused: cursors are not available. Send the SELECT query itself; use LIMIT/OFFSET to page.`;
    default:
      return `${name} is refused. ${ALLOWED_SUMMARY}`;
  }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function emptyVerdict(): SqlVerdict {
  return {
    ok: false,
    code: 'empty',
    message: 'No SQL statement was sent (the text is empty or only comments). Send one read-only query, e.g. SELECT ...',
  };
}

function syntaxVerdict(err: unknown, sql: string): SqlVerdict {
  const details = (err as { sqlDetails?: { message?: string; cursorPosition?: number } } | null)?.sqlDetails;
  const message = details?.message ?? (err instanceof Error ? err.message : String(err));
  const position = details?.cursorPosition;
  if (position === undefined || position < 0) {
    return { ok: false, code: 'syntax', message: `SQL syntax error: ${message}. Fix the SQL and send it again.` };
  }
  const near = sql.slice(position, position + 30).split('\n')[0] ?? '';
  return {
    ok: false,
    code: 'syntax',
    message: `SQL syntax error: ${message} (at character ${position + 1}${near ? `, near "${near}"` : ''}). Fix the SQL and send it again.`,
    position,
  };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Type: body }` -> body, when value is a wrapper of that type. */
function child(value: unknown, type: string): Node | undefined {
  if (!isNode(value)) return undefined;
  const inner = value[type];
  return isNode(inner) ? inner : undefined;
}

function onlyEntry(node: Node): [string, Node] {
  for (const key in node) {
    const body = node[key];
    return [key, isNode(body) ? body : {}];
  }
  return ['', {}];
}

function stringList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    const sval = child(item, 'String')?.['sval'];
    if (typeof sval === 'string') out.push(sval);
  }
  return out;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function locationOf(node: unknown): number | undefined {
  if (!isNode(node)) return undefined;
  const [, body] = onlyEntry(node);
  return numberOr(body['location']);
}

function extendScope(scope: Scope, names: Array<string | undefined>): Scope {
  if (names.length === 0) return scope;
  const next = new Set(scope);
  for (const name of names) if (name !== undefined) next.add(name);
  return next;
}

/** Parser locations are UTF-8 byte offsets; convert to a JS string index. */
function charOffset(sql: string, byteOffset: number): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(sql)) return byteOffset;
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

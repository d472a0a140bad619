/**
 * Classifies one SQL text before SQLite ever compiles it. Compiling is not harmless: flag
 * pragmas (`PRAGMA query_only = 0`, `writable_schema`) take effect while a statement is
 * prepared, even under EXPLAIN, and `VACUUM INTO` creates its file before it fails on a
 * read-only connection. So the decision is made here, on tokens, with SQLite's own lexical
 * rules (strings, quoted identifiers, nested comments do not hide or fake keywords).
 *
 * This is one layer of several: the engine also opens the file read-only, keeps
 * `PRAGMA query_only` on, requires SQLite's own read-only verdict for statements that read,
 * and checks the connection's state after each call.
 */

export type StatementKind =
  | 'read' // SELECT, VALUES, WITH … SELECT, EXPLAIN of a read, an allowlisted introspection pragma
  | 'write' // INSERT, REPLACE, UPDATE, DELETE (also behind WITH)
  | 'create_table'
  | 'denied';

export interface Classification {
  kind: StatementKind;
  /** The leading keyword(s), e.g. `SELECT`, `PRAGMA writable_schema`, `ATTACH`. */
  verb: string;
  /** Why a statement is refused whatever the tool (kind `denied`). */
  reason?: string;
}

export class SqlRejected extends Error {
  override readonly name = 'SqlRejected';
}

type Token = { t: 'word' | 'string' | 'ident' | 'punct' | 'semi' | 'param' | 'number'; v: string };

/** Pragmas that only read, allowed with an argument in parentheses (or none). */
const READ_PRAGMAS = new Set([
  'table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo', 'foreign_key_list',
  'foreign_key_check', 'integrity_check', 'quick_check', 'collation_list', 'function_list', 'module_list', 'pragma_list', 'compile_options',
]);

const DENIED: Record<string, string> = {
  ATTACH: 'ATTACH would open another database file',
  DETACH: 'DETACH changes the connection',
  VACUUM: 'VACUUM rewrites the database (VACUUM INTO writes a new file)',
  ANALYZE: 'ANALYZE writes statistics tables',
  REINDEX: 'REINDEX rewrites indexes',
  DROP: 'DROP removes schema objects',
  ALTER: 'ALTER changes the schema',
  BEGIN: 'each call runs in its own transaction; transaction control is not allowed',
  COMMIT: 'each call runs in its own transaction; transaction control is not allowed',
  END: 'each call runs in its own transaction; transaction control is not allowed',
  ROLLBACK: 'each call runs in its own transaction; transaction control is not allowed',
  SAVEPOINT: 'each call runs in its own transaction; transaction control is not allowed',
  RELEASE: 'each call runs in its own transaction; transaction control is not allowed',
};

const isWordStart = (c: string) => /[A-Za-z_]/.test(c) || c.charCodeAt(0) > 0x7f;
const isWordChar = (c: string) => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 0x7f;

/** SQLite's tokenizer rules, minus what does not matter for classification. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  const closeQuoted = (quote: string, start: number): number => {
    let j = start + 1;
    for (;;) {
      const k = sql.indexOf(quote, j);
      if (k === -1) throw new SqlRejected(`Unterminated ${quote === "'" ? 'string' : 'quoted identifier'} starting at character ${start + 1}.`);
      if (sql[k + 1] === quote) { j = k + 2; continue; }
      return k + 1;
    }
  };
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && sql[i + 1] === '-') { const k = sql.indexOf('\n', i); i = k === -1 ? n : k + 1; continue; }
    if (c === '/' && sql[i + 1] === '*') { const k = sql.indexOf('*/', i + 2); i = k === -1 ? n : k + 2; continue; }
    if (c === "'") { const e = closeQuoted("'", i); out.push({ t: 'string', v: sql.slice(i, e) }); i = e; continue; }
    if (c === '"' || c === '`') { const e = closeQuoted(c, i); out.push({ t: 'ident', v: sql.slice(i + 1, e - 1) }); i = e; continue; }
    if (c === '[') {
      const k = sql.indexOf(']', i);
      if (k === -1) throw new SqlRejected(`Unterminated [identifier] starting at character ${i + 1}.`);
      out.push({ t: 'ident', v: sql.slice(i + 1, k) }); i = k + 1; continue;
    }
    if ((c === 'x' || c === 'X') && sql[i + 1] === "'") { const e = closeQuoted("'", i + 1); out.push({ t: 'string', v: sql.slice(i, e) }); i = e; continue; }
    if (c === ';') { out.push({ t: 'semi', v: ';' }); i++; continue; }
    if (c === '?' || c === ':' || c === '@' || c === '$') {
      let j = i + 1;
      while (j < n && isWordChar(sql[j]!)) j++;
      out.push({ t: 'param', v: sql.slice(i, j) }); i = j; continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j]!)) j++;
      out.push({ t: 'number', v: sql.slice(i, j) }); i = j; continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordChar(sql[j]!)) j++;
      out.push({ t: 'word', v: sql.slice(i, j).toUpperCase() }); i = j; continue;
    }
    out.push({ t: 'punct', v: c }); i++;
  }
  return out;
}

/** Splits on top-level semicolons; empty statements (a trailing `;`) are dropped. */
function statements(tokens: Token[]): Token[][] {
  const list: Token[][] = [[]];
  for (const tok of tokens) {
    if (tok.t === 'semi') list.push([]);
    else list[list.length - 1]!.push(tok);
  }
  return list.filter((s) => s.length > 0);
}

/** Classifies exactly one statement; throws SqlRejected for none, several, or bad lexing. */
export function classify(sql: string): Classification {
  const stmts = statements(tokenize(sql));
  if (stmts.length === 0) throw new SqlRejected('The SQL is empty (only whitespace or comments).');
  if (stmts.length > 1) {
    throw new SqlRejected(`Exactly one statement per call is allowed; this text has ${stmts.length}. Send them as separate calls.`);
  }
  const toks = stmts[0]!;
  // Table-valued pragma functions only read, except pragma_optimize, which runs ANALYZE and
  // writes sqlite_stat tables when the statement runs (e.g. INSERT … SELECT … FROM pragma_optimize).
  const sideEffect = toks.find((t) => t.t !== 'punct' && t.t !== 'semi' && SIDE_EFFECT_FUNCTIONS.has(unquote(t).toLowerCase()));
  if (sideEffect) return { kind: 'denied', verb: unquote(sideEffect).toLowerCase(), reason: 'it runs ANALYZE, which writes statistics tables' };
  return classifyTokens(toks);
}

const SIDE_EFFECT_FUNCTIONS = new Set(['pragma_optimize']);
/** A token's name as SQLite would read it: words, quoted identifiers, and strings used as names. */
const unquote = (t: Token) => (t.t === 'string' ? t.v.slice(1, -1) : t.v);

function classifyTokens(toks: Token[]): Classification {
  const first = toks[0]!;
  const word = first.t === 'word' ? first.v : '';
  switch (word) {
    case 'SELECT':
    case 'VALUES':
      return { kind: 'read', verb: word };
    case 'WITH':
      return classifyWith(toks);
    case 'INSERT':
    case 'REPLACE':
    case 'UPDATE':
    case 'DELETE':
      return { kind: 'write', verb: word };
    case 'EXPLAIN': {
      let rest = toks.slice(1);
      if (rest[0]?.v === 'QUERY' && rest[1]?.v === 'PLAN') rest = rest.slice(2);
      if (rest.length === 0) return { kind: 'denied', verb: 'EXPLAIN', reason: 'EXPLAIN needs a statement to explain' };
      const inner = classifyTokens(rest);
      return inner.kind === 'read' ? { kind: 'read', verb: `EXPLAIN ${inner.verb}` } : { kind: 'denied', verb: `EXPLAIN ${inner.verb}`, reason: inner.reason ?? `only reads may be explained, not ${inner.verb}` };
    }
    case 'PRAGMA':
      return classifyPragma(toks);
    case 'CREATE': {
      const words = toks.slice(1, 3).map((t) => t.v);
      const isTable = words[0] === 'TABLE' || ((words[0] === 'TEMP' || words[0] === 'TEMPORARY') && words[1] === 'TABLE');
      if (isTable) return { kind: 'create_table', verb: 'CREATE TABLE' };
      const what = words[0] === 'UNIQUE' ? 'INDEX' : words[0] === 'TEMP' || words[0] === 'TEMPORARY' ? words[1] : words[0];
      return { kind: 'denied', verb: `CREATE ${what ?? ''}`.trim(), reason: `CREATE ${what ?? '…'} is not supported; only CREATE TABLE is (with create_table)` };
    }
    default: {
      const reason = DENIED[word];
      if (reason) return { kind: 'denied', verb: word, reason };
      return { kind: 'denied', verb: word || first.v, reason: `"${word || first.v}" does not start a statement this server runs` };
    }
  }
}

/** `WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (…) [, …] <main statement>` */
function classifyWith(toks: Token[]): Classification {
  let depth = 0;
  for (let i = 1; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.v === '(') depth++;
    else if (tok.v === ')') depth--;
    else if (depth === 0 && tok.t === 'word') {
      const next = toks[i + 1]?.v;
      if (tok.v === 'REPLACE' && (next === 'AS' || next === '(')) continue; // a CTE named "replace" (REPLACE is not reserved)
      if (tok.v === 'SELECT' || tok.v === 'VALUES') return { kind: 'read', verb: `WITH … ${tok.v}` };
      if (tok.v === 'INSERT' || tok.v === 'REPLACE' || tok.v === 'UPDATE' || tok.v === 'DELETE') return { kind: 'write', verb: `WITH … ${tok.v}` };
    }
  }
  return { kind: 'denied', verb: 'WITH', reason: 'WITH must be followed by SELECT, INSERT, UPDATE or DELETE' };
}

function classifyPragma(toks: Token[]): Classification {
  // PRAGMA [schema.]name [= value | (value)]
  let i = 1;
  if (toks[i + 1]?.v === '.') i += 2;
  const nameTok = toks[i];
  const name = (nameTok?.v ?? '').toLowerCase();
  const verb = `PRAGMA ${name}`;
  const next = toks[i + 1];
  if (!name) return { kind: 'denied', verb: 'PRAGMA', reason: 'PRAGMA needs a name' };
  if (next?.v === '=') return { kind: 'denied', verb, reason: `setting pragmas changes the connection or the database` };
  if (!READ_PRAGMAS.has(name)) return { kind: 'denied', verb, reason: `only introspection pragmas are allowed (${[...READ_PRAGMAS].join(', ')}); use pragma_table_info('t') and friends inside SELECT` };
  if (next && next.v !== '(') return { kind: 'denied', verb, reason: 'unexpected text after the pragma name' };
  return { kind: 'read', verb };
}

import { ConnectorError } from '@org/mcp-core';

/**
 * SOQL and SOSL as this connector sends them. Salesforce's query endpoint only runs SELECT
 * statements, so SOQL cannot change data, with three exceptions at its end: FOR VIEW and FOR
 * REFERENCE update the records' LastViewedDate / LastReferencedDate (and the recent-items list),
 * FOR UPDATE locks them, and UPDATE TRACKING / UPDATE VIEWSTAT write statistics. Those are
 * refused. Every query also gets a LIMIT of at most --max-records.
 *
 * The checks work on tokens, not on the raw text: string literals ('…' with backslash escapes)
 * are one token each, so a keyword inside a string is not a keyword, and only clauses at the top
 * level (outside parenthesized subqueries) count.
 */

interface Token {
  kind: 'word' | 'string' | 'number' | 'punct';
  text: string;
  start: number;
  end: number;
  depth: number;
}

/** Tokens of a SOQL or SOSL statement; throws invalid_input on an unterminated string or bracket. */
export function tokenize(text: string, what = 'query'): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      i++;
      while (i < text.length && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) throw new ConnectorError('invalid_input', `The ${what} has a string that is not closed (a ' is missing).`, "Inside a string, write \\' for a quote.");
      i++;
      out.push({ kind: 'string', text: text.slice(start, i), start, end: i, depth });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_.:]/.test(text[i]!)) i++;
      out.push({ kind: 'word', text: text.slice(start, i), start, end: i, depth });
    } else if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9.:TZ+-]/.test(text[i]!)) i++;
      out.push({ kind: 'number', text: text.slice(start, i), start, end: i, depth });
    } else {
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (depth < 0) throw new ConnectorError('invalid_input', `The ${what} closes a parenthesis that was not opened.`);
      i++;
      out.push({ kind: 'punct', text: c, start, end: i, depth: c === '(' ? depth - 1 : depth });
    }
  }
  if (depth !== 0) throw new ConnectorError('invalid_input', `The ${what} leaves a parenthesis open.`);
  return out;
}

const upper = (t: Token | undefined) => (t?.kind === 'word' ? t.text.toUpperCase() : undefined);

/**
 * A SELECT statement safe to send: read-only, with a top-level LIMIT of at most `maxRecords`
 * (added when missing). Returns the statement to run and the LIMIT in force.
 */
export function guardSoql(soql: string, maxRecords: number): { soql: string; limit: number; limitAdded: boolean } {
  const text = soql.trim().replace(/;\s*$/, '');
  const tokens = tokenize(text);
  if (upper(tokens[0]) !== 'SELECT') throw new ConnectorError('invalid_input', 'soql_query runs SOQL SELECT statements only.', 'Write SELECT fields FROM Object …; to change records use the write tools.');
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';')) throw new ConnectorError('invalid_input', 'One SOQL statement per call: remove the ";".');
  const top = tokens.filter((t) => t.depth === 0);
  for (let k = 0; k < top.length - 1; k++) {
    const a = upper(top[k]);
    const b = upper(top[k + 1]);
    if (a === 'FOR' && (b === 'VIEW' || b === 'REFERENCE' || b === 'UPDATE')) {
      throw new ConnectorError('invalid_input', `FOR ${b} is refused: it ${b === 'UPDATE' ? 'locks the records' : `writes the records' ${b === 'VIEW' ? 'LastViewedDate' : 'LastReferencedDate'}`}.`, `Run the query without FOR ${b}.`);
    }
    if (a === 'UPDATE' && (b === 'TRACKING' || b === 'VIEWSTAT')) throw new ConnectorError('invalid_input', `UPDATE ${b} is refused: it writes statistics.`, `Run the query without UPDATE ${b}.`);
  }
  const at = top.findIndex((t) => upper(t) === 'LIMIT');
  if (at < 0) {
    // LIMIT goes before OFFSET and the FOR / UPDATE / WITH SECURITY_ENFORCED-free tail, if any.
    const offset = top.findIndex((t) => upper(t) === 'OFFSET');
    const cut = offset >= 0 ? top[offset]!.start : text.length;
    return { soql: `${text.slice(0, cut).trimEnd()} LIMIT ${maxRecords}${cut < text.length ? ` ${text.slice(cut)}` : ''}`, limit: maxRecords, limitAdded: true };
  }
  const value = top[at + 1];
  if (!value || value.kind !== 'number' || !/^\d+$/.test(value.text)) throw new ConnectorError('invalid_input', 'LIMIT takes a whole number.', 'Write LIMIT 100.');
  const n = Number(value.text);
  if (n <= maxRecords) return { soql: text, limit: n, limitAdded: false };
  return { soql: `${text.slice(0, value.start)}${maxRecords}${text.slice(value.end)}`, limit: maxRecords, limitAdded: true };
}

/** A SOSL FIND statement safe to send: starts with FIND {…}, one statement, a LIMIT of at most `maxRecords`. */
export function guardSosl(sosl: string, maxRecords: number): string {
  const text = sosl.trim().replace(/;\s*$/, '');
  if (!/^FIND\s*\{/i.test(text)) throw new ConnectorError('invalid_input', 'sosl_search takes a SOSL FIND statement: FIND {term} IN ALL FIELDS RETURNING Account(Id, Name), Contact(Id, Name).');
  // The search term is in braces, where SOQL's string rules do not hold; tokenize what follows.
  let i = text.indexOf('{') + 1;
  while (i < text.length && text[i] !== '}') i += text[i] === '\\' ? 2 : 1;
  if (i >= text.length) throw new ConnectorError('invalid_input', 'The SOSL search term is not closed: FIND {term} needs its "}".');
  const rest = text.slice(i + 1);
  const tokens = tokenize(rest, 'search');
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';')) throw new ConnectorError('invalid_input', 'One SOSL statement per call: remove the ";".');
  const top = tokens.filter((t) => t.depth === 0);
  const at = top.findIndex((t) => upper(t) === 'LIMIT');
  if (top.some((t, k) => upper(t) === 'UPDATE' && ['TRACKING', 'VIEWSTAT'].includes(upper(top[k + 1]) ?? ''))) throw new ConnectorError('invalid_input', 'UPDATE TRACKING / VIEWSTAT is refused: it writes statistics.');
  if (at < 0) return `${text} LIMIT ${maxRecords}`;
  const value = top[at + 1];
  if (!value || !/^\d+$/.test(value.text)) throw new ConnectorError('invalid_input', 'LIMIT takes a whole number.');
  if (Number(value.text) <= maxRecords) return text;
  const base = i + 1;
  return `${text.slice(0, base + value.start)}${maxRecords}${text.slice(base + value.end)}`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b' };

/** A SOQL string literal of any text: quotes, backslashes and control characters escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\f\b]/g, (c) => ESCAPES[c]!)}'`;
}

/** A LIKE pattern matching `value` anywhere (any case); its own % and _ match only themselves. */
export function soqlContains(value: string): string {
  return `'%${value.replace(/[\\'"\n\r\t\f\b%_]/g, (c) => ESCAPES[c] ?? `\\${c}`)}%'`;
}

/** A SOSL search term in braces: reserved characters escaped, so the text is searched as written. */
export function soslTerm(value: string): string {
  return `{${value.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, (c) => `\\${c}`)}}`;
}

export const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
export const OBJECT = /^[A-Za-z][A-Za-z0-9_]*$/;
export const FIELD = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*){0,4}$/;

export function checkId(id: string, what = 'record'): string {
  if (!ID.test(id)) throw new ConnectorError('invalid_input', `${JSON.stringify(id)} is not a Salesforce ${what} Id (15 or 18 letters and digits, e.g. 006000000000001AAA).`, 'Find the Id with a search tool or soql_query.');
  return id;
}

// Tests of the Salesforce fake itself: plain fetch against its wire format, and jsforce against it.
import { generateKeyPairSync, createSign } from 'node:crypto';
import { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDS, startFakeSalesforce, type FakeSalesforce } from './fake-salesforce.js';

const V = '/services/data/v62.0';
const TOKEN = 'PRESET_TOKEN_abc123';
let fake: FakeSalesforce;
const extra: FakeSalesforce[] = [];

beforeAll(async () => {
  fake = await startFakeSalesforce({ accessToken: TOKEN, refreshToken: 'REFRESH1' });
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((f) => f.close()));
});

async function fresh(options: Parameters<typeof startFakeSalesforce>[0] = {}) {
  const f = await startFakeSalesforce({ accessToken: TOKEN, ...options });
  extra.push(f);
  return f;
}

async function get(f: FakeSalesforce, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${f.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
}
const soql = (f: FakeSalesforce, q: string, headers?: Record<string, string>) => get(f, `${V}/query?q=${encodeURIComponent(q)}`, headers);
async function send(f: FakeSalesforce, method: string, path: string, body: unknown, contentType = 'application/json') {
  const res = await fetch(`${f.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}
async function token(f: FakeSalesforce, params: Record<string, string>) {
  const res = await fetch(`${f.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('auth', () => {
  it('password grant issues a token that works, and refuses bad client, secret and password', async () => {
    const ok = await token(fake, { grant_type: 'password', client_id: 'CLIENT_ID', client_secret: 'CLIENT_SECRET', username: 'rep@acme.example', password: 'hunter2TOKEN123' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ instance_url: fake.url, id: `${fake.url}/id/00D000000000001AAA/${IDS.U1}`, token_type: 'Bearer', scope: 'api' });
    expect(ok.body.access_token).toMatch(/^00D000000000001!AQ[A-Za-z0-9]{60}$/);
    expect(fake.tokens).toContain(ok.body.access_token);
    const res = await fetch(`${fake.url}${V}/limits`, { headers: { authorization: `Bearer ${ok.body.access_token}` } });
    expect(res.status).toBe(200);
    const base = { grant_type: 'password', client_id: 'CLIENT_ID', client_secret: 'CLIENT_SECRET', username: 'rep@acme.example', password: 'hunter2TOKEN123' };
    expect((await token(fake, { ...base, client_id: 'nope' })).body).toEqual({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
    expect((await token(fake, { ...base, client_secret: 'nope' })).body).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    const bad = await token(fake, { ...base, password: 'hunter2' });
    expect(bad).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } });
  });

  it('client_credentials, refresh_token and unknown grants', async () => {
    expect((await token(fake, { grant_type: 'client_credentials', client_id: 'CLIENT_ID', client_secret: 'CLIENT_SECRET' })).body.id).toContain(IDS.U1);
    const r = await token(fake, { grant_type: 'refresh_token', client_id: 'CLIENT_ID', refresh_token: 'REFRESH1' });
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBeUndefined();
    expect((await token(fake, { grant_type: 'refresh_token', client_id: 'CLIENT_ID', refresh_token: 'OLD' })).body).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    expect((await token(fake, { grant_type: 'authorization_code', code: 'x' })).body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('JWT bearer grant verifies RS256 assertions', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const f = await fresh({ jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const jwt = (claims: Record<string, unknown>, alg = 'RS256') => {
      const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const head = `${enc({ alg, typ: 'JWT' })}.${enc(claims)}`;
      return `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
    };
    const exp = Math.floor(Date.now() / 1000) + 180;
    const good = { iss: 'CLIENT_ID', sub: 'rep@acme.example', aud: 'https://login.salesforce.com', exp };
    const grant = (assertion: string) => token(f, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    expect((await grant(jwt(good))).status).toBe(200);
    expect((await grant(jwt({ ...good, aud: f.url }))).status).toBe(200);
    const invalid = { status: 400, body: { error: 'invalid_grant', error_description: 'invalid assertion' } };
    expect(await grant(jwt({ ...good, iss: 'other' }))).toEqual(invalid);
    expect(await grant(jwt({ ...good, aud: 'https://evil.example' }))).toEqual(invalid);
    expect(await grant(jwt({ ...good, exp: exp - 600 }))).toEqual(invalid);
    expect(await grant(jwt({ ...good, exp: exp + 3600 }))).toEqual(invalid);
    expect(await grant(jwt(good, 'HS256'))).toEqual(invalid);
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const forged = jwt(good).split('.').slice(0, 2).join('.');
    expect(await grant(`${forged}.${createSign('RSA-SHA256').update(forged).sign(other).toString('base64url')}`)).toEqual(invalid);
    expect(await token(fake, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt(good) })).toEqual(invalid);
  });

  it('jsforce logs in through SOAP and queries; a wrong password is INVALID_LOGIN', async () => {
    const conn = new Connection({ loginUrl: fake.url, version: '62.0', logLevel: 'NONE' });
    const info = await conn.login('rep@acme.example', 'hunter2TOKEN123');
    expect(info).toMatchObject({ id: IDS.U1, organizationId: '00D000000000001AAA' });
    expect(conn.instanceUrl).toBe(fake.url);
    expect(fake.tokens).toContain(conn.accessToken);
    const soap = fake.calls.find((c) => c.path === '/services/Soap/u/62.0')!;
    expect(soap.headers['content-type']).toContain('text/xml');
    const res = await conn.query<{ Name: string }>('SELECT Name FROM Account WHERE Id = \'' + IDS.A3 + "'");
    expect(res.records.map((r) => r.Name)).toEqual(['Globex']);
    const bad = new Connection({ loginUrl: fake.url, version: '62.0', logLevel: 'NONE' });
    await expect(bad.login('rep@acme.example', 'wrong')).rejects.toThrow(/INVALID_LOGIN: Invalid username, password, security token; or user locked out\./);
  });

  it('401 INVALID_SESSION_ID for expired sessions; a missing Authorization header is a violation', async () => {
    const f = await fresh();
    const ok = await token(f, { grant_type: 'client_credentials', client_id: 'CLIENT_ID', client_secret: 'CLIENT_SECRET' });
    f.expireSessions();
    for (const t of [TOKEN, ok.body.access_token as string]) {
      const res = await fetch(`${f.url}${V}/limits`, { headers: { authorization: `Bearer ${t}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    expect(f.violations).toEqual([]);
    const anon = await fetch(`${f.url}${V}/limits`);
    expect(anon.status).toBe(401);
    expect(f.violations.map((v) => v.error)).toEqual(['no Authorization header']);
    const again = await token(f, { grant_type: 'client_credentials', client_id: 'CLIENT_ID', client_secret: 'CLIENT_SECRET' });
    expect((await fetch(`${f.url}${V}/limits`, { headers: { authorization: `Bearer ${again.body.access_token}` } })).status).toBe(200);
  });

  it('token requests must be form-encoded', async () => {
    const f = await fresh();
    const res = await fetch(`${f.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials' }) });
    expect(res.status).toBe(400);
    expect(f.violations).toHaveLength(1);
  });
});

describe('REST basics', () => {
  it('versions, limits, Sforce-Limit-Info, limitNext and other API versions', async () => {
    const versions = await fetch(`${fake.url}/services/data/`);
    expect(await versions.json()).toEqual([{ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' }]);
    const f = await fresh();
    const a = await get(f, `${V}/limits`);
    expect(a.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    expect(a.body.DailyApiRequests).toEqual({ Max: 15000, Remaining: 14999 });
    f.limitNext(1);
    expect(await get(f, `${V}/limits`)).toMatchObject({ status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    expect((await get(f, `${V}/limits`)).status).toBe(200);
    expect(await get(f, '/services/data/v58.0/limits')).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] });
    expect((await get(f, `${V}/nope`)).status).toBe(404);
    expect(f.violations.map((v) => v.call.path)).toEqual([`${V}/nope`]);
  });

  it('global describe and describe', async () => {
    const g = await get(fake, `${V}/sobjects`);
    expect(g.body.sobjects.map((s: { name: string }) => s.name)).toEqual(['User', 'Account', 'Contact', 'Lead', 'Opportunity', 'Task']);
    expect(g.body.sobjects[1]).toMatchObject({ name: 'Account', keyPrefix: '001', custom: false, queryable: true, urls: { describe: `${V}/sobjects/Account/describe` } });
    const d = (await get(fake, `${V}/sobjects/Opportunity/describe`)).body;
    const stage = d.fields.find((f: { name: string }) => f.name === 'StageName');
    expect(stage).toMatchObject({ type: 'picklist', nillable: false, restrictedPicklist: true, unique: false, externalId: false, calculated: false });
    expect(stage.picklistValues[0]).toEqual({ active: true, defaultValue: false, label: 'Prospecting', validFor: null, value: 'Prospecting' });
    expect(d.fields.find((f: { name: string }) => f.name === 'AccountId')).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account', polymorphicForeignKey: false });
    expect(d.childRelationships).toEqual([{ cascadeDelete: true, childSObject: 'Task', deprecatedAndHidden: false, field: 'WhatId', relationshipName: 'Tasks', restrictedDelete: false }]);
    expect(d.recordTypeInfos[0]).toMatchObject({ master: true, recordTypeId: '012000000000000AAA' });
    const task = (await get(fake, `${V}/sobjects/Task/describe`)).body;
    expect(task.fields.find((f: { name: string }) => f.name === 'WhatId')).toMatchObject({ referenceTo: ['Account', 'Opportunity'], relationshipName: 'What', polymorphicForeignKey: true });
    expect(await get(fake, `${V}/sobjects/Foo/describe`)).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
  });

  it('records by id, with fields, child relationships and id errors', async () => {
    const r = await get(fake, `${V}/sobjects/Account/${IDS.A1}?fields=Name,Industry`);
    expect(r.body).toEqual({ attributes: { type: 'Account', url: `${V}/sobjects/Account/${IDS.A1}` }, Name: 'Acme Corporation', Industry: 'Manufacturing' });
    const all = (await get(fake, `${V}/sobjects/Contact/${IDS.C3.slice(0, 15)}`)).body;
    expect(all).toMatchObject({ Id: IDS.C3, Name: 'Eve Mallory', AccountId: IDS.A1, OwnerId: IDS.U1 });
    expect(all.Description).toContain('\u202e');
    const kids = (await get(fake, `${V}/sobjects/Account/${IDS.A1}/Contacts?fields=Name`)).body;
    expect(kids).toMatchObject({ totalSize: 2, done: true });
    expect(kids.records.map((c: { Name: string }) => c.Name)).toEqual(['Jane Doe', 'Eve Mallory']);
    expect((await get(fake, `${V}/sobjects/Account/${IDS.A1}/Nope`)).status).toBe(404);
    expect(await get(fake, `${V}/sobjects/Account/xyz`)).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_ID' }] });
    expect(await get(fake, `${V}/sobjects/Account/001000000000999AAA`)).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(await get(fake, `${V}/sobjects/Account/${IDS.A1}?fields=Foo`)).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Foo' on sobject of type Account" }] });
  });
});

describe('SOQL', () => {
  it('the open Acme deals over 50000 not touched in 14 days: exactly O1, with Account nested', async () => {
    const r = await soql(fake, "SELECT Id, Name, Amount, Account.Name FROM Opportunity WHERE Account.Name LIKE '%Acme%' AND Amount > 50000 AND IsClosed = false AND LastModifiedDate < LAST_N_DAYS:14");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      totalSize: 1,
      done: true,
      records: [{ attributes: { type: 'Opportunity', url: `${V}/sobjects/Opportunity/${IDS.O1}` }, Id: IDS.O1, Name: 'Acme - Enterprise Renewal', Amount: 120000, Account: { attributes: { type: 'Account', url: `${V}/sobjects/Account/${IDS.A1}` }, Name: 'Acme Corporation' } }],
    });
    expect(Object.keys(r.body.records[0])).toEqual(['attributes', 'Id', 'Name', 'Amount', 'Account']);
  });

  it('ORDER BY, LIMIT, OFFSET, NULLS, IN, NOT, OR, date literals and case-insensitive keywords', async () => {
    const names = async (q: string) => ((await soql(fake, q)).body.records as Array<{ Name: string }>).map((r) => r.Name);
    expect(await names('select name from opportunity order by amount desc limit 2 offset 1')).toEqual(['Acme - Enterprise Renewal', 'Acme - 2025 Expansion']);
    expect(await names("SELECT Name FROM Account WHERE Name IN ('globex', 'Acme Labs') ORDER BY Name")).toEqual(['Acme Labs', 'Globex']);
    expect(await names("SELECT Name FROM Account WHERE Industry NOT IN ('Energy') ORDER BY AnnualRevenue DESC NULLS LAST, Name DESC")).toEqual(['Acme Corporation', 'Acme Labs']);
    expect(await names("SELECT Name FROM Opportunity WHERE (StageName = 'Closed Won' OR Amount < 50000) AND NOT Name LIKE '%Seats'")).toEqual(['Acme - 2025 Expansion']);
    expect(await names('SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:30 ORDER BY CloseDate')).toEqual(['Globex - Platform', 'Acme - Enterprise Renewal']);
    expect(await names('SELECT Name FROM Opportunity WHERE LastModifiedDate = LAST_N_DAYS:14')).toEqual(['Acme Labs - Pilot']);
    expect(await names(`SELECT Name FROM Opportunity WHERE CloseDate < TODAY AND CreatedDate > ${new Date(Date.now() - 100 * 86400000).toISOString().slice(0, 19)}Z`)).toEqual(['Acme - 2025 Expansion']);
    expect(await names('SELECT Name FROM Account WHERE Phone != null')).toEqual(['Acme Corporation']);
    expect(await names("SELECT Name FROM Account WHERE Industry != 'Energy'")).toEqual(['Acme Corporation', 'Acme Labs']);
  });

  it('relationship paths: Owner, polymorphic What/Who, null lookups', async () => {
    const t = (await soql(fake, 'SELECT Subject, What.Name, What.Type, Who.Name, Owner.Name, IsClosed FROM Task')).body.records[0];
    expect(t).toEqual({
      attributes: { type: 'Task', url: `${V}/sobjects/Task/${IDS.T1}` },
      Subject: 'Send proposal',
      What: { attributes: { type: 'Name', url: `${V}/sobjects/Opportunity/${IDS.O1}` }, Name: 'Acme - Enterprise Renewal', Type: 'Opportunity' },
      Who: { attributes: { type: 'Name', url: `${V}/sobjects/Contact/${IDS.C1}` }, Name: 'Jane Doe' },
      Owner: { attributes: { type: 'User', url: `${V}/sobjects/User/${IDS.U1}` }, Name: 'Sam Seller' },
      IsClosed: true,
    });
    const leads = (await soql(fake, "SELECT Name, Owner.Name FROM Lead WHERE Status = 'open - not contacted'")).body.records;
    expect(leads).toHaveLength(1);
    const f = await fresh();
    await send(f, 'POST', `${V}/sobjects/Contact`, { LastName: 'Solo' });
    const solo = (await soql(f, "SELECT Account.Name FROM Contact WHERE LastName = 'Solo'")).body.records[0];
    expect(solo.Account).toBeNull();
    const o = (await soql(fake, `SELECT LastActivityDate FROM Opportunity WHERE Id = '${IDS.O1}'`)).body.records[0];
    expect(o.LastActivityDate).toBe(new Date(Date.now() - 25 * 86400000).toISOString().slice(0, 10));
  });

  it('aggregates: GROUP BY with SUM, aliases and exprN, COUNT(), COUNT(field), HAVING', async () => {
    const g = (await soql(fake, 'SELECT AccountId, SUM(Amount) total, COUNT(Id) FROM Opportunity GROUP BY AccountId ORDER BY SUM(Amount) DESC')).body;
    expect(g.totalSize).toBe(3);
    expect(g.records).toEqual([
      { attributes: { type: 'AggregateResult' }, AccountId: IDS.A1, total: 240000, expr0: 3 },
      { attributes: { type: 'AggregateResult' }, AccountId: IDS.A3, total: 200000, expr0: 1 },
      { attributes: { type: 'AggregateResult' }, AccountId: IDS.A2, total: 75000, expr0: 1 },
    ]);
    expect((await soql(fake, 'SELECT COUNT() FROM Opportunity')).body).toEqual({ totalSize: 5, done: true, records: [] });
    expect((await soql(fake, 'SELECT COUNT() FROM Opportunity WHERE IsClosed = true')).body.totalSize).toBe(1);
    const m = (await soql(fake, 'SELECT MAX(Amount), MIN(CloseDate), AVG(Amount) a FROM Opportunity WHERE IsWon = false')).body.records[0];
    expect(m).toMatchObject({ expr0: 200000, a: 106250 });
    const h = (await soql(fake, 'SELECT Account.Name, COUNT(Id) n FROM Opportunity GROUP BY Account.Name HAVING COUNT(Id) > 1')).body.records;
    expect(h).toEqual([{ attributes: { type: 'AggregateResult' }, Name: 'Acme Corporation', n: 3 }]);
    expect((await soql(fake, 'SELECT Name, COUNT(Id) FROM Opportunity')).body[0]).toMatchObject({ errorCode: 'MALFORMED_QUERY', message: expect.stringContaining('Field must be grouped or aggregated: Name') });
  });

  it('string escapes in literals', async () => {
    const f = await fresh();
    const created = await send(f, 'POST', `${V}/sobjects/Account`, { Name: "O'Neil \\ Sons" });
    expect(created.status).toBe(201);
    const r = await soql(f, "SELECT Id FROM Account WHERE Name = 'O\\'Neil \\\\ Sons'");
    expect(r.body.records.map((x: { Id: string }) => x.Id)).toEqual([created.body.id]);
    expect((await soql(f, "SELECT Id FROM Account WHERE Name LIKE 'o\\'n%'")).body.totalSize).toBe(1);
    expect((await soql(f, "SELECT Id FROM Account WHERE Name = 'a\\qb'")).body[0].errorCode).toBe('MALFORMED_QUERY');
  });

  it('errors in Salesforce shapes', async () => {
    const err = async (q: string) => (await soql(fake, q)).body[0] as { errorCode: string; message: string };
    const foo = await err('SELECT Foo FROM Account');
    expect(foo.errorCode).toBe('INVALID_FIELD');
    expect(foo.message).toContain("\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Account'");
    expect(await err('SELECT Id FROM Foo')).toMatchObject({ errorCode: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'Foo' is not supported.") });
    expect(await err('SELECT Id FROM')).toMatchObject({ errorCode: 'MALFORMED_QUERY', message: expect.stringContaining('unexpected token: <EOF>') });
    expect(await err('SELECT Id, FROM Account')).toMatchObject({ errorCode: 'MALFORMED_QUERY', message: expect.stringContaining('unexpected token: FROM') });
    expect(await err('SELECT Id, (SELECT Id FROM Contacts) FROM Account')).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    expect(await err("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'")).toMatchObject({ errorCode: 'MALFORMED_QUERY', message: expect.stringContaining('unexpected token: OR') });
    expect(await err("SELECT Id FROM Opportunity WHERE CloseDate > '2026-01-01'")).toMatchObject({ errorCode: 'INVALID_FIELD', message: expect.stringContaining("must be of type date and should not be enclosed in quotes") });
    expect(await err('SELECT Id FROM Opportunity WHERE LastModifiedDate > 2026-01-01')).toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect(await err("SELECT Id FROM Account WHERE Id = 'abc'")).toMatchObject({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' });
    expect(await err('SELECT Id FROM Opportunity WHERE Foo.Name = null')).toMatchObject({ errorCode: 'INVALID_FIELD', message: expect.stringContaining("Didn't understand relationship 'Foo'") });
    const f = await fresh();
    const missing = await get(f, `${V}/query`);
    expect(missing.status).toBe(400);
    expect(f.violations).toHaveLength(1);
    expect(await get(f, `${V}/query/01gXXXX-2`)).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }] });
  });

  it('queryMore pages with batchSize, and Sforce-Query-Options overrides it', async () => {
    const f = await fresh({ batchSize: 2 });
    const first = (await soql(f, 'SELECT Name FROM Opportunity ORDER BY Name')).body;
    expect(first).toMatchObject({ totalSize: 5, done: false });
    expect(first.records).toHaveLength(2);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-2$/);
    const second = (await get(f, first.nextRecordsUrl)).body;
    expect(second).toMatchObject({ totalSize: 5, done: false });
    const third = (await get(f, second.nextRecordsUrl)).body;
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    expect([...first.records, ...second.records, ...third.records].map((r: { Name: string }) => r.Name)).toEqual(['Acme - 2025 Expansion', 'Acme - Add-on Seats', 'Acme - Enterprise Renewal', 'Acme Labs - Pilot', 'Globex - Platform']);
    const big = (await soql(f, 'SELECT Name FROM Opportunity', { 'sforce-query-options': 'batchSize=200' })).body;
    expect(big).toMatchObject({ totalSize: 5, done: true });
    const conn = new Connection({ instanceUrl: f.url, accessToken: TOKEN, version: '62.0', logLevel: 'NONE' });
    const page1 = await conn.query('SELECT Id FROM Opportunity');
    expect(page1.done).toBe(false);
    const page2 = await conn.queryMore(page1.nextRecordsUrl!);
    expect(page2.records).toHaveLength(2);
    const all = await conn.query('SELECT Id FROM Opportunity', { autoFetch: true, maxFetch: 100 });
    expect(all.records).toHaveLength(5);
  });

  it('FOR VIEW marks records viewed; queryAll returns deleted records', async () => {
    const f = await fresh();
    await soql(f, `SELECT Id FROM Account WHERE Id = '${IDS.A2}' FOR VIEW`);
    expect(f.records.Account!.find((a) => a.Id === IDS.A2)).toMatchObject({ LastViewedDate: expect.stringMatching(/\+0000$/), LastReferencedDate: expect.any(String) });
    expect(f.records.Account!.find((a) => a.Id === IDS.A1)!.LastViewedDate).toBeNull();
    expect((await send(f, 'DELETE', `${V}/sobjects/Opportunity/${IDS.O2}`, '')).status).toBe(204);
    expect((await soql(f, 'SELECT COUNT() FROM Opportunity')).body.totalSize).toBe(4);
    const all = await get(f, `${V}/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Opportunity WHERE IsDeleted = true')}`);
    expect(all.body.records).toEqual([{ attributes: { type: 'Opportunity', url: `${V}/sobjects/Opportunity/${IDS.O2}` }, Id: IDS.O2, IsDeleted: true }]);
  });
});

describe('writes', () => {
  it('create, update and delete with derived fields', async () => {
    const f = await fresh();
    const c = await send(f, 'POST', `${V}/sobjects/Contact`, { FirstName: 'Ada', LastName: 'Lovelace', AccountId: IDS.A3, Email: 'ada@globex.example' });
    expect(c).toEqual({ status: 201, body: { id: expect.stringMatching(/^003\d{12}AAA$/), success: true, errors: [] } });
    const rec = f.records.Contact!.find((x) => x.Id === c.body.id)!;
    expect(rec).toMatchObject({ Name: 'Ada Lovelace', OwnerId: IDS.U1, CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/) });
    const o = await send(f, 'POST', `${V}/sobjects/Opportunity`, { Name: 'New', StageName: 'Prospecting', CloseDate: '2026-12-31' });
    expect(f.records.Opportunity!.find((x) => x.Id === o.body.id)).toMatchObject({ IsClosed: false, IsWon: false, Probability: 10 });
    expect((await send(f, 'PATCH', `${V}/sobjects/Opportunity/${o.body.id}`, { StageName: 'Closed Won' })).status).toBe(204);
    expect(f.records.Opportunity!.find((x) => x.Id === o.body.id)).toMatchObject({ IsClosed: true, IsWon: true, Probability: 100 });
    expect(await send(f, 'PATCH', `${V}/sobjects/Opportunity/006000000000999AAA`, { Name: 'x' })).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect((await send(f, 'DELETE', `${V}/sobjects/Contact/${c.body.id}`, '')).status).toBe(204);
    expect(await send(f, 'DELETE', `${V}/sobjects/Contact/${c.body.id}`, '')).toEqual({ status: 404, body: [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }] });
    expect(await send(f, 'DELETE', `${V}/sobjects/Contact/003000000000999AAA`, '')).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(f.violations).toEqual([]);
  });

  it('field checks in Salesforce words', async () => {
    const f = await fresh();
    const post = (obj: string, body: unknown) => send(f, 'POST', `${V}/sobjects/${obj}`, body);
    expect(await post('Account', { Name: 'X', Foo: 1 })).toEqual({ status: 400, body: [{ message: "No such column 'Foo' on sobject of type Account", errorCode: 'INVALID_FIELD' }] });
    expect((await post('Contact', { LastName: 'X', Name: 'Y' })).body[0]).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: expect.stringMatching(/^Unable to create\/update fields: Name\./), fields: ['Name'] });
    expect((await post('Contact', { FirstName: 'X' })).body[0]).toEqual({ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] });
    expect((await post('Opportunity', { Name: 'X' })).body[0]).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['StageName', 'CloseDate'] });
    expect((await post('Opportunity', { Name: 'X', StageName: 'Won', CloseDate: '2026-01-01' })).body[0]).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: expect.stringContaining('bad value for restricted picklist field: Won'), fields: ['StageName'] });
    expect((await post('Account', { Name: 'X', Industry: 'Aerospace' })).status).toBe(201);
    expect((await post('Opportunity', { Name: 'X', StageName: 'Prospecting', CloseDate: '12/31/2026' })).body[0]).toMatchObject({ errorCode: 'JSON_PARSER_ERROR', message: expect.stringContaining('Cannot deserialize instance of date from VALUE_STRING value 12/31/2026') });
    expect((await post('Contact', { LastName: 'X', AccountId: '001000000000999AAA' })).body[0]).toMatchObject({ errorCode: 'INVALID_CROSS_REFERENCE_KEY' });
    expect((await post('Task', { Subject: 'x', IsClosed: true })).body[0]).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['IsClosed'] });
    const t = await post('Task', { Subject: 'x', TaskSubtype: 'Call' });
    expect((await send(f, 'PATCH', `${V}/sobjects/Task/${t.body.id}`, { TaskSubtype: 'Email' })).body[0]).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    expect((await send(f, 'PATCH', `${V}/sobjects/Contact/${IDS.C1}`, { LastName: null })).body[0]).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] });
    expect((await send(f, 'PATCH', `${V}/sobjects/Lead/${IDS.L1}`, { Status: 'Nope' })).body[0].errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    expect(f.violations).toEqual([]);
  });

  it('a form POST to /sobjects is a violation', async () => {
    const f = await fresh();
    const r = await send(f, 'POST', `${V}/sobjects/Account`, 'Name=Evil', 'application/x-www-form-urlencoded');
    expect(r.status).toBe(415);
    expect(f.violations).toHaveLength(1);
    expect(f.violations[0]!.call).toMatchObject({ method: 'POST', path: `${V}/sobjects/Account`, body: { Name: 'Evil' } });
    expect(f.records.Account).toHaveLength(3);
  });

  it('jsforce creates a Task and reads it back', async () => {
    const f = await fresh();
    const conn = new Connection({ instanceUrl: f.url, accessToken: TOKEN, version: '62.0', logLevel: 'NONE' });
    const res = await conn.sobject('Task').create({ Subject: 'Call Jane', WhoId: IDS.C1, WhatId: IDS.O3, Status: 'Completed', ActivityDate: '2026-01-15' });
    expect(res).toMatchObject({ success: true, id: expect.stringMatching(/^00T/) });
    const q = await conn.query<{ Subject: string; Priority: string; IsClosed: boolean; What: { Name: string } }>(`SELECT Subject, Priority, IsClosed, What.Name FROM Task WHERE Id = '${res.id}'`);
    expect(q.records[0]).toMatchObject({ Subject: 'Call Jane', Priority: 'Normal', IsClosed: true, What: { Name: 'Acme Labs - Pilot' } });
    expect(f.records.Opportunity!.find((o) => o.Id === IDS.O3)!.LastActivityDate).toBe('2026-01-15');
    await expect(conn.sobject('Task').create({ Subject: 'x', Priority: 'Urgent' })).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
  });
});

describe('SOSL', () => {
  const search = (q: string) => get(fake, `${V}/search?q=${encodeURIComponent(q)}`);
  it('FIND with RETURNING, WHERE, LIMIT and scopes', async () => {
    const r = (await search('FIND {acme} IN ALL FIELDS RETURNING Account(Name ORDER BY Name), Opportunity(Name, Amount WHERE Amount > 100000)')).body;
    expect(r.searchRecords).toEqual([
      { attributes: { type: 'Account', url: `${V}/sobjects/Account/${IDS.A1}` }, Id: IDS.A1, Name: 'Acme Corporation' },
      { attributes: { type: 'Account', url: `${V}/sobjects/Account/${IDS.A2}` }, Id: IDS.A2, Name: 'Acme Labs' },
      { attributes: { type: 'Opportunity', url: `${V}/sobjects/Opportunity/${IDS.O1}` }, Id: IDS.O1, Name: 'Acme - Enterprise Renewal', Amount: 120000 },
    ]);
    const ids = (await search('FIND {jane*} IN EMAIL FIELDS')).body.searchRecords;
    expect(ids).toEqual([{ attributes: { type: 'Contact', url: `${V}/sobjects/Contact/${IDS.C1}` }, Id: IDS.C1 }]);
    expect((await search('FIND {Acme} RETURNING Account LIMIT 1')).body.searchRecords).toHaveLength(1);
    expect((await search('FIND {\\+1 415 555 0199} RETURNING Contact(Name)')).body.searchRecords.map((x: { Name: string }) => x.Name)).toEqual(['Eve Mallory']);
    expect((await search('FIND {Globex OR Initech} RETURNING Account(Name), Lead(Company)')).body.searchRecords).toHaveLength(2);
  });

  it('errors', async () => {
    expect(await search('FIND {a}')).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_SEARCH', message: 'search term must be longer than one character' }] });
    expect((await search('FIND acme')).body[0].errorCode).toBe('MALFORMED_SEARCH');
    expect((await search('FIND {acme} RETURNING')).body[0].errorCode).toBe('MALFORMED_SEARCH');
    expect((await search('FIND {acme-labs}')).body[0].errorCode).toBe('MALFORMED_SEARCH');
    expect((await search('FIND {acme} RETURNING Foo')).body[0].errorCode).toBe('INVALID_TYPE');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, makeDatabase, SHOP_SQL, textOf } from './helpers.js';

describe('in-process session', () => {
  const db = makeDatabase(SHOP_SQL);
  let session: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    session = await connect([db.file]);
  });
  afterAll(async () => {
    await session.close();
    db.cleanup();
  });

  it('answers a query through the SDK client', async () => {
    const r = await session.call('read_query', { sql: 'SELECT name FROM customers ORDER BY id' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ columns: ['name'], rows: [['Ada'], ['Linus'], ['Grace']], rowCount: 3, truncated: false, totalRows: 3 });
    expect(textOf(r)).toContain('Linus');
  });
});

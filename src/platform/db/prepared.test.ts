import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../database.js';
import { createTestApp, DB, type TestApp } from '../../../test/helpers.js';
import { insertRows, preparedQuery, StatementValue } from './prepared.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t?.close(); });

describe('prepared queries', () => {
  let builds = 0;
  const byKey = preparedQuery((db: Kysely<Database>, p: { userId: string; key: string }) => {
    builds++;
    return db.selectFrom('idempotency_record').select(['idem_key', 'result_id', 'created_at']).where('user_id', '=', p.userId).where('scope', '=', 'test').where('idem_key', '=', p.key);
  });
  const record = (key: string, scope = 'test') => ({ user_id: 'u1', scope, idem_key: key, request_hash: 'h', result_id: `r-${key}`, created_at: '2026-11-27T00:00:00.000Z' });
  const retarget = preparedQuery((db: Kysely<Database>, p: { key: string; resultId: string }) =>
    db.updateTable('idempotency_record').set({ result_id: p.resultId }).where('scope', '=', 'test').where('idem_key', '=', p.key));

  it('builds the SQL once and binds new values on every call, constants included', async () => {
    // Same key under another scope: the constant 'test' in the query must keep it out.
    await insertRows<Database>(t.deps.db, { idempotency_record: [record('a'), record('b'), record('c'), { ...record('b', 'other'), result_id: 'r-other' }] });
    expect((await byKey.first(t.deps.db, { userId: 'u1', key: 'b' }))?.result_id).toBe('r-b');
    expect((await byKey.all(t.deps.db, { userId: 'u1', key: 'c' })).map((r) => r.result_id)).toEqual(['r-c']);
    expect(await byKey.first(t.deps.db, { userId: 'u2', key: 'b' })).toBeUndefined();
    expect(builds).toBe(1);
  });

  it('counts the rows an update wrote, and runs inside a transaction', async () => {
    await t.deps.db.transaction().execute(async (trx) => {
      expect(await retarget.affected(trx, { key: 'a', resultId: 'r-a2' })).toBe(1);
      expect(await retarget.affected(trx, { key: 'zzz', resultId: 'r-x' })).toBe(0);
    });
    expect((await byKey.first(t.deps.db, { userId: 'u1', key: 'a' }))?.result_id).toBe('r-a2');
  });

  it('refuses a call that leaves a placeholder without a value, before touching the database', async () => {
    await expect(byKey.first(t.deps.db, { userId: 'u1' } as never)).rejects.toThrow(/no value for :key/);
  });

  it('inserts rows of several tables in one step, the later ones referring to the earlier, and all or nothing', async () => {
    const user = { id: 'usr_rows', phone: '13900000001', name: '行', password_hash: null, failed_logins: 0, locked_until: null, disabled_at: null, created_at: '2026-11-27T00:00:00.000Z' };
    const session = (id: string) => ({ id, user_id: user.id, token_hash: `hash-${id}`, csrf_token: 'c', ip: null, user_agent: null, created_at: user.created_at, last_seen_at: user.created_at, expires_at: '2099-01-01T00:00:00.000Z', revoked_at: null });
    await insertRows<Database>(t.deps.db, { app_user: [user], user_session: [session('ses_1'), session('ses_2')] });
    expect((await t.deps.db.selectFrom('user_session').select('id').where('user_id', '=', user.id).orderBy('id').execute()).map((r) => r.id)).toEqual(['ses_1', 'ses_2']);
    // A clash in the last table undoes the first table's rows too (inside the caller's transaction).
    await expect(t.deps.db.transaction().execute((trx) => insertRows<Database>(trx, { idempotency_record: [record('new')], user_session: [session('ses_1')] }))).rejects.toThrow();
    expect(await byKey.first(t.deps.db, { userId: 'u1', key: 'new' })).toBeUndefined();
  });

  it('refuses a name that is not a plain identifier, and rows of one table with different columns', async () => {
    const bad = { ...record('x'), 'idem_key") values (1); --': 'x' };
    await expect(insertRows<Database>(t.deps.db, { idempotency_record: [bad as never] })).rejects.toThrow(/not a plain identifier/);
    await expect(insertRows<Database>(t.deps.db, { idempotency_record: [record('y'), { ...record('z'), result_id: undefined } as never] })).rejects.toThrow(/differ in their columns/);
    expect(await byKey.first(t.deps.db, { userId: 'u1', key: 'y' })).toBeUndefined();
  });
});

describe('leading clauses and values the statement works out', () => {
  const row = (key: string, resultId: unknown) => ({ user_id: 'u5', scope: 'lead', idem_key: key, request_hash: 'h', result_id: resultId, created_at: '2026-11-27T00:00:00.000Z' }) as never;
  const lead = (key: string) => ({ clauses: [{ name: 'picked', sql: `select $1::text as v where $2::text = 'go'` }], parameters: [`from-lead-${key}`, key.startsWith('go') ? 'go' : 'stop'] });

  it.runIf(DB === 'postgres')('on PostgreSQL: one statement; a value from an empty clause is null and NOT NULL refuses the whole statement', async () => {
    await insertRows<Database>(t.deps.db, { idempotency_record: [row('go-1', new StatementValue('(select v from "picked")'))] }, lead('go-1'));
    expect((await byKeyIn('lead', 'go-1'))?.result_id).toBe('from-lead-go-1');
    await expect(insertRows<Database>(t.deps.db, { idempotency_record: [row('stop-1', new StatementValue('(select v from "picked")'))] }, lead('stop-1'))).rejects.toMatchObject({ code: '23502' });
    expect(await byKeyIn('lead', 'stop-1')).toBeUndefined();
    // Leading clauses with nothing after them would silently not run: refused.
    await expect(insertRows<Database>(t.deps.db, {}, lead('go-5'))).rejects.toThrow(/need rows after them/);
  });

  it.runIf(DB === 'sqlite')('on SQLite: refused, since SQLite has no data-modifying with clauses', async () => {
    await expect(insertRows<Database>(t.deps.db, { idempotency_record: [row('go-2', 'r')] }, lead('go-2'))).rejects.toThrow(/need PostgreSQL/);
    await expect(insertRows<Database>(t.deps.db, { idempotency_record: [row('go-3', new StatementValue('1'))] })).rejects.toThrow(/needs PostgreSQL/);
    expect(await byKeyIn('lead', 'go-3')).toBeUndefined();
    // Checked before anything is written: the first table's row does not go in either.
    await expect(insertRows<Database>(t.deps.db, { idempotency_record: [row('go-4', 'r')], checkout: [{ id: new StatementValue('1') }] } as never)).rejects.toThrow(/needs PostgreSQL/);
    expect(await byKeyIn('lead', 'go-4')).toBeUndefined();
  });
});

const byKeyIn = (scope: string, key: string) => t.deps.db.selectFrom('idempotency_record').select('result_id').where('scope', '=', scope).where('idem_key', '=', key).executeTakeFirst();

describe.runIf(DB === 'postgres')('named statements on PostgreSQL', () => {
  it('names a statement sent a few times, so the connection parses and plans it once; answers stay the same', async () => {
    const stmts = (trx: Kysely<Database>) => sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx).then((r) => r.rows.map((x) => x.statement));
    await t.deps.db.transaction().execute(async (trx) => {
      const key = `named-${Date.now()}`;
      await insertRows<Database>(trx, { idempotency_record: [{ user_id: 'u9', scope: 'named', idem_key: key, request_hash: 'h', result_id: 'r9', created_at: '2026-11-27T00:00:00.000Z' }] });
      // A shape of its own: no other test sends it.
      const read = () => trx.selectFrom('idempotency_record').select(['result_id', 'request_hash']).where('scope', '=', 'named').where('idem_key', '=', key).executeTakeFirst();
      expect(await read()).toEqual({ result_id: 'r9', request_hash: 'h' });
      expect((await stmts(trx)).some((s) => s.includes('"request_hash" from'))).toBe(false);
      for (let i = 0; i < 3; i++) expect(await read()).toEqual({ result_id: 'r9', request_hash: 'h' });
      const named = await stmts(trx);
      expect(named.filter((s) => s.includes('"request_hash" from') && s.includes('"scope" = $1') && s.includes('"idem_key" = $2'))).toHaveLength(1);
      // Statements without values (transaction control, DDL, scripts) are never named.
      expect(named.some((s) => /^(begin|commit|select statement)/i.test(s.trim()))).toBe(false);
    });
  });

  it('never names a long statement (a batch of checkouts), however often it is sent', async () => {
    await t.deps.db.connection().execute(async (db) => {
      const stmts = () => sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db).then((r) => r.rows.map((x) => x.statement));
      // Over 8,000 characters, as a batch's statement is.
      const padding = Array.from({ length: 700 }, (_v, i) => `${i} as c${i}`).join(', ');
      const long = sql<{ x: number }>`select ${1}::int as x, ${sql.raw(padding)}`;
      for (let i = 0; i < 4; i++) expect((await long.execute(db)).rows[0]!.x).toBe(1);
      expect((await stmts()).some((s) => s.includes('as c699'))).toBe(false);
    });
  });

  it('never names a statement that returns *, and one whose plan a migration made stale is prepared afresh', async () => {
    await t.deps.db.connection().execute(async (db) => {
      const stmts = () => sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db).then((r) => r.rows.map((x) => x.statement));
      await sql`create table named_change (id integer primary key, v integer)`.execute(db);
      await sql`insert into named_change values (1, 7)`.execute(db);
      for (let i = 0; i < 4; i++) expect((await sql`select * from named_change where id = ${1}`.execute(db)).rows).toEqual([{ id: 1, v: 7 }]);
      expect((await stmts()).some((s) => s.includes('select * from named_change'))).toBe(false);

      const read = () => sql<{ v: unknown }>`select v from named_change where id = ${1}`.execute(db).then((r) => r.rows[0]?.v);
      for (let i = 0; i < 4; i++) expect(await read()).toBe(7);
      expect((await stmts()).filter((s) => s.includes('select v from named_change'))).toHaveLength(1);
      // What a rolling upgrade does to an old process's connection: the column changes under it.
      await sql`alter table named_change alter column v type text`.execute(db);
      await expect(read()).rejects.toMatchObject({ code: '0A000' });
      for (let i = 0; i < 4; i++) expect(await read()).toBe('7');
    });
  });
});

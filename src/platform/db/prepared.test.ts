import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.js';
import { createTestApp, type TestApp } from '../../../test/helpers.js';
import { preparedInsert, preparedQuery } from './prepared.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t?.close(); });

describe('prepared queries', () => {
  let builds = 0;
  const byKey = preparedQuery((db: Kysely<Database>, p: { userId: string; key: string }) => {
    builds++;
    return db.selectFrom('idempotency_record').select(['idem_key', 'result_id', 'created_at']).where('user_id', '=', p.userId).where('scope', '=', 'test').where('idem_key', '=', p.key);
  });
  const insertRecord = preparedInsert<Database, 'idempotency_record'>('idempotency_record', { user_id: true, scope: true, idem_key: true, request_hash: true, result_id: true, created_at: true });
  const retarget = preparedQuery((db: Kysely<Database>, p: { key: string; resultId: string }) =>
    db.updateTable('idempotency_record').set({ result_id: p.resultId }).where('scope', '=', 'test').where('idem_key', '=', p.key));

  it('builds the SQL once and binds new values on every call, constants included', async () => {
    for (const key of ['a', 'b', 'c']) {
      expect(await insertRecord(t.deps.db, { user_id: 'u1', scope: 'test', idem_key: key, request_hash: 'h', result_id: `r-${key}`, created_at: '2026-11-27T00:00:00.000Z' })).toBe(1);
    }
    // Same key under another scope: the constant 'test' in the query must keep it out.
    await insertRecord(t.deps.db, { user_id: 'u1', scope: 'other', idem_key: 'b', request_hash: 'h', result_id: 'r-other', created_at: '2026-11-27T00:00:00.000Z' });
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
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DB, type TestApp } from '../test/helpers.js';
import { inTransaction, systemCtx, writeAlone, type Deps } from './context.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t?.close(); });

const nonce = (n: string) => ({ provider: 'test', nonce: n, event_id: `ev-${n}`, seen_at: '2026-11-27T00:00:00.000Z' });
const stored = async (n: string) => (await t.deps.db.selectFrom('payment_nonce').select('nonce').where('provider', '=', 'test').where('nonce', '=', n).execute()).length;

describe('writeAlone', () => {
  it('on SQLite joins the group commit (no autocommit fsync of its own); on PostgreSQL runs without a transaction', async () => {
    let transactions = 0;
    const deps: Deps = { ...t.deps, transact: (fn) => { transactions++; return t.deps.transact(fn); } };
    await Promise.all(['a', 'b', 'c'].map((n) => writeAlone(systemCtx(deps), (db) => db.insertInto('payment_nonce').values(nonce(n)).execute())));
    expect(transactions).toBe(DB === 'sqlite' ? 3 : 0);
    expect([await stored('a'), await stored('b'), await stored('c')]).toEqual([1, 1, 1]);
  });

  it('inside a transaction is part of it, and goes when the transaction is rolled back', async () => {
    await expect(inTransaction(systemCtx(t.deps), async (tx) => {
      await writeAlone(tx, (db) => db.insertInto('payment_nonce').values(nonce('rolled-back')).execute());
      expect(await tx.db.selectFrom('payment_nonce').select('nonce').where('nonce', '=', 'rolled-back').execute()).toHaveLength(1);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(await stored('rolled-back')).toBe(0);
  });
});

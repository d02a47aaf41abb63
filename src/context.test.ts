import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DB, type TestApp } from '../test/helpers.js';
import { afterCommit, inTransaction, systemCtx, writeAlone, type Deps } from './context.js';

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

describe('afterCommit', () => {
  const ctx = () => systemCtx(t.deps);
  const write = (tx: ReturnType<typeof ctx>, n: string) => tx.db.insertInto('payment_nonce').values(nonce(n)).execute();

  it('outside a transaction runs at once', () => {
    let ran = false;
    afterCommit(ctx(), () => { ran = true; });
    expect(ran).toBe(true);
  });

  it('inside one runs after the COMMIT, in the order given; a nested transaction\'s hooks wait for the outer one', async () => {
    const ran: string[] = [];
    await inTransaction(ctx(), async (tx) => {
      await write(tx, 'hooked');
      afterCommit(tx, () => { ran.push('first'); });
      await inTransaction(tx, async (inner) => { afterCommit(inner, () => { ran.push('nested'); }); });
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['first', 'nested']);
    expect(await stored('hooked')).toBe(1);
  });

  it('never runs when the transaction rolls back', async () => {
    let ran = false;
    await expect(inTransaction(ctx(), async (tx) => {
      await write(tx, 'hook-rolled-back');
      afterCommit(tx, () => { ran = true; });
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(ran).toBe(false);
    expect(await stored('hook-rolled-back')).toBe(0);
  });

  it('of transactions committed together (one group commit on SQLite), runs the hooks of those that succeeded only', async () => {
    const ran: number[] = [];
    const results = await Promise.allSettled([0, 1, 2, 3].map((i) => inTransaction(ctx(), async (tx) => {
      await write(tx, `together-${i}`);
      afterCommit(tx, () => { ran.push(i); });
      if (i === 2) throw new Error('this one fails');
    })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(ran.sort()).toEqual([0, 1, 3]);
    expect(await Promise.all([0, 1, 2, 3].map((i) => stored(`together-${i}`)))).toEqual([1, 1, 0, 1]);
  });

  it('a hook that throws does not turn a committed write into an error; the hooks after it still run', async () => {
    let later = false;
    await expect(inTransaction(ctx(), async (tx) => {
      await write(tx, 'hook-throws');
      afterCommit(tx, () => { throw new Error('cache full'); });
      afterCommit(tx, () => { later = true; });
      return 'done';
    })).resolves.toBe('done');
    expect([later, await stored('hook-throws')]).toEqual([true, 1]);
  });

  it('refuses a transaction that inTransaction did not open: its commit could not be seen', async () => {
    await t.deps.db.transaction().execute(async (trx) => {
      expect(() => afterCommit({ ...ctx(), db: trx }, () => {})).toThrow(/not opened by inTransaction/);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { batchedRead, oneRowLookups, rowsByOrdinal } from './read-batch.js';
import { connectDb } from './connect.js';

// The batcher only uses the database as a key and hands it to readMany.
const dbA = {} as Kysely<unknown>;
const dbB = {} as Kysely<unknown>;

describe('batchedRead', () => {
  it('answers the look-ups of one event-loop turn with one read, each with its own rows', async () => {
    const calls: { db: unknown; keys: number[] }[] = [];
    const read = batchedRead(async (db, keys: number[]) => {
      calls.push({ db, keys });
      return keys.map((k) => (k % 2 ? [k * 10] : []));
    });
    const answers = await Promise.all([read(dbA, 1), read(dbA, 2), read(dbA, 3), read(dbB, 5)]);
    expect(answers).toEqual([[10], [], [30], [50]]);
    // One read per database, in the order the look-ups came.
    expect(calls).toEqual([{ db: dbA, keys: [1, 2, 3] }, { db: dbB, keys: [5] }]);
    // The next turn is a new batch.
    expect(await read(dbA, 7)).toEqual([70]);
    expect(calls).toHaveLength(3);
  });

  it('splits a large turn into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const read = batchedRead(async (_db, keys: number[]) => {
      sizes.push(keys.length);
      return keys.map((k) => [k]);
    }, 4);
    const answers = await Promise.all(Array.from({ length: 10 }, (_v, i) => read(dbA, i)));
    expect(answers).toEqual(Array.from({ length: 10 }, (_v, i) => [i]));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('a failed read fails every look-up of its batch, and the next turn reads afresh', async () => {
    let fail = true;
    const read = batchedRead(async (_db, keys: number[]) => {
      if (fail) throw new Error('connection lost');
      return keys.map((k) => [k]);
    });
    const results = await Promise.allSettled([read(dbA, 1), read(dbA, 2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await read(dbA, 3)).toEqual([3]);
  });

  it('rowsByOrdinal gives each key its rows by their 1-based n, and none to a key without rows', () => {
    expect(rowsByOrdinal<{ v: string }>(3, [{ n: 3, v: 'c' }, { n: 1, v: 'a1' }, { n: 1, v: 'a2' }])).toEqual([[{ v: 'a1' }, { v: 'a2' }], [], [{ v: 'c' }]]);
  });

  it('on SQLite, oneRowLookups reads a turn\'s keys in one read transaction, and a lone key without one', async () => {
    const handle = await connectDb<unknown>({ sqlitePath: ':memory:' });
    try {
      const inTransaction: boolean[] = [];
      const lookup = oneRowLookups(
        { first: async (db: Kysely<unknown>, k: number) => { inTransaction.push(db.isTransaction); return (await sql<{ v: number }>`select ${k} * 10 as v where ${k} % 2 = 1`.execute(db)).rows[0]; } },
        async () => { throw new Error('the PostgreSQL form is not used on SQLite'); },
      );
      expect(await Promise.all([lookup(handle.db, 1), lookup(handle.db, 2), lookup(handle.db, 3)])).toEqual([[{ v: 10 }], [], [{ v: 30 }]]);
      // Outside a transaction each statement would take and drop SQLite's read lock on its own.
      expect(inTransaction).toEqual([true, true, true]);
      inTransaction.length = 0;
      expect(await lookup(handle.db, 5)).toEqual([{ v: 50 }]);
      expect(inTransaction).toEqual([false]);
    } finally {
      await handle.close();
    }
  });
});

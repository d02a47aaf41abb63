import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { batchedRead, rowsByOrdinal } from './read-batch.js';

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
});

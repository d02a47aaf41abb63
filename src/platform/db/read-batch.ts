import { sql, type Kysely } from 'kysely';
import { dialectOf } from './connect.js';

/**
 * Look-ups of one kind that arrive in the same event-loop turn, answered by one statement.
 *
 * On PostgreSQL every statement is a round trip, and on the 2-core machine a round trip is a
 * system call that wakes a backend on the other core: in a flash sale the checkout's one read
 * cost as much of the node process as everything else it did. The reads of the requests that
 * came in together are sent as one statement (`readMany` gets all their keys, typically through
 * `unnest`, and gives back each key's rows), so N round trips become one. Reads need no order
 * among themselves, so a batch is sent every turn, without waiting for the one before. On
 * SQLite `readMany` may simply run them one after another: there is no round trip to save, but
 * the answers of the turn still leave together, and the client is woken once per burst.
 *
 *   const stockOf = batchedRead((db, keys: string[]) => …one statement for all keys…);
 *   const rows = await stockOf(db, skuId);
 */
export function batchedRead<DB, K, R>(readMany: (db: Kysely<DB>, keys: K[]) => Promise<R[][]>, maxBatch = 500) {
  interface Waiting { key: K; resolve: (rows: R[]) => void; reject: (err: unknown) => void }
  // One queue per database: tests run many apps, each on its own.
  const queues = new WeakMap<Kysely<DB>, Waiting[]>();

  async function send(db: Kysely<DB>, batch: Waiting[]) {
    try {
      const rows = await readMany(db, batch.map((w) => w.key));
      batch.forEach((w, i) => w.resolve(rows[i] ?? []));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  return (db: Kysely<DB>, key: K): Promise<R[]> =>
    new Promise((resolve, reject) => {
      let queue = queues.get(db);
      if (!queue) {
        queues.set(db, (queue = []));
        setImmediate(() => {
          queues.delete(db);
          for (let i = 0; i < queue!.length; i += maxBatch) void send(db, queue!.slice(i, i + maxBatch));
        });
      }
      queue.push({ key, resolve, reject });
    });
}

/**
 * Splits the rows of a batched statement by the key they answer: `n` is the key's 1-based place
 * (`unnest(…) with ordinality`), and keys without rows get none.
 */
export function rowsByOrdinal<R>(keys: number, rows: (R & { n: number })[]): R[][] {
  const answers: R[][] = Array.from({ length: keys }, () => []);
  for (const { n, ...row } of rows) answers[Number(n) - 1]!.push(row as unknown as R);
  return answers;
}

/**
 * Look-ups of at most one row each, answered together per event-loop turn: on PostgreSQL all of
 * a turn's keys go as ONE statement (`many`, its rows tagged with `n`, typically over wantRows);
 * on SQLite, which has no round trips, each key runs `one` in turn, inside one read transaction,
 * and the answers still leave together.
 */
export function oneRowLookups<DB, K, R>(one: { first: (db: Kysely<DB>, key: K) => Promise<R | undefined> }, many: (db: Kysely<DB>, keys: K[]) => Promise<(R & { n: number })[]>) {
  return batchedRead(async (db: Kysely<DB>, keys: K[]) => {
    if (dialectOf(db) === 'sqlite') {
      const each = (on: Kysely<DB>) => Promise.all(keys.map(async (k) => { const row = await one.first(on, k); return row ? [row] : []; }));
      // One read transaction for the turn's keys: outside a transaction every statement takes
      // and drops its WAL read lock (two fcntl system calls, ≈ 7 µs of an 11 µs point read on
      // the 2-core machine); inside one, the lock is taken once for all of them.
      return keys.length > 1 && !db.isTransaction ? db.transaction().execute((trx) => each(trx)) : each(db);
    }
    return rowsByOrdinal<R>(keys.length, await many(db, keys));
  });
}

/**
 * `unnest($1::text[], …) with ordinality as "want"("c1", …, "n")` (PostgreSQL): one row per key
 * of a batch, each array holding one column of the keys, `n` the key's 1-based place.
 */
export function wantRows<C extends string>(columns: C[], arrays: string[][]) {
  if (columns.length !== arrays.length) throw new Error('wantRows: one array per column');
  return sql<Record<C, string> & { n: number }>`unnest(${sql.join(arrays.map((a) => sql`${a}::text[]`))}) with ordinality`
    .as<'want'>(sql.raw(`"want"(${[...columns, 'n'].map((c) => `"${c}"`).join(', ')})`));
}

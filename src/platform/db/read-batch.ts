import type { Kysely } from 'kysely';

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

import { CompiledQuery, type Kysely, type Transaction } from 'kysely';

// Compiled once: a batch runs these around every job.
const SAVEPOINT = CompiledQuery.raw('savepoint group_job');
const RELEASE = CompiledQuery.raw('release savepoint group_job');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint group_job');

export type TransactionRunner<DB> = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => Promise<T>;

/**
 * Group commit for SQLite. Every write transaction that arrives while the previous batch is
 * being written, or in the same event-loop turn, runs inside ONE database transaction, each
 * in a savepoint of its own; then one COMMIT (one fsync) makes all of them durable, and only
 * then is each caller answered. A job that throws is rolled back to its savepoint alone and
 * gets its own error; the others commit. Jobs run one after another, so each sees the
 * writes of the jobs before it, exactly as if they had run in separate transactions in that
 * order. With synchronous=FULL this turns N fsyncs into one.
 *
 * Jobs must not wait on anything outside the database (network, timers): the batch holds
 * the only SQLite writer while they run. Our services call providers after commit.
 */
export function groupCommit<DB>(db: Kysely<DB>, maxBatch = 500): TransactionRunner<DB> {
  interface Job { fn: (trx: Transaction<DB>) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }
  let queue: Job[] = [];
  let running = false;

  async function flush(jobs: Job[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const job of jobs) {
          await trx.executeQuery(SAVEPOINT);
          try {
            const value = await job.fn(trx);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The COMMIT itself failed (disk full, I/O error): nothing of this batch is durable.
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length) {
        // Let the requests of this event-loop turn join the batch.
        await new Promise((r) => setImmediate(r));
        const jobs = queue.slice(0, maxBatch);
        queue = queue.slice(jobs.length);
        await flush(jobs);
      }
    } finally {
      running = false;
    }
  }

  return <T>(fn: (trx: Transaction<DB>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!running) void drain();
    });
}

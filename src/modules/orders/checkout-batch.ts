import type { Deps } from '../../context.js';
import { insertRows, StatementValue, type LeadingClauses } from '../../platform/db/prepared.js';
import type { Database } from '../../database.js';

/**
 * Group commit for PostgreSQL's one-statement checkouts (see placeInOneStatement).
 *
 * Each such checkout is one statement, one round trip and one commit. On the 2-core machine a
 * round trip is a system call that wakes a PostgreSQL backend on the other core, and it was the
 * largest single cost of an order (a quarter of the node process's profile). Checkouts that
 * arrive in the same event-loop turn, or while the previous batch is being written, are written
 * by ONE statement: one round trip and one commit (one WAL flush) for all of them. It is all or
 * nothing: when any of them is refused (a SKU without the stock for all of them, a replayed
 * Idempotency-Key, a clashing order number), nothing is written and each is written again on its
 * own, by its own statement, which gives it its own answer. A batch is therefore never a new
 * way to fail, only a way to succeed sooner.
 *
 * Stock: one conditional decrement per SKU for the batch's total of it, with the rows locked
 * in SKU id order first (as every other writer of stock locks them), so batches of two processes
 * never deadlock. Each checkout's stock movement records the stock after it as if the batch's
 * checkouts had been placed one after another in the order they arrived.
 *
 * At most IN_FLIGHT batches at a time per process; the next one gathers while they are
 * written. Batches waiting on a SKU row another transaction holds (a stock edit, a session
 * ending) hold back the checkouts gathering behind them for as long. SQLite has its own group commit
 * (platform/db/group-commit.ts) and does not come here.
 */

/** At most this many checkouts in one statement (each binds ~70 values; PostgreSQL allows 65,535). */
const MAX_BATCH = 200;
/**
 * Batches one process writes at once, never two of the same SKU (see gather). Two overlap one
 * batch's round trip with the next one's work: +15–20 % orders/s on 1,000 SKUs; three did no
 * better.
 */
const IN_FLIGHT = 2;

/** The rows of one checkout (checkoutRows in checkout.service.ts). */
export interface CheckoutTables {
  checkout: Database['checkout'][];
  shop_order: Database['shop_order'][];
  order_item: Database['order_item'][];
  stock_movement: Database['stock_movement'][];
  idempotency_record: Database['idempotency_record'][];
}

export interface BatchedCheckout {
  tables: CheckoutTables;
  /** Each stock movement's SKU and units, in the order of tables.stock_movement. */
  lines: { skuId: string; quantity: number }[];
  now: string;
}

interface Waiting extends BatchedCheckout { done: (written: boolean) => void }
interface Writer { queue: Waiting[]; gathering: boolean; inFlight: number; busySkus: Map<string, number>; batches: number; batched: number; refused: number }

const writers = new WeakMap<Deps, Writer>();

function writerOf(deps: Deps): Writer {
  let w = writers.get(deps);
  if (!w) writers.set(deps, (w = { queue: [], gathering: false, inFlight: 0, busySkus: new Map(), batches: 0, batched: 0, refused: 0 }));
  return w;
}

/**
 * Writes the checkout together with others arriving now. True: it is written. False: nothing of
 * it is written, and the caller writes it on its own (it came alone, or the batch was refused).
 */
export function writeInBatch(deps: Deps, checkout: BatchedCheckout): Promise<boolean> {
  const w = writerOf(deps);
  return new Promise((done) => {
    w.queue.push({ ...checkout, done });
    gather(deps, w);
  });
}

/**
 * How many batches this process wrote, how many checkouts were in them, and how many batches
 * were refused and written one by one instead (tests, benchmarks).
 */
export function batchCounts(deps: Deps): { batches: number; checkouts: number; refused: number } {
  const w = writers.get(deps);
  return { batches: w?.batches ?? 0, checkouts: w?.batched ?? 0, refused: w?.refused ?? 0 };
}

/** Starts a batch at the end of this event-loop turn, unless IN_FLIGHT are being written. */
function gather(deps: Deps, w: Writer): void {
  if (w.gathering || w.inFlight >= IN_FLIGHT || !w.queue.length) return;
  w.gathering = true;
  // Let the checkouts of this event-loop turn join.
  setImmediate(() => {
    w.gathering = false;
    // A checkout of a SKU that a batch in flight writes waits for that batch: the batch may yet
    // be refused and its checkouts written one by one, and a later batch must not take the last
    // units before them. The others may go now, in the order they came.
    const taken: Waiting[] = [];
    const waiting: Waiting[] = [];
    for (const job of w.queue) {
      if (taken.length < MAX_BATCH && !job.lines.some((l) => w.busySkus.has(l.skuId))) taken.push(job);
      else waiting.push(job);
    }
    w.queue = waiting;
    if (!taken.length) return; // the batch in flight calls gather again when it is done
    const skus = [...new Set(taken.flatMap((job) => job.lines.map((l) => l.skuId)))];
    for (const sku of skus) w.busySkus.set(sku, (w.busySkus.get(sku) ?? 0) + 1);
    w.inFlight++;
    writeBatch(deps, w, taken)
      .catch((err: unknown) => {
        deps.log.error({ err }, 'checkout batch could not be written; writing each alone');
        for (const job of taken) job.done(false); // a second answer to one already given does nothing
      })
      .finally(() => {
        for (const sku of skus) {
          const n = w.busySkus.get(sku)! - 1;
          if (n) w.busySkus.set(sku, n);
          else w.busySkus.delete(sku);
        }
        w.inFlight--;
        gather(deps, w);
      });
    gather(deps, w);
  });
}

async function writeBatch(deps: Deps, w: Writer, taken: Waiting[]): Promise<void> {
  // A key twice in one batch (a client's retry) would refuse the whole batch on its unique
  // index: the second goes alone and is answered as the replay it is.
  const keys = new Set<string>();
  const jobs: Waiting[] = [];
  for (const job of taken) {
    const r = job.tables.idempotency_record[0];
    const key = r ? JSON.stringify([r.user_id, r.scope, r.idem_key]) : '';
    if (!r || keys.has(key)) job.done(false);
    else {
      keys.add(key);
      jobs.push(job);
    }
  }
  if (jobs.length < 2) {
    for (const job of jobs) job.done(false);
    return;
  }
  let written = false;
  try {
    await writeTogether(deps, jobs);
    written = true;
    w.batches++;
    w.batched += jobs.length;
  } catch (err) {
    // Refused as a whole: nothing was written. Each is tried alone and hears its own answer.
    w.refused++;
    const code = String((err as { code?: unknown }).code ?? '');
    if (code === '23502' || code === '23505') deps.log.debug({ err, checkouts: jobs.length }, 'checkout batch refused; writing each alone');
    else deps.log.warn({ err, checkouts: jobs.length }, 'checkout batch failed; writing each alone');
  } finally {
    for (const job of jobs) job.done(written);
  }
}

/**
 * The batch's one statement: the reservations, then every row of every checkout. In what order
 * PostgreSQL runs the clauses is its own; nothing here relies on it.
 */
function writeTogether(deps: Deps, jobs: Waiting[]): Promise<void> {
  // Units per SKU, in the order the SKUs first appear; `ordinal` is the SKU's place in the arrays.
  const skus = new Map<string, { ordinal: number; total: number }>();
  for (const job of jobs) {
    for (const line of job.lines) {
      const s = skus.get(line.skuId) ?? { ordinal: skus.size + 1, total: 0 };
      s.total += line.quantity;
      skus.set(line.skuId, s);
    }
  }
  // Walking the checkouts backwards, `later` is what the checkouts after this one take of the SKU:
  // the stock after this one is the stock after the batch plus that.
  const later = new Map<string, number>();
  const movements: CheckoutTables['stock_movement'][] = [];
  for (let j = jobs.length - 1; j >= 0; j--) {
    const job = jobs[j]!;
    movements[j] = job.tables.stock_movement.map((row, i) => {
      const line = job.lines[i]!;
      const after = later.get(line.skuId) ?? 0;
      later.set(line.skuId, after + line.quantity);
      return { ...row, stock_after: stockAfterBatch(skus.get(line.skuId)!.ordinal, after) as unknown as number };
    });
  }
  const now = jobs.reduce((max, j) => (j.now > max ? j.now : max), jobs[0]!.now);
  const reservation: LeadingClauses = {
    parameters: [now, [...skus.keys()], [...skus.values()].map((s) => s.total)],
    clauses: [{
      name: 'reserve',
      // The sub-select locks the rows in id order (byte order, as the other writers sort them)
      // before any is changed, with the lock an update takes (no key: foreign keys to the SKU
      // from other transactions' new rows do not wait for it).
      sql: `update "sku" set "stock_available" = "sku"."stock_available" - "w"."quantity", "updated_at" = $1
        from (select "sku"."id", "want"."quantity", "want"."ordinal" from "sku"
              join unnest($2::text[], $3::int[]) with ordinality as "want"("id", "quantity", "ordinal") on "want"."id" = "sku"."id"
              order by "sku"."id" collate "C" for no key update of "sku") as "w"
        where "sku"."id" = "w"."id" and "sku"."stock_available" >= "w"."quantity"
        returning "w"."ordinal", "sku"."stock_available"`,
    }],
  };
  const all = <K extends keyof CheckoutTables>(table: K): CheckoutTables[K] => ([] as unknown[]).concat(...jobs.map((job) => job.tables[table])) as CheckoutTables[K];
  return insertRows(deps.db, {
    checkout: all('checkout'),
    shop_order: all('shop_order'),
    order_item: all('order_item'),
    stock_movement: movements.flat(),
    idempotency_record: all('idempotency_record'),
  }, reservation);
}

/**
 * The stock after one checkout of the batch: the SKU's stock after the whole batch plus what
 * the checkouts after it take. A SKU the reservation could not take the batch's units from has
 * no row, the value is null, and stock_after's NOT NULL refuses the whole statement.
 */
function stockAfterBatch(ordinal: number, laterUnits: number): StatementValue {
  // Both are integers this module counted, never values from a request.
  if (!Number.isSafeInteger(ordinal) || !Number.isSafeInteger(laterUnits)) throw new Error('stockAfterBatch: not an integer');
  return new StatementValue(`((select "stock_available" from "reserve" where "ordinal" = ${ordinal}) + ${laterUnits})`);
}

import os from 'node:os';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../test/helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser } from '../test/factories.js';
import { hasWrk, wrkCheckouts } from './wrk.js';

/**
 * Checkout and flash-sale benchmarks over real HTTP on loopback.
 *   npx tsx bench/orders-bench.ts                 (SQLite)
 *   DB=postgres npx tsx bench/orders-bench.ts     (PostgreSQL at TEST_DATABASE_URL)
 * Fixtures come from the test factories (a fresh database, no demo seed).
 */
interface Buyer { cookie: string; csrf: string; addressId: string }

function pct(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1) : '-';
}

export async function makeBuyers(t: TestApp, n: number): Promise<Buyer[]> {
  const out: Buyer[] = [];
  for (let i = 0; i < n; i++) {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const a = await u.client.post('/api/v1/me/addresses', { recipientName: '买家', phone: '13812345678', regionCode: '110105', detail: '一号' });
    out.push({ cookie: u.client.cookie!, csrf: u.client.csrf!, addressId: a.body.id });
  }
  return out;
}

/** Runs one load job in a separate process (bench/load-worker.mjs): the server keeps its own core. */
export function runLoad<T>(job: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-worker.mjs', import.meta.url)), [], { execArgv: [] });
    child.once('message', (m: { result?: T; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.result as T)));
    child.once('error', reject);
    child.send(job);
  });
}

/** add to cart → place checkout → start payment → confirm on the sandbox page, per buyer in a loop. */
export async function checkoutBench(t: TestApp, base: string, buyers: Buyer[], skuId: string, concurrency: number, seconds: number) {
  const cpu0 = process.cpuUsage();
  const { lat, errors, secs } = await runLoad<{ lat: number[]; errors: number; secs: number }>({ kind: 'checkout', base, buyers, skuId, concurrency, seconds });
  const cpu = process.cpuUsage(cpu0);
  const cpuPerCheckout = lat.length ? (cpu.user + cpu.system) / lat.length : 0;
  lat.sort((a, b) => a - b);
  // Wait for the asynchronous paid notifications, then count what was really paid.
  await new Promise((r) => setTimeout(r, 1500));
  const paid = Number((await t.deps.db.selectFrom('checkout').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'paid').executeTakeFirstOrThrow()).n);
  console.log(`checkout c=${String(concurrency).padEnd(3)} ${(lat.length / secs).toFixed(0).padStart(6)} checkouts/s  p50 ${pct(lat, 50).padStart(6)} ms  p99 ${pct(lat, 99).padStart(6)} ms  server CPU ${cpuPerCheckout.toFixed(0)} µs/checkout  errors ${errors}  paid so far ${paid}`);
}

/** N buyers at once against the given SKUs; counts orders, sold-out answers and oversold units. */
export async function flashSale(t: TestApp, base: string, buyers: Buyer[], skuIds: string[], stockEach: number, requests: number, concurrency: number, label: string) {
  const cpu0 = process.cpuUsage();
  const { lat, ok, soldOut, other, secs, okSecs } = await runLoad<{ lat: number[]; ok: number; soldOut: number; other: number; secs: number; okSecs: number }>({ kind: 'flash', base, buyers, skuIds, requests, concurrency });
  // Server CPU per request: steadier than requests/s on a busy machine, and what the rate is made of.
  const cpu = process.cpuUsage(cpu0);
  const cpuPerRequest = (cpu.user + cpu.system) / requests;
  lat.sort((a, b) => a - b);
  const sold = Number((await t.deps.db.selectFrom('order_item').select((eb) => eb.fn.sum('quantity').as('q')).where('sku_id', 'in', skuIds).executeTakeFirstOrThrow()).q ?? 0);
  const oversold = Math.max(0, sold - stockEach * skuIds.length);
  // Orders per second until the last unit sold: after that every answer is a sold-out, and
  // dividing by the whole run would measure the sold-out answers instead.
  console.log(`flash ${label.padEnd(18)} ${requests} req c=${concurrency}  ${(ok ? ok / okSecs : 0).toFixed(0).padStart(6)} orders/s  ${(soldOut / secs).toFixed(0).padStart(6)} sold-out/s  p50 ${pct(lat, 50)} ms  p99 ${pct(lat, 99)} ms  server CPU ${cpuPerRequest.toFixed(0)} µs/req  orders ${ok} (last at ${(okSecs * 1000).toFixed(0)} ms)  sold-out ${soldOut}  other ${other}  oversold ${oversold}`);
}

/**
 * The same order placement driven by wrk for `seconds` (bench/wrk.ts): what the server can
 * answer when the load generator is not the limit. Checks afterwards that the SKUs' stock
 * never went below zero and that stock + sold = what they started with.
 */
export async function flashSaleWrk(t: TestApp, base: string, buyers: Buyer[], skuIds: string[], stockEach: number, seconds: number, label: string, connections = 100) {
  const cpu0 = process.cpuUsage();
  const r = await wrkCheckouts(base, buyers, skuIds, seconds, connections);
  const cpu = process.cpuUsage(cpu0);
  const answers = r.ok + r.soldOut + r.other;
  // Requests wrk left in flight when it stopped may still commit: let them, then read both
  // sums in one statement (one snapshot).
  await new Promise((r) => setTimeout(r, 500));
  const sums = await t.deps.db.selectNoFrom((eb) => [
    eb.selectFrom('order_item').select((e) => e.fn.sum('quantity').as('q')).where('sku_id', 'in', skuIds).as('sold'),
    eb.selectFrom('sku').select((e) => e.fn.sum('stock_available').as('s')).where('id', 'in', skuIds).as('left'),
  ]).executeTakeFirstOrThrow();
  const sold = Number(sums.sold ?? 0);
  const left = Number(sums.left ?? 0);
  const consistent = sold + left === stockEach * skuIds.length && sold <= stockEach * skuIds.length;
  console.log(`wrk   ${label.padEnd(24)} ${seconds} s c=${connections}  ${(r.ok / r.secs).toFixed(0).padStart(6)} orders/s  ${(r.soldOut / r.secs).toFixed(0).padStart(6)} sold-out/s  server CPU ${answers ? ((cpu.user + cpu.system) / answers).toFixed(0) : '-'} µs/req  orders ${r.ok}  sold-out ${r.soldOut}  other ${r.other}  stock+sold=initial ${consistent ? 'yes' : `NO (sold ${sold}, left ${left})`}`);
}

/** A fresh app listening on loopback, a supplier with a big SKU, and 100 buyers. */
export async function setup() {
  const t = await createTestApp({ sandboxPay: { secret: 'bench', notifyDelayMs: 0 } });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`Fengshou orders benchmark — ${process.env.DB ?? 'sqlite'}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  const { operator } = await makeCounty(t, COUNTY_A);
  const sup = await makeSupplier(t);
  await makeLicence(t, operator.client, sup, 'produce_certificate');
  const buyers = await makeBuyers(t, 100);
  return { t, base, operator, sup, buyers };
}

export async function runCheckouts(env: Awaited<ReturnType<typeof setup>>) {
  const big = (await makeProduct(env.t, env.operator.client, env.sup, { skus: [{ priceFen: 990, stock: 10_000_000 }], publish: true })).skuIds[0]!;
  for (const c of [1, 10, 50]) await checkoutBench(env.t, env.base, env.buyers, big, c, 5);
}

export async function runFlashSales(env: Awaited<ReturnType<typeof setup>>) {
  // Unprinted warm-up on its own SKUs, so that the first scenario is not the one that pays for
  // the JIT compiling the order path.
  const warm = await makeProduct(env.t, env.operator.client, env.sup, { title: '预热', skus: Array.from({ length: 100 }, (_v, i) => ({ spec: `预热${i}`, priceFen: 990, stock: 100 })), publish: true });
  await runLoad({ kind: 'flash', base: env.base, buyers: env.buyers, skuIds: warm.skuIds, requests: 3000, concurrency: 100 });
  const hot = (await makeProduct(env.t, env.operator.client, env.sup, { title: '秒杀蓝莓', skus: [{ priceFen: 990, stock: 200 }], publish: true })).skuIds[0]!;
  await flashSale(env.t, env.base, env.buyers, [hot], 200, 5000, 100, 'one SKU, 200 units');
  const p = await makeProduct(env.t, env.operator.client, env.sup, { title: '千款', skus: Array.from({ length: 1000 }, (_v, i) => ({ spec: `规格${i}`, priceFen: 990, stock: 5 })), publish: true });
  await flashSale(env.t, env.base, env.buyers, p.skuIds, 5, 5000, 100, '1,000 SKUs × 5');
  if (!hasWrk()) {
    console.log('(wrk is not installed: apt-get install wrk for the figures of the server alone)');
    return;
  }
  const ample = 1_000_000;
  const many = await makeProduct(env.t, env.operator.client, env.sup, { title: '千款充足', skus: Array.from({ length: 1000 }, (_v, i) => ({ spec: `规格${i}`, priceFen: 990, stock: ample })), publish: true });
  await flashSaleWrk(env.t, env.base, env.buyers, many.skuIds, ample, 10, '1,000 SKUs, ample stock');
  const hotAmple = await makeProduct(env.t, env.operator.client, env.sup, { title: '爆款充足', skus: [{ priceFen: 990, stock: ample }], publish: true });
  await flashSaleWrk(env.t, env.base, env.buyers, hotAmple.skuIds, ample, 10, 'one hot SKU, ample stock');
  const gone = await makeProduct(env.t, env.operator.client, env.sup, { title: '已售罄', skus: [{ priceFen: 990, stock: 0 }], publish: true });
  await flashSaleWrk(env.t, env.base, env.buyers, gone.skuIds, 0, 10, 'sold out');
}

/** Runs the scenarios named on the command line (checkout, flash-sale), or both. */
export async function runOrdersBench(which: string[] = []) {
  const env = await setup();
  try {
    if (!which.length || which.includes('checkout')) await runCheckouts(env);
    if (!which.length || which.includes('flash-sale')) await runFlashSales(env);
  } finally {
    await env.t.close();
  }
}

if (process.argv[1]?.endsWith('orders-bench.ts')) {
  runOrdersBench(process.argv.slice(2)).catch((err) => { console.error(err); process.exit(1); });
}

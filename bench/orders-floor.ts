import Fastify from 'fastify';
import SqliteDatabase from 'better-sqlite3';
import { configureSqlite } from '../src/platform/db/connect.js';
import { placeCheckout } from '../src/modules/orders/index.js';
import { resolveSession } from '../src/modules/accounts/index.js';
import { makeProduct } from '../test/factories.js';
import { runLoad, setup } from './orders-bench.js';
import { hasWrk, wrkCheckouts } from './wrk.js';

/**
 * What this machine can do at most, beside what Fengshou does (`npm run bench:orders-floor`,
 * SQLite). Three floors, each a part of an order placement on its own:
 *   http      a bare Fastify route answering every request 409, with the same load generator
 *             and 100 connections, then with wrk: the cost of HTTP alone;
 *   service   placeCheckout() called in-process by 100 concurrent callers: the order path
 *             (Kysely, group commit, SQLite) without HTTP;
 *   sqlite    the statements of one order run straight on better-sqlite3 (no Kysely, no
 *             promises), 100 orders a transaction, synchronous=FULL: the cost of the data alone.
 */
const cpuOf = (c: NodeJS.CpuUsage) => c.user + c.system;

async function httpFloor(buyers: { cookie: string; csrf: string; addressId: string }[]) {
  const app = Fastify();
  app.post('/api/v1/checkouts', async (_req, reply) => reply.code(409).send({ type: 'about:blank', status: 409, code: 'sold_out', title: 'This item is sold out' }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const requests = 20_000;
  const cpu0 = process.cpuUsage();
  const r = await runLoad<{ soldOut: number; secs: number }>({ kind: 'flash', base, buyers, skuIds: ['none'], requests, concurrency: 100 });
  const cpu = cpuOf(process.cpuUsage(cpu0)) / requests;
  console.log(`floor http     bare Fastify 409      ${(r.soldOut / r.secs).toFixed(0).padStart(6)} answers/s  server CPU ${cpu.toFixed(0)} µs/req  (Node client)`);
  if (hasWrk()) {
    // The Node client above is the limit, not the route: wrk shows what the route can do.
    const cpu1 = process.cpuUsage();
    const w = await wrkCheckouts(base, buyers, ['none'], 5);
    console.log(`floor http     bare Fastify 409      ${(w.soldOut / w.secs).toFixed(0).padStart(6)} answers/s  server CPU ${(cpuOf(process.cpuUsage(cpu1)) / w.soldOut).toFixed(0)} µs/req  (wrk)`);
  }
  await app.close();
}

async function serviceFloor(env: Awaited<ReturnType<typeof setup>>) {
  const p = await makeProduct(env.t, env.operator.client, env.sup, { title: '底线', skus: Array.from({ length: 1000 }, (_v, i) => ({ spec: `规格${i}`, priceFen: 990, stock: 20 })), publish: true });
  const actors = await Promise.all(env.buyers.map(async (b) => ({ actor: (await resolveSession(env.t.deps, decodeURIComponent(/fs_session=([^;]+)/.exec(b.cookie)![1]!)))!.actor, addressId: b.addressId })));
  const run = async (orders: number) => {
    let next = 0;
    await Promise.all(actors.map(async ({ actor, addressId }) => {
      while (next < orders) {
        const i = next++;
        await placeCheckout({ deps: env.t.deps, db: env.t.deps.db, actor, ip: null }, { items: [{ skuId: p.skuIds[i % 1000]!, quantity: 1 }], addressId }, `floor-${i}`);
      }
    }));
  };
  await run(2000); // warm-up
  const orders = 10_000;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await run(orders);
  const secs = (performance.now() - t0) / 1000;
  console.log(`floor service  placeCheckout(), c=100 ${(orders / secs).toFixed(0).padStart(6)} orders/s   server CPU ${(cpuOf(process.cpuUsage(cpu0)) / orders).toFixed(0)} µs/order`);
}

function sqliteFloor(env: Awaited<ReturnType<typeof setup>>, skuIds: string[]) {
  const db = new SqliteDatabase(env.t.config.sqlitePath);
  configureSqlite(db); // as the app has it
  const buyer = db.prepare('select id, user_id, region_code from buyer_address limit 1').get() as { id: string; user_id: string; region_code: string };
  const insert = (table: string, n: number) => db.prepare(`insert into ${table} values (${Array.from({ length: n }, () => '?').join(', ')})`);
  const st = {
    stockLeft: db.prepare('select stock_available from sku where id = ?'),
    address: db.prepare('select * from buyer_address where id = ? and user_id = ? and deleted_at is null'),
    sku: db.prepare('select sku.*, product.title, product.unit, product.supplier_id, product.county_code, supplier.status, category.returns_policy from sku join product on product.id = sku.product_id join supplier on supplier.id = product.supplier_id join category on category.code = product.category_code where sku.id = ?'),
    policy: db.prepare('select * from shipping_policy where supplier_id = ?'),
    reserve: db.prepare('update sku set stock_available = stock_available - 1, updated_at = ? where id = ? and stock_available >= 1 returning stock_available'),
    checkout: db.prepare('insert into checkout (id, buyer_id, payment_no, status, total_fen, expires_at, created_at) values (?, ?, ?, ?, ?, ?, ?)'),
    order: db.prepare(`insert into shop_order (id, order_no, checkout_id, buyer_id, supplier_id, county_code, status, source_kind, items_fen, shipping_fen, total_fen, refunded_fen,
      recipient_name, recipient_phone, region_code, address_text, buyer_note, biz_date, created_at, updated_at) values (${Array.from({ length: 20 }, () => '?').join(', ')})`),
    item: db.prepare(`insert into order_item (id, order_id, sku_id, product_id, title, spec, unit, unit_price_fen, quantity, line_fen, weight_g, sale_mode, ships_from, returns_policy)
      values (${Array.from({ length: 14 }, () => '?').join(', ')})`),
    movement: insert('stock_movement (id, sku_id, county_code, delta, stock_after, reason, actor_id, created_at)', 8),
    idempotency: insert('idempotency_record (user_id, scope, idem_key, request_hash, result_id, created_at)', 6),
  };
  let n = 0;
  const one = () => {
    const skuId = skuIds[n % skuIds.length]!;
    const id = `${process.pid}-${n++}`;
    const now = new Date().toISOString();
    st.stockLeft.get(skuId);
    db.exec('savepoint o');
    st.address.get(buyer.id, buyer.user_id);
    const sku = st.sku.get(skuId) as { product_id: string; supplier_id: string; county_code: string; title: string; spec: string; unit: string; returns_policy: string };
    st.policy.all(sku.supplier_id);
    const left = st.reserve.get(now, skuId) as { stock_available: number } | undefined;
    if (!left) throw new Error('floor bench ran out of stock');
    st.checkout.run(`chk_f${id}`, buyer.user_id, `PF${id}`, 'pending_payment', 990, now, now);
    st.order.run(`ord_f${id}`, `F${id}`, `chk_f${id}`, buyer.user_id, sku.supplier_id, sku.county_code, 'pending_payment', 'storefront', 990, 0, 990, 0, '买家', '13812345678', buyer.region_code, '北京 一号', '', now.slice(0, 10), now, now);
    st.item.run(`oit_f${id}`, `ord_f${id}`, skuId, sku.product_id, sku.title, sku.spec, sku.unit, 990, 1, 990, 500, 'spot', null, sku.returns_policy);
    st.movement.run(`stm_f${id}`, skuId, sku.county_code, -1, left.stock_available, `reserved:chk_f${id}`, buyer.user_id, now);
    st.idempotency.run(buyer.user_id, 'checkout', `floor-raw-${id}`, 'h', `chk_f${id}`, now);
    db.exec('release o');
  };
  const orders = 10_000;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < orders; i += 100) {
    db.exec('begin');
    for (let j = 0; j < 100; j++) one();
    db.exec('commit');
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`floor sqlite   raw statements, FULL  ${(orders / secs).toFixed(0).padStart(6)} orders/s   CPU ${(cpuOf(process.cpuUsage(cpu0)) / orders).toFixed(0)} µs/order`);
  db.close();
}

async function main() {
  if (process.env.DB === 'postgres') throw new Error('orders-floor measures SQLite and HTTP only');
  const env = await setup();
  try {
    await httpFloor(env.buyers);
    await serviceFloor(env);
    const p = await makeProduct(env.t, env.operator.client, env.sup, { title: '底线原始', skus: Array.from({ length: 1000 }, (_v, i) => ({ spec: `规格${i}`, priceFen: 990, stock: 20 })), publish: true });
    sqliteFloor(env, p.skuIds);
  } finally {
    await env.t.close();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

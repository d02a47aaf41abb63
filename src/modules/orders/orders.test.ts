import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, DB, expectProblem, type TestApp, type TestClient } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, VILLAGE_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { expireCheckouts, handlePaymentEvent } from './checkout.service.js';
import { lastSeenSoldOut, stockGlances } from './checkout.queries.js';
import { signSandboxNotification } from '../payments/sandbox.js';
import { batchCounts } from './checkout-batch.js';

let t: TestApp;
let op: MadeUser;
let supA: string;
let supA2: string;
const key = () => `k-${randomUUID()}`;

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: 'orders-test-secret', notifyDelayMs: 5 } });
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  supA = await makeSupplier(t, { name: '蓝莓合作社' });
  supA2 = await makeSupplier(t, { name: '木耳合作社' });
  for (const s of [supA, supA2]) await makeLicence(t, op.client, s, 'produce_certificate');
});
afterAll(async () => { await t.close(); });

async function buyerWithAddress(regionCode = '110105') {
  const b = await makeUser(t, [{ role: 'buyer' }], '买家');
  const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode, detail: '幸福路1号' });
  expect(addr.status).toBe(201);
  return { ...b, addressId: addr.body.id as string };
}

async function product(supplierId: string, stock: number, priceFen = 1000, extra: Record<string, unknown> = {}) {
  const p = await makeProduct(t, op.client, supplierId, { title: `商品${randomUUID().slice(0, 4)}`, skus: [{ priceFen, stock }], publish: true });
  if (Object.keys(extra).length) expect((await op.client.patch(`/api/v1/skus/${p.skuIds[0]}`, extra)).status).toBe(200);
  return p.skuIds[0]!;
}

const stockOf = async (skuId: string) => (await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;
const checkout = (c: TestClient, body: unknown, k = key()) => c.request('POST', '/api/v1/checkouts', body, { 'idempotency-key': k });

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('checkout', () => {
  it('splits one checkout into one order per supplier, prices from the server, stock reserved', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 1280);
    const s2 = await product(supA2, 5, 3990);
    const res = await checkout(b.client, { items: [{ skuId: s1, quantity: 2 }, { skuId: s2, quantity: 1 }], addressId: b.addressId });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('pending_payment');
    expect(res.body.totalFen).toBe(1280 * 2 + 3990);
    expect(res.body.orders).toHaveLength(2);
    expect(res.body.orders.map((o: { supplierName: string }) => o.supplierName).sort()).toEqual(['木耳合作社', '蓝莓合作社']);
    expect(res.body.orders[0].recipient.phone).toBe('13812345678');
    expect(await stockOf(s1)).toBe(8);
    expect(await stockOf(s2)).toBe(4);
  });

  it('ignores nothing it should not: a price in the body, zero or huge quantities, someone else’s address', async () => {
    const b = await buyerWithAddress();
    const other = await buyerWithAddress();
    const s1 = await product(supA, 10);
    expectProblem(await checkout(b.client, { items: [{ skuId: s1, quantity: 1, priceFen: 1 }], addressId: b.addressId }), 400, 'validation_failed');
    expectProblem(await checkout(b.client, { items: [{ skuId: s1, quantity: 0 }], addressId: b.addressId }), 400, 'validation_failed');
    expectProblem(await checkout(b.client, { items: [{ skuId: s1, quantity: 1000 }], addressId: b.addressId }), 400, 'validation_failed');
    const foreign = await checkout(b.client, { items: [{ skuId: s1, quantity: 1 }], addressId: other.addressId });
    expectProblem(foreign, 422, 'validation_failed');
    expect(foreign.body.errors[0].pointer).toBe('/body/addressId');
    expectProblem(await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: s1, quantity: 1 }], addressId: b.addressId }), 400, 'validation_failed');
    expect(await stockOf(s1)).toBe(10);
  });

  it('refuses an item that is not on sale and a region the supplier does not deliver to', async () => {
    const b = await buyerWithAddress('650102'); // 乌鲁木齐
    const s1 = await product(supA, 10);
    expect((await op.client.put(`/api/v1/suppliers/${supA}/shipping-policy`, { baseFeeFen: 800, baseWeightG: 1000, extraFeePerKgFen: 500, freeOverFen: null, provinceFees: {}, excludedProvinces: ['65', '54'] })).status).toBe(200);
    expectProblem(await checkout(b.client, { items: [{ skuId: s1, quantity: 1 }], addressId: b.addressId }), 422, 'region_not_delivered');
    expectProblem(await checkout(b.client, { items: [{ skuId: 'sku_nope', quantity: 1 }], addressId: b.addressId }), 422, 'validation_failed');
    expect(await stockOf(s1)).toBe(10);
    await op.client.put(`/api/v1/suppliers/${supA}/shipping-policy`, { baseFeeFen: 0, baseWeightG: 1000, extraFeePerKgFen: 0, freeOverFen: null, provinceFees: {}, excludedProvinces: [] });
  });

  it('charges shipping by weight and province, free over the threshold', async () => {
    const sup = await makeSupplier(t);
    await makeLicence(t, op.client, sup, 'produce_certificate');
    await op.client.put(`/api/v1/suppliers/${sup}/shipping-policy`, { baseFeeFen: 800, baseWeightG: 1000, extraFeePerKgFen: 500, freeOverFen: 10000, provinceFees: { 11: { baseFeeFen: 1200, extraFeePerKgFen: 600 } }, excludedProvinces: [] });
    const sku = await product(sup, 50, 2000); // 700 g each (factory)
    const b = await buyerWithAddress('110105');
    const r = await checkout(b.client, { items: [{ skuId: sku, quantity: 3 }], addressId: b.addressId }); // 2.1 kg → 2 extra kg, Beijing fees
    expect(r.body.orders[0].shippingFen).toBe(1200 + 2 * 600);
    const free = await checkout(b.client, { items: [{ skuId: sku, quantity: 5 }], addressId: b.addressId });
    expect(free.body.orders[0].shippingFen).toBe(0);
  });

  it('quotes a checkout before it is placed: the same shipping and totals, the same refusals, nothing reserved or written', async () => {
    const sup = await makeSupplier(t, { name: '山货合作社' });
    await makeLicence(t, op.client, sup, 'produce_certificate');
    await op.client.put(`/api/v1/suppliers/${sup}/shipping-policy`, { baseFeeFen: 800, baseWeightG: 1000, extraFeePerKgFen: 500, freeOverFen: null, provinceFees: { 11: { baseFeeFen: 1200, extraFeePerKgFen: 600 } }, excludedProvinces: ['65'] });
    const s1 = await product(sup, 5, 2000);
    const s2 = await product(supA2, 8, 3990);
    const b = await buyerWithAddress('110105');
    const body = { items: [{ skuId: s1, quantity: 3 }, { skuId: s2, quantity: 1 }], addressId: b.addressId };
    const checkoutsBefore = await t.deps.db.selectFrom('checkout').select((eb) => eb.fn.countAll<number>().as('n')).where('buyer_id', '=', b.id).executeTakeFirstOrThrow();
    const quote = await b.client.post('/api/v1/checkouts/quote', body);
    expect(quote.status).toBe(200);
    const bySupplier = Object.fromEntries(quote.body.orders.map((o: { supplierName: string }) => [o.supplierName, o]));
    expect(bySupplier['山货合作社']).toMatchObject({ itemsFen: 6000, shippingFen: 1200 + 2 * 600, totalFen: 6000 + 2400, lines: [{ skuId: s1, unitPriceFen: 2000, quantity: 3, lineFen: 6000 }] });
    expect(quote.body.totalFen).toBe(quote.body.orders.reduce((s: number, o: { totalFen: number }) => s + o.totalFen, 0));
    // Nothing reserved, nothing written.
    expect([await stockOf(s1), await stockOf(s2)]).toEqual([5, 8]);
    const checkoutsAfter = await t.deps.db.selectFrom('checkout').select((eb) => eb.fn.countAll<number>().as('n')).where('buyer_id', '=', b.id).executeTakeFirstOrThrow();
    expect(Number(checkoutsAfter.n)).toBe(Number(checkoutsBefore.n));
    // Placing it costs what the quote said.
    const placed = await checkout(b.client, body);
    expect(placed.status).toBe(201);
    expect(placed.body.totalFen).toBe(quote.body.totalFen);

    // The refusals placing would give, before placing.
    const tooMany = await b.client.post('/api/v1/checkouts/quote', { items: [{ skuId: s1, quantity: 3 }], addressId: b.addressId });
    expectProblem(tooMany, 409, 'sold_out');
    expect(tooMany.body).toMatchObject({ skuId: s1, available: 2, errors: [{ pointer: '/body/items/0/quantity' }] });
    const far = await buyerWithAddress('650102'); // 乌鲁木齐: not delivered
    expectProblem(await far.client.post('/api/v1/checkouts/quote', { items: [{ skuId: s1, quantity: 1 }], addressId: far.addressId }), 422, 'region_not_delivered');
    expect((await far.client.post('/api/v1/checkouts/quote', { items: [{ skuId: s2, quantity: 1 }], addressId: far.addressId })).status).toBe(200);
    const foreign = await far.client.post('/api/v1/checkouts/quote', { items: [{ skuId: s2, quantity: 1 }], addressId: b.addressId });
    expectProblem(foreign, 422, 'validation_failed');
    expect(foreign.body.errors[0].pointer).toBe('/body/addressId');
    expectProblem(await b.client.post('/api/v1/checkouts/quote', { items: [{ skuId: s2, quantity: 1, priceFen: 1 }], addressId: b.addressId }), 400, 'validation_failed');
    expectProblem(await b.client.post('/api/v1/checkouts/quote', { items: [{ skuId: s2, quantity: 1 }, { skuId: s2, quantity: 2 }], addressId: b.addressId }), 422, 'validation_failed');
    expect([await stockOf(s1), await stockOf(s2)]).toEqual([2, 7]);
  });

  it('many buyers racing for little stock: exactly the stock is sold, the rest hear sold out, no 5xx', async () => {
    const sku = await product(supA, 5);
    const buyers = await Promise.all(Array.from({ length: 25 }, () => buyerWithAddress()));
    const results = await Promise.all(buyers.map((b) => checkout(b.client, { items: [{ skuId: sku, quantity: 1 }], addressId: b.addressId })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 409 && r.body.code === 'sold_out')).toBe(true);
    expect(await stockOf(sku)).toBe(0);
    const sold = await t.deps.db.selectFrom('order_item').select((eb) => eb.fn.sum<number>('quantity').as('q')).where('sku_id', '=', sku).executeTakeFirstOrThrow();
    expect(Number(sold.q)).toBe(5);
  });

  const movementsOf = async (skuId: string) => (await t.deps.db.selectFrom('stock_movement').select(['stock_after', 'delta']).where('sku_id', '=', skuId).where('reason', 'like', 'reserved:%').execute());

  it('stock movements of racing buyers step down one unit at a time, each order its own', async () => {
    const sku = await product(supA, 5);
    const buyers = await Promise.all(Array.from({ length: 12 }, () => buyerWithAddress()));
    const results = await Promise.all(buyers.map((b) => checkout(b.client, { items: [{ skuId: sku, quantity: 1 }], addressId: b.addressId })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect((await movementsOf(sku)).map((m) => m.stock_after).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('checkouts arriving together each hear their own answer: placed, not their address, not on sale, sold out', async () => {
    const [a, b, c, d] = await Promise.all([buyerWithAddress(), buyerWithAddress(), buyerWithAddress(), buyerWithAddress()]);
    const sku = await product(supA, 10, 1280);
    const gone = await product(supA, 0);
    const [placed, foreign, unknown, soldOut] = await Promise.all([
      checkout(a.client, { items: [{ skuId: sku, quantity: 1 }], addressId: a.addressId }),
      checkout(b.client, { items: [{ skuId: sku, quantity: 1 }], addressId: a.addressId }),
      checkout(c.client, { items: [{ skuId: 'sku_unknown', quantity: 1 }], addressId: c.addressId }),
      checkout(d.client, { items: [{ skuId: gone, quantity: 1 }], addressId: d.addressId }),
    ]);
    expect(placed.status).toBe(201);
    expect(placed.body.totalFen).toBe(1280 + placed.body.orders[0].shippingFen);
    expect(placed.body.orders[0].recipient.name).toBe('张三');
    expectProblem(foreign, 422, 'validation_failed');
    expect(foreign.body.errors[0].pointer).toBe('/body/addressId');
    expectProblem(unknown, 422, 'validation_failed');
    expect(unknown.body.errors[0].pointer).toBe('/body/items/0/skuId');
    expectProblem(soldOut, 409, 'sold_out');
    expect(await stockOf(sku)).toBe(9);
  });

  it.runIf(DB === 'postgres')('on PostgreSQL, checkouts arriving together share one statement, and each records its own stock after', async () => {
    const sku = await product(supA, 100);
    const other = await product(supA2, 100);
    const buyers = await Promise.all(Array.from({ length: 20 }, () => buyerWithAddress()));
    const before = batchCounts(t.deps);
    const results = await Promise.all(buyers.map((b, i) => checkout(b.client, { items: [{ skuId: i % 4 === 0 ? other : sku, quantity: 2 }], addressId: b.addressId })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const after = batchCounts(t.deps);
    expect(after.batches).toBeGreaterThan(before.batches);
    expect(after.checkouts - before.checkouts).toBeGreaterThan(1);
    expect([await stockOf(sku), await stockOf(other)]).toEqual([70, 90]);
    // As if placed one after another: 98, 96, … for one SKU, 98, 96, … for the other.
    expect((await movementsOf(sku)).map((m) => m.stock_after).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_v, i) => 70 + 2 * i));
    expect((await movementsOf(other)).map((m) => m.stock_after).sort((a, b) => a - b)).toEqual([90, 92, 94, 96, 98]);
    // Every checkout has its own order, item and Idempotency-Key row.
    const ids = results.map((r) => r.body.id as string);
    expect(new Set(ids).size).toBe(20);
    const orders = await t.deps.db.selectFrom('shop_order').innerJoin('order_item', 'order_item.order_id', 'shop_order.id').select(['shop_order.checkout_id', 'order_item.quantity']).where('shop_order.checkout_id', 'in', ids).execute();
    expect(orders).toHaveLength(20);
    expect(Number((await t.deps.db.selectFrom('idempotency_record').select((eb) => eb.fn.countAll().as('n')).where('result_id', 'in', ids).executeTakeFirstOrThrow()).n)).toBe(20);
  });

  it.runIf(DB === 'postgres')('on PostgreSQL, a batch that cannot be served whole writes nothing, and each checkout is then placed or refused on its own', async () => {
    const scarce = await product(supA, 3);
    const ample = await product(supA2, 50);
    const buyers = await Promise.all(Array.from({ length: 10 }, () => buyerWithAddress()));
    // Sessions looked up already (kept for a second), so the ten checkouts arrive together.
    expect((await Promise.all(buyers.map((b) => b.client.get('/api/v1/cart')))).map((r) => r.status)).toEqual(Array(10).fill(200));
    const before = batchCounts(t.deps);
    // Five want the scarce SKU (3 left), five the ample one: a batch of all ten is refused.
    const results = await Promise.all(buyers.map((b, i) => checkout(b.client, { items: [{ skuId: i % 2 ? scarce : ample, quantity: 1 }], addressId: b.addressId })));
    const scarceAnswers = results.filter((_r, i) => i % 2).map((r) => r.status).sort();
    expect(scarceAnswers).toEqual([201, 201, 201, 409, 409]);
    expect(results.filter((_r, i) => i % 2 === 0).map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'sold_out')).toBe(true);
    expect([await stockOf(scarce), await stockOf(ample)]).toEqual([0, 45]);
    expect((await movementsOf(scarce)).map((m) => m.stock_after).sort()).toEqual([0, 1, 2]);
    expect((await movementsOf(ample)).map((m) => m.stock_after).sort()).toEqual([45, 46, 47, 48, 49]);
    // The batch was refused, and each was then written alone.
    expect(batchCounts(t.deps).refused).toBeGreaterThan(before.refused);
  });

  it('a checkout whose second line lacks the stock writes nothing: the first line keeps its units, and the buyer hears what is left', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10);
    const s2 = await product(supA2, 2);
    const ordersBefore = await t.deps.db.selectFrom('shop_order').select((eb) => eb.fn.countAll<number>().as('n')).where('buyer_id', '=', b.id).executeTakeFirstOrThrow();
    for (const s of [s1, s2]) expect((await b.client.put(`/api/v1/cart/items/${s}`, { quantity: 3 })).status).toBe(200);
    const res = await checkout(b.client, { items: [{ skuId: s1, quantity: 3 }, { skuId: s2, quantity: 3 }], addressId: b.addressId, fromCart: true });
    expectProblem(res, 409, 'sold_out');
    // Nothing left the cart either.
    expect((await b.client.get('/api/v1/cart')).body.items.map((i: { skuId: string }) => i.skuId).sort()).toEqual([s1, s2].sort());
    expect(res.body).toMatchObject({ skuId: s2, available: 2, errors: [{ pointer: '/body/items/1/quantity' }] });
    expect([await stockOf(s1), await stockOf(s2)]).toEqual([10, 2]);
    const ordersAfter = await t.deps.db.selectFrom('shop_order').select((eb) => eb.fn.countAll<number>().as('n')).where('buyer_id', '=', b.id).executeTakeFirstOrThrow();
    expect(Number(ordersAfter.n)).toBe(Number(ordersBefore.n));
    expect(await t.deps.db.selectFrom('stock_movement').select('id').where('sku_id', 'in', [s1, s2]).where('reason', 'like', 'reserved:%').execute()).toEqual([]);
    // The same buyer, within the stock: placed.
    expect((await checkout(b.client, { items: [{ skuId: s1, quantity: 3 }, { skuId: s2, quantity: 2 }], addressId: b.addressId, fromCart: true })).status).toBe(201);
    expect([await stockOf(s1), await stockOf(s2)]).toEqual([7, 0]);
    expect((await b.client.get('/api/v1/cart')).body.items).toEqual([]);
  });

  it('an Idempotency-Key replay returns the first checkout, even when sent five times at once', async () => {
    const b = await buyerWithAddress();
    const sku = await product(supA, 10);
    const body = { items: [{ skuId: sku, quantity: 2 }], addressId: b.addressId };
    const k = key();
    const results = await Promise.all(Array.from({ length: 5 }, () => checkout(b.client, body, k)));
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await stockOf(sku)).toBe(8);
    const again = await checkout(b.client, body, k);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expectProblem(await checkout(b.client, { ...body, items: [{ skuId: sku, quantity: 3 }] }, k), 422, 'idempotency_key_reused');
  });

  it('a SKU seen sold out: later buyers hear it from a light read, a replay still gets its checkout, and units put back sell again', async () => {
    const sku = await product(supA, 1);
    const [a, b] = await Promise.all([buyerWithAddress(), buyerWithAddress()]);
    const body = (addressId: string, quantity = 1) => ({ items: [{ skuId: sku, quantity }], addressId });
    const kA = key();
    const first = await checkout(a.client, body(a.addressId), kA);
    expect(first.status).toBe(201);
    expect(lastSeenSoldOut(sku)).toBe(false);
    // The full read finds it sold out; the next buyer is answered from the light read, alike.
    const glances = stockGlances();
    const refusals = [await checkout(b.client, body(b.addressId))];
    expect([lastSeenSoldOut(sku), stockGlances() - glances]).toEqual([true, 0]);
    refusals.push(await checkout(b.client, body(b.addressId)));
    expect(stockGlances() - glances).toBe(1);
    for (const r of refusals) {
      expectProblem(r, 409, 'sold_out');
      expect(r.body).toMatchObject({ skuId: sku, available: 0, errors: [{ pointer: '/body/items/0/quantity', code: 'sold_out' }] });
    }
    // The buyer who took the last unit replays its request: its checkout, not "sold out".
    const replay = await checkout(a.client, body(a.addressId), kA);
    expect([replay.status, replay.body.id, replay.headers['idempotent-replayed']]).toEqual([200, first.body.id, 'true']);
    expectProblem(await checkout(a.client, body(a.addressId, 2), kA), 422, 'idempotency_key_reused');
    // The unit comes back: the light read sees it and the checkout is placed.
    expect((await a.client.post(`/api/v1/checkouts/${first.body.id}/cancel`, {})).status).toBe(200);
    const again = await checkout(b.client, body(b.addressId));
    expect(again.status).toBe(201);
    expect(lastSeenSoldOut(sku)).toBe(false);
    expect(await stockOf(sku)).toBe(0);
  });

  it('an order number another process made in the same millisecond: placed again under new numbers, not refused', async () => {
    const b = await buyerWithAddress();
    const sku = await product(supA, 10);
    // Hold the clock on one millisecond: the numbers then count up by one (payment, then order).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 60_000);
      const first = await checkout(b.client, { items: [{ skuId: sku, quantity: 1 }], addressId: b.addressId });
      expect(first.status).toBe(201);
      const firstNo: string = first.body.orders[0].orderNo;
      const plus = (n: string, k: number) => n.slice(0, -6) + String((Number(n.slice(-6)) + k) % 1_000_000).padStart(6, '0');
      // The next checkout's order number would be the first's + 2: "another process" already took it.
      await t.deps.db.updateTable('shop_order').set({ order_no: plus(firstNo, 2) }).where('id', '=', first.body.orders[0].id).execute();
      const second = await checkout(b.client, { items: [{ skuId: sku, quantity: 1 }], addressId: b.addressId });
      expect(second.status).toBe(201);
      expect(second.body.orders[0].orderNo).toBe(plus(firstNo, 4)); // the retry's numbers
      expect(await stockOf(sku)).toBe(8); // the failed attempt reserved nothing
      expect(await t.deps.db.selectFrom('shop_order').select('id').where('order_no', '=', plus(firstNo, 2)).execute()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the per-buyer purchase limit, also under concurrency', async () => {
    const sku = await product(supA, 100, 1000, { maxPerBuyer: 2 });
    const b = await buyerWithAddress();
    const results = await Promise.all(Array.from({ length: 4 }, () => checkout(b.client, { items: [{ skuId: sku, quantity: 1 }], addressId: b.addressId })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'purchase_limit')).toBe(true);
    expect(await stockOf(sku)).toBe(98);
    const other = await buyerWithAddress();
    expect((await checkout(other.client, { items: [{ skuId: sku, quantity: 2 }], addressId: other.addressId })).status).toBe(201);
  });
});

describe('cancellation and expiry', () => {
  it('a cancelled checkout gives its stock and purchase-limit counts back; cancelling twice is refused', async () => {
    const sku = await product(supA, 10, 1000, { maxPerBuyer: 3 });
    const b = await buyerWithAddress();
    const c = await checkout(b.client, { items: [{ skuId: sku, quantity: 3 }], addressId: b.addressId });
    expect(await stockOf(sku)).toBe(7);
    const cancelled = await b.client.post(`/api/v1/checkouts/${c.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.orders[0].status).toBe('cancelled');
    expect(await stockOf(sku)).toBe(10);
    expectProblem(await b.client.post(`/api/v1/checkouts/${c.body.id}/cancel`), 409, 'invalid_transition');
    expect((await checkout(b.client, { items: [{ skuId: sku, quantity: 3 }], addressId: b.addressId })).status).toBe(201);
  });

  it('the expiry job cancels checkouts not paid in time and releases their stock', async () => {
    const sku = await product(supA, 4);
    const b = await buyerWithAddress();
    const c = await checkout(b.client, { items: [{ skuId: sku, quantity: 4 }], addressId: b.addressId });
    expect(await expireCheckouts(t.deps)).toBe(0);
    await t.deps.db.updateTable('checkout').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', c.body.id).execute();
    expect(await expireCheckouts(t.deps)).toBeGreaterThanOrEqual(1);
    expect(await stockOf(sku)).toBe(4);
    expect((await b.client.get(`/api/v1/checkouts/${c.body.id}`)).body.cancelReason).toBe('payment_timeout');
    expectProblem(await b.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() }), 409, 'not_payable');
  });
});

describe('paying in the sandbox', () => {
  it('pay → confirm → the orders are paid and the books hold one balanced payment entry', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 2500);
    const c = await checkout(b.client, { items: [{ skuId: s1, quantity: 2 }], addressId: b.addressId });
    const start = await b.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
    expect(start.status).toBe(200);
    expect(start.body.kind).toBe('hosted_page');
    const again = await b.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
    expect(again.body.paymentId).toBe(start.body.paymentId);
    expect((await b.client.post(`${start.body.url}/confirm`, { simulate: 'duplicate' })).status).toBe(200);
    const paid = await waitFor(() => b.client.get(`/api/v1/checkouts/${c.body.id}`), (r) => r.body.status === 'paid');
    expect(paid.body.status).toBe('paid');
    expect(paid.body.orders[0].status).toBe('paid');
    const entries = await t.deps.db.selectFrom('ledger_entry').select('id').where('ref_id', '=', `${paid.body.paymentNo}-${COUNTY_A}`).execute();
    expect(entries).toHaveLength(1); // the duplicate notification posted nothing more
    const sum = await t.deps.db.selectFrom('ledger_posting').select((eb) => eb.fn.sum<number>('amount_fen').as('s')).where('entry_id', '=', entries[0]!.id).executeTakeFirstOrThrow();
    expect(Number(sum.s)).toBe(0);
    expectProblem(await b.client.post(`/api/v1/checkouts/${c.body.id}/cancel`), 409, 'invalid_transition');
  });

  it('money that arrives after the checkout was cancelled is refunded in full', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 1800);
    const c = await checkout(b.client, { items: [{ skuId: s1, quantity: 1 }], addressId: b.addressId });
    const start = await b.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
    // The buyer cancels while the payment is in flight; the sandbox still takes the money.
    await t.deps.db.updateTable('checkout').set({ status: 'cancelled', cancelled_at: new Date().toISOString(), cancel_reason: 'buyer' }).where('id', '=', c.body.id).execute();
    await t.deps.db.updateTable('shop_order').set({ status: 'cancelled' }).where('checkout_id', '=', c.body.id).execute();
    expect((await b.client.post(`${start.body.url}/confirm`, {})).status).toBe(200);
    const refund = await waitFor(
      () => t.deps.db.selectFrom('payment_refund').selectAll().where('checkout_id', '=', c.body.id).executeTakeFirst(),
      (r) => r?.status === 'succeeded',
    );
    expect(refund).toMatchObject({ amount_fen: 1800, status: 'succeeded' });
  });

  it('a late payment recorded without its refund (a failure between the two) is refunded on redelivery', async () => {
    // Before, the payment's transaction id and the refund were two commits, and a redelivery
    // found the id set and did nothing: the money was kept and the books never owed it back.
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 1800);
    const c = await checkout(b.client, { items: [{ skuId: s1, quantity: 1 }], addressId: b.addressId });
    await t.deps.db.updateTable('checkout').set({ status: 'cancelled', cancelled_at: new Date().toISOString(), cancel_reason: 'buyer', transaction_id: 'SBX-half-written' })
      .where('id', '=', c.body.id).execute();
    await t.deps.db.updateTable('shop_order').set({ status: 'cancelled' }).where('checkout_id', '=', c.body.id).execute();
    const event = { kind: 'paid' as const, eventId: 'EV-half', provider: 'sandbox' as const, outTradeNo: c.body.paymentNo, transactionId: 'SBX-half-written', amountFen: 1800, paidAt: new Date().toISOString(), duplicate: false };
    await handlePaymentEvent(t.deps, event);
    await handlePaymentEvent(t.deps, event); // and once more: still one refund
    const refunds = await t.deps.db.selectFrom('payment_refund').select(['amount_fen', 'refund_no']).where('checkout_id', '=', c.body.id).execute();
    expect(refunds).toEqual([{ amount_fen: 1800, refund_no: `R${c.body.paymentNo}` }]);
    const entries = await t.deps.db.selectFrom('ledger_entry').select('id').where('idempotency_key', '=', `late-payment:${c.body.paymentNo}`).execute();
    expect(entries).toHaveLength(1);
  });

  it('a signed notification for an unknown payment, or for another amount, is refused and changes nothing', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 1800);
    const c = await checkout(b.client, { items: [{ skuId: s1, quantity: 1 }], addressId: b.addressId });
    const signed = (outTradeNo: string, amountFen: number) => {
      const body = JSON.stringify({ id: `EV-${randomUUID()}`, event_type: 'TRANSACTION.SUCCESS', create_time: new Date().toISOString(),
        resource: { out_trade_no: outTradeNo, transaction_id: `SBX${randomUUID()}`, amount_fen: amountFen, paid_at: new Date().toISOString() } });
      const headers = signSandboxNotification('orders-test-secret', body, JSON.parse(body).id, new Date());
      return t.client().request('POST', '/api/v1/payments/notify/sandbox', body, { ...headers, 'content-type': 'application/json' });
    };
    const entries = async () => Number((await t.deps.db.selectFrom('ledger_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await entries();
    expectProblem(await signed('P20991231000000000000000', 1800), 404, 'unknown_payment');
    expectProblem(await signed(c.body.paymentNo, 1799), 409, 'amount_mismatch');
    const row = await t.deps.db.selectFrom('checkout').select(['status', 'transaction_id']).where('id', '=', c.body.id).executeTakeFirstOrThrow();
    expect([row.status, row.transaction_id, await entries()]).toEqual(['pending_payment', null, before]);
    // The right amount pays it.
    expect((await signed(c.body.paymentNo, 1800)).status).toBe(204);
    expect((await t.deps.db.selectFrom('checkout').select('status').where('id', '=', c.body.id).executeTakeFirstOrThrow()).status).toBe('paid');
    expect(await entries()).toBe(before + 1);
    // Another amount for the paid checkout is still refused, and books nothing more.
    expectProblem(await signed(c.body.paymentNo, 1799), 409, 'amount_mismatch');
    expect(await entries()).toBe(before + 1);
  });

  it('a forged notification is refused at the notify route and changes nothing', async () => {
    const res = await t.client().request('POST', '/api/v1/payments/notify/sandbox', JSON.stringify({ outTradeNo: 'P1', amountFen: 1 }), { 'content-type': 'application/json' });
    expectProblem(res, 401, 'bad_notification');
    expectProblem(await t.client().request('POST', '/api/v1/payments/notify/wechat', '{}', { 'content-type': 'application/json' }), 404, 'not_found');
  });
});

describe('who sees which orders', () => {
  it('the buyer sees its own; the supplier its own; another county’s operator nothing; an official sees the phone masked', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10);
    const c = await checkout(b.client, { items: [{ skuId: s1, quantity: 1 }], addressId: b.addressId });
    const orderId = c.body.orders[0].id;
    const supplierUser = await makeUser(t, [{ role: 'supplier', supplierId: supA, prefix: COUNTY_A }]);
    const otherSupplier = await makeUser(t, [{ role: 'supplier', supplierId: supA2, prefix: COUNTY_A }]);
    const official = await makeUser(t, [{ role: 'official', prefix: '2206' }]);
    const { operator: opB } = await makeCounty(t, COUNTY_B);
    const stranger = await buyerWithAddress();

    expect((await b.client.get('/api/v1/orders')).body.items.map((o: { id: string }) => o.id)).toContain(orderId);
    expect((await supplierUser.client.get('/api/v1/orders?view=sell')).body.items.map((o: { id: string }) => o.id)).toContain(orderId);
    expect((await supplierUser.client.get(`/api/v1/orders/${orderId}`)).body.recipient.phone).toBe('13812345678');
    expectProblem(await otherSupplier.client.get(`/api/v1/orders/${orderId}`), 404, 'not_found');
    expectProblem(await opB.client.get(`/api/v1/orders/${orderId}`), 404, 'not_found');
    expect((await opB.client.get('/api/v1/orders?view=sell')).body.items.map((o: { id: string }) => o.id)).not.toContain(orderId);
    expectProblem(await stranger.client.get(`/api/v1/orders/${orderId}`), 404, 'not_found');
    expect((await official.client.get(`/api/v1/orders/${orderId}`)).body.recipient.phone).toBe('138****5678');
    expectProblem(await stranger.client.get(`/api/v1/checkouts/${c.body.id}`), 404, 'not_found');
    void VILLAGE_B;
  });
});

describe('cart and addresses', () => {
  it('keeps a cart with current prices, checks out from it and empties the bought lines', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 990);
    expect((await b.client.put(`/api/v1/cart/items/${s1}`, { quantity: 3 })).body.totalFen).toBe(2970);
    expectProblem(await b.client.put('/api/v1/cart/items/sku_missing', { quantity: 1 }), 404, 'not_found');
    const c = await checkout(b.client, { items: [{ skuId: s1, quantity: 3 }], addressId: b.addressId, fromCart: true });
    expect(c.status).toBe(201);
    expect((await b.client.get('/api/v1/cart')).body.items).toHaveLength(0);
  });

  it('a second put sets the line\'s quantity; an item taken off sale cannot be put in, and the line already there stays', async () => {
    const b = await buyerWithAddress();
    const s1 = await product(supA, 10, 990);
    expect((await b.client.put(`/api/v1/cart/items/${s1}`, { quantity: 3 })).status).toBe(200);
    const set = await b.client.put(`/api/v1/cart/items/${s1}`, { quantity: 5 });
    expect(set.body).toMatchObject({ totalFen: 4950, items: [{ skuId: s1, quantity: 5, available: true }] });
    const productId = (await t.deps.db.selectFrom('sku').select('product_id').where('id', '=', s1).executeTakeFirstOrThrow()).product_id;
    expect((await op.client.post(`/api/v1/products/${productId}/unpublish`, {})).status).toBe(200);
    expectProblem(await b.client.put(`/api/v1/cart/items/${s1}`, { quantity: 1 }), 404, 'not_found');
    expect((await b.client.get('/api/v1/cart')).body).toMatchObject({ totalFen: 0, items: [{ skuId: s1, quantity: 5, available: false }] });
  });

  it('addresses: unknown regions refused, another buyer’s address is not found, delete keeps orders’ copy', async () => {
    const b = await buyerWithAddress();
    const other = await buyerWithAddress();
    expectProblem(await b.client.post('/api/v1/me/addresses', { recipientName: '李四', phone: '13812345678', regionCode: '999999', detail: '某路' }), 422, 'validation_failed');
    expectProblem(await b.client.patch(`/api/v1/me/addresses/${other.addressId}`, { detail: '改地址' }), 404, 'not_found');
    // Nothing to change answers the address as it is (it was a 500: an UPDATE with an empty SET), or 404 if not mine.
    expectProblem(await b.client.patch(`/api/v1/me/addresses/${b.addressId}`, {}), 400, 'validation_failed');
    const same = await b.client.patch(`/api/v1/me/addresses/${b.addressId}`, { isDefault: false });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body).toMatchObject({ id: b.addressId, detail: '幸福路1号' });
    expectProblem(await b.client.patch(`/api/v1/me/addresses/${other.addressId}`, { isDefault: false }), 404, 'not_found');
    expectProblem(await b.client.delete(`/api/v1/me/addresses/${other.addressId}`), 404, 'not_found');
    const def = await b.client.post('/api/v1/me/addresses', { recipientName: '王五', phone: '13912345678', regionCode: '220622100', detail: '靖宇镇', isDefault: true });
    expect((await b.client.get('/api/v1/me/addresses')).body.items.find((a: { isDefault: boolean }) => a.isDefault).id).toBe(def.body.id);
    expect((await b.client.delete(`/api/v1/me/addresses/${def.body.id}`)).status).toBe(200);
  });
});

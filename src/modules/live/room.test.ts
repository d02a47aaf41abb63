import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, TestClient, createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { buildApp } from '../../app.js';
import { openRegionSource } from '../regions/index.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { liveRoom, type LiveFrame } from '../../contracts/live-events.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { expireCheckouts } from '../orders/index.js';
import { closeSessionFlashSales } from './room.flash.js';

let t: TestApp;
let op: MadeUser;
let opB: MadeUser;
let host: MadeUser;
let otherHost: MadeUser;
let official: MadeUser;
let supplierId: string;
const key = () => `k-${randomUUID()}`;
const api = '/api/v1/live/sessions';

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: 'live-room-test-secret', notifyDelayMs: 5 }, flashSaleLeadSeconds: 10, liveCommentsPerMinute: 8, liveSensitiveWords: ['假货'] });
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  supplierId = await makeSupplier(t, { name: '蓝莓合作社' });
  await makeLicence(t, op.client, supplierId, 'produce_certificate');
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }, { role: 'buyer' }], '李主播');
  otherHost = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '王主播');
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }], '领导');
}, 60_000);
afterAll(async () => { await t.close(); });

async function waitFor<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 4000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function buyer(name = '张三丰', withAddress = true) {
  const b = await makeUser(t, [{ role: 'buyer' }], name);
  let addressId = '';
  if (withAddress) {
    const addr = await b.client.post('/api/v1/me/addresses', { recipientName: name, phone: '13812345678', regionCode: '110105', detail: '幸福路1号', isDefault: true });
    expect(addr.status).toBe(201);
    addressId = addr.body.id;
  }
  return { ...b, addressId };
}

/**
 * A session straight in the database (the sessions module's API is tested there): its items'
 * stock moved out of the SKU as setting stock aside does.
 */
async function session(opts: { status?: 'scheduled' | 'live' | 'ended'; kind?: 'hosted' | 'practice'; approval?: 'approved' | 'pending'; items?: { stock: number; livePriceFen?: number; skuStock?: number; maxPerBuyer?: number }[] } = {}) {
  const id = newId('liveSession');
  const now = nowIso();
  await t.deps.db.insertInto('live_session').values({
    id, county_code: COUNTY_A, host_user_id: host.id, kind: opts.kind ?? 'hosted', title: '蓝莓专场', description: '', cover_file_id: null,
    scheduled_start: new Date(Date.now() - 600_000).toISOString(), scheduled_end: new Date(Date.now() + 3_600_000).toISOString(),
    status: opts.status ?? 'live', approval: opts.approval ?? 'approved', approval_note: '', approved_by: null, platform: null, external_url: null, external_code: null,
    pinned_item_id: null, video_state: 'offline', video_seen_at: null, replay_path: null, started_at: opts.status === 'scheduled' ? null : now, ended_at: null, created_at: now, updated_at: now,
  }).execute();
  const items: { id: string; skuId: string; productId: string; code: number }[] = [];
  let code = 1;
  for (const it of opts.items ?? [{ stock: 10 }]) {
    const skuStock = it.skuStock ?? 50;
    const p = await makeProduct(t, op.client, supplierId, { title: `蓝莓${randomUUID().slice(0, 4)}`, skus: [{ priceFen: 5990, stock: skuStock }], publish: true });
    const skuId = p.skuIds[0]!;
    if (it.maxPerBuyer) await t.deps.db.updateTable('sku').set({ max_per_buyer: it.maxPerBuyer }).where('id', '=', skuId).execute();
    await t.deps.db.updateTable('sku').set((eb) => ({ stock_available: eb('stock_available', '-', it.stock) })).where('id', '=', skuId).execute();
    const itemId = newId('liveItem');
    await t.deps.db.insertInto('live_session_item').values({
      id: itemId, session_id: id, position: code, room_code: code, product_id: p.id, sku_id: skuId, supplier_id: supplierId, live_price_fen: it.livePriceFen ?? 3990,
      stock_allotted: it.stock, stock_left: it.stock, slot_minute: null, slot_minutes: null, talking_points: '', created_at: now, updated_at: now,
    }).execute();
    items.push({ id: itemId, skuId, productId: p.id, code });
    code++;
  }
  const events: { frame: LiveFrame; to: string | null }[] = [];
  t.deps.realtime.listen(liveRoom(id), (frame, to) => events.push({ frame, to }));
  return { id, items, events };
}

const stockLeft = async (itemId: string) => (await t.deps.db.selectFrom('live_session_item').select('stock_left').where('id', '=', itemId).executeTakeFirstOrThrow()).stock_left;
const skuStock = async (skuId: string) => (await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;
const saleLeft = async (saleId: string) => (await t.deps.db.selectFrom('live_flash_sale').select('stock_left').where('id', '=', saleId).executeTakeFirstOrThrow()).stock_left;

function buy(b: { client: MadeUser['client']; addressId: string }, sessionId: string, body: Record<string, unknown>, idem = key()) {
  return b.client.request('POST', `${api}/${sessionId}/checkouts`, { addressId: b.addressId, quantity: 1, ...body }, { 'idempotency-key': idem });
}

async function pay(b: { client: MadeUser['client'] }, checkoutId: string) {
  const start = await b.client.request('POST', `/api/v1/checkouts/${checkoutId}/pay`, {}, { 'idempotency-key': key() });
  expect(start.status).toBe(200);
  expect((await b.client.post(`${start.body.url}/confirm`, {})).status).toBe(200);
  const paid = await waitFor(() => b.client.get(`/api/v1/checkouts/${checkoutId}`), (r) => r.body.status === 'paid');
  expect(paid.body.status).toBe('paid');
}

describe('the room view', () => {
  it('shows an approved session to anyone, with the bag, no pin, and the server time', async () => {
    const s = await session({ items: [{ stock: 5 }, { stock: 3 }] });
    const res = await t.client().get(`${api}/${s.id}/room`);
    expect(res.status).toBe(200);
    expect(res.body.session.status).toBe('live');
    expect(res.body.session.host.name).toBe('李主播');
    expect(res.body.items.map((i: { roomCode: number; stockLeft: number; livePriceFen: number; listPriceFen: number }) => [i.roomCode, i.stockLeft, i.livePriceFen, i.listPriceFen])).toEqual([[1, 5, 3990, 5990], [2, 3, 3990, 5990]]);
    expect(res.body.pinned).toBeNull();
    expect(res.body.me).toBeNull();
    expect(Math.abs(Date.parse(res.body.serverTime) - Date.now())).toBeLessThan(5000);
  });

  it('hides practice and unapproved sessions from the public (404), not from their host or center', async () => {
    const practice = await session({ kind: 'practice' });
    const pending = await session({ approval: 'pending' });
    const b = await buyer();
    for (const s of [practice, pending]) {
      expectProblem(await t.client().get(`${api}/${s.id}/room`), 404, 'not_found');
      expectProblem(await b.client.get(`${api}/${s.id}/room`), 404, 'not_found');
      expect((await host.client.get(`${api}/${s.id}/room`)).status).toBe(200);
      expect((await op.client.get(`${api}/${s.id}/room`)).status).toBe(200);
    }
    expectProblem(await t.client().get(`${api}/lvs_nope/room`), 404, 'not_found');
  });
});

describe('buying in the room', () => {
  it('orders at the live price from the session stock, source live, the host on the order; ticker with a masked name', async () => {
    const s = await session({ items: [{ stock: 5 }] });
    const item = s.items[0]!;
    const skuBefore = await skuStock(item.skuId);
    const b = await buyer('张三丰');
    const res = await buy(b, s.id, { itemId: item.id, quantity: 2 });
    expect(res.status).toBe(201);
    const order = res.body.orders[0];
    expect(order.source).toEqual({ kind: 'live', ref: s.id });
    expect(order.items[0].unitPriceFen).toBe(3990);
    expect(order.itemsFen).toBe(7980);
    const row = await t.deps.db.selectFrom('shop_order').select(['host_user_id', 'source_kind']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row.host_user_id).toBe(host.id);
    expect(await stockLeft(item.id)).toBe(3);
    expect(await skuStock(item.skuId)).toBe(skuBefore); // the SKU's general stock is untouched
    const ticker = s.events.find((e) => e.frame.type === 'order');
    expect(ticker?.frame.data).toMatchObject({ buyerLabel: '张**', quantity: 2, unit: '盒' });
    const stock = await waitFor(() => s.events.filter((e) => e.frame.type === 'stock'), (x) => x.length > 0);
    expect(stock.at(-1)!.frame.data).toEqual({ items: [{ itemId: item.id, stockLeft: 3 }] });
  });

  it('replays the same Idempotency-Key without a second order; the key with another body is 422', async () => {
    const s = await session({ items: [{ stock: 5 }] });
    const b = await buyer();
    const idem = key();
    const first = await buy(b, s.id, { itemId: s.items[0]!.id, quantity: 1 }, idem);
    const again = await buy(b, s.id, { itemId: s.items[0]!.id, quantity: 1 }, idem);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await stockLeft(s.items[0]!.id)).toBe(4);
    expectProblem(await buy(b, s.id, { itemId: s.items[0]!.id, quantity: 2 }, idem), 422, 'idempotency_key_reused');
    // Twins at the same instant: one checkout.
    const twin = key();
    const [x, y] = await Promise.all([buy(b, s.id, { itemId: s.items[0]!.id }, twin), buy(b, s.id, { itemId: s.items[0]!.id }, twin)]);
    expect(x.body.id).toBe(y.body.id);
    expect(await stockLeft(s.items[0]!.id)).toBe(3);
  });

  it('refuses outside a live session, another session\'s item, a missing key, bad bodies, and non-buyers', async () => {
    const scheduled = await session({ status: 'scheduled' });
    const ended = await session({ status: 'ended' });
    const practice = await session({ kind: 'practice' });
    const live = await session();
    const b = await buyer();
    expectProblem(await buy(b, scheduled.id, { itemId: scheduled.items[0]!.id }), 409, 'session_not_live');
    expectProblem(await buy(b, ended.id, { itemId: ended.items[0]!.id }), 409, 'session_not_live');
    expectProblem(await buy({ client: host.client, addressId: b.addressId }, practice.id, { itemId: practice.items[0]!.id }), 409, 'practice_session');
    const wrong = await buy(b, live.id, { itemId: scheduled.items[0]!.id });
    expectProblem(wrong, 422, 'validation_failed');
    expect(wrong.body.errors[0].pointer).toBe('/body/itemId');
    expect((await b.client.post(`${api}/${live.id}/checkouts`, { itemId: live.items[0]!.id, quantity: 1, addressId: b.addressId })).status).toBe(400);
    expect((await buy(b, live.id, { itemId: live.items[0]!.id, quantity: '2' })).status).toBe(400);
    expect((await buy(b, live.id, { itemId: live.items[0]!.id, quantity: 0 })).status).toBe(400);
    expect((await buy(b, live.id, { itemId: live.items[0]!.id, priceFen: 1 })).status).toBe(400);
    const other = await buyer();
    expectProblem(await buy({ client: b.client, addressId: other.addressId }, live.id, { itemId: live.items[0]!.id }), 422, 'validation_failed');
    expect((await buy({ client: otherHost.client, addressId: b.addressId }, live.id, { itemId: live.items[0]!.id })).status).toBe(403);
    expect(await stockLeft(live.items[0]!.id)).toBe(10);
  });

  it('never oversells: 12 buyers race over HTTP for 5 units, exactly 5 orders', async () => {
    const s = await session({ items: [{ stock: 5 }] });
    const buyers = await Promise.all(Array.from({ length: 12 }, () => buyer()));
    const results = await Promise.all(buyers.map((b) => buy(b, s.id, { itemId: s.items[0]!.id, quantity: 1 })));
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(5);
    for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'sold_out');
    expect(await stockLeft(s.items[0]!.id)).toBe(0);
    const orders = await t.deps.db.selectFrom('shop_order').select('id').where('source_ref', '=', s.id).execute();
    expect(orders).toHaveLength(5);
  });

  it('one buyer cannot hold the room with unpaid orders: LIVE_MAX_PER_BUYER (20) units of an item, then a clear limit; others still buy', async () => {
    const s = await session({ items: [{ stock: 40, skuStock: 60 }] });
    const item = s.items[0]!;
    const hoarder = await buyer();
    expect((await buy(hoarder, s.id, { itemId: item.id, quantity: 15 })).status).toBe(201);
    const over = await buy(hoarder, s.id, { itemId: item.id, quantity: 6 });
    expectProblem(over, 409, 'purchase_limit');
    expect(over.body.limit).toBe(20);
    expectProblem(await buy(hoarder, s.id, { itemId: item.id, quantity: 21 }), 409, 'purchase_limit');
    expect((await buy(hoarder, s.id, { itemId: item.id, quantity: 5 })).status).toBe(201);
    expect(await stockLeft(item.id)).toBe(20); // the refused tries took nothing
    const other = await buyer();
    expect((await buy(other, s.id, { itemId: item.id, quantity: 2 })).status).toBe(201);
  });

  it('sends the stock of a cancelled or expired live order to the SKU, not back to the session', async () => {
    const s = await session({ items: [{ stock: 4 }] });
    const item = s.items[0]!;
    const b = await buyer();
    const skuBefore = await skuStock(item.skuId);
    const c1 = await buy(b, s.id, { itemId: item.id, quantity: 2 });
    const c2 = await buy(b, s.id, { itemId: item.id, quantity: 1 });
    expect(await stockLeft(item.id)).toBe(1);
    expect((await b.client.post(`/api/v1/checkouts/${c1.body.id}/cancel`)).status).toBe(200);
    expect(await stockLeft(item.id)).toBe(1);
    expect(await skuStock(item.skuId)).toBe(skuBefore + 2);
    expect(await expireCheckouts(t.deps, new Date(Date.now() + 3_600_000).toISOString())).toBeGreaterThanOrEqual(1);
    expect((await b.client.get(`/api/v1/checkouts/${c2.body.id}`)).body.status).toBe('cancelled');
    expect(await skuStock(item.skuId)).toBe(skuBefore + 3);
    expect(await stockLeft(item.id)).toBe(1);
  });

  it("keeps the SKU's per-buyer limit in the room", async () => {
    const s = await session({ items: [{ stock: 10, maxPerBuyer: 2 }] });
    const b = await buyer();
    expect((await buy(b, s.id, { itemId: s.items[0]!.id, quantity: 2 })).status).toBe(201);
    expectProblem(await buy(b, s.id, { itemId: s.items[0]!.id, quantity: 1 }), 409, 'purchase_limit');
    expect(await stockLeft(s.items[0]!.id)).toBe(8);
  });
});

describe('pinning', () => {
  it('the host pins an item of its run-of-show; viewers get the pin event; unpin with null', async () => {
    const s = await session({ items: [{ stock: 5 }, { stock: 5 }] });
    const res = await host.client.put(`${api}/${s.id}/pin`, { itemId: s.items[1]!.id });
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ itemId: s.items[1]!.id, roomCode: 2, livePriceFen: 3990, stockLeft: 5 });
    const pin = s.events.find((e) => e.frame.type === 'pin');
    expect(pin?.frame.data).toEqual({ item: res.body.item });
    expect((await t.client().get(`${api}/${s.id}/room`)).body.pinned.itemId).toBe(s.items[1]!.id);
    const un = await op.client.put(`${api}/${s.id}/pin`, { itemId: null });
    expect(un.status).toBe(200);
    expect(s.events.filter((e) => e.frame.type === 'pin').at(-1)!.frame.data).toEqual({ item: null });
    expect((await t.client().get(`${api}/${s.id}/room`)).body.pinned).toBeNull();
  });

  it('refuses an item outside the run-of-show, another host, another county, a viewer, and a session not live', async () => {
    const s = await session();
    const other = await session();
    const r = await host.client.put(`${api}/${s.id}/pin`, { itemId: other.items[0]!.id });
    expectProblem(r, 422, 'validation_failed');
    expect(r.body.errors[0]).toMatchObject({ pointer: '/body/itemId', code: 'not_in_run_of_show' });
    expectProblem(await otherHost.client.put(`${api}/${s.id}/pin`, { itemId: s.items[0]!.id }), 403, 'not_session_host');
    expectProblem(await opB.client.put(`${api}/${s.id}/pin`, { itemId: s.items[0]!.id }), 403, 'not_session_host');
    const b = await buyer();
    expect((await b.client.put(`${api}/${s.id}/pin`, { itemId: s.items[0]!.id })).status).toBe(403);
    const practice = await session({ kind: 'practice' });
    expectProblem(await opB.client.put(`${api}/${practice.id}/pin`, { itemId: practice.items[0]!.id }), 404, 'not_found');
    const ended = await session({ status: 'ended' });
    expectProblem(await host.client.put(`${api}/${ended.id}/pin`, { itemId: ended.items[0]!.id }), 409, 'session_not_live');
    expect(s.events.filter((e) => e.frame.type === 'pin')).toHaveLength(0);
  });
});

describe('flash sales', () => {
  async function openSale(s: Awaited<ReturnType<typeof session>>, body: Record<string, unknown> = {}) {
    const created = await host.client.post(`${api}/${s.id}/flash-sales`, { itemId: s.items[0]!.id, priceFen: 990, stock: 4, perBuyerLimit: 2, ...body });
    expect(created.status).toBe(201);
    return created.body;
  }
  /** Moves an announced sale's instant into the past (instead of sleeping through the countdown). */
  const openNow = (saleId: string) => t.deps.db.updateTable('live_flash_sale').set({ starts_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', saleId).execute();

  it('sets stock aside, announces an instant ahead (default lead), refuses early orders with startsAt, sells at the sale price, closes back to the item', async () => {
    const s = await session({ items: [{ stock: 10 }] });
    const item = s.items[0]!;
    const sale = await openSale(s);
    expect(sale.status).toBe('draft');
    expect(await stockLeft(item.id)).toBe(6);
    const before = Date.now();
    const started = await host.client.post(`${api}/${s.id}/flash-sales/${sale.saleId}/start`, {});
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('announced');
    const lead = Date.parse(started.body.startsAt) - before;
    expect(lead).toBeGreaterThanOrEqual(9_500);
    expect(lead).toBeLessThanOrEqual(11_000);
    const ev = s.events.find((e) => e.frame.type === 'flash_sale');
    expect(ev?.frame.data).toMatchObject({ saleId: sale.saleId, status: 'announced', startsAt: started.body.startsAt, priceFen: 990, stockLeft: 4 });
    expect((await t.client().get(`${api}/${s.id}/room`)).body.flashSale).toMatchObject({ saleId: sale.saleId, status: 'announced' });

    const b = await buyer();
    const early = await buy(b, s.id, { itemId: item.id, flashSaleId: sale.saleId });
    expectProblem(early, 409, 'flash_sale_not_started');
    expect(early.body.startsAt).toBe(started.body.startsAt);

    await openNow(sale.saleId);
    const ok = await buy(b, s.id, { itemId: item.id, flashSaleId: sale.saleId, quantity: 2 });
    expect(ok.status).toBe(201);
    expect(ok.body.orders[0].items[0].unitPriceFen).toBe(990);
    expect(await saleLeft(sale.saleId)).toBe(2);
    expect(await stockLeft(item.id)).toBe(6);
    expectProblem(await buy(b, s.id, { itemId: item.id, flashSaleId: sale.saleId }), 409, 'purchase_limit');

    const closed = await host.client.post(`${api}/${s.id}/flash-sales/${sale.saleId}/close`, {});
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', stockLeft: 0, stockReturned: 2 });
    expect(await stockLeft(item.id)).toBe(8);
    expectProblem(await host.client.post(`${api}/${s.id}/flash-sales/${sale.saleId}/close`, {}), 409, 'invalid_transition');
    const b2 = await buyer();
    expectProblem(await buy(b2, s.id, { itemId: item.id, flashSaleId: sale.saleId }), 409, 'flash_sale_closed');
    expect(s.events.filter((e) => e.frame.type === 'flash_sale').at(-1)!.frame.data).toMatchObject({ status: 'closed' });
  });

  it('takes a per-start lead within 3–60 s; refuses a second running sale, prices above live, stock beyond the item', async () => {
    const s = await session({ items: [{ stock: 10 }] });
    const a = await openSale(s, { stock: 3 });
    expect((await host.client.post(`${api}/${s.id}/flash-sales/${a.saleId}/start`, { leadSeconds: 2 })).status).toBe(400);
    expect((await host.client.post(`${api}/${s.id}/flash-sales/${a.saleId}/start`, { leadSeconds: 61 })).status).toBe(400);
    const before = Date.now();
    const started = await host.client.post(`${api}/${s.id}/flash-sales/${a.saleId}/start`, { leadSeconds: 30 });
    expect(Date.parse(started.body.startsAt) - before).toBeGreaterThanOrEqual(29_500);
    expectProblem(await host.client.post(`${api}/${s.id}/flash-sales/${a.saleId}/start`, {}), 409, 'invalid_transition');
    const b2 = await openSale(s, { stock: 3 });
    expectProblem(await host.client.post(`${api}/${s.id}/flash-sales/${b2.saleId}/start`, {}), 409, 'flash_sale_running');
    const above = await host.client.post(`${api}/${s.id}/flash-sales`, { itemId: s.items[0]!.id, priceFen: 5000, stock: 1, perBuyerLimit: 1 });
    expectProblem(above, 422, 'validation_failed');
    expectProblem(await host.client.post(`${api}/${s.id}/flash-sales`, { itemId: s.items[0]!.id, priceFen: 100, stock: 5, perBuyerLimit: 1 }), 409, 'not_enough_stock');
    expect(await stockLeft(s.items[0]!.id)).toBe(4);
    expectProblem(await otherHost.client.post(`${api}/${s.id}/flash-sales`, { itemId: s.items[0]!.id, priceFen: 100, stock: 1, perBuyerLimit: 1 }), 403, 'not_session_host');
    expect((await host.client.get(`${api}/${s.id}/flash-sales`)).body.items).toHaveLength(2);
    // A sale whose duration is up no longer blocks the next one: it is closed on the way.
    await t.deps.db.updateTable('live_flash_sale').set({ starts_at: new Date(Date.now() - 60_000).toISOString(), ends_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', a.saleId).execute();
    expectProblem(await buy(await buyer(), s.id, { itemId: s.items[0]!.id, flashSaleId: a.saleId }), 409, 'flash_sale_closed');
    const next = await openSale(s, { stock: 1, perBuyerLimit: 1 });
    expect((await host.client.post(`${api}/${s.id}/flash-sales/${next.saleId}/start`, {})).status).toBe(200);
    expect((await t.deps.db.selectFrom('live_flash_sale').select(['status', 'stock_returned']).where('id', '=', a.saleId).executeTakeFirstOrThrow())).toEqual({ status: 'closed', stock_returned: 3 });
    expect(await stockLeft(s.items[0]!.id)).toBe(6);
    await host.client.post(`${api}/${s.id}/flash-sales/${next.saleId}/close`, {});
    expect(await stockLeft(s.items[0]!.id)).toBe(7);
    // A draft that never started closes too, its stock back to the item.
    const closedDraft = await host.client.post(`${api}/${s.id}/flash-sales/${b2.saleId}/close`, {});
    expect(closedDraft.body).toMatchObject({ status: 'closed', stockReturned: 3 });
    expect(await stockLeft(s.items[0]!.id)).toBe(10);
  });

  it('a sale closed after its session ended gives its units to the SKU; closeSessionFlashSales closes what is open', async () => {
    const s = await session({ items: [{ stock: 10 }] });
    const item = s.items[0]!;
    const a = await openSale(s, { stock: 3 });
    await t.deps.db.updateTable('live_session').set({ status: 'ended', ended_at: nowIso() }).where('id', '=', s.id).execute();
    const skuBefore = await skuStock(item.skuId);
    const closed = await host.client.post(`${api}/${s.id}/flash-sales/${a.saleId}/close`, {});
    expect(closed.body).toMatchObject({ status: 'closed', stockReturned: 3 });
    expect(await skuStock(item.skuId)).toBe(skuBefore + 3);
    expect(await stockLeft(item.id)).toBe(7);

    const s2 = await session({ items: [{ stock: 10 }] });
    const b = await openSale(s2, { stock: 4 });
    await host.client.post(`${api}/${s2.id}/flash-sales/${b.saleId}/start`, {});
    const n = await t.deps.transact((tx) => closeSessionFlashSales({ deps: t.deps, db: tx, actor: null, ip: null }, s2.id));
    expect(n).toBe(1);
    expect(await saleLeft(b.saleId)).toBe(0);
    expect(await stockLeft(s2.items[0]!.id)).toBe(10);
  });

  it('never oversells a flash sale, and a close racing the buyers gives back exactly what was not sold', async () => {
    const s = await session({ items: [{ stock: 20 }] });
    const sale = await openSale(s, { stock: 6, perBuyerLimit: 1 });
    await host.client.post(`${api}/${s.id}/flash-sales/${sale.saleId}/start`, { leadSeconds: 3 });
    await openNow(sale.saleId);
    const buyers = await Promise.all(Array.from({ length: 14 }, () => buyer()));
    const [results, close] = await Promise.all([
      Promise.all(buyers.map((b) => buy(b, s.id, { itemId: s.items[0]!.id, flashSaleId: sale.saleId }))),
      new Promise((r) => setTimeout(r, 15)).then(() => host.client.post(`${api}/${s.id}/flash-sales/${sale.saleId}/close`, {})),
    ]);
    const sold = results.filter((r) => r.status === 201).length;
    expect(sold).toBeLessThanOrEqual(6);
    for (const r of results.filter((x) => x.status !== 201)) expect(['sold_out', 'flash_sale_closed']).toContain(r.body.code);
    expect(close.status).toBe(200);
    expect(close.body.stockReturned).toBe(6 - sold);
    expect(await stockLeft(s.items[0]!.id)).toBe(14 + 6 - sold);
    const units = await t.deps.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id').select('order_item.quantity')
      .where('shop_order.source_ref', '=', s.id).execute();
    expect(units.reduce((a, u) => a + u.quantity, 0)).toBe(sold);
  });
});

describe('two server processes on one PostgreSQL database', () => {
  it.runIf(DB === 'postgres')('a flash sale taken from both never oversells', async () => {
    const regions = openRegionSource();
    const other = await buildApp(t.config, { pgSchema: t.pgSchema!, logger: false, regions, sms: t.sms });
    try {
      await other.app.ready();
      const s = await session({ items: [{ stock: 20 }] });
      const sale = (await host.client.post(`${api}/${s.id}/flash-sales`, { itemId: s.items[0]!.id, priceFen: 990, stock: 5, perBuyerLimit: 1 })).body;
      await host.client.post(`${api}/${s.id}/flash-sales/${sale.saleId}/start`, { leadSeconds: 3 });
      await t.deps.db.updateTable('live_flash_sale').set({ starts_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', sale.saleId).execute();
      const buyers = await Promise.all(Array.from({ length: 16 }, () => buyer()));
      const results = await Promise.all(buyers.map(async (b, i) => {
        // Every other buyer talks to the second process with the same session cookie.
        const client = i % 2 ? Object.assign(new TestClient(other), { cookie: b.client.cookie, csrf: b.client.csrf }) : b.client;
        return client.request('POST', `${api}/${s.id}/checkouts`, { itemId: s.items[0]!.id, quantity: 1, addressId: b.addressId, flashSaleId: sale.saleId }, { 'idempotency-key': key() });
      }));
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'sold_out');
      expect(await saleLeft(sale.saleId)).toBe(0);
      const lines = await t.deps.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id').select('order_item.quantity')
        .where('shop_order.source_ref', '=', s.id).execute();
      expect(lines).toHaveLength(5);
    } finally {
      await other.close();
      regions.close();
    }
  });
});

describe('comments, moderation and likes', () => {
  const post = (c: MadeUser['client'], sessionId: string, text: string, idem?: string) =>
    c.request('POST', `${api}/${sessionId}/comments`, { text }, idem ? { 'idempotency-key': idem } : {});

  it('posts to the room, keeps recent comments for late joiners, and refuses bad input', async () => {
    const s = await session();
    const b = await buyer('王小二');
    const res = await post(b.client, s.id, '  主播好，蓝莓甜吗？ ');
    expect(res.status).toBe(201);
    expect(res.body.comment).toMatchObject({ userLabel: '王**', text: '主播好，蓝莓甜吗？', fromHost: false, status: 'visible' });
    expect(res.body.comment.userId).toBeUndefined();
    expect(s.events.find((e) => e.frame.type === 'comment')?.frame.data).toMatchObject({ userLabel: '王**', text: '主播好，蓝莓甜吗？' });
    const late = await t.client().get(`${api}/${s.id}/room`);
    expect(late.body.comments.map((c: { text: string }) => c.text)).toContain('主播好，蓝莓甜吗？');
    expect((await post(b.client, s.id, '')).status).toBe(400);
    expectProblem(await post(b.client, s.id, '   '), 422, 'validation_failed');
    expect((await post(b.client, s.id, 'x'.repeat(401))).status).toBe(400);
    expect((await t.client().post(`${api}/${s.id}/comments`, { text: 'hi' })).status).toBe(401);
    const ended = await session({ status: 'ended' });
    expectProblem(await post(b.client, ended.id, 'hi'), 409, 'session_not_live');
    const stat = await t.deps.db.selectFrom('live_session_stat').select('comments').where('session_id', '=', s.id).executeTakeFirstOrThrow();
    expect(stat.comments).toBe(1);
  });

  it('a resent comment with the same Idempotency-Key is stored once', async () => {
    const s = await session();
    const b = await buyer();
    const idem = key();
    const a = await post(b.client, s.id, '好吃', idem);
    const again = await post(b.client, s.id, '好吃', idem);
    expect(a.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.comment.id).toBe(a.body.comment.id);
    expect(s.events.filter((e) => e.frame.type === 'comment')).toHaveLength(1);
  });

  it('rate-limits each viewer per room (LIVE_COMMENTS_PER_MINUTE), not the room as a whole', async () => {
    const s = await session();
    const spammer = await buyer();
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await post(spammer.client, s.id, `刷屏${i}`)).status);
    expect(codes.filter((c) => c === 201)).toHaveLength(8);
    expectProblem(await post(spammer.client, s.id, 'again'), 429, 'rate_limited');
    const calm = await buyer();
    expect((await post(calm.client, s.id, '我只说一句')).status).toBe(201);
    const s2 = await session();
    expect((await post(spammer.client, s2.id, '另一个直播间')).status).toBe(201);
  });

  it('holds a flagged comment: not broadcast, seen by its author and the host with the words that caught it; the host may show it', async () => {
    const s = await session();
    const b = await buyer();
    const other = await buyer();
    for (const text of ['加 微 信 领红包', '卖假货的', '打13912345678']) {
      const res = await post(b.client, s.id, text);
      expect(res.status).toBe(201);
      expect(res.body.comment.status).toBe('visible'); // its author is not told it was held
      expect(res.body.comment.flaggedWords).toBeUndefined();
    }
    expect(s.events.filter((e) => e.frame.type === 'comment')).toHaveLength(0);
    expect((await b.client.get(`${api}/${s.id}/comments`)).body.items).toHaveLength(3);
    expect((await other.client.get(`${api}/${s.id}/comments`)).body.items).toHaveLength(0);
    const console = await host.client.get(`${api}/${s.id}/comments`);
    expect(console.body.items.map((c: { flaggedWords: string[] }) => c.flaggedWords)).toEqual([['加微信'], ['假货'], ['手机号']]);
    expect(console.body.items.map((c: { status: string }) => c.status)).toEqual(['held', 'held', 'held']);
    const shown = await host.client.post(`${api}/${s.id}/comments/${console.body.items[1].id}/show`, {});
    expect(shown.body.status).toBe('visible');
    expect(s.events.filter((e) => e.frame.type === 'comment')).toHaveLength(1);
    expect((await other.client.get(`${api}/${s.id}/comments`)).body.items).toHaveLength(1);
    // usb / vxyz are not vx or sb
    expect((await post(other.client, s.id, '有usb接口吗')).body.comment.status).toBe('visible');
  });

  it('host hides and replies; mute stops comments, ban also stops buying and kicks the socket; both can be lifted', async () => {
    const s = await session();
    const b = await buyer('赵六');
    const c = await post(b.client, s.id, '太贵了');
    const hidden = await host.client.post(`${api}/${s.id}/comments/${c.body.comment.id}/hide`, {});
    expect(hidden.status).toBe(200);
    expect(s.events.find((e) => e.frame.type === 'comment_hidden')?.frame.data).toEqual({ id: c.body.comment.id });
    expect((await t.client().get(`${api}/${s.id}/comments`)).body.items).toHaveLength(0);
    expectProblem(await host.client.post(`${api}/${s.id}/comments/${c.body.comment.id}/hide`, {}), 409, 'invalid_transition');
    expectProblem(await otherHost.client.post(`${api}/${s.id}/comments/${c.body.comment.id}/hide`, {}), 403, 'not_session_host');

    const reply = await host.client.request('POST', `${api}/${s.id}/comments`, { text: '今天直播价很划算', replyToId: c.body.comment.id });
    expect(reply.status).toBe(201);
    expect(reply.body.comment.fromHost).toBe(true);
    expect(s.events.filter((e) => e.frame.type === 'comment').at(-1)!.frame.data).toMatchObject({ text: '@赵* 今天直播价很划算', fromHost: true });

    const mute = await host.client.put(`${api}/${s.id}/bans/${b.id}`, { kind: 'mute', minutes: 10, reason: '刷屏' });
    expect(mute.status).toBe(200);
    expect(s.events.find((e) => e.to === b.id)?.frame).toMatchObject({ type: 'reply', data: { kind: 'muted', text: expect.stringMatching(/^你已被禁言至 \d{2}:\d{2}$/) } });
    expectProblem(await post(b.client, s.id, 'hello'), 403, 'muted');
    expect((await buy(b, s.id, { itemId: s.items[0]!.id })).status).toBe(201); // muted viewers may still buy

    const ban = await op.client.put(`${api}/${s.id}/bans/${b.id}`, { kind: 'ban', reason: '辱骂' });
    expect(ban.status).toBe(200);
    expect(ban.body.until).toBeNull();
    expect(s.events.filter((e) => e.to === b.id).at(-1)!.frame).toMatchObject({ type: 'reply', data: { kind: 'banned', text: '你已被移出直播间：辱骂' } });
    expectProblem(await buy(b, s.id, { itemId: s.items[0]!.id }), 403, 'banned_from_room');
    expectProblem(await post(b.client, s.id, 'hello'), 403, 'banned_from_room');
    expect((await host.client.get(`${api}/${s.id}/bans`)).body.items.map((x: { kind: string }) => x.kind).sort()).toEqual(['ban', 'mute']);
    const row = await t.deps.db.selectFrom('live_ban').selectAll().where('session_id', '=', s.id).where('user_id', '=', b.id).where('kind', '=', 'ban').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_by: op.id, reason: '辱骂', until: null });

    expectProblem(await host.client.put(`${api}/${s.id}/bans/${host.id}`, { kind: 'ban' }), 422, 'validation_failed');
    expectProblem(await host.client.put(`${api}/${s.id}/bans/${op.id}`, { kind: 'mute' }), 422, 'validation_failed');
    expectProblem(await otherHost.client.put(`${api}/${s.id}/bans/${b.id}`, { kind: 'mute' }), 403, 'not_session_host');
    expect((await host.client.put(`${api}/${s.id}/bans/${b.id}`, { kind: 'kick' })).status).toBe(400);

    expect((await host.client.delete(`${api}/${s.id}/bans/${b.id}/ban`)).status).toBe(200);
    expect((await host.client.delete(`${api}/${s.id}/bans/${b.id}/mute`)).status).toBe(200);
    expectProblem(await host.client.delete(`${api}/${s.id}/bans/${b.id}/mute`), 404, 'not_found');
    expect((await post(b.client, s.id, '我错了')).status).toBe(201);
  });

  it('an expired mute no longer applies', async () => {
    const s = await session();
    const b = await buyer();
    await t.deps.db.insertInto('live_ban').values({ session_id: s.id, user_id: b.id, kind: 'mute', until: new Date(Date.now() - 1000).toISOString(), reason: '', created_by: host.id, created_at: nowIso() }).execute();
    expect((await post(b.client, s.id, 'back')).status).toBe(201);
  });

  it('likes add up in live_session_stat and go to the room', async () => {
    const s = await session();
    const b = await buyer();
    expect((await b.client.post(`${api}/${s.id}/likes`, { count: 5 })).body.total).toBe(5);
    expect((await host.client.post(`${api}/${s.id}/likes`, { count: 3 })).body.total).toBe(8);
    expect((await b.client.post(`${api}/${s.id}/likes`, { count: 101 })).status).toBe(400);
    const likes = await waitFor(() => s.events.filter((e) => e.frame.type === 'likes'), (x) => x.length > 0 && (x.at(-1)!.frame.data as { total: number }).total === 8);
    expect(likes.at(-1)!.frame.data).toEqual({ total: 8 });
    expect((await t.client().get(`${api}/${s.id}/room`)).body.likes).toBe(8);
  });
});

describe('comment-to-buy', () => {
  const post = (c: MadeUser['client'], sessionId: string, text: string, idem?: string) =>
    c.request('POST', `${api}/${sessionId}/comments`, { text }, idem ? { 'idempotency-key': idem } : {});

  it('"1号 2份" reserves from the default address and answers privately with a pay link; resending the comment buys once', async () => {
    const s = await session({ items: [{ stock: 5 }] });
    const b = await buyer();
    const idem = key();
    const res = await post(b.client, s.id, '1号 2份', idem);
    expect(res.status).toBe(201);
    expect(res.body.buy).toMatchObject({ outcome: 'reserved', roomCode: 1, quantity: 2 });
    const checkoutId = res.body.buy.checkoutId;
    expect(res.body.buy.payUrl).toBe(`/pay/${checkoutId}`);
    const checkout = await b.client.get(`/api/v1/checkouts/${checkoutId}`);
    expect(checkout.body.orders[0].source).toEqual({ kind: 'live', ref: s.id });
    expect(checkout.body.orders[0].items[0]).toMatchObject({ quantity: 2, unitPriceFen: 3990 });
    expect(await stockLeft(s.items[0]!.id)).toBe(3);
    const reply = s.events.find((e) => e.to === b.id && e.frame.type === 'reply');
    expect(reply?.frame.data).toMatchObject({ kind: 'comment_buy', checkoutId, payUrl: `/pay/${checkoutId}` });
    expect(s.events.find((e) => e.frame.type === 'order')).toBeDefined();
    const again = await post(b.client, s.id, '1号 2份', idem);
    expect(again.status).toBe(200);
    expect(again.body.buy.checkoutId).toBe(checkoutId);
    expect(await stockLeft(s.items[0]!.id)).toBe(3);
    // A first attempt that failed after placing the checkout but before recording the outcome:
    // the replay finishes it with the same checkout (before, it answered no buy at all).
    await t.deps.db.updateTable('live_comment').set({ buy_outcome: null, checkout_id: null, buy_room_code: null, buy_quantity: null }).where('id', '=', res.body.comment.id).execute();
    const finished = await post(b.client, s.id, '1号 2份', idem);
    expect(finished.status).toBe(200);
    expect(finished.body.buy).toMatchObject({ outcome: 'reserved', checkoutId });
    expect(await stockLeft(s.items[0]!.id)).toBe(3);
    // Full-width and the other spellings too.
    expect((await post(b.client, s.id, '＃１ ｘ１')).body.buy).toMatchObject({ outcome: 'reserved', quantity: 1 });
    expect((await post(b.client, s.id, 'SOLD 1 x1')).body.buy).toMatchObject({ outcome: 'reserved', quantity: 1 });
    expect(await stockLeft(s.items[0]!.id)).toBe(1);
    // Chat is chat.
    expect((await post(b.client, s.id, '1号好甜')).body.buy).toBeNull();
  });

  it('answers politely: unknown code, sold out, no address, over the limit, not a buyer', async () => {
    const s = await session({ items: [{ stock: 1, maxPerBuyer: 1 }] });
    const b = await buyer();
    const unknown = await post(b.client, s.id, '9号 1份');
    expect(unknown.body.buy).toMatchObject({ outcome: 'unknown_code', checkoutId: null });
    expect(s.events.filter((e) => e.to === b.id).at(-1)!.frame.data).toMatchObject({ kind: 'comment_buy', text: expect.stringContaining('9 号') });
    expect((await post(b.client, s.id, '1号 2份')).body.buy.outcome).toBe('sold_out');
    expect((await post(b.client, s.id, '1号')).body.buy.outcome).toBe('reserved');
    const late = await buyer();
    expect((await post(late.client, s.id, '1号')).body.buy.outcome).toBe('sold_out');
    const noAddr = await buyer('无地址', false);
    expect((await post(noAddr.client, s.id, '1号')).body.buy.outcome).toBe('no_address');
    expect((await post(otherHost.client, s.id, '1号')).body.buy.outcome).toBe('not_buyer');
    const s2 = await session({ items: [{ stock: 5, maxPerBuyer: 1 }] });
    const b2 = await buyer();
    expect((await post(b2.client, s2.id, '1号 2份')).body.buy.outcome).toBe('over_limit');
    const stored = await t.deps.db.selectFrom('live_comment').select(['buy_outcome']).where('session_id', '=', s.id).orderBy('id').execute();
    expect(stored.map((r) => r.buy_outcome)).toEqual(['unknown_code', 'sold_out', 'reserved', 'sold_out', 'no_address', 'not_buyer']);
  });
});

describe('live figures', () => {
  it('counts orders, GMV of paid orders, orders per minute and conversion per product for the host and center, not for others', async () => {
    const s = await session({ items: [{ stock: 10 }, { stock: 10 }] });
    await t.deps.db.insertInto('live_session_stat').values({ session_id: s.id, viewers_now: 7, viewers_peak: 9, watch_seconds: 600, unique_viewers: 10, comments: 0, likes: 0, updated_at: nowIso() }).execute();
    const b1 = await buyer();
    const b2 = await buyer();
    const c1 = await buy(b1, s.id, { itemId: s.items[0]!.id, quantity: 2 });
    await buy(b2, s.id, { itemId: s.items[0]!.id, quantity: 1 });
    await pay(b1, c1.body.id);
    const f = await host.client.get(`${api}/${s.id}/figures`);
    expect(f.status).toBe(200);
    expect(f.body).toMatchObject({ viewersNow: 7, viewersPeak: 9, uniqueViewers: 10, watchMinutes: 10, ordersPlaced: 2, ordersPaid: 1, gmvFen: 7980, placedFen: 11970, ordersLastMinute: 2 });
    expect(f.body.items[0]).toMatchObject({ roomCode: 1, units: 3, buyers: 2, gmvFen: 7980, conversion: 0.2, stockLeft: 7 });
    expect(f.body.items[1]).toMatchObject({ roomCode: 2, units: 0, buyers: 0, conversion: 0 });
    expect((await op.client.get(`${api}/${s.id}/figures`)).status).toBe(200);
    expect((await official.client.get(`${api}/${s.id}/figures`)).status).toBe(200);
    expectProblem(await otherHost.client.get(`${api}/${s.id}/figures`), 403, 'not_session_host');
    expectProblem(await opB.client.get(`${api}/${s.id}/figures`), 403, 'not_session_host');
  });
});

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { expireCheckouts } from '../orders/index.js';

/**
 * Random sequences of room purchases (some concurrent), cancellations, expiries, flash sales
 * (create, start, buy, close) through the real API. After every step the units are all
 * accounted for: the SKU's general stock + the session's stock left + open flash sales' stock
 * + the units of live orders not cancelled = what there was at the start; nothing is negative;
 * no flash sale sold more than its stock, and no buyer more than its per-buyer limit.
 */
const SKU_STOCK = 20;
const ALLOTTED = 8;
let t: TestApp;
let op: MadeUser;
let host: MadeUser;
let supplierId: string;
let buyers: { client: MadeUser['client']; id: string; addressId: string }[];
const api = '/api/v1/live/sessions';

beforeAll(async () => {
  t = await createTestApp();
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  supplierId = await makeSupplier(t);
  await makeLicence(t, op.client, supplierId, 'produce_certificate');
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
  buyers = [];
  for (let i = 0; i < 3; i++) {
    const u = await makeUser(t, [{ role: 'buyer' }], `买家${i}`);
    const a = await u.client.post('/api/v1/me/addresses', { recipientName: '买家', phone: '13812345678', regionCode: '110105', detail: '一号', isDefault: true });
    buyers.push({ client: u.client, id: u.id, addressId: a.body.id });
  }
}, 60_000);
afterAll(async () => { await t.close(); });

type Step =
  | { kind: 'buy'; buyer: number; qty: number; twice: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'expireAll' }
  | { kind: 'flashCreate'; stock: number; limit: number }
  | { kind: 'flashStart' }
  | { kind: 'flashBuy'; buyer: number; qty: number }
  | { kind: 'flashClose' }
  | { kind: 'comment'; buyer: number; qty: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('buy' as const), buyer: fc.nat(2), qty: fc.integer({ min: 1, max: 3 }), twice: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expireAll' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flashCreate' as const), stock: fc.integer({ min: 1, max: 4 }), limit: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flashStart' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flashBuy' as const), buyer: fc.nat(2), qty: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flashClose' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('comment' as const), buyer: fc.nat(2), qty: fc.integer({ min: 1, max: 3 }) }) },
);

async function freshSession() {
  const p = await makeProduct(t, op.client, supplierId, { title: `蓝莓${randomUUID().slice(0, 4)}`, skus: [{ priceFen: 5990, stock: SKU_STOCK }], publish: true });
  const skuId = p.skuIds[0]!;
  const id = newId('liveSession');
  const itemId = newId('liveItem');
  const now = nowIso();
  await t.deps.db.insertInto('live_session').values({
    id, county_code: COUNTY_A, host_user_id: host.id, kind: 'hosted', title: '属性测试', description: '', cover_file_id: null,
    scheduled_start: now, scheduled_end: new Date(Date.now() + 3_600_000).toISOString(), status: 'live', approval: 'approved', approval_note: '', approved_by: null,
    platform: null, external_url: null, external_code: null, pinned_item_id: null, video_state: 'offline', video_seen_at: null, replay_path: null, started_at: now, ended_at: null,
    created_at: now, updated_at: now,
  }).execute();
  await t.deps.db.updateTable('sku').set((eb) => ({ stock_available: eb('stock_available', '-', ALLOTTED) })).where('id', '=', skuId).execute();
  await t.deps.db.insertInto('live_session_item').values({
    id: itemId, session_id: id, position: 1, room_code: 1, product_id: p.id, sku_id: skuId, supplier_id: supplierId, live_price_fen: 3990,
    stock_allotted: ALLOTTED, stock_left: ALLOTTED, slot_minute: null, slot_minutes: null, talking_points: '', created_at: now, updated_at: now,
  }).execute();
  return { id, itemId, skuId };
}

async function checkInvariants(s: { id: string; itemId: string; skuId: string }) {
  const sku = await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', s.skuId).executeTakeFirstOrThrow();
  const item = await t.deps.db.selectFrom('live_session_item').select('stock_left').where('id', '=', s.itemId).executeTakeFirstOrThrow();
  const sales = await t.deps.db.selectFrom('live_flash_sale').selectAll().where('session_id', '=', s.id).execute();
  const lines = await t.deps.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id')
    .select(['order_item.quantity', 'order_item.unit_price_fen', 'shop_order.status', 'shop_order.buyer_id'])
    .where('shop_order.source_ref', '=', s.id).execute();
  const open = lines.filter((l) => l.status !== 'cancelled').reduce((a, l) => a + l.quantity, 0);
  const inSales = sales.reduce((a, x) => a + x.stock_left, 0);
  expect(sku.stock_available).toBeGreaterThanOrEqual(0);
  expect(item.stock_left).toBeGreaterThanOrEqual(0);
  expect(sku.stock_available + item.stock_left + inSales + open).toBe(SKU_STOCK);
  for (const sale of sales) {
    const sold = lines.filter((l) => l.unit_price_fen === sale.price_fen && sale.price_fen !== 3990).length; // flash lines (price differs from live)
    expect(sale.stock_left + sale.stock_returned).toBeLessThanOrEqual(sale.stock_total);
    expect(sold).toBeLessThanOrEqual(sale.stock_total);
    if (sale.status === 'closed') expect(sale.stock_left).toBe(0);
    const counts = await t.deps.db.selectFrom('live_flash_sale_buyer').select('quantity').where('sale_id', '=', sale.id).execute();
    for (const c of counts) expect(c.quantity).toBeLessThanOrEqual(sale.per_buyer_limit);
  }
}

describe('live room stock, property-based', () => {
  it('every unit stays accounted for through random purchases, cancellations, expiries and flash sales', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), async (steps) => {
      const s = await freshSession();
      const checkouts: { buyer: number; id: string }[] = [];
      let saleId: string | null = null;
      let started = false;
      for (const st of steps) {
        switch (st.kind) {
          case 'buy': {
            const b = buyers[st.buyer]!;
            const send = () => b.client.request('POST', `${api}/${s.id}/checkouts`, { itemId: s.itemId, quantity: st.qty, addressId: b.addressId }, { 'idempotency-key': `k-${randomUUID()}` });
            const res = await (st.twice ? Promise.all([send(), send()]) : Promise.all([send()]));
            for (const r of res) {
              expect([201, 409]).toContain(r.status);
              if (r.status === 201) checkouts.push({ buyer: st.buyer, id: r.body.id });
            }
            break;
          }
          case 'cancel': {
            const c = checkouts[st.pick % Math.max(1, checkouts.length)];
            if (c) expect([200, 409]).toContain((await buyers[c.buyer]!.client.post(`/api/v1/checkouts/${c.id}/cancel`)).status);
            break;
          }
          case 'expireAll':
            await expireCheckouts(t.deps, new Date(Date.now() + 3_600_000).toISOString());
            break;
          case 'flashCreate': {
            if (saleId) break;
            const r = await host.client.post(`${api}/${s.id}/flash-sales`, { itemId: s.itemId, priceFen: 990, stock: st.stock, perBuyerLimit: Math.min(st.limit, st.stock) });
            expect([201, 409]).toContain(r.status);
            if (r.status === 201) { saleId = r.body.saleId; started = false; }
            break;
          }
          case 'flashStart': {
            if (!saleId || started) break;
            expect((await host.client.post(`${api}/${s.id}/flash-sales/${saleId}/start`, { leadSeconds: 3 })).status).toBe(200);
            await t.deps.db.updateTable('live_flash_sale').set({ starts_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', saleId).execute();
            started = true;
            break;
          }
          case 'flashBuy': {
            if (!saleId) break;
            const b = buyers[st.buyer]!;
            const r = await b.client.request('POST', `${api}/${s.id}/checkouts`, { itemId: s.itemId, quantity: st.qty, addressId: b.addressId, flashSaleId: saleId }, { 'idempotency-key': `k-${randomUUID()}` });
            expect([201, 409]).toContain(r.status);
            if (r.status === 201) checkouts.push({ buyer: st.buyer, id: r.body.id });
            else expect(['sold_out', 'purchase_limit', 'flash_sale_not_started']).toContain(r.body.code);
            break;
          }
          case 'flashClose': {
            if (!saleId) break;
            expect((await host.client.post(`${api}/${s.id}/flash-sales/${saleId}/close`, {})).status).toBe(200);
            saleId = null;
            break;
          }
          case 'comment': {
            const b = buyers[st.buyer]!;
            const r = await b.client.post(`${api}/${s.id}/comments`, { text: `1号 ${st.qty}份` });
            expect(r.status).toBe(201);
            if (r.body.buy?.checkoutId) checkouts.push({ buyer: st.buyer, id: r.body.buy.checkoutId });
            break;
          }
        }
        await checkInvariants(s);
      }
    }), { numRuns: 12 });
  }, 240_000);
});

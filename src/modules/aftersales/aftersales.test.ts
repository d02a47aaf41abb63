import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1X1, createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { systemCtx } from '../../context.js';
import { commissionAccrued, postEntry } from '../ledger/index.js';
import { CASE_ACTIONS, CASE_STATUSES, CASE_TRANSITIONS, moveCase, retryPendingRefunds, type CaseAction } from './index.js';

let t: TestApp;
let op: MadeUser;
let supA: string;
let supA2: string;
let supplierA: MadeUser;
let supplierA2: MadeUser;
let opB: MadeUser;
let official: MadeUser;
const key = () => `k-${randomUUID()}`;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: 'aftersales-test-secret', notifyDelayMs: 5 }, aftersalesEscalateHours: 48 });
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  supA = await makeSupplier(t, { name: '蓝莓合作社' });
  supA2 = await makeSupplier(t, { name: '木耳合作社' });
  for (const s of [supA, supA2]) await makeLicence(t, op.client, s, 'produce_certificate');
  supplierA = await makeUser(t, [{ role: 'supplier', supplierId: supA, prefix: COUNTY_A }], '蓝莓社长');
  supplierA2 = await makeUser(t, [{ role: 'supplier', supplierId: supA2, prefix: COUNTY_A }], '木耳社长');
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }], '领导');
});
afterAll(async () => { await t.close(); });

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 4000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function buyer() {
  const b = await makeUser(t, [{ role: 'buyer' }], '买家');
  const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
  expect(addr.status).toBe(201);
  return { ...b, addressId: addr.body.id as string };
}
type Buyer = Awaited<ReturnType<typeof buyer>>;

/** A SKU on sale: fresh fruit is perishable ('quality_only'), mountain goods take seven-day returns. */
async function sku(opts: { perishable?: boolean; priceFen?: number; stock?: number; supplierId?: string } = {}) {
  const p = await makeProduct(t, op.client, opts.supplierId ?? supA, {
    category: opts.perishable === false ? 'mountain_goods' : 'fresh_fruit', title: `商品${randomUUID().slice(0, 4)}`,
    skus: [{ priceFen: opts.priceFen ?? 1000, stock: opts.stock ?? 10 }], publish: true,
  });
  return p.skuIds[0]!;
}

/** Places a checkout through the API and pays it on the sandbox's hosted page. */
async function paidOrder(lines: { skuId: string; quantity: number }[], b?: Buyer) {
  const who = b ?? (await buyer());
  const c = await who.client.request('POST', '/api/v1/checkouts', { items: lines, addressId: who.addressId }, { 'idempotency-key': key() });
  expect(c.status).toBe(201);
  const start = await who.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
  expect((await who.client.post(`${start.body.url}/confirm`, {})).status).toBe(200);
  const paid = await waitFor(() => who.client.get(`/api/v1/checkouts/${c.body.id}`), (r) => r.body.status === 'paid');
  expect(paid.body.status).toBe('paid');
  const order = paid.body.orders[0];
  return { buyer: who, orderId: order.id as string, order, items: order.items as { id: string; skuId: string; quantity: number; lineFen: number }[] };
}

/** Fulfilment is another module: move the order along by its columns. */
async function setShipped(orderId: string, deliveredAgoMs?: number) {
  const now = Date.now();
  await t.deps.db.updateTable('shop_order').set({
    status: deliveredAgoMs === undefined ? 'shipped' : 'delivered', carrier: 'SF', tracking_no: 'SF1234567890',
    shipped_at: new Date(now - (deliveredAgoMs ?? 0) - HOUR).toISOString(),
    delivered_at: deliveredAgoMs === undefined ? null : new Date(now - deliveredAgoMs).toISOString(),
  }).where('id', '=', orderId).execute();
}

const stockOf = async (skuId: string) => (await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;
const orderRow = (id: string) => t.deps.db.selectFrom('shop_order').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const refundsOf = (orderId: string) => t.deps.db.selectFrom('payment_refund').selectAll().where('order_id', '=', orderId).execute();
const waitRefundSettled = (refundId: string) => waitFor(
  () => t.deps.db.selectFrom('payment_refund').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow(), (r) => r.status !== 'pending');

async function photo(b: MadeUser) {
  const res = await b.client.upload('POST', '/api/v1/aftersales/photos', PNG_1X1, 'rotten.png');
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function open(b: MadeUser, body: Record<string, unknown>) {
  return b.client.post('/api/v1/aftersales', body);
}

async function expectBalancedBooks() {
  const entries = await t.deps.db.selectFrom('ledger_posting').select(['entry_id', (eb) => eb.fn.sum<number>('amount_fen').as('s')]).groupBy('entry_id').execute();
  expect(entries.length).toBeGreaterThan(0);
  expect(entries.filter((e) => Number(e.s) !== 0)).toEqual([]);
  const negative = await t.deps.db.selectFrom('ledger_account').select(['kind', 'balance_fen']).where('balance_fen', '<', 0).execute();
  expect(negative).toEqual([]);
}

async function balanceOf(kind: string, partyId = '') {
  const a = await t.deps.db.selectFrom('ledger_account').select('id').where('county_code', '=', COUNTY_A).where('kind', '=', kind as never).where('party_id', '=', partyId).executeTakeFirst();
  if (!a) return 0;
  const s = await t.deps.db.selectFrom('ledger_posting').select((eb) => eb.fn.sum<number>('amount_fen').as('s')).where('account_id', '=', a.id).executeTakeFirstOrThrow();
  return Number(s.s ?? 0);
}

describe('cancel before shipping', () => {
  it('refunds the whole order at once, gives the stock back, closes the order; the sandbox notification settles the refund', async () => {
    const s = await sku({ priceFen: 1500 });
    const { buyer: b, orderId } = await paidOrder([{ skuId: s, quantity: 2 }]);
    expect(await stockOf(s)).toBe(8);
    const res = await b.client.post(`/api/v1/orders/${orderId}/cancel`, { reason: '拍错了' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'cancel', status: 'refunded', requestedFen: 3000, approvedFen: 3000 });
    expect(res.body.refund.refundNo).toMatch(/^RS\d{18}$/);
    expect(await stockOf(s)).toBe(10);
    const o = await orderRow(orderId);
    expect(o).toMatchObject({ status: 'closed', refunded_fen: 3000 });
    const settled = await waitRefundSettled(res.body.refund.id);
    expect(settled).toMatchObject({ status: 'succeeded', amount_fen: 3000, order_id: orderId });
    expect((await b.client.get(`/api/v1/aftersales/${res.body.id}`)).body.refund.status).toBe('succeeded');
    expect(await balanceOf('refund_clearing')).toBe(0);
    // A second cancel, or one racing the first, finds the order closed.
    expectProblem(await b.client.post(`/api/v1/orders/${orderId}/cancel`, {}), 409, 'invalid_transition');
    await expectBalancedBooks();
  });

  it('three cancels at once: one refund', async () => {
    const s = await sku();
    const { buyer: b, orderId } = await paidOrder([{ skuId: s, quantity: 1 }]);
    const results = await Promise.all([0, 1, 2].map(() => b.client.post(`/api/v1/orders/${orderId}/cancel`, {})));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409)).toBe(true);
    expect(await refundsOf(orderId)).toHaveLength(1);
    expect(await stockOf(s)).toBe(10);
  });

  it('a shipped order cannot be cancelled, nor another buyer’s order', async () => {
    const s = await sku();
    const { buyer: b, orderId } = await paidOrder([{ skuId: s, quantity: 1 }]);
    const other = await buyer();
    expectProblem(await other.client.post(`/api/v1/orders/${orderId}/cancel`, {}), 404, 'not_found');
    await setShipped(orderId);
    expectProblem(await b.client.post(`/api/v1/orders/${orderId}/cancel`, {}), 409, 'invalid_transition');
    expect(await refundsOf(orderId)).toHaveLength(0);
  });
});

describe('refund only', () => {
  it('a perishable quality complaint with a photo, approved in part; a replayed approval refunds nothing more', async () => {
    const s = await sku({ priceFen: 1000 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 2 }]);
    await setShipped(orderId, 2 * HOUR);
    const p = await photo(b);
    const res = await open(b, { orderId, kind: 'refund_only', reasonCode: 'spoiled', reasonText: '一盒发霉', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 1000, photoIds: [p] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'requested', kind: 'refund_only', requestedFen: 1000 });
    expect(res.body.photos).toHaveLength(1);
    // The supplier and the center see the photo; a stranger does not.
    const shown = await supplierA.client.get(res.body.photos[0]);
    expect(shown.status).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(shown.headers['cache-control']).toBe('private, no-store');
    expect((await op.client.get(res.body.photos[0])).status).toBe(200);
    expectProblem(await (await buyer()).client.get(res.body.photos[0]), 404, 'not_found');
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${res.body.id}/approve`, { amountFen: 1001 }), 422, 'amount_too_large');

    const approved = await supplierA.client.post(`/api/v1/aftersales/${res.body.id}/approve`, { amountFen: 600 });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'refunded', approvedFen: 600 });
    const o = await orderRow(orderId);
    expect(o).toMatchObject({ status: 'delivered', refunded_fen: 600 });
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${res.body.id}/approve`, { amountFen: 600 }), 409, 'invalid_transition');
    expect(await refundsOf(orderId)).toHaveLength(1);
    expect((await waitRefundSettled(approved.body.refund.id)).status).toBe('succeeded');
    // Supplier payable: the order's total less the refund.
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', res.body.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['aftersales.approved', 'aftersales.opened']);
    await expectBalancedBooks();
  });

  it('before delivery only a refund for non-arrival; a seven-day line needs no photo for it', async () => {
    const s = await sku({ perishable: false });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId);
    const line = [{ orderItemId: items[0]!.id, quantity: 1 }];
    expectProblem(await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: line, amountFen: 500 }), 422, 'not_delivered_yet');
    expectProblem(await open(b, { orderId, kind: 'return_and_refund', reasonCode: 'not_received', items: line, amountFen: 500 }), 422, 'not_delivered_yet');
    const res = await open(b, { orderId, kind: 'refund_only', reasonCode: 'not_received', items: line, amountFen: 1000 });
    expect(res.status).toBe(201);
    // One open case per order.
    expectProblem(await open(b, { orderId, kind: 'refund_only', reasonCode: 'not_received', items: line, amountFen: 100 }), 409, 'aftersales_open');
    const ok = await supplierA.client.post(`/api/v1/aftersales/${res.body.id}/approve`, {});
    expect(ok.body).toMatchObject({ status: 'refunded', approvedFen: 1000 });
    expect((await orderRow(orderId)).status).toBe('closed'); // refunded in full (free shipping)
  });
});

describe('return and refund', () => {
  it('a seven-day no-reason return: stock comes back only when the supplier confirms receipt', async () => {
    const s = await sku({ perishable: false, priceFen: 2000, stock: 10 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 3 }]);
    await setShipped(orderId, 3 * 24 * HOUR);
    expect(await stockOf(s)).toBe(7);
    expectProblem(await open(b, { orderId, kind: 'refund_only', reasonCode: 'no_reason', items: [{ orderItemId: items[0]!.id, quantity: 2 }], amountFen: 4000 }), 422, 'no_reason_needs_return');
    const res = await open(b, { orderId, kind: 'return_and_refund', reasonCode: 'no_reason', items: [{ orderItemId: items[0]!.id, quantity: 2 }], amountFen: 4000 });
    expect(res.status).toBe(201);
    const c = res.body.id;
    expectProblem(await b.client.post(`/api/v1/aftersales/${c}/return-shipment`, { carrier: 'SF', trackingNo: 'SF9988776655' }), 409, 'invalid_transition');
    const approved = await supplierA.client.post(`/api/v1/aftersales/${c}/approve`, { amountFen: 3800 });
    expect(approved.body).toMatchObject({ status: 'awaiting_return', approvedFen: 3800, refund: null });
    expect(await refundsOf(orderId)).toHaveLength(0);
    expect(await stockOf(s)).toBe(7);
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${c}/receive`, {}), 409, 'invalid_transition');
    const shipped = await b.client.post(`/api/v1/aftersales/${c}/return-shipment`, { carrier: 'SF', trackingNo: 'SF9988776655' });
    expect(shipped.body.status).toBe('return_shipped');
    expect(shipped.body.returnShipment).toMatchObject({ carrier: 'SF', trackingNo: 'SF9988776655', receivedAt: null });
    expect(await stockOf(s)).toBe(7);
    expectProblem(await supplierA2.client.post(`/api/v1/aftersales/${c}/receive`, {}), 404, 'not_found');
    const received = await supplierA.client.post(`/api/v1/aftersales/${c}/receive`, {});
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'refunded', approvedFen: 3800 });
    expect(received.body.returnShipment.receivedAt).not.toBeNull();
    expect(await stockOf(s)).toBe(9);
    const movements = await t.deps.db.selectFrom('stock_movement').select(['delta', 'reason']).where('sku_id', '=', s).where('reason', '=', `returned:${c}`).execute();
    expect(movements).toEqual([{ delta: 2, reason: `returned:${c}` }]);
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${c}/receive`, {}), 409, 'invalid_transition');
    expect(await stockOf(s)).toBe(9);
    expect((await orderRow(orderId)).refunded_fen).toBe(3800);
    expect((await waitRefundSettled(received.body.refund.id)).status).toBe('succeeded');
    // The third unit can still be returned; the two returned cannot be again.
    expectProblem(await open(b, { orderId, kind: 'return_and_refund', reasonCode: 'no_reason', items: [{ orderItemId: items[0]!.id, quantity: 2 }], amountFen: 100 }), 422, 'validation_failed');
    await expectBalancedBooks();
  });

  it('no-reason returns: not on a perishable line, not after 7 days; perishable complaints: photo and 48 h', async () => {
    const fresh = await sku({ perishable: true });
    const dry = await sku({ perishable: false });
    const a = await paidOrder([{ skuId: fresh, quantity: 1 }]);
    await setShipped(a.orderId, 50 * HOUR);
    const freshLine = [{ orderItemId: a.items[0]!.id, quantity: 1 }];
    const p = await photo(a.buyer);
    expectProblem(await open(a.buyer, { orderId: a.orderId, kind: 'return_and_refund', reasonCode: 'no_reason', items: freshLine, amountFen: 500, photoIds: [p] }), 422, 'perishable_quality_only');
    expectProblem(await open(a.buyer, { orderId: a.orderId, kind: 'refund_only', reasonCode: 'spoiled', items: freshLine, amountFen: 500, photoIds: [p] }), 422, 'complaint_window_closed');
    await setShipped(a.orderId, 47 * HOUR);
    expectProblem(await open(a.buyer, { orderId: a.orderId, kind: 'refund_only', reasonCode: 'spoiled', items: freshLine, amountFen: 500 }), 422, 'photo_required');
    expectProblem(await open(a.buyer, { orderId: a.orderId, kind: 'refund_only', reasonCode: 'other', items: freshLine, amountFen: 500, photoIds: [p] }), 422, 'perishable_quality_only');
    // Someone else's photo cannot be claimed.
    const stranger = await buyer();
    const theirs = await photo(stranger);
    expectProblem(await open(a.buyer, { orderId: a.orderId, kind: 'refund_only', reasonCode: 'spoiled', items: freshLine, amountFen: 500, photoIds: [theirs] }), 422, 'validation_failed');
    expect((await open(a.buyer, { orderId: a.orderId, kind: 'refund_only', reasonCode: 'spoiled', items: freshLine, amountFen: 500, photoIds: [p] })).status).toBe(201);

    const d = await paidOrder([{ skuId: dry, quantity: 1 }]);
    await setShipped(d.orderId, 8 * 24 * HOUR);
    expectProblem(await open(d.buyer, { orderId: d.orderId, kind: 'return_and_refund', reasonCode: 'no_reason', items: [{ orderItemId: d.items[0]!.id, quantity: 1 }], amountFen: 500 }), 422, 'return_window_closed');
    // A quality complaint on a seven-day line is still taken.
    expect((await open(d.buyer, { orderId: d.orderId, kind: 'return_and_refund', reasonCode: 'damaged', items: [{ orderItemId: d.items[0]!.id, quantity: 1 }], amountFen: 500 })).status).toBe(201);
  });

  it('photos are checked by their bytes', async () => {
    const b = await buyer();
    const res = await b.client.upload('POST', '/api/v1/aftersales/photos', Buffer.from('%PDF-1.4 not a photo at all'), 'x.png', 'image/png');
    expectProblem(res, 415, 'unsupported_file_type');
  });
});

describe('amounts', () => {
  it('refuses more than was paid for the lines, and a second refund beyond what is left', async () => {
    const s1 = await sku({ perishable: false, priceFen: 1000 });
    const s2 = await sku({ perishable: false, priceFen: 3000 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s1, quantity: 1 }, { skuId: s2, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const l1 = items.find((i) => i.skuId === s1)!;
    const big = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: l1.id, quantity: 1 }], amountFen: 1001 });
    expectProblem(big, 422, 'amount_too_large');
    expect(big.body.maxFen).toBe(1000);
    const first = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: l1.id, quantity: 1 }], amountFen: 800 });
    const firstRefund = await supplierA.client.post(`/api/v1/aftersales/${first.body.id}/approve`, {});
    expect(firstRefund.body.status).toBe('refunded');
    await waitRefundSettled(firstRefund.body.refund.id); // its confirmation posts an entry too
    const again = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: l1.id, quantity: 1 }], amountFen: 300 });
    expectProblem(again, 422, 'amount_too_large');
    expect(again.body.maxFen).toBe(200);
    // The database guard: refunded_fen + x <= total_fen, whatever the case said when it opened.
    const second = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items.find((i) => i.skuId === s2)!.id, quantity: 1 }], amountFen: 3000 });
    expect(second.status).toBe(201);
    await t.deps.db.updateTable('shop_order').set({ refunded_fen: 1500 }).where('id', '=', orderId).execute(); // as if refunded elsewhere meanwhile
    const entriesBefore = await t.deps.db.selectFrom('ledger_entry').select('id').execute();
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${second.body.id}/approve`, {}), 409, 'refund_exceeds_total');
    expect((await b.client.get(`/api/v1/aftersales/${second.body.id}`)).body.status).toBe('requested');
    expect(await refundsOf(orderId)).toHaveLength(1);
    expect(await t.deps.db.selectFrom('ledger_entry').select('id').execute()).toHaveLength(entriesBefore.length);
    expect((await supplierA.client.post(`/api/v1/aftersales/${second.body.id}/approve`, { amountFen: 2500 })).body.status).toBe('refunded');
    expect(await orderRow(orderId)).toMatchObject({ refunded_fen: 4000, status: 'closed' });
  });

  it('five approvals at once: one refund', async () => {
    const s = await sku({ perishable: false, priceFen: 1000 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const c = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 700 });
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => supplierA.client.post(`/api/v1/aftersales/${c.body.id}/approve`, {})));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409)).toBe(true);
    expect(await refundsOf(orderId)).toHaveLength(1);
    expect((await orderRow(orderId)).refunded_fen).toBe(700);
    const decided = await t.deps.db.selectFrom('ledger_entry').select('id').where('idempotency_key', 'like', 'refund:%').where('memo', '=', `order ${orderId}`).execute();
    expect(decided).toHaveLength(1);
  });

  it('a refund goes back only through the provider that took the money; a pending one is started again later', async () => {
    const s = await sku({ perishable: false, priceFen: 1000 });
    const { buyer: b, orderId, items, order } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    await t.deps.db.updateTable('checkout').set({ provider: 'wechat' }).where('id', '=', order.checkoutId).execute();
    const c = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 400 });
    const approved = await supplierA.client.post(`/api/v1/aftersales/${c.body.id}/approve`, {});
    expect(approved.body.refund.status).toBe('pending');
    await new Promise((r) => setTimeout(r, 100));
    expect((await refundsOf(orderId))[0]!.status).toBe('pending'); // the sandbox was never asked
    await t.deps.db.updateTable('checkout').set({ provider: 'sandbox' }).where('id', '=', order.checkoutId).execute();
    expect(await retryPendingRefunds(t.deps, 0)).toBeGreaterThanOrEqual(1);
    expect((await waitRefundSettled(approved.body.refund.id)).status).toBe('succeeded');
  });

  it('four requests at once on one order: one case opens', async () => {
    const s = await sku({ perishable: false, priceFen: 1000 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const body = { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 100 };
    const results = await Promise.all([0, 1, 2, 3].map(() => open(b, body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.code === 'aftersales_open')).toBe(true);
  });

  it('a request and a cancellation at once: never a live request on a closed order', async () => {
    // On PostgreSQL both used to see no open case, and the request was left on a refunded, closed order.
    for (let i = 0; i < 6; i++) {
      const s = await sku({ perishable: false, priceFen: 1000 });
      const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
      const [req, cancel] = await Promise.all([
        open(b, { orderId, kind: 'refund_only', reasonCode: 'not_received', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 1000 }),
        b.client.post(`/api/v1/orders/${orderId}/cancel`, {}),
      ]);
      const live = await t.deps.db.selectFrom('aftersales_case').select('id').where('order_id', '=', orderId).where('status', 'in', ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated']).execute();
      const order = await orderRow(orderId);
      if (cancel.status < 300) {
        expect(order.status).toBe('closed');
        expect(live).toEqual([]);
        expectProblem(req, 409, 'order_not_refundable');
      } else {
        expectProblem(cancel, 409, 'aftersales_open');
        expect(req.status).toBe(201);
        expect(live).toHaveLength(1);
      }
    }
  });

  it('reverses the commission share with each refund, exactly in full when the order is refunded in full', async () => {
    const s = await sku({ perishable: false, priceFen: 2000 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
    const entry = commissionAccrued({ countyCode: COUNTY_A, orderId, supplierId: supA, serviceFeeFen: 101, host: { hostUserId: host.id, commissionFen: 303 } })!;
    await postEntry(systemCtx(t.deps), entry);
    expect(await balanceOf('host_commission_payable', host.id)).toBe(-303);
    const line = [{ orderItemId: items[0]!.id, quantity: 1 }];
    const c1 = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: line, amountFen: 1000 });
    await supplierA.client.post(`/api/v1/aftersales/${c1.body.id}/approve`, {});
    expect(await balanceOf('host_commission_payable', host.id)).toBe(-303 + 152); // round(303 / 2)
    const c2 = await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: line, amountFen: 1000 });
    await supplierA.client.post(`/api/v1/aftersales/${c2.body.id}/approve`, {});
    expect(await balanceOf('host_commission_payable', host.id)).toBe(0);
    expect(await balanceOf('center_service_fee')).toBe(0);
    expect(await orderRow(orderId)).toMatchObject({ status: 'closed', refunded_fen: 2000 });
    await expectBalancedBooks();
  });
});

describe('escalation and the center', () => {
  it('rejected → the buyer escalates → the center refunds; final and audited', async () => {
    const s = await sku({ perishable: false, priceFen: 1200 });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const c = (await open(b, { orderId, kind: 'refund_only', reasonCode: 'not_as_described', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 1200 })).body.id;
    const early = await b.client.post(`/api/v1/aftersales/${c}/escalate`, { note: '商家不理' });
    expectProblem(early, 409, 'too_early_to_escalate');
    expect(early.body.escalableAt).toBeTruthy();
    expectProblem(await op.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', note: '支持退款' }), 409, 'invalid_transition');
    expect((await supplierA.client.post(`/api/v1/aftersales/${c}/reject`, { reason: '商品与描述一致' })).body).toMatchObject({ status: 'rejected', rejectReason: '商品与描述一致' });
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${c}/escalate`, {}), 409, 'invalid_transition');
    const esc = await b.client.post(`/api/v1/aftersales/${c}/escalate`, { note: '货不对板' });
    expect(esc.body).toMatchObject({ status: 'escalated', escalation: { by: 'buyer', note: '货不对板' } });
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${c}/approve`, {}), 409, 'invalid_transition');
    // Only the center of the county decides.
    expectProblem(await opB.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', note: '支持退款' }), 404, 'not_found');
    expectProblem(await official.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', note: '支持退款' }), 403, 'forbidden');
    expectProblem(await supplierA.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', note: '支持退款' }), 403, 'forbidden');
    expectProblem(await op.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', amountFen: 1300, note: '支持退款' }), 422, 'amount_too_large');
    const decided = await op.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', amountFen: 1000, note: '照片显示货不对板，退 10 元' });
    expect(decided.body).toMatchObject({ status: 'refunded', approvedFen: 1000, decision: { outcome: 'refund', by: op.id } });
    expectProblem(await op.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'reject', note: '改判' }), 409, 'invalid_transition');
    const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('target_id', '=', c).where('action', '=', 'aftersales.center_decided').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(op.id);
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ outcome: 'refund', amountFen: 1000 });
    expect((await waitRefundSettled(decided.body.refund.id)).status).toBe('succeeded');
    await expectBalancedBooks();
  });

  it('no answer in time → the buyer escalates → the center rejects, and that is final', async () => {
    const s = await sku({ perishable: false });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const c = (await open(b, { orderId, kind: 'return_and_refund', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 500 })).body.id;
    await t.deps.db.updateTable('aftersales_case').set({ created_at: new Date(Date.now() - 49 * HOUR).toISOString() }).where('id', '=', c).execute();
    expect((await b.client.post(`/api/v1/aftersales/${c}/escalate`, {})).body.status).toBe('escalated');
    const closed = await op.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'reject', note: '买家未能提供证据' });
    expect(closed.body).toMatchObject({ status: 'closed', decision: { outcome: 'reject' } });
    expectProblem(await b.client.post(`/api/v1/aftersales/${c}/escalate`, {}), 409, 'invalid_transition');
    expectProblem(await b.client.post(`/api/v1/aftersales/${c}/withdraw`, {}), 409, 'invalid_transition');
    expect(await refundsOf(orderId)).toHaveLength(0);
    // A closed case no longer blocks a new request on the order.
    expect((await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 100 })).status).toBe(201);
  });

  it('the supplier may hand a case to the center itself', async () => {
    const s = await sku({ perishable: false });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const c = (await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 500 })).body.id;
    expect((await supplierA.client.post(`/api/v1/aftersales/${c}/escalate`, { note: '请中心判断' })).body.escalation.by).toBe('supplier');
  });
});

describe('who sees and does what', () => {
  it('buyers see their own cases, suppliers their orders’, the center its county’s', async () => {
    const s = await sku({ perishable: false });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const other = await buyer();
    expectProblem(await open(other, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 100 }), 404, 'not_found');
    const c = (await open(b, { orderId, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 100 })).body.id;
    expect((await b.client.get('/api/v1/aftersales')).body.items.map((x: { id: string }) => x.id)).toContain(c);
    expect((await other.client.get('/api/v1/aftersales')).body.items).toEqual([]);
    expectProblem(await other.client.get(`/api/v1/aftersales/${c}`), 404, 'not_found');
    expectProblem(await other.client.post(`/api/v1/aftersales/${c}/withdraw`, {}), 404, 'not_found');
    expectProblem(await other.client.post(`/api/v1/aftersales/${c}/escalate`, {}), 404, 'not_found');
    expect((await supplierA.client.get('/api/v1/aftersales?view=handle')).body.items.map((x: { id: string }) => x.id)).toContain(c);
    expect((await supplierA2.client.get('/api/v1/aftersales?view=handle')).body.items.map((x: { id: string }) => x.id)).not.toContain(c);
    expectProblem(await supplierA2.client.get(`/api/v1/aftersales/${c}`), 404, 'not_found');
    expectProblem(await supplierA2.client.post(`/api/v1/aftersales/${c}/approve`, {}), 404, 'not_found');
    expect((await official.client.get(`/api/v1/aftersales/${c}`)).status).toBe(200);
    expect((await op.client.get(`/api/v1/aftersales?view=handle&orderId=${orderId}`)).body.items).toHaveLength(1);
    expect((await opB.client.get(`/api/v1/aftersales?view=handle&orderId=${orderId}`)).body.items).toHaveLength(0);
    expectProblem(await opB.client.get(`/api/v1/aftersales/${c}`), 404, 'not_found');
    // Wrong role: a buyer cannot approve, a supplier cannot open or decide.
    expectProblem(await b.client.post(`/api/v1/aftersales/${c}/approve`, {}), 403, 'forbidden');
    expectProblem(await supplierA.client.post('/api/v1/aftersales', {}), 403, 'forbidden');
    expectProblem(await b.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', note: '自己判' }), 403, 'forbidden');
    expect((await b.client.post(`/api/v1/aftersales/${c}/withdraw`, {})).body.status).toBe('withdrawn');
  });
});

describe('the case lifecycle', () => {
  it('every move the transition table does not list is refused by the conditional update', async () => {
    const s = await sku({ perishable: false });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const c = (await open(b, { orderId, kind: 'return_and_refund', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 100 })).body.id;
    const ctx = systemCtx(t.deps);
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        if (CASE_TRANSITIONS[from].includes(to)) continue;
        await t.deps.db.updateTable('aftersales_case').set({ status: from }).where('id', '=', c).execute();
        const row = await t.deps.db.selectFrom('aftersales_case').selectAll().where('id', '=', c).executeTakeFirstOrThrow();
        await expect(moveCase(ctx, row, to), `${from} → ${to}`).rejects.toMatchObject({ status: 409, code: 'invalid_transition' });
        expect((await t.deps.db.selectFrom('aftersales_case').select('status').where('id', '=', c).executeTakeFirstOrThrow()).status).toBe(from);
      }
    }
    // A stale read loses to the move that came first.
    await t.deps.db.updateTable('aftersales_case').set({ status: 'requested' }).where('id', '=', c).execute();
    const stale = await t.deps.db.selectFrom('aftersales_case').selectAll().where('id', '=', c).executeTakeFirstOrThrow();
    await moveCase(ctx, stale, 'rejected');
    await expect(moveCase(ctx, stale, 'escalated')).rejects.toMatchObject({ status: 409, code: 'concurrent_change' });
  });

  it('every action from a status it does not start from is refused through the API, and changes nothing', async () => {
    const s = await sku({ perishable: false });
    const { buyer: b, orderId, items } = await paidOrder([{ skuId: s, quantity: 1 }]);
    await setShipped(orderId, HOUR);
    const c = (await open(b, { orderId, kind: 'return_and_refund', reasonCode: 'damaged', items: [{ orderItemId: items[0]!.id, quantity: 1 }], amountFen: 100 })).body.id;
    const call: Record<CaseAction, () => Promise<{ status: number; body: any; headers: any; raw: any }>> = {
      approve: () => supplierA.client.post(`/api/v1/aftersales/${c}/approve`, {}),
      reject: () => supplierA.client.post(`/api/v1/aftersales/${c}/reject`, { reason: '不同意' }),
      ship_return: () => b.client.post(`/api/v1/aftersales/${c}/return-shipment`, { carrier: 'SF', trackingNo: 'SF0001112223' }),
      receive_return: () => supplierA.client.post(`/api/v1/aftersales/${c}/receive`, {}),
      escalate: () => b.client.post(`/api/v1/aftersales/${c}/escalate`, {}),
      decide: () => op.client.post(`/api/v1/aftersales/${c}/decide`, { outcome: 'refund', note: '中心裁定' }),
      withdraw: () => b.client.post(`/api/v1/aftersales/${c}/withdraw`, {}),
    };
    let refused = 0;
    for (const status of CASE_STATUSES) {
      for (const action of Object.keys(CASE_ACTIONS) as CaseAction[]) {
        if (CASE_ACTIONS[action].includes(status)) continue;
        await t.deps.db.updateTable('aftersales_case').set({ status }).where('id', '=', c).execute();
        const res = await call[action]();
        expectProblem(res, 409, 'invalid_transition');
        expect((await t.deps.db.selectFrom('aftersales_case').select('status').where('id', '=', c).executeTakeFirstOrThrow()).status).toBe(status);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
    expect(await refundsOf(orderId)).toHaveLength(0);
    expect(await stockOf(s)).toBe(9);
  });

  it('a case cannot be opened on an unpaid, cancelled or closed order', async () => {
    const s = await sku({ perishable: false });
    const b = await buyer();
    const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: s, quantity: 1 }], addressId: b.addressId }, { 'idempotency-key': key() });
    const o = c.body.orders[0];
    expectProblem(await open(b, { orderId: o.id, kind: 'refund_only', reasonCode: 'not_received', items: [{ orderItemId: o.items[0].id, quantity: 1 }], amountFen: 100 }), 409, 'order_not_refundable');
    expectProblem(await b.client.post(`/api/v1/orders/${o.id}/cancel`, {}), 409, 'invalid_transition');
  });
});

describe('the books', () => {
  it('stay balanced, and every settled refund has left refund clearing', async () => {
    await waitFor(() => t.deps.db.selectFrom('payment_refund').select('id').where('status', '=', 'pending').execute(), (r) => r.length === 0);
    expect(await t.deps.db.selectFrom('payment_refund').select('id').where('status', '!=', 'succeeded').execute()).toEqual([]);
    expect(await balanceOf('refund_clearing')).toBe(0);
    await expectBalancedBooks();
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from './factories.js';
import { bizDate } from '../src/platform/time.js';
import { handlePaymentEvent } from '../src/modules/orders/index.js';

/** Where after-sales, stock and payouts meet (found in review; each once lost units or money). */
let t: TestApp;
let op: MadeUser;
let supplierId: string;
let supplierUser: MadeUser;
const key = () => `k-${randomUUID()}`;
const FEE_BP = 500;

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: 'refund-payout-secret', notifyDelayMs: 5 }, centerServiceFeeBp: FEE_BP });
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  supplierId = await makeSupplier(t);
  await makeLicence(t, op.client, supplierId, 'produce_certificate');
  supplierUser = await makeUser(t, [{ role: 'supplier', supplierId, prefix: COUNTY_A }]);
});
afterAll(async () => { await t.close(); });

async function paidOrder(stock: number, qty: number, maxPerBuyer?: number) {
  const skuId = (await makeProduct(t, op.client, supplierId, { category: 'mountain_goods', title: `干货${randomUUID().slice(0, 4)}`, skus: [{ priceFen: 1000, stock }], publish: true })).skuIds[0]!;
  if (maxPerBuyer) await t.deps.db.updateTable('sku').set({ max_per_buyer: maxPerBuyer }).where('id', '=', skuId).execute();
  const b = await makeUser(t, [{ role: 'buyer' }]);
  const addressId = (await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '一号' })).body.id;
  const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId, quantity: qty }], addressId }, { 'idempotency-key': key() });
  const start = await b.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
  await b.client.post(`${start.body.url}/confirm`, {});
  for (let i = 0; i < 200; i++) {
    if ((await b.client.get(`/api/v1/checkouts/${c.body.id}`)).body.status === 'paid') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const order = (await b.client.get(`/api/v1/checkouts/${c.body.id}`)).body.orders[0];
  expect(order.status).toBe('paid');
  return { b, addressId, skuId, order };
}

const stockOf = async (id: string) => (await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', id).executeTakeFirstOrThrow()).stock_available;

describe('a full refund before shipping', () => {
  it('gives the stock and the purchase-limit count back, whichever way the order was refunded', async () => {
    const { b, addressId, skuId, order } = await paidOrder(10, 2, 2);
    expect(await stockOf(skuId)).toBe(8);
    const opened = await b.client.post('/api/v1/aftersales', { orderId: order.id, kind: 'refund_only', reasonCode: 'not_received', items: [{ orderItemId: order.items[0].id, quantity: 2 }], amountFen: order.totalFen });
    expect(opened.status).toBe(201);
    expect((await supplierUser.client.post(`/api/v1/aftersales/${opened.body.id}/approve`, {})).status).toBe(200);
    expect((await t.deps.db.selectFrom('shop_order').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status).toBe('closed');
    expect(await stockOf(skuId)).toBe(10);
    const again = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId, quantity: 2 }], addressId }, { 'idempotency-key': key() });
    expect(again.status).toBe(201);
  });

  it('the buyer’s own cancellation returns the stock once, not twice', async () => {
    const { b, skuId, order } = await paidOrder(10, 3);
    expect((await b.client.post(`/api/v1/orders/${order.id}/cancel`, {})).status).toBeLessThan(300);
    expect(await stockOf(skuId)).toBe(10);
  });
});

describe('payouts', () => {
  it('do not pay out money for orders that are not completed, so the buyer can still cancel', async () => {
    const { b, order } = await paidOrder(10, 1);
    const batch = await op.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_A, from: '2020-01-01', to: bizDate() });
    if (batch.status === 201 || batch.status === 200) {
      const line = (batch.body.lines as { payeeKind: string; partyId: string | null; amountFen: number }[]).find((l) => l.partyId === supplierId);
      expect(line?.amountFen ?? 0).toBe(0);
      await op.client.post(`/api/v1/settlement/payout-batches/${batch.body.id}/cancel`, {});
    } else {
      expect(batch.body.code).toBe('nothing_to_pay');
    }
    const cancel = await b.client.post(`/api/v1/orders/${order.id}/cancel`, {});
    expect(cancel.status).toBeLessThan(300);
  });
});

describe('a refund the provider could not make', () => {
  it('is reported to the center, listed as failed, and retried once under a new refund number', async () => {
    const { b, order } = await paidOrder(10, 1);
    expect((await b.client.post(`/api/v1/orders/${order.id}/cancel`, {})).status).toBeLessThan(300);
    const refund = await t.deps.db.selectFrom('payment_refund').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    // As if the provider had answered "refund failed" for it.
    await t.deps.db.updateTable('payment_refund').set({ status: 'pending' }).where('id', '=', refund.id).execute();
    await handlePaymentEvent(t.deps, {
      kind: 'refund_failed', eventId: `ev-${refund.id}`, provider: 'sandbox', outTradeNo: 'x', outRefundNo: refund.refund_no, refundId: 'r1',
      transactionId: 't1', refundFen: refund.amount_fen, totalFen: refund.amount_fen, at: new Date().toISOString(), raw: 'ABNORMAL', duplicate: false,
    });
    const failed = await op.client.get('/api/v1/refunds?status=failed');
    expect(failed.body.items.map((r: { id: string }) => r.id)).toContain(refund.id);
    const notes = await op.client.get('/api/v1/notifications');
    expect(notes.body.items.some((n: { kind: string; refId: string }) => n.kind === 'refund_failed' && n.refId === refund.id)).toBe(true);

    const { operator: otherCounty } = await makeCounty(t, '220621');
    expectProblemStatus(await otherCounty.client.post(`/api/v1/refunds/${refund.id}/retry`), 404);
    const [r1, r2] = await Promise.all([op.client.post(`/api/v1/refunds/${refund.id}/retry`), op.client.post(`/api/v1/refunds/${refund.id}/retry`)]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const after = await t.deps.db.selectFrom('payment_refund').selectAll().where('id', '=', refund.id).executeTakeFirstOrThrow();
    expect(after.refund_no).toBe(`${refund.refund_no}-2`);
    expect(['pending', 'succeeded', 'failed']).toContain(after.status);
  });
});

function expectProblemStatus(res: { status: number; body: { code?: string } }, status: number) {
  expect(res.status).toBe(status);
  expect(typeof res.body.code).toBe('string');
}

// Last: its completed orders would be paid out by the payout test above.
describe('a partial refund racing the completion', () => {
  /** The center's service fee this order has left on the books: its commission entry and its refunds' reversals. */
  async function netServiceFee(orderId: string) {
    const refunds = (await t.deps.db.selectFrom('payment_refund').select('id').where('order_id', '=', orderId).execute()).map((r) => r.id);
    const rows = await t.deps.db.selectFrom('ledger_posting as p').innerJoin('ledger_entry as e', 'e.id', 'p.entry_id').innerJoin('ledger_account as a', 'a.id', 'p.account_id')
      .select('p.amount_fen').where('a.kind', '=', 'center_service_fee')
      .where((eb) => eb.or([eb.and([eb('e.ref_type', '=', 'order'), eb('e.ref_id', '=', orderId)]), ...(refunds.length ? [eb.and([eb('e.ref_type', '=', 'refund'), eb('e.ref_id', 'in', refunds)])] : [])]))
      .execute();
    return -rows.reduce((sum, r) => sum + Number(r.amount_fen), 0); // a credit to the fee account
  }

  it('charges the service fee on what the buyer kept, whichever commits first', async () => {
    // On PostgreSQL the completion used to read the order before a refund committed and charge
    // the fee on the whole amount, which the refund (having found nothing to reverse) never took back.
    for (let i = 0; i < 5; i++) {
      const { b, order } = await paidOrder(10, 2); // 2 × ¥10
      await t.deps.db.updateTable('shop_order').set({ status: 'delivered', carrier: 'SF', tracking_no: 'SF1234567890', shipped_at: new Date(Date.now() - 7_200_000).toISOString(), delivered_at: new Date(Date.now() - 3_600_000).toISOString() })
        .where('id', '=', order.id).execute();
      const opened = await b.client.post('/api/v1/aftersales', { orderId: order.id, kind: 'refund_only', reasonCode: 'damaged', items: [{ orderItemId: order.items[0].id, quantity: 1 }], amountFen: 1000 });
      expect(opened.status).toBe(201);
      const [approved, confirmed] = await Promise.all([
        supplierUser.client.post(`/api/v1/aftersales/${opened.body.id}/approve`, {}),
        b.client.post(`/api/v1/orders/${order.id}/confirm-receipt`, {}),
      ]);
      expect([approved.status, confirmed.status]).toEqual([200, 200]);
      expect(await t.deps.db.selectFrom('shop_order').select(['status', 'refunded_fen']).where('id', '=', order.id).executeTakeFirstOrThrow()).toEqual({ status: 'completed', refunded_fen: 1000 });
      expect(await netServiceFee(order.id)).toBe((1000 * FEE_BP) / 10_000);
    }
  });
});

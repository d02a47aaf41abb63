import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from './helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from './factories.js';
import { expireCheckouts } from '../src/modules/orders/index.js';
import { payoutSupplier } from '../src/modules/ledger/index.js';
import { systemCtx } from '../src/context.js';

/**
 * Random sequences of checkouts, payments (including duplicates), cancellations, expiries,
 * refunds before shipping, shipping and receipt, and payouts, through the real API and
 * services. After every step: stock + what open orders hold = the initial stock, every stock
 * change is recorded, every ledger entry balances, the trial balance is zero, and no guarded
 * payable is negative.
 */
const INITIAL = 6;
let t: TestApp;
let operator: MadeUser;
let supplierUser: MadeUser;
let supplierId: string;
let skus: string[];
let buyers: { client: TestClient; addressId: string }[];

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: 'prop', notifyDelayMs: 1 } });
  ({ operator } = await makeCounty(t, COUNTY_A));
  supplierId = await makeSupplier(t);
  await makeLicence(t, operator.client, supplierId, 'produce_certificate');
  supplierUser = await makeUser(t, [{ role: 'supplier', supplierId, prefix: COUNTY_A }]);
  buyers = [];
  for (let i = 0; i < 3; i++) {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const a = await u.client.post('/api/v1/me/addresses', { recipientName: '买家', phone: '13812345678', regionCode: '110105', detail: '一号' });
    buyers.push({ client: u.client, addressId: a.body.id });
  }
}, 60_000);
afterAll(async () => { await t.close(); });

type Step =
  | { kind: 'checkout'; buyer: number; sku: number; qty: number }
  | { kind: 'pay'; pick: number; duplicate: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'expire'; pick: number }
  | { kind: 'refundBeforeShipping'; pick: number }
  | { kind: 'shipAndConfirm'; pick: number }
  | { kind: 'payout'; fen: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('checkout' as const), buyer: fc.nat(2), sku: fc.nat(1), qty: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), pick: fc.nat(20), duplicate: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refundBeforeShipping' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('shipAndConfirm' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('payout' as const), fen: fc.integer({ min: 1, max: 5000 }) }) },
);

async function checkInvariants() {
  const db = t.deps.db;
  for (const skuId of skus) {
    const stock = (await db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;
    expect(stock).toBeGreaterThanOrEqual(0);
    const held = await db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id')
      .select((eb) => eb.fn.sum<number>('order_item.quantity').as('q'))
      .where('order_item.sku_id', '=', skuId).where('shop_order.status', 'not in', ['cancelled', 'closed']).executeTakeFirstOrThrow();
    expect(stock + Number(held.q ?? 0), 'stock + held by open orders = initial').toBe(INITIAL);
    const moved = await db.selectFrom('stock_movement').select((eb) => eb.fn.sum<number>('delta').as('d')).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
    expect(Number(moved.d), 'every stock change is recorded').toBe(stock);
  }
  const unbalanced = await sql<{ entry_id: string }>`select entry_id from ledger_posting group by entry_id having sum(amount_fen) <> 0`.execute(db);
  expect(unbalanced.rows).toEqual([]);
  const total = await db.selectFrom('ledger_posting').select((eb) => eb.fn.sum<number>('amount_fen').as('s')).executeTakeFirstOrThrow();
  expect(Number(total.s ?? 0)).toBe(0);
  const payable = await db.selectFrom('ledger_posting').innerJoin('ledger_account', 'ledger_account.id', 'ledger_posting.account_id')
    .select((eb) => eb.fn.sum<number>('ledger_posting.amount_fen').as('s'))
    .where('ledger_account.kind', '=', 'supplier_payable').executeTakeFirstOrThrow();
  expect(-Number(payable.s ?? 0), 'supplier payable never negative').toBeGreaterThanOrEqual(0);
}

describe('orders, payments, refunds and payouts in any order', () => {
  it('keep stock and the books whole', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 14 }), async (steps) => {
      // A fresh product per run, so each run starts from INITIAL stock.
      skus = (await makeProduct(t, operator.client, supplierId, { title: `性质测试${randomUUID().slice(0, 6)}`, skus: [{ spec: '甲', priceFen: 1500, stock: INITIAL }, { spec: '乙', priceFen: 2200, stock: INITIAL }], publish: true })).skuIds;
      const checkouts: { id: string; buyer: number; paymentNo: string; totalFen: number }[] = [];
      const pick = (n: number) => checkouts[n % Math.max(1, checkouts.length)];
      for (const s of steps) {
        if (s.kind === 'checkout') {
          const b = buyers[s.buyer]!;
          const r = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: skus[s.sku], quantity: s.qty }], addressId: b.addressId }, { 'idempotency-key': `p-${randomUUID()}` });
          expect([201, 409]).toContain(r.status);
          if (r.status === 201) checkouts.push({ id: r.body.id, buyer: s.buyer, paymentNo: r.body.paymentNo, totalFen: r.body.totalFen });
          else expect(r.body.code).toBe('sold_out');
        } else if (s.kind === 'pay' && pick(s.pick)) {
          // Through the sandbox: start, confirm on its page, wait for its signed notification.
          const c = pick(s.pick)!;
          const b = buyers[c.buyer]!.client;
          const start = await b.request('POST', `/api/v1/checkouts/${c.id}/pay`, {}, { 'idempotency-key': `pay-${randomUUID()}` });
          if (start.status === 200) {
            const confirmed = await b.post(`${start.body.url}/confirm`, s.duplicate ? { simulate: 'duplicate' } : {});
            expect([200, 409]).toContain(confirmed.status);
            for (let i = 0; i < 100; i++) {
              const now = await t.deps.db.selectFrom('checkout').select('status').where('id', '=', c.id).executeTakeFirstOrThrow();
              if (now.status !== 'pending_payment' || confirmed.status !== 200) break;
              await new Promise((r) => setTimeout(r, 10));
            }
          } else {
            expect(start.status).toBe(409);
          }
        } else if (s.kind === 'cancel' && pick(s.pick)) {
          const c = pick(s.pick)!;
          const r = await buyers[c.buyer]!.client.post(`/api/v1/checkouts/${c.id}/cancel`);
          expect([200, 409]).toContain(r.status);
        } else if (s.kind === 'expire' && pick(s.pick)) {
          const c = pick(s.pick)!;
          await t.deps.db.updateTable('checkout').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', c.id).where('status', '=', 'pending_payment').execute();
          await expireCheckouts(t.deps);
        } else if (s.kind === 'refundBeforeShipping' && pick(s.pick)) {
          const c = pick(s.pick)!;
          const orders = await t.deps.db.selectFrom('shop_order').select('id').where('checkout_id', '=', c.id).execute();
          for (const o of orders) {
            const r = await buyers[c.buyer]!.client.post(`/api/v1/orders/${o.id}/cancel`, { reason: '不想要了' });
            expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
          }
        } else if (s.kind === 'shipAndConfirm' && pick(s.pick)) {
          const c = pick(s.pick)!;
          const orders = await t.deps.db.selectFrom('shop_order').select(['id', 'status']).where('checkout_id', '=', c.id).execute();
          for (const o of orders) {
            const shipped = await supplierUser.client.post(`/api/v1/fulfilment/orders/${o.id}/ship`, { carrier: 'ZTO', trackingNo: `ZT${Date.now()}${Math.floor(Math.random() * 1000)}` });
            expect(shipped.status, JSON.stringify(shipped.body)).toBeLessThan(500);
            const confirmed = await buyers[c.buyer]!.client.post(`/api/v1/orders/${o.id}/confirm-receipt`);
            expect(confirmed.status, JSON.stringify(confirmed.body)).toBeLessThan(500);
          }
        } else if (s.kind === 'payout') {
          await payoutSupplier(systemCtx(t.deps), { countyCode: COUNTY_A, payoutId: randomUUID(), supplierId, amountFen: s.fen }).catch((err: { code?: string }) => {
            expect(err.code).toBe('insufficient_balance');
          });
        }
        await checkInvariants();
      }
    }), {
      numRuns: 25,
      // One hand-written run first, so every kind of ending is reached whatever the random draws.
      examples: [[[
        { kind: 'checkout', buyer: 0, sku: 0, qty: 1 }, { kind: 'pay', pick: 0, duplicate: true }, { kind: 'shipAndConfirm', pick: 0 },
        { kind: 'checkout', buyer: 1, sku: 1, qty: 2 }, { kind: 'pay', pick: 1, duplicate: false }, { kind: 'refundBeforeShipping', pick: 1 },
        { kind: 'checkout', buyer: 2, sku: 0, qty: 1 }, { kind: 'cancel', pick: 2 }, { kind: 'payout', fen: 100 }, { kind: 'payout', fen: 1_000_000 },
      ]]],
    });
    // The random runs must have reached the interesting states, or they proved little.
    const reached = await t.deps.db.selectFrom('shop_order').select('status').distinct().execute();
    expect(reached.map((r) => r.status)).toEqual(expect.arrayContaining(['cancelled', 'completed', 'closed']));
    const payouts = await t.deps.db.selectFrom('ledger_entry').select('id').where('kind', '=', 'payout').execute();
    expect(payouts.length).toBeGreaterThan(0);
  }, 120_000);
});

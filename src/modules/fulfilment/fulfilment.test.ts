import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type Res, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { handlePaymentEvent } from '../orders/index.js';
import { autoConfirmOrders } from './fulfilment.service.js';
import { parseCsv, XLSX_TYPE } from './sheets.js';

let t: TestApp;
let op: MadeUser;
let opB: MadeUser;
let supA: string;
let supA2: string;
let supB: string;
let supplierA: MadeUser;
let supplierA2: MadeUser;
const FEE_BP = 500; // 5 %

beforeAll(async () => {
  t = await createTestApp({ centerServiceFeeBp: FEE_BP, autoConfirmDays: 10 });
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  supA = await makeSupplier(t, { name: '蓝莓合作社' });
  supA2 = await makeSupplier(t, { name: '木耳合作社' });
  supB = await makeSupplier(t, { countyCode: COUNTY_B, name: '人参农场' });
  for (const s of [supA, supA2]) await makeLicence(t, op.client, s, 'produce_certificate');
  await makeLicence(t, opB.client, supB, 'produce_certificate');
  supplierA = await makeUser(t, [{ role: 'supplier', supplierId: supA, prefix: COUNTY_A }], '蓝莓社长');
  supplierA2 = await makeUser(t, [{ role: 'supplier', supplierId: supA2, prefix: COUNTY_A }], '木耳社长');
});
afterAll(async () => { await t.close(); });

async function buyer() {
  const b = await makeUser(t, [{ role: 'buyer' }], '买家');
  const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
  expect(addr.status).toBe(201);
  return { ...b, addressId: addr.body.id as string };
}

async function sku(supplierId: string, priceFen = 1280, title = `蓝莓${randomUUID().slice(0, 4)}`, operator = op) {
  const p = await makeProduct(t, operator.client, supplierId, { title, skus: [{ priceFen, stock: 100 }], publish: true });
  return { productId: p.id, skuId: p.skuIds[0]! };
}

/** A checkout placed through the API, then paid by a provider event, as the notify route would. */
async function paidOrder(lines: { skuId: string; quantity: number }[], b?: Awaited<ReturnType<typeof buyer>>) {
  const who = b ?? await buyer();
  const c = await who.client.request('POST', '/api/v1/checkouts', { items: lines, addressId: who.addressId }, { 'idempotency-key': `k-${randomUUID()}` });
  expect(c.status).toBe(201);
  await handlePaymentEvent(t.deps, {
    kind: 'paid', eventId: randomUUID(), provider: 'sandbox', outTradeNo: c.body.paymentNo, transactionId: `tx-${randomUUID()}`,
    amountFen: c.body.totalFen, paidAt: new Date().toISOString(), duplicate: false,
  });
  const orders = c.body.orders as { id: string; orderNo: string; supplierId: string }[];
  return { buyer: who, orderId: orders[0]!.id, orderNo: orders[0]!.orderNo, orders };
}

const orderRow = (id: string) => t.deps.db.selectFrom('shop_order').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const commissionEntries = (orderId: string) => t.deps.db.selectFrom('ledger_entry').select('id').where('idempotency_key', '=', `commission:${orderId}`).execute();
async function postingsOf(entryId: string) {
  return t.deps.db.selectFrom('ledger_posting').innerJoin('ledger_account', 'ledger_account.id', 'ledger_posting.account_id')
    .select(['ledger_account.kind', 'ledger_account.party_id', 'ledger_posting.amount_fen']).where('entry_id', '=', entryId).execute();
}
const ship = (c: MadeUser['client'], orderId: string, carrier = 'ZTO', trackingNo = `7${Date.now()}${Math.floor(Math.random() * 1000)}`) =>
  c.post(`/api/v1/fulfilment/orders/${orderId}/ship`, { carrier, trackingNo });

async function workbook(res: Res) {
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { name: ws.name, rows };
}

async function xlsxUpload(rows: (string | number | null)[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('the order sheet', () => {
  it('lists to-ship orders oldest first for their supplier, with counts and filters; the center sees its county', async () => {
    const s = await sku(supA);
    const first = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const second = await paidOrder([{ skuId: s.skuId, quantity: 2 }]);
    const sheet = await supplierA.client.get('/api/v1/fulfilment/orders?tab=to_ship&limit=100');
    expect(sheet.status).toBe(200);
    const ids = sheet.body.items.map((o: { id: string }) => o.id);
    expect(ids.indexOf(first.orderId)).toBeLessThan(ids.indexOf(second.orderId));
    expect(sheet.body.items.every((o: { supplierId: string; status: string }) => o.supplierId === supA && o.status === 'paid')).toBe(true);
    expect(sheet.body.counts.toShip).toBeGreaterThanOrEqual(2);
    expect(sheet.body.items[0].recipient.phone).toBe('13812345678');
    const one = await supplierA.client.get(`/api/v1/fulfilment/orders?orderNo=${second.orderNo}`);
    expect(one.body.items.map((o: { id: string }) => o.id)).toEqual([second.orderId]);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await supplierA.client.get(`/api/v1/fulfilment/orders?paidFrom=${today}&paidTo=${today}&limit=100`)).body.items.length).toBeGreaterThanOrEqual(2);
    expect((await supplierA.client.get('/api/v1/fulfilment/orders?paidTo=2020-01-01')).body.items).toHaveLength(0);
    expect((await supplierA2.client.get('/api/v1/fulfilment/orders?limit=100')).body.items.map((o: { id: string }) => o.id)).not.toContain(first.orderId);
    expect((await op.client.get(`/api/v1/fulfilment/orders?supplierId=${supA}&limit=100`)).body.items.map((o: { id: string }) => o.id)).toContain(first.orderId);
    const otherCounty = await opB.client.get('/api/v1/fulfilment/orders?limit=100');
    expect(otherCounty.body.items.map((o: { id: string }) => o.id)).not.toContain(first.orderId);
    expect(otherCounty.body.counts.toShip).toBe(0);
    // A page cursor walks on in the same direction.
    const p1 = await supplierA.client.get('/api/v1/fulfilment/orders?limit=1');
    const p2 = await supplierA.client.get(`/api/v1/fulfilment/orders?limit=1&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items[0].id > p1.body.items[0].id).toBe(true);
    const doc = await t.client().get('/api/openapi.json');
    expect(doc.body.paths['/api/v1/fulfilment/exports/pick-list'].get.responses['200']).toBeTruthy();
  });

  it('the wrong role is refused; another supplier’s or county’s order is not found', async () => {
    const s = await sku(supA);
    const { orderId, buyer: b } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }]);
    const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }]);
    expectProblem(await ship(b.client, orderId), 403, 'forbidden');
    expectProblem(await ship(official.client, orderId), 403, 'forbidden');
    expectProblem(await host.client.get('/api/v1/fulfilment/orders'), 403, 'forbidden');
    expectProblem(await b.client.get('/api/v1/fulfilment/exports/pick-list'), 403, 'forbidden');
    expectProblem(await ship(supplierA2.client, orderId), 404, 'not_found');
    expectProblem(await ship(opB.client, orderId), 404, 'not_found');
    expectProblem(await supplierA.client.post(`/api/v1/orders/${orderId}/confirm-receipt`), 403, 'forbidden');
    expect((await orderRow(orderId)).status).toBe('paid');
  });
});

describe('shipping', () => {
  it('ships a paid order with carrier and tracking number; the buyer sees it', async () => {
    const s = await sku(supA);
    const { orderId, buyer: b } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const res = await ship(supplierA.client, orderId, 'SF', 'sf 1234 5678 9012');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'shipped', carrier: 'SF', trackingNo: 'SF123456789012' });
    expect(res.body.shippedAt).toBeTruthy();
    expect((await b.client.get(`/api/v1/orders/${orderId}`)).body).toMatchObject({ status: 'shipped', trackingNo: 'SF123456789012' });
    const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', orderId).where('action', '=', 'order.shipped').execute();
    expect(audit).toEqual([{ action: 'order.shipped', actor_id: supplierA.id }]);
  });

  it('checks the tracking number against the carrier and the carrier against the list', async () => {
    const s = await sku(supA);
    const { orderId } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    expectProblem(await ship(supplierA.client, orderId, 'SF', '1234567890'), 422, 'validation_failed');
    expectProblem(await ship(supplierA.client, orderId, 'ZTO', '1234567'), 422, 'validation_failed');
    expectProblem(await ship(supplierA.client, orderId, 'ZTO', '1234-5678-90'), 422, 'validation_failed');
    expectProblem(await ship(supplierA.client, orderId, 'DHL', '1234567890'), 400, 'validation_failed');
    expect((await orderRow(orderId)).status).toBe('paid');
  });

  it('refuses to ship an unpaid, a cancelled or an already shipped order', async () => {
    const s = await sku(supA);
    const b = await buyer();
    const unpaid = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: s.skuId, quantity: 1 }], addressId: b.addressId }, { 'idempotency-key': `k-${randomUUID()}` });
    expectProblem(await ship(supplierA.client, unpaid.body.orders[0].id), 409, 'invalid_transition');
    await b.client.post(`/api/v1/checkouts/${unpaid.body.id}/cancel`);
    expectProblem(await ship(supplierA.client, unpaid.body.orders[0].id), 409, 'invalid_transition');
    const { orderId } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    expect((await ship(supplierA.client, orderId, 'YTO', 'YT1234567890')).status).toBe(200);
    expectProblem(await ship(supplierA.client, orderId, 'YTO', 'YT9999999999'), 409, 'invalid_transition');
    expect((await orderRow(orderId)).tracking_no).toBe('YT1234567890');
  });

  it('two ship calls at once: exactly one wins, the other hears 409', async () => {
    const s = await sku(supA);
    for (let round = 0; round < 3; round++) {
      const { orderId } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
      const results = await Promise.all([ship(supplierA.client, orderId, 'ZTO', 'ZT11111111'), ship(op.client, orderId, 'EMS', 'EM22222222')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const row = await orderRow(orderId);
      expect(row.tracking_no).toBe(winner.body.trackingNo);
      const audits = await t.deps.db.selectFrom('audit_log').select('id').where('target_id', '=', orderId).where('action', '=', 'order.shipped').execute();
      expect(audits).toHaveLength(1);
    }
  });

  it('batch ship: each order whole or not at all, failures reported per order', async () => {
    const s = await sku(supA);
    const a = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const b = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const done = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    await ship(supplierA.client, done.orderId);
    const s2 = await sku(supA2);
    const foreign = await paidOrder([{ skuId: s2.skuId, quantity: 1 }]);
    const res = await supplierA.client.post('/api/v1/fulfilment/ship-batch', { items: [
      { orderId: a.orderId, carrier: 'YUNDA', trackingNo: '4312345678901' },
      { orderId: b.orderId, carrier: 'SF', trackingNo: '12345678901' },
      { orderId: done.orderId, carrier: 'STO', trackingNo: '7712345678' },
      { orderId: foreign.orderId, carrier: 'JD', trackingNo: 'JDVA12345678' },
      { orderId: b.orderId, carrier: 'JD', trackingNo: 'JDVA87654321' },
    ] });
    expect(res.status).toBe(200);
    expect(res.body.shipped).toBe(2);
    expect(res.body.failed).toBe(3);
    expect(res.body.results.map((r: { ok: boolean; code: string | null }) => [r.ok, r.code])).toEqual([
      [true, null], [false, 'bad_tracking_no'], [false, 'invalid_transition'], [false, 'not_found'], [true, null],
    ]);
    expect((await orderRow(b.orderId))).toMatchObject({ status: 'shipped', carrier: 'JD', tracking_no: 'JDVA87654321' });
    expect((await orderRow(foreign.orderId)).status).toBe('paid');
  });
});

describe('delivery, receipt and commission', () => {
  it('delivered by the supplier, then the buyer confirms: completed with one balanced fee entry', async () => {
    const s = await sku(supA, 1280);
    const { orderId, buyer: b } = await paidOrder([{ skuId: s.skuId, quantity: 2 }]);
    expectProblem(await supplierA.client.post(`/api/v1/fulfilment/orders/${orderId}/deliver`), 409, 'invalid_transition');
    await ship(supplierA.client, orderId);
    const delivered = await supplierA.client.post(`/api/v1/fulfilment/orders/${orderId}/deliver`);
    expect(delivered.body.status).toBe('delivered');
    const done = await b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.completedAt).toBeTruthy();
    const entries = await commissionEntries(orderId);
    expect(entries).toHaveLength(1);
    const lines = await postingsOf(entries[0]!.id);
    const fee = Math.round((2560 * FEE_BP) / 10000);
    expect(lines.map((l) => [l.kind, l.amount_fen]).sort()).toEqual([['center_service_fee', -fee], ['supplier_payable', fee]]);
    expectProblem(await b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`), 409, 'invalid_transition');
    expect(await commissionEntries(orderId)).toHaveLength(1);
  });

  it('a shipped order confirmed by its buyer goes shipped → delivered → completed at once; others cannot confirm it', async () => {
    const s = await sku(supA);
    const { orderId, buyer: b } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const stranger = await buyer();
    expectProblem(await b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`), 409, 'invalid_transition');
    await ship(supplierA.client, orderId);
    expectProblem(await stranger.client.post(`/api/v1/orders/${orderId}/confirm-receipt`), 404, 'not_found');
    const done = await b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`);
    expect(done.body.status).toBe('completed');
    expect(done.body.deliveredAt).toBeTruthy();
    const steps = await t.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', orderId).orderBy('id').execute();
    expect(steps.map((x) => x.action)).toEqual(['order.paid', 'order.shipped', 'order.delivered', 'order.completed']);
  });

  it('a host’s order accrues the host’s commission at the selection rate, plus the fee, balanced', async () => {
    const s = await sku(supA, 3990);
    expect((await op.client.put(`/api/v1/products/${s.productId}/selection`, { suggestedPriceFen: 3990, commissionRateBp: 1500, sellingPoints: ['现摘现发'], sampleQuantity: 1 })).status).toBe(200);
    const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
    const { orderId, buyer: b } = await paidOrder([{ skuId: s.skuId, quantity: 3 }]);
    await t.deps.db.updateTable('shop_order').set({ host_user_id: host.id, source_kind: 'live' }).where('id', '=', orderId).execute();
    await ship(supplierA.client, orderId);
    expect((await b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`)).status).toBe(200);
    const [entry] = await commissionEntries(orderId);
    const lines = await postingsOf(entry!.id);
    const goods = 3990 * 3;
    const commission = Math.round((goods * 1500) / 10000);
    const fee = Math.round((goods * FEE_BP) / 10000);
    expect(lines.reduce((sum, l) => sum + l.amount_fen, 0)).toBe(0);
    expect(lines.find((l) => l.kind === 'host_commission_payable')).toMatchObject({ party_id: host.id, amount_fen: -commission });
    expect(lines.find((l) => l.kind === 'center_service_fee')?.amount_fen).toBe(-fee);
    expect(lines.find((l) => l.kind === 'supplier_payable')).toMatchObject({ party_id: supA, amount_fen: commission + fee });
  });

  it('auto-confirms orders shipped AUTO_CONFIRM_DAYS ago, once, and not younger ones', async () => {
    const s = await sku(supA);
    const old = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const oldDelivered = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const young = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    for (const o of [old, oldDelivered, young]) await ship(supplierA.client, o.orderId);
    await supplierA.client.post(`/api/v1/fulfilment/orders/${oldDelivered.orderId}/deliver`);
    const elevenDaysAgo = new Date(Date.now() - 11 * 86_400_000).toISOString();
    await t.deps.db.updateTable('shop_order').set({ shipped_at: elevenDaysAgo }).where('id', 'in', [old.orderId, oldDelivered.orderId]).execute();
    expect(await autoConfirmOrders(t.deps)).toBeGreaterThanOrEqual(2);
    expect((await orderRow(old.orderId)).status).toBe('completed');
    expect((await orderRow(oldDelivered.orderId)).status).toBe('completed');
    expect((await orderRow(young.orderId)).status).toBe('shipped');
    expect(await autoConfirmOrders(t.deps)).toBe(0);
    expect(await commissionEntries(old.orderId)).toHaveLength(1);
    const audit = await t.deps.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('target_id', '=', old.orderId).where('action', '=', 'order.completed').executeTakeFirstOrThrow();
    expect(audit.actor_id).toBeNull();
    expect(JSON.parse(audit.detail!).via).toBe('auto');
  });

  it('the job and the buyer racing: the order completes once and its commission posts once', async () => {
    const s = await sku(supA);
    for (let round = 0; round < 3; round++) {
      const { orderId, buyer: b } = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
      await ship(supplierA.client, orderId);
      await t.deps.db.updateTable('shop_order').set({ shipped_at: new Date(Date.now() - 11 * 86_400_000).toISOString() }).where('id', '=', orderId).execute();
      const [, confirm] = await Promise.all([autoConfirmOrders(t.deps), b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`)]);
      expect([200, 409]).toContain(confirm.status);
      expect((await orderRow(orderId)).status).toBe('completed');
      expect(await commissionEntries(orderId)).toHaveLength(1);
      const completions = await t.deps.db.selectFrom('audit_log').select('id').where('target_id', '=', orderId).where('action', '=', 'order.completed').execute();
      expect(completions).toHaveLength(1);
    }
  });
});

describe('exports', () => {
  it('pick list adds up each SKU over the chosen orders; packing list has one row per order with the full phone', async () => {
    const s1 = await sku(supA2, 1000, '黑木耳');
    const s2 = await sku(supA2, 2000, '榛蘑');
    const o1 = await paidOrder([{ skuId: s1.skuId, quantity: 2 }, { skuId: s2.skuId, quantity: 1 }]);
    const o2 = await paidOrder([{ skuId: s1.skuId, quantity: 3 }]);
    const skipped = await paidOrder([{ skuId: s1.skuId, quantity: 7 }]);
    const query = `orderIds=${o1.orderId}&orderIds=${o2.orderId}`;
    const pick = await supplierA2.client.get(`/api/v1/fulfilment/exports/pick-list?${query}`);
    expect(pick.headers['content-type']).toBe(XLSX_TYPE);
    expect(pick.headers['content-disposition']).toMatch(/^attachment; filename="pick-list-\d{8}\.xlsx"; filename\*=UTF-8''%E6%8B%A3%E8%B4%A7%E5%8D%95-\d{8}\.xlsx$/);
    const pl = await workbook(pick);
    expect(pl.name).toBe('拣货单');
    expect(pl.rows[0]).toEqual(['供货商户', '商品', '规格', '单位', '数量', '订单数', 'SKU']);
    const bySku = Object.fromEntries(pl.rows.slice(1).map((r) => [r[6] as string, r]));
    expect(pl.rows).toHaveLength(3);
    expect(bySku[s1.skuId]!.slice(1, 6)).toEqual(['黑木耳', '125g×4盒', '盒', 5, 2]);
    expect(bySku[s2.skuId]!.slice(4, 6)).toEqual([1, 1]);

    const packing = await supplierA2.client.get(`/api/v1/fulfilment/exports/packing-list?${query}`);
    expect(decodeURIComponent(String(packing.headers['content-disposition']).split("''")[1]!)).toMatch(/^发货单-\d{8}\.xlsx$/);
    const pk = await workbook(packing);
    expect(pk.rows[0]!.slice(0, 5)).toEqual(['订单号', '快递公司', '快递单号', '收件人', '电话']);
    expect(pk.rows).toHaveLength(3);
    const row1 = pk.rows.find((r) => r[0] === o1.orderNo)!;
    expect(typeof row1[0]).toBe('string'); // 18 digits kept as text
    expect(row1[3]).toBe('张三');
    expect(row1[4]).toBe('13812345678');
    expect(String(row1[6])).toContain('黑木耳 125g×4盒 ×2');
    expect(String(row1[6])).toContain('榛蘑 125g×4盒 ×1');
    expect(row1[7]).toBe(3);
    expect(pk.rows.some((r) => r[0] === skipped.orderNo)).toBe(false);

    // Without ids: the to-ship tab; another supplier's orders never appear.
    const all = await workbook(await supplierA2.client.get('/api/v1/fulfilment/exports/packing-list'));
    expect(all.rows.some((r) => r[0] === skipped.orderNo)).toBe(true);
    const foreign = await workbook(await supplierA.client.get(`/api/v1/fulfilment/exports/packing-list?${query}`));
    expect(foreign.rows).toHaveLength(1);
  });
});

describe('tracking import', () => {
  it('ships the good rows of an XLSX and reports each bad row with its number and reason', async () => {
    const s = await sku(supA);
    const [a, b, c, shipped] = [
      await paidOrder([{ skuId: s.skuId, quantity: 1 }]), await paidOrder([{ skuId: s.skuId, quantity: 1 }]),
      await paidOrder([{ skuId: s.skuId, quantity: 1 }]), await paidOrder([{ skuId: s.skuId, quantity: 1 }]),
    ];
    await ship(supplierA.client, shipped.orderId, 'ZTO', 'ZT55555555');
    const s2 = await sku(supA2);
    const foreign = await paidOrder([{ skuId: s2.skuId, quantity: 1 }]);
    const file = await xlsxUpload([
      ['订单号', '快递公司', '快递单号', '备注'],
      [a.orderNo, '顺丰', 'SF1000000001', ''], // row 2: ok
      [b.orderNo, '快马', 'KM10000000', ''], // 3: unknown carrier
      [c.orderNo, '中通', '123', ''], // 4: bad number
      [null, null, null, null], // 5: blank, skipped
      ['202611270000000000', '韵达', '4310000000001', ''], // 6: no such order
      [a.orderNo, '中通', 'ZT10000000', ''], // 7: duplicate of row 2
      [shipped.orderNo, 'ZTO', 'ZT55555555', ''], // 8: already shipped
      [foreign.orderNo, 'EMS', 'EM10000000', ''], // 9: another supplier's
      [Number(c.orderNo), 'EMS', 'EM10000001', ''], // 10: the number lost its digits
      [c.orderNo, 'jd', 'jdva 1000 0000', ''], // 11: ok
    ]);
    const res = await supplierA.client.upload('POST', '/api/v1/fulfilment/imports/tracking', file, '发货.xlsx', XLSX_TYPE);
    expect(res.status).toBe(200);
    expect(res.body.rows).toBe(9);
    expect(res.body.shipped.map((x: { row: number }) => x.row)).toEqual([2, 11]);
    expect(res.body.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [3, 'unknown_carrier'], [4, 'bad_tracking_no'], [6, 'order_not_found'], [7, 'duplicate_order'], [8, 'already_shipped'],
      [9, 'order_not_found'], [10, 'number_lost_digits'],
    ]);
    expect(res.body.errors.every((e: { reason: string }) => e.reason.length > 0)).toBe(true);
    expect(await orderRow(a.orderId)).toMatchObject({ status: 'shipped', carrier: 'SF', tracking_no: 'SF1000000001' });
    expect(await orderRow(c.orderId)).toMatchObject({ status: 'shipped', carrier: 'JD', tracking_no: 'JDVA10000000' });
    expect((await orderRow(b.orderId)).status).toBe('paid');
    expect((await orderRow(foreign.orderId)).status).toBe('paid');
    expect((await orderRow(shipped.orderId)).tracking_no).toBe('ZT55555555');
  });

  it('reads a CSV with English headers and quoted fields; a file without the columns is refused', async () => {
    const s = await sku(supA);
    const a = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const b = await paidOrder([{ skuId: s.skuId, quantity: 1 }]);
    const csv = `\uFEFFOrder number,Carrier,Tracking number,Note\r\n"${a.orderNo}",STO,"77 1234 5678","fragile, ""this side up"""\r\n${b.orderNo},EMS,short,\r\n`;
    const res = await supplierA.client.upload('POST', '/api/v1/fulfilment/imports/tracking', Buffer.from(csv), 'tracking.csv', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body.shipped).toEqual([{ row: 2, orderNo: a.orderNo, orderId: a.orderId }]);
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 3, orderNo: b.orderNo, code: 'bad_tracking_no' })]);
    expect((await orderRow(a.orderId)).tracking_no).toBe('7712345678');
    expectProblem(await supplierA.client.upload('POST', '/api/v1/fulfilment/imports/tracking', Buffer.from('a,b\n1,2\n'), 'x.csv', 'text/csv'), 422, 'missing_columns');
    expectProblem(await supplierA.client.upload('POST', '/api/v1/fulfilment/imports/tracking', Buffer.from('PK\u0003\u0004broken'), 'x.xlsx', XLSX_TYPE), 400, 'unreadable_file');
    expectProblem(await supplierA.client.post('/api/v1/fulfilment/imports/tracking', {}), 415, 'unsupported_media_type');
  });

  it('parses RFC 4180 CSV: quotes, commas, line breaks inside quotes', () => {
    expect(parseCsv('a,"b,c","d ""e""\nf"\r\n1,2,3')).toEqual([['a', 'b,c', 'd "e"\nf'], ['1', '2', '3']]);
  });
});

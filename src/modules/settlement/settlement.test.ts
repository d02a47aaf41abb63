import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type Res, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { systemCtx } from '../../context.js';
import { bizDate } from '../../platform/time.js';
import { payout, postEntry } from '../ledger/index.js';
import { handlePaymentEvent } from '../orders/index.js';

let t: TestApp;
let admin: MadeUser;
let op: MadeUser;
let opB: MadeUser;
let official: MadeUser;
let supA: string;
let supplierA: MadeUser;
let supB: string;
let host: MadeUser;
let officialHost: MadeUser;
const FEE_BP = 500;
const today = bizDate();
const A = `/api/v1/settlement/counties/${COUNTY_A}`;

beforeAll(async () => {
  t = await createTestApp({ centerServiceFeeBp: FEE_BP });
  ({ admin, operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  supA = await makeSupplier(t, { name: '蓝莓合作社' });
  supB = await makeSupplier(t, { countyCode: COUNTY_B, name: '人参农场' });
  await makeLicence(t, op.client, supA, 'produce_certificate');
  await makeLicence(t, opB.client, supB, 'produce_certificate');
  supplierA = await makeUser(t, [{ role: 'supplier', supplierId: supA, prefix: COUNTY_A }], '蓝莓社长');
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }], '县领导');
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '小王主播');
  officialHost = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }, { role: 'official', prefix: COUNTY_A }], '李县长');
});
afterAll(async () => { await t?.close(); });

async function sku(priceFen: number, category = 'fresh_fruit') {
  const p = await makeProduct(t, op.client, supA, { title: `蓝莓${randomUUID().slice(0, 4)}`, category, skus: [{ priceFen, stock: 1000 }], publish: true });
  return { productId: p.id, skuId: p.skuIds[0]! };
}

/** Placed and paid through the real flow, sold by `hostId`, shipped and received: completion books the split. */
async function completedOrder(skuId: string, quantity: number, hostId: string | null) {
  const b = await makeUser(t, [{ role: 'buyer' }], '买家');
  const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
  const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId, quantity }], addressId: addr.body.id }, { 'idempotency-key': `k-${randomUUID()}` });
  expect(c.status).toBe(201);
  await handlePaymentEvent(t.deps, {
    kind: 'paid', eventId: randomUUID(), provider: 'sandbox', outTradeNo: c.body.paymentNo, transactionId: `tx-${randomUUID()}`,
    amountFen: c.body.totalFen, paidAt: new Date().toISOString(), duplicate: false,
  });
  const order = c.body.orders[0] as { id: string; orderNo: string; totalFen: number };
  if (hostId) await t.deps.db.updateTable('shop_order').set({ host_user_id: hostId, source_kind: 'live' }).where('id', '=', order.id).execute();
  expect((await supplierA.client.post(`/api/v1/fulfilment/orders/${order.id}/ship`, { carrier: 'ZTO', trackingNo: `7${Date.now()}${Math.floor(Math.random() * 1000)}` })).status).toBe(200);
  expect((await b.client.post(`/api/v1/orders/${order.id}/confirm-receipt`)).status).toBe(200);
  return { ...order, buyer: b };
}

async function commissionLines(orderId: string) {
  return t.deps.db.selectFrom('ledger_posting').innerJoin('ledger_entry', 'ledger_entry.id', 'ledger_posting.entry_id')
    .innerJoin('ledger_account', 'ledger_account.id', 'ledger_posting.account_id')
    .select(['ledger_account.kind', 'ledger_account.party_id', 'ledger_posting.amount_fen'])
    .where('ledger_entry.idempotency_key', '=', `commission:${orderId}`).execute();
}

async function guardedBalance(kind: string, partyId = '', county = COUNTY_A) {
  const a = await t.deps.db.selectFrom('ledger_account').select('balance_fen').where('county_code', '=', county).where('kind', '=', kind as never).where('party_id', '=', partyId).executeTakeFirst();
  return Number(a?.balance_fen ?? 0);
}

async function workbook(res: Res) {
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('host commission policies', () => {
  it('the center sets a regular host\'s rate with overrides; the host reads its own; others do not', async () => {
    const s = await sku(2000);
    const res = await op.client.put(`${A}/hosts/${host.id}/policy`, {
      kind: 'regular', basis: 'rate', rateBp: 1000, payee: { name: '王小明', bank: '农村信用社', account: '6210981234567890' },
      overrides: [{ scope: 'product', target: s.productId, basis: 'rate', rateBp: 2000 }, { scope: 'category', target: 'fresh_vegetable', basis: 'fixed', fixedFen: 100 }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ kind: 'regular', basis: 'rate', rateBp: 1000, hostEarns: true, pledge: null, isDefault: false });
    expect(res.body.overrides).toHaveLength(2);
    expect(res.body.payee).toEqual({ name: '王小明', bank: '农村信用社', accountMasked: '****7890' });
    expect(JSON.stringify(res.body)).not.toContain('6210981234567890');
    expect((await host.client.get(`${A}/hosts/${host.id}/policy`)).body.rateBp).toBe(1000);
    expect((await official.client.get(`${A}/hosts/${host.id}/policy`)).status).toBe(200);
    const otherHost = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '另一个主播');
    expectProblem(await otherHost.client.get(`${A}/hosts/${host.id}/policy`), 404, 'not_found');
    expectProblem(await t.client().get(`${A}/hosts/${host.id}/policy`), 404, 'not_found');
    expectProblem(await opB.client.put(`${A}/hosts/${host.id}/policy`, { kind: 'regular', basis: 'rate', rateBp: 100 }), 404, 'not_found');
    expectProblem(await official.client.put(`${A}/hosts/${host.id}/policy`, { kind: 'regular', basis: 'rate', rateBp: 100 }), 403, 'forbidden');
    const audit = await t.deps.db.selectFrom('audit_log').select('detail').where('action', '=', 'host_policy.set').where('target_id', '=', host.id).execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit.map((a) => a.detail).join()).not.toContain('6210981234567890');
  });

  it('refuses a commission above the maximum, negative, or a bad pledge split, naming the field', async () => {
    const url = `${A}/hosts/${host.id}/policy`;
    const bad = async (body: unknown, pointer: string, code: string) => {
      const r = await op.client.put(url, body);
      expectProblem(r, 422, 'validation_failed');
      expect(r.body.errors[0]).toMatchObject({ pointer, code });
    };
    await bad({ kind: 'regular', basis: 'rate', rateBp: 5001 }, '/body/rateBp', 'commission_above_maximum');
    await bad({ kind: 'regular', basis: 'rate', rateBp: -1 }, '/body/rateBp', 'negative_commission');
    await bad({ kind: 'regular', basis: 'fixed', fixedFen: -5 }, '/body/fixedFen', 'negative_commission');
    await bad({ kind: 'regular', basis: 'fixed', fixedFen: 10_000_000 }, '/body/fixedFen', 'commission_above_maximum');
    await bad({ kind: 'regular', basis: 'rate', rateBp: 100, overrides: [{ scope: 'category', target: 'fresh_fruit', basis: 'rate', rateBp: 9000 }] }, '/body/overrides/0/rateBp', 'commission_above_maximum');
    await bad({ kind: 'regular', basis: 'rate', rateBp: 100, overrides: [{ scope: 'product', target: 'prd_nope', basis: 'rate', rateBp: 100 }] }, '/body/overrides/0/target', 'unknown_product');
    await bad({ kind: 'official', basis: 'selection' }, '/body/charityBp', 'pledge_split_invalid');
    await bad({ kind: 'official', basis: 'selection', charityBp: 6000, developmentBp: 3000 }, '/body/charityBp', 'pledge_split_invalid');
    await bad({ kind: 'regular', basis: 'selection', charityBp: 10000, developmentBp: 0 }, '/body/charityBp', 'pledge_not_official');
    const notHost = await op.client.put(`${A}/hosts/${supplierA.id}/policy`, { kind: 'regular', basis: 'rate', rateBp: 100 });
    expectProblem(notHost, 422, 'not_a_host');
    expect((await host.client.get(url)).body.rateBp).toBe(1000);
  });

  it('an official\'s policy (earns nothing, pledge split) is public', async () => {
    const res = await admin.client.put(`${A}/hosts/${officialHost.id}/policy`, { kind: 'official', basis: 'rate', rateBp: 1000, charityBp: 7000, developmentBp: 3000 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const pub = await t.client().get(`${A}/hosts/${officialHost.id}/policy`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ kind: 'official', hostEarns: false, pledge: { charityBp: 7000, developmentBp: 3000 }, payee: null });
  });
});

describe('the host share on completion', () => {
  it('a regular host earns by its overrides, default rate and category fixed amount', async () => {
    const policy = await op.client.get(`${A}/hosts/${host.id}/policy`);
    const overridden = policy.body.overrides.find((o: { scope: string }) => o.scope === 'product').target as string;
    const skuRow = await t.deps.db.selectFrom('sku').select(['id', 'price_fen']).where('product_id', '=', overridden).executeTakeFirstOrThrow();
    const o1 = await completedOrder(skuRow.id, 3, host.id);
    expect((await commissionLines(o1.id)).find((l) => l.kind === 'host_commission_payable')).toMatchObject({ party_id: host.id, amount_fen: -Math.round(2000 * 3 * 2000 / 10000) });
    const plain = await sku(3000);
    const o2 = await completedOrder(plain.skuId, 2, host.id);
    const lines = await commissionLines(o2.id);
    expect(lines.find((l) => l.kind === 'host_commission_payable')?.amount_fen).toBe(-600);
    expect(lines.find((l) => l.kind === 'center_service_fee')?.amount_fen).toBe(-300);
    expect(lines.reduce((s, l) => s + l.amount_fen, 0)).toBe(0);
    const split = await o2.buyer.client.get(`/api/v1/settlement/orders/${o2.id}/split`);
    expect(split.body).toMatchObject({ accrued: true, hostKind: 'regular', hostCommissionFen: 600, serviceFeeFen: 300, charityFen: 0, supplierNetFen: o2.totalFen - 900 });
  });

  it('an official\'s order completes with nothing for the host and its share pledged to the funds, visible on the order and the statement', async () => {
    const s = await sku(3333);
    const o = await completedOrder(s.skuId, 3, officialHost.id);
    const share = Math.round(9999 * 1000 / 10000);
    const lines = await commissionLines(o.id);
    expect(lines.some((l) => l.kind === 'host_commission_payable')).toBe(false);
    const charity = -(lines.find((l) => l.kind === 'charity_fund')?.amount_fen ?? 0);
    const development = -(lines.find((l) => l.kind === 'development_fund')?.amount_fen ?? 0);
    expect(charity + development).toBe(share);
    expect(charity).toBe(700);
    expect(lines.reduce((sum, l) => sum + l.amount_fen, 0)).toBe(0);
    const split = await officialHost.client.get(`/api/v1/settlement/orders/${o.id}/split`);
    expect(split.body).toMatchObject({ hostKind: 'official', hostCommissionFen: 0, charityFen: charity, developmentFen: development, pledgeSplit: { charityBp: 7000, developmentBp: 3000 } });
    expectProblem(await host.client.get(`/api/v1/settlement/orders/${o.id}/split`), 404, 'not_found');
    const st = await officialHost.client.get(`/api/v1/settlement/statements/hosts/${officialHost.id}?countyCode=${COUNTY_A}&from=${today}&to=${today}`);
    expect(st.status, JSON.stringify(st.body)).toBe(200);
    expect(st.body).toMatchObject({ hostKind: 'official', closingBalanceFen: 0, items: [] });
    expect(st.body.pledges.items).toEqual([expect.objectContaining({ orderId: o.id, orderNo: o.orderNo, charityFen: charity, developmentFen: development, reversal: false })]);
    expect(st.body.pledges.totalFen).toBe(share);
    const rows = await workbook(await officialHost.client.get(`/api/v1/settlement/statements/hosts/${officialHost.id}/export?countyCode=${COUNTY_A}&from=${today}&to=${today}`));
    expect(rows.flat().join('|')).toContain(o.orderNo);
  });
});

describe('statements', () => {
  it('a supplier\'s statement adds up: opening + each line = closing, lines linked to orders', async () => {
    const res = await supplierA.client.get(`/api/v1/settlement/statements/suppliers/${supA}?from=${today}&to=${today}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const st = res.body;
    expect(st.items.length).toBeGreaterThan(0);
    let running = st.openingBalanceFen;
    for (const l of st.items) { running += l.amountFen; expect(l.balanceFen).toBe(running); }
    expect(running).toBe(st.closingBalanceFen);
    expect(st.closingBalanceFen).toBe(await guardedBalance('supplier_payable', supA));
    expect(st.totals.netFen).toBe(st.closingBalanceFen - st.openingBalanceFen);
    expect(st.totals.ordersFen + st.totals.refundsFen + st.totals.commissionFen + st.totals.payoutsFen + st.totals.otherFen).toBe(st.totals.netFen);
    expect(st.items.filter((l: { type: string }) => l.type === 'order').every((l: { orderNo: string | null }) => l.orderNo)).toBe(true);
    expect(st.items.filter((l: { type: string }) => l.type === 'commission').every((l: { orderNo: string | null }) => l.orderNo)).toBe(true);
    const tomorrow = await supplierA.client.get(`/api/v1/settlement/statements/suppliers/${supA}?from=2099-01-01&to=2099-01-02`);
    expect(tomorrow.body).toMatchObject({ openingBalanceFen: st.closingBalanceFen, closingBalanceFen: st.closingBalanceFen, items: [] });
    const rows = await workbook(await supplierA.client.get(`/api/v1/settlement/statements/suppliers/${supA}/export?from=${today}&to=${today}`));
    expect(rows.length).toBe(st.items.length + 3);
    expectProblem(await supplierA.client.get(`/api/v1/settlement/statements/suppliers/${supB}?from=${today}&to=${today}`), 404, 'not_found');
    expectProblem(await opB.client.get(`/api/v1/settlement/statements/suppliers/${supA}?from=${today}&to=${today}`), 404, 'not_found');
    expect((await official.client.get(`/api/v1/settlement/statements/suppliers/${supA}?from=${today}&to=${today}`)).status).toBe(200);
    expectProblem(await supplierA.client.get(`/api/v1/settlement/statements/suppliers/${supA}?from=${today}&to=2000-01-01`), 422, 'validation_failed');
  });

  it('a host reads its own statement; other hosts and counties do not', async () => {
    const st = await host.client.get(`/api/v1/settlement/statements/hosts/${host.id}?countyCode=${COUNTY_A}&from=${today}&to=${today}`);
    expect(st.status).toBe(200);
    expect(st.body.closingBalanceFen).toBe(await guardedBalance('host_commission_payable', host.id));
    expect(st.body.items.reduce((s: number, l: { amountFen: number }) => s + l.amountFen, st.body.openingBalanceFen)).toBe(st.body.closingBalanceFen);
    expect(st.body.pledges.items).toEqual([]);
    expectProblem(await officialHost.client.get(`/api/v1/settlement/statements/hosts/${host.id}?countyCode=${COUNTY_B}&from=${today}&to=${today}`), 404, 'not_found');
    expectProblem(await opB.client.get(`/api/v1/settlement/statements/hosts/${host.id}?countyCode=${COUNTY_A}&from=${today}&to=${today}`), 404, 'not_found');
  });
});

describe('payout batches', () => {
  let batch: { id: string; lines: { id: string; payeeKind: string; partyId: string | null; amountFen: number }[] };

  it('the center makes a batch: one line per payee with what it is owed; one open batch per county; other counties refused', async () => {
    expect((await admin.client.put(`${A}/funds/charity_fund/payee`, { name: '县慈善总会', bank: '县农商行', account: '6228480011112222333' })).status).toBe(200);
    expectProblem(await opB.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_A, from: today, to: today }), 404, 'not_found');
    expectProblem(await official.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_A, from: today, to: today }), 403, 'forbidden');
    const res = await op.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_A, from: today, to: today, note: '11月第4周' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    batch = res.body;
    expect(res.body.status).toBe('open');
    const byKind = (k: string, party?: string) => res.body.lines.find((l: { payeeKind: string; partyId: string | null }) => l.payeeKind === k && (party === undefined || l.partyId === party));
    expect(byKind('supplier', supA).amountFen).toBe(await guardedBalance('supplier_payable', supA));
    expect(byKind('host', host.id)).toMatchObject({ amountFen: await guardedBalance('host_commission_payable', host.id), payeeName: '王小明', payeeAccountMasked: '****7890' });
    expect(byKind('charity_fund')).toMatchObject({ amountFen: await guardedBalance('charity_fund'), payeeName: '县慈善总会' });
    expect(byKind('development_fund').amountFen).toBe(await guardedBalance('development_fund'));
    expect(res.body.lines.some((l: { partyId: string | null }) => l.partyId === officialHost.id)).toBe(false);
    expect(res.body.totalFen).toBe(res.body.lines.reduce((s: number, l: { amountFen: number }) => s + l.amountFen, 0));
    expect(JSON.stringify(res.body)).not.toContain('6228480011112222333');
    expectProblem(await op.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_A, from: today, to: today }), 409, 'open_batch_exists');
    expectProblem(await opB.client.get(`/api/v1/settlement/payout-batches/${batch.id}`), 404, 'not_found');
    expectProblem(await opB.client.post(`/api/v1/settlement/payout-batches/${batch.id}/pay`, {}), 404, 'not_found');
    expect((await official.client.get(`/api/v1/settlement/payout-batches/${batch.id}`)).status).toBe(200);
    expect((await opB.client.get('/api/v1/settlement/payout-batches')).body.items).toEqual([]);
    expect((await op.client.get('/api/v1/settlement/payout-batches')).body.items.map((b: { id: string }) => b.id)).toContain(batch.id);
  });

  it('exports the bank file with full accounts, as an audited read', async () => {
    expectProblem(await official.client.get(`/api/v1/settlement/payout-batches/${batch.id}/export`), 403, 'forbidden');
    const rows = await workbook(await op.client.get(`/api/v1/settlement/payout-batches/${batch.id}/export`));
    const text = rows.flat().join('|');
    expect(text).toContain('6210981234567890');
    expect(text).toContain('6222020200112233445');
    expect(text).toContain('6228480011112222333');
    expect(rows.length).toBe(batch.lines.length + 2);
    const audit = await t.deps.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'payout_batch.exported').where('target_id', '=', batch.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(op.id);
    expect(audit[0]!.detail).not.toContain('6210981234567890');
  });

  it('paying one line many times at once pays it once', async () => {
    const line = batch.lines.find((l) => l.payeeKind === 'host')!;
    const before = await guardedBalance('host_commission_payable', host.id);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? admin : op).client.post(`/api/v1/settlement/payout-batches/${batch.id}/lines/${line.id}/pay`)));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(results.filter((r) => !r.body.result.alreadyPaid)).toHaveLength(1);
    expect(await guardedBalance('host_commission_payable', host.id)).toBe(before - line.amountFen);
    const entries = await t.deps.db.selectFrom('ledger_entry').select('id').where('idempotency_key', '=', `payout:${line.id}`).execute();
    expect(entries).toHaveLength(1);
    const again = await op.client.post(`/api/v1/settlement/payout-batches/${batch.id}/lines/${line.id}/pay`);
    expect(again.body.result).toMatchObject({ ok: true, alreadyPaid: true, entryId: entries[0]!.id });
    const st = await host.client.get(`/api/v1/settlement/statements/hosts/${host.id}?countyCode=${COUNTY_A}&from=${today}&to=${today}`);
    const payoutLine = st.body.items.find((l: { type: string }) => l.type === 'payout');
    expect(payoutLine).toMatchObject({ amountFen: -line.amountFen, payoutBatchNo: expect.stringMatching(/^PB220622/) });
  });

  it('a line whose payee is owed less now is refused with a clear message and stays unpaid', async () => {
    const line = batch.lines.find((l) => l.payeeKind === 'supplier' && l.partyId === supA)!;
    // Something paid the supplier outside this batch meanwhile (a correction by the center).
    await postEntry(systemCtx(t.deps), payout({ countyCode: COUNTY_A, payoutId: `manual-${randomUUID()}`, to: { supplierId: supA }, amountFen: 100 }));
    const balance = await guardedBalance('supplier_payable', supA);
    const r = await op.client.post(`/api/v1/settlement/payout-batches/${batch.id}/lines/${line.id}/pay`);
    expectProblem(r, 409, 'payee_balance_too_low');
    expect(r.body.detail).toContain(`${line.amountFen}`);
    expect(r.body).toMatchObject({ balanceFen: balance, lineFen: line.amountFen });
    expect(await guardedBalance('supplier_payable', supA)).toBe(balance);
    const row = await t.deps.db.selectFrom('payout_line').select(['status', 'entry_id']).where('id', '=', line.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'unpaid', entry_id: null });
  });

  it('paying the whole batch twice, or at once, pays each line once; refused lines are reported; cancel closes it', async () => {
    const supplierLine = batch.lines.find((l) => l.payeeKind === 'supplier' && l.partyId === supA)!;
    const [a, b] = await Promise.all([op.client.post(`/api/v1/settlement/payout-batches/${batch.id}/pay`, {}), admin.client.post(`/api/v1/settlement/payout-batches/${batch.id}/pay`, {})]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    const others = batch.lines.filter((l) => l.id !== supplierLine.id);
    expect(a.body.paid + b.body.paid).toBe(others.length - 1); // the host's line was paid before
    for (const res of [a, b]) expect(res.body.results.find((x: { lineId: string }) => x.lineId === supplierLine.id)).toMatchObject({ ok: false, code: 'payee_balance_too_low' });
    const c = await op.client.post(`/api/v1/settlement/payout-batches/${batch.id}/pay`, {});
    expect(c.body.paid).toBe(0);
    expect(c.body.alreadyPaid).toBe(others.length);
    for (const l of others) {
      expect(await t.deps.db.selectFrom('ledger_entry').select('id').where('idempotency_key', '=', `payout:${l.id}`).execute()).toHaveLength(1);
    }
    expect(await guardedBalance('charity_fund')).toBe(0);
    expect(await guardedBalance('development_fund')).toBe(0);
    const tb = await op.client.get(`/api/v1/ledger/trial-balance?countyCode=${COUNTY_A}`);
    expect(tb.body.balanced).toBe(true);
    expectProblem(await official.client.post(`/api/v1/settlement/payout-batches/${batch.id}/cancel`, { reason: 'x' }), 403, 'forbidden');
    const cancelled = await op.client.post(`/api/v1/settlement/payout-batches/${batch.id}/cancel`, { reason: '供货商余额变动，重做批次' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('closed');
    expect(cancelled.body.lines.find((l: { id: string }) => l.id === supplierLine.id).status).toBe('cancelled');
    expectProblem(await op.client.post(`/api/v1/settlement/payout-batches/${batch.id}/lines/${supplierLine.id}/pay`), 409, 'batch_not_open');
    // A new batch pays the supplier what it is owed now.
    const next = await op.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_A, from: today, to: today });
    expect(next.status).toBe(201);
    expect(next.body.lines).toEqual([expect.objectContaining({ payeeKind: 'supplier', partyId: supA, amountFen: await guardedBalance('supplier_payable', supA) })]);
    const unpaidCancel = await op.client.post(`/api/v1/settlement/payout-batches/${next.body.id}/cancel`, { reason: '改日再付' });
    expect(unpaidCancel.body.status).toBe('cancelled');
    expectProblem(await op.client.post(`/api/v1/settlement/payout-batches/${next.body.id}/cancel`, { reason: 'again' }), 409, 'batch_not_open');
  });

  it('a county with nothing owed makes no batch', async () => {
    expectProblem(await opB.client.post('/api/v1/settlement/payout-batches', { countyCode: COUNTY_B, from: today, to: today }), 422, 'nothing_to_pay');
  });
});

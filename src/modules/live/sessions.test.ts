import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, expectProblem, PNG_1X1, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { systemCtx } from '../../context.js';
import { liveRoom, type LiveFrame } from '../../contracts/live-events.js';
import { nowIso } from '../../platform/time.js';
import { handlePaymentEvent } from '../orders/index.js';
import { addPracticeMentor, closeOverdueSessions } from './index.js';

let t: TestApp;
let admin: MadeUser;
let op: MadeUser;
let opB: MadeUser;
let host: MadeUser;
let host2: MadeUser;
let trainee: MadeUser;
let buyer: MadeUser;
let official: MadeUser;
let supA: string;
let supB: string;
const S = '/api/v1/live/sessions';

/** The hosts engineer owns the showcase API; here a row is enough. */
async function showcase(hostId: string, productId: string, county = COUNTY_A) {
  await t.deps.db.insertInto('host_showcase_item').values({ county_code: county, host_user_id: hostId, product_id: productId, added_at: nowIso() })
    .onConflict((oc) => oc.columns(['host_user_id', 'product_id']).doNothing()).execute();
}

async function product(opts: { stock?: number; price?: number; publish?: boolean; supplier?: string; operator?: MadeUser } = {}) {
  const p = await makeProduct(t, (opts.operator ?? op).client, opts.supplier ?? supA, {
    title: `蓝莓${randomUUID().slice(0, 4)}`, skus: [{ priceFen: opts.price ?? 5990, stock: opts.stock ?? 100 }], publish: opts.publish ?? true,
    ...(opts.supplier === supB ? { village: '220621100201' } : {}),
  });
  if (opts.publish ?? true) {
    // The selection base: what hosts may put in their showcases and sell.
    const sel = await (opts.operator ?? op).client.put(`/api/v1/products/${p.id}/selection`, { suggestedPriceFen: opts.price ?? 5990, commissionRateBp: 1000, sellingPoints: [], sampleQuantity: 0 });
    expect(sel.status, JSON.stringify(sel.body)).toBe(200);
  }
  return { productId: p.id, skuId: p.skuIds[0]! };
}

async function stockOf(skuId: string) {
  return (await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;
}

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function session(who: MadeUser = host, body: Record<string, unknown> = {}) {
  const res = await who.client.post(S, { kind: 'hosted', title: '长白山蓝莓专场', scheduledStart: inMinutes(10), scheduledEnd: inMinutes(130), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; approval: string; status: string; kind: string };
}

async function approved(who: MadeUser = host, body: Record<string, unknown> = {}) {
  const s = await session(who, body);
  const res = await op.client.post(`${S}/${s.id}/approve`, { note: '可以' });
  expect(res.status).toBe(200);
  return s;
}

function frames(sessionId: string) {
  const got: LiveFrame[] = [];
  const stop = t.deps.realtime.listen(liveRoom(sessionId), (f) => got.push(f));
  return { got, stop };
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  supA = await makeSupplier(t, { name: '蓝莓合作社' });
  supB = await makeSupplier(t, { countyCode: COUNTY_B, name: '人参农场' });
  await makeLicence(t, op.client, supA, 'produce_certificate');
  await makeLicence(t, opB.client, supB, 'produce_certificate');
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '李主播');
  host2 = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '王主播');
  trainee = await makeUser(t, [{ role: 'trainee', prefix: COUNTY_A }], '周学员');
  buyer = await makeUser(t, [{ role: 'buyer' }], '吴买家');
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }], '冯领导');
});
afterAll(async () => { await t?.close(); });

describe('scheduling', () => {
  it('a host schedules a hosted session: pending approval, with a stream key; audited', async () => {
    const s = await session();
    expect(s).toMatchObject({ kind: 'hosted', status: 'scheduled', approval: 'pending' });
    const key = await t.deps.db.selectFrom('live_stream_key').selectAll().where('session_id', '=', s.id).execute();
    expect(key).toHaveLength(1);
    expect(key[0]!.stream_key.length).toBeGreaterThanOrEqual(32);
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', s.id).execute();
    expect(audit.map((a) => a.action)).toContain('live.session.create');
  });

  it('a trainee may schedule practice only; practice needs no approval', async () => {
    expectProblem(await trainee.client.post(S, { kind: 'hosted', title: '试播', scheduledStart: inMinutes(10), scheduledEnd: inMinutes(40) }), 403, 'practice_only');
    const p = await session(trainee, { kind: 'practice', title: '练习一' });
    expect(p).toMatchObject({ kind: 'practice', approval: 'approved' });
    expectProblem(await op.client.post(`${S}/${p.id}/approve`, {}), 409, 'no_approval_needed');
  });

  it('refuses bad input with field pointers and writes nothing', async () => {
    const before = await t.deps.db.selectFrom('live_session').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bad = async (body: Record<string, unknown>, status: number, pointer: string) => {
      const res = await host.client.post(S, { kind: 'hosted', title: '标题', scheduledStart: inMinutes(10), scheduledEnd: inMinutes(70), ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    };
    await bad({ scheduledEnd: inMinutes(5) }, 422, '/body/scheduledEnd');
    await bad({ scheduledStart: inMinutes(-60), scheduledEnd: inMinutes(10) }, 422, '/body/scheduledStart');
    await bad({ scheduledEnd: inMinutes(10 + 13 * 60) }, 422, '/body/scheduledEnd');
    await bad({ kind: 'external' }, 422, '/body/platform');
    await bad({ platform: 'douyin' }, 422, '/body/platform');
    await bad({ title: 'x' }, 400, '/body/title');
    await bad({ scheduledStart: 'tomorrow' }, 400, '/body/scheduledStart');
    await bad({ kind: 'concert' }, 400, '/body/kind');
    await bad({ extra: 1 }, 400, '/body/extra');
    expectProblem(await host.client.post(S, { kind: 'hosted', title: '标题', scheduledStart: inMinutes(10), scheduledEnd: inMinutes(70), countyCode: COUNTY_B }), 403, 'forbidden');
    const after = await t.deps.db.selectFrom('live_session').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  }, 30_000);

  it('an external session keeps its platform, link and code', async () => {
    const res = await host.client.post(S, {
      kind: 'external', title: '抖音专场', scheduledStart: inMinutes(20), scheduledEnd: inMinutes(80), platform: 'douyin', externalUrl: 'https://v.douyin.com/abc/', externalCode: '8#长白山',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ platform: 'douyin', externalUrl: 'https://v.douyin.com/abc/', externalCode: '8#长白山' });
    expectProblem(await host.client.get(`${S}/${res.body.id}/stream-key`), 409, 'no_stream_key');
    expect(await t.deps.db.selectFrom('live_stream_key').select('stream_key').where('session_id', '=', res.body.id).execute()).toHaveLength(0);
  });

  it('only the host edits; an edit sends an approved session back for approval', async () => {
    const s = await approved();
    expectProblem(await host2.client.patch(`${S}/${s.id}`, { title: '别人的' }), 404, 'not_found');
    const res = await host.client.patch(`${S}/${s.id}`, { title: '新标题专场' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: '新标题专场', approval: 'pending' });
    expectProblem(await host.client.patch(`${S}/${s.id}`, { platform: 'douyin' }), 422, 'validation_failed');
  });

  it('moving the start tells everyone who reserved; a past start or an end before it is refused', async () => {
    const s = await approved();
    await buyer.client.put(`${S}/${s.id}/reservation`, {});
    const later = new Date(Date.now() + 3 * 3600_000);
    later.setUTCSeconds(0, 0);
    const res = await host.client.patch(`${S}/${s.id}`, { scheduledStart: later.toISOString(), scheduledEnd: new Date(later.getTime() + 3600_000).toISOString() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const n = await t.deps.db.selectFrom('notification').selectAll().where('ref_id', '=', s.id).where('kind', '=', 'live_rescheduled').execute();
    expect(n.map((x) => x.user_id)).toEqual([buyer.id]);
    const shanghai = new Date(later.getTime() + 8 * 3600_000).toISOString();
    expect(n[0]!.body).toContain(`${shanghai.slice(5, 10)} ${shanghai.slice(11, 16)}`);
    expectProblem(await host.client.patch(`${S}/${s.id}`, { scheduledStart: inMinutes(-30) }), 422, 'validation_failed');
    expectProblem(await host.client.patch(`${S}/${s.id}`, { scheduledEnd: later.toISOString() }), 422, 'validation_failed');
    expect((await host.client.patch(`${S}/${s.id}`, { title: '只改标题的专场' })).status).toBe(200);
    expect(await t.deps.db.selectFrom('notification').select('id').where('ref_id', '=', s.id).where('kind', '=', 'live_rescheduled').execute()).toHaveLength(1);
  });

  it('a cover is uploaded by the host, checked by its bytes, and served publicly once announced', async () => {
    const s = await session();
    expectProblem(await host.client.upload('PUT', `${S}/${s.id}/cover`, Buffer.from('not an image at all')), 415, 'unsupported_file_type');
    expectProblem(await host2.client.upload('PUT', `${S}/${s.id}/cover`, PNG_1X1), 404, 'not_found');
    const up = await host.client.upload('PUT', `${S}/${s.id}/cover`, PNG_1X1);
    expect(up.status).toBe(200);
    expect(up.body.coverUrl).toMatch(new RegExp(`^/api/v1/live/sessions/${s.id}/cover`));
    // Not yet approved: only the host and the center see it.
    expect((await t.client().get(up.body.coverUrl)).status).toBe(404);
    expect((await op.client.post(`${S}/${s.id}/approve`, {})).status).toBe(200);
    const img = await t.client().get(up.body.coverUrl);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
  });
});

describe('run-of-show', () => {
  it('a new cover sends an approved session back to the center (products come vetted from the selection base)', async () => {
    const s = await approved();
    const approval = async () => (await host.client.get(`${S}/${s.id}`)).body.approval;
    expect(await approval()).toBe('approved');
    expect((await host.client.upload('PUT', `${S}/${s.id}/cover`, PNG_1X1)).status).toBe(200);
    expect(await approval()).toBe('pending');
  });

  it('an item with a flash sale is removed only after the sale is closed, and its units all come back', async () => {
    const s = await session();
    const p = await product({ stock: 40 });
    await showcase(host.id, p.productId);
    const add = await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 4990, stock: 20 });
    const sale = await host.client.post(`/api/v1/live/sessions/${s.id}/flash-sales`, { itemId: add.body.id, priceFen: 2990, stock: 5, perBuyerLimit: 1 });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    const refused = await host.client.delete(`${S}/${s.id}/items/${add.body.id}`);
    expectProblem(refused, 409, 'item_has_flash_sale');
    expect(refused.body.flashSaleId).toBe(sale.body.saleId);
    expect((await host.client.post(`/api/v1/live/sessions/${s.id}/flash-sales/${sale.body.saleId}/close`, {})).status).toBe(200);
    expect((await host.client.delete(`${S}/${s.id}/items/${add.body.id}`)).status).toBe(200);
    expect(await stockOf(p.skuId)).toBe(40);
  });

  it('sets stock aside from the SKU with a movement row, and moves it back when lowered or removed', async () => {
    const s = await session();
    const p = await product({ stock: 100 });
    await showcase(host.id, p.productId);
    const add = await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 4990, stock: 30, slotMinute: 5, slotMinutes: 10, talkingPoints: '现摘现发' });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect(add.body).toMatchObject({ roomCode: 1, position: 1, livePriceFen: 4990, listPriceFen: 5990, stockAllotted: 30, stockLeft: 30, talkingPoints: '现摘现发' });
    expect(await stockOf(p.skuId)).toBe(70);
    const mv = await t.deps.db.selectFrom('stock_movement').selectAll().where('sku_id', '=', p.skuId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(mv).toMatchObject({ delta: -30, stock_after: 70, reason: `live:set_aside:${s.id}` });

    const lower = await host.client.patch(`${S}/${s.id}/items/${add.body.id}`, { stock: 10 });
    expect(lower.body).toMatchObject({ stockLeft: 10, stockAllotted: 10 });
    expect(await stockOf(p.skuId)).toBe(90);
    const raise = await host.client.patch(`${S}/${s.id}/items/${add.body.id}`, { stock: 25, livePriceFen: 3990 });
    expect(raise.body).toMatchObject({ stockLeft: 25, livePriceFen: 3990 });
    expect(await stockOf(p.skuId)).toBe(75);
    expectProblem(await host.client.patch(`${S}/${s.id}/items/${add.body.id}`, { stock: 1000 }), 409, 'insufficient_stock');
    expect(await stockOf(p.skuId)).toBe(75);
    expect((await host.client.get(`${S}/${s.id}`)).body.items[0].stockLeft).toBe(25);

    const del = await host.client.delete(`${S}/${s.id}/items/${add.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual([]);
    expect(await stockOf(p.skuId)).toBe(100);
  });

  it('refuses products outside the showcase, off sale, of a suspended supplier or another county, and live prices above list', async () => {
    const s = await session();
    const notShown = await product();
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: notShown.skuId, livePriceFen: 100, stock: 1 }), 422, 'not_in_showcase');
    await showcase(host2.id, notShown.productId);
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: notShown.skuId, livePriceFen: 100, stock: 1 }), 422, 'not_in_showcase');

    const draft = await product({ publish: false });
    await showcase(host.id, draft.productId);
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: draft.skuId, livePriceFen: 100, stock: 1 }), 422, 'product_off_sale');

    const other = await product({ supplier: supB, operator: opB });
    await showcase(host.id, other.productId, COUNTY_B);
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: other.skuId, livePriceFen: 100, stock: 1 }), 422, 'other_county');

    const ok = await product({ price: 1000 });
    await showcase(host.id, ok.productId);
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: 1001, stock: 1 }), 422, 'live_price_above_list');
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: 'sku_nope', livePriceFen: 100, stock: 1 }), 422, 'unknown_sku');
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: '100', stock: 1 }), 400, 'validation_failed');
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: 100, stock: -1 }), 400, 'validation_failed');
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: 100, stock: 101 }), 409, 'insufficient_stock');
    expect(await stockOf(ok.skuId)).toBe(100);

    const sup = await makeSupplier(t, { name: '停业合作社' });
    await makeLicence(t, op.client, sup, 'produce_certificate');
    const susp = await product({ supplier: sup });
    await showcase(host.id, susp.productId);
    await t.deps.db.updateTable('supplier').set({ status: 'suspended' }).where('id', '=', sup).execute();
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: susp.skuId, livePriceFen: 100, stock: 1 }), 422, 'supplier_inactive');

    const left = await product();
    await showcase(host.id, left.productId);
    expect((await op.client.delete(`/api/v1/products/${left.productId}/selection`)).status).toBeLessThan(300);
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: left.skuId, livePriceFen: 100, stock: 1 }), 422, 'not_in_selection');

    expect((await host.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: 900, stock: 1 })).status).toBe(201);
    expectProblem(await host.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: 900, stock: 1 }), 409, 'already_in_show');
    expectProblem(await host2.client.post(`${S}/${s.id}/items`, { skuId: ok.skuId, livePriceFen: 900, stock: 1 }), 404, 'not_found');
    expect((await t.deps.db.selectFrom('live_session_item').select('id').where('session_id', '=', s.id).execute())).toHaveLength(1);
  }, 30_000);

  it('room codes are 1..n in show order; reorder and removal renumber them; a stale order is refused', async () => {
    const s = await session();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await product();
      await showcase(host.id, p.productId);
      ids.push((await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 100, stock: 1 })).body.id);
    }
    const re = await host.client.put(`${S}/${s.id}/items/order`, { itemIds: [ids[2], ids[0], ids[1]] });
    expect(re.status).toBe(200);
    expect(re.body.map((i: { id: string; roomCode: number }) => [i.id, i.roomCode])).toEqual([[ids[2], 1], [ids[0], 2], [ids[1], 3]]);
    expectProblem(await host.client.put(`${S}/${s.id}/items/order`, { itemIds: [ids[0], ids[1]] }), 409, 'stale_run_of_show');
    expectProblem(await host.client.put(`${S}/${s.id}/items/order`, { itemIds: [ids[0], ids[0], ids[1]] }), 409, 'stale_run_of_show');
    const del = await host.client.delete(`${S}/${s.id}/items/${ids[2]}`);
    expect(del.body.map((i: { id: string; roomCode: number }) => [i.id, i.roomCode])).toEqual([[ids[0], 1], [ids[1], 2]]);
  });

  it('practice: any product on sale in the county, and no stock is set aside (practice sells nothing)', async () => {
    const s = await session(trainee, { kind: 'practice', title: '练习货单' });
    const p = await product({ stock: 10 });
    const add = await trainee.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 100, stock: 50 });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect(add.body).toMatchObject({ stockLeft: 50 });
    expect((await trainee.client.patch(`${S}/${s.id}/items/${add.body.id}`, { stock: 80 })).body.stockLeft).toBe(80);
    expect(await stockOf(p.skuId)).toBe(10);
    expect((await trainee.client.post(`${S}/${s.id}/go-live`)).status).toBe(200);
    expect((await trainee.client.post(`${S}/${s.id}/end`)).status).toBe(200);
    expect(await stockOf(p.skuId)).toBe(10);
    const moves = await t.deps.db.selectFrom('stock_movement').select('id').where('sku_id', '=', p.skuId).where('reason', 'like', 'live:%').execute();
    expect(moves).toEqual([]);
    const draft = await product({ publish: false });
    expectProblem(await trainee.client.post(`${S}/${s.id}/items`, { skuId: draft.skuId, livePriceFen: 100, stock: 1 }), 409, 'session_closed');
  });

  it('concurrent set-asides never take a SKU below zero', async () => {
    const p = await product({ stock: 10 });
    await showcase(host.id, p.productId);
    const sessions = await Promise.all(Array.from({ length: 6 }, () => session()));
    const results = await Promise.all(sessions.map((s) => host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 100, stock: 3 })));
    const ok = results.filter((r) => r.status === 201).length;
    expect(ok).toBe(3);
    for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'insufficient_stock');
    expect(await stockOf(p.skuId)).toBe(1);
    const allotted = await t.deps.db.selectFrom('live_session_item').select((eb) => eb.fn.sum<number>('stock_left').as('n')).where('sku_id', '=', p.skuId).executeTakeFirstOrThrow();
    expect(Number(allotted.n)).toBe(9);
  }, 30_000);
});

describe('approval and calendar', () => {
  it('the county center approves or rejects with a note; another county cannot; the host is told', async () => {
    const s = await session();
    expectProblem(await opB.client.post(`${S}/${s.id}/approve`, {}), 404, 'not_found');
    expectProblem(await host.client.post(`${S}/${s.id}/approve`, {}), 403, 'forbidden');
    expectProblem(await op.client.post(`${S}/${s.id}/reject`, {}), 400, 'validation_failed');
    const rej = await op.client.post(`${S}/${s.id}/reject`, { note: '封面不清楚' });
    expect(rej.body).toMatchObject({ approval: 'rejected', approvalNote: '封面不清楚' });
    const n = await t.deps.db.selectFrom('notification').selectAll().where('user_id', '=', host.id).where('ref_id', '=', s.id).execute();
    expect(n.map((x) => x.kind)).toEqual(['live_rejected']);
    expectProblem(await host.client.post(`${S}/${s.id}/go-live`), 409, 'not_approved');
    const edited = await host.client.patch(`${S}/${s.id}`, { description: '换了封面' });
    expect(edited.body.approval).toBe('pending');
    const ok = await admin.client.post(`${S}/${s.id}/approve`, { note: '' });
    expect(ok.body).toMatchObject({ approval: 'approved' });
    expect(ok.body.can.approve).toBe(true);
  });

  it('the calendar: the center sees every host of its county, a host only its own, another county nothing', async () => {
    const mine = await session(host, { title: '日历一号' });
    const theirs = await session(host2, { title: '日历二号' });
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id);
    const center = await op.client.get(`${S}`);
    expect(center.status).toBe(200);
    expect(ids(center)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const starts = center.body.items.map((i: { scheduledStart: string }) => i.scheduledStart);
    expect([...starts].sort()).toEqual(starts);
    expect(ids(await official.client.get(`${S}`))).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const own = await host.client.get(`${S}`);
    expect(ids(own)).toContain(mine.id);
    expect(ids(own)).not.toContain(theirs.id);
    expect(ids(await opB.client.get(`${S}`))).toEqual([]);
    const pending = await op.client.get(`${S}?approval=pending&status=scheduled`);
    expect(pending.body.items.every((i: { approval: string }) => i.approval === 'pending')).toBe(true);
    const far = await op.client.get(`${S}?from=2020-01-01&to=2020-01-31`);
    expect(far.body.items).toEqual([]);
    expectProblem(await op.client.get(`${S}?from=2026-01-10&to=2026-01-01`), 422, 'validation_failed');
    expectProblem(await op.client.get(`${S}?from=2026-01-01&to=2026-12-31`), 422, 'validation_failed');
    expectProblem(await op.client.get(`${S}?from=2026-02-30&to=2026-03-01`), 422, 'validation_failed');
    expectProblem(await buyer.client.get(`${S}`), 403, 'forbidden');
  });
});

describe('stream key', () => {
  it('shows key and ingest URL to the host and its center only, audits each read, and rotation revokes the old key', async () => {
    const s = await session();
    const res = await host.client.get(`${S}/${s.id}/stream-key`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.ingestUrl).toBe('rtmp://localhost:1935/live');
    expect(res.body.fullUrl).toBe(`rtmp://localhost:1935/live/${res.body.streamKey}`);
    expect((await op.client.get(`${S}/${s.id}/stream-key`)).body.streamKey).toBe(res.body.streamKey);
    expectProblem(await host2.client.get(`${S}/${s.id}/stream-key`), 404, 'not_found');
    expectProblem(await opB.client.get(`${S}/${s.id}/stream-key`), 404, 'not_found');
    expectProblem(await official.client.get(`${S}/${s.id}/stream-key`), 403, 'forbidden');
    expectProblem(await buyer.client.get(`${S}/${s.id}/stream-key`), 403, 'forbidden');
    const reads = await t.deps.db.selectFrom('audit_log').select('actor_id').where('action', '=', 'live.stream_key.read').where('target_id', '=', s.id).execute();
    expect(reads.map((r) => r.actor_id).sort()).toEqual([host.id, op.id].sort());

    const rot = await host.client.post(`${S}/${s.id}/stream-key/rotate`);
    expect(rot.status).toBe(200);
    expect(rot.body.streamKey).not.toBe(res.body.streamKey);
    const keys = await t.deps.db.selectFrom('live_stream_key').selectAll().where('session_id', '=', s.id).execute();
    expect(keys.find((k) => k.stream_key === res.body.streamKey)!.revoked_at).not.toBeNull();
    expect(keys.filter((k) => k.revoked_at === null).map((k) => k.stream_key)).toEqual([rot.body.streamKey]);
    expect((await host.client.get(`${S}/${s.id}/stream-key`)).body.streamKey).toBe(rot.body.streamKey);
  });

  it('the ingest URL follows RTMP_PUBLIC_URL, or an external media server’s template', async () => {
    const cases = [
      { config: { rtmpPublicUrl: 'rtmp://live.example.cn:1935/live' }, server: 'rtmp://live.example.cn:1935/live' },
      { config: { media: { ...t.config.media, server: 'external' as const, ingestUrlTemplate: 'rtmp://push.example.cn/app/{key}' } }, server: 'rtmp://push.example.cn/app' },
    ];
    for (const c of cases) {
      const other = await createTestApp(c.config);
      try {
        const { makeCenter } = await import('../../../test/factories.js');
        await makeCenter(other, COUNTY_A);
        const h = await makeUser(other, [{ role: 'host', prefix: COUNTY_A }]);
        const s = await h.client.post(S, { kind: 'practice', title: '练习', scheduledStart: inMinutes(10), scheduledEnd: inMinutes(40) });
        const k = await h.client.get(`${S}/${s.body.id}/stream-key`);
        expect(k.body).toMatchObject({ ingestUrl: c.server, fullUrl: `${c.server}/${k.body.streamKey}` });
      } finally {
        await other.close();
      }
    }
  });
});

describe('going live, ending, cancelling', () => {
  it('go live: approved, not earlier than 30 minutes ahead; reservations are told once; a session event each change', async () => {
    const early = await approved(host, { scheduledStart: inMinutes(120), scheduledEnd: inMinutes(180) });
    const tooEarly = await host.client.post(`${S}/${early.id}/go-live`);
    expectProblem(tooEarly, 409, 'too_early');
    const view = (await host.client.get(`${S}/${early.id}`)).body;
    expect(tooEarly.body.goLiveFrom).toBe(new Date(new Date(view.scheduledStart).getTime() - 30 * 60_000).toISOString());
    expect(view.goLiveFrom).toBe(tooEarly.body.goLiveFrom);

    const s = await approved();
    const p = await product({ stock: 50 });
    await showcase(host.id, p.productId);
    const item = (await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 4000, stock: 20 })).body;
    expect((await buyer.client.put(`${S}/${s.id}/reservation`, {})).body).toEqual({ reserved: true, reservationCount: 1 });
    expect((await buyer.client.put(`${S}/${s.id}/reservation`, {})).body).toEqual({ reserved: true, reservationCount: 1 });
    const other = await makeUser(t, [{ role: 'buyer' }]);
    await other.client.put(`${S}/${s.id}/reservation`, {});
    expect((await other.client.delete(`${S}/${s.id}/reservation`)).body).toEqual({ reserved: false, reservationCount: 1 });

    const ev = frames(s.id);
    expectProblem(await host2.client.post(`${S}/${s.id}/go-live`), 404, 'not_found');
    expectProblem(await op.client.post(`${S}/${s.id}/go-live`), 403, 'forbidden');
    const [a, b] = await Promise.all([host.client.post(`${S}/${s.id}/go-live`), host.client.post(`${S}/${s.id}/go-live`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const live = a.status === 200 ? a : b;
    expect(live.body).toMatchObject({ status: 'live' });
    expect(live.body.startedAt).not.toBeNull();
    const told = await t.deps.db.selectFrom('notification').selectAll().where('ref_id', '=', s.id).where('kind', '=', 'live_started').execute();
    expect(told.map((n) => n.user_id)).toEqual([buyer.id]);
    const r = await t.deps.db.selectFrom('live_reservation').selectAll().where('session_id', '=', s.id).executeTakeFirstOrThrow();
    expect(r.reminded_at).not.toBeNull();
    expect(ev.got.filter((f) => f.type === 'session').map((f) => f.data)).toEqual([expect.objectContaining({ status: 'live' })]);
    expectProblem(await buyer.client.put(`${S}/${s.id}/reservation`, {}), 409, 'not_upcoming');
    expectProblem(await host.client.patch(`${S}/${s.id}`, { title: '改不了了' }), 409, 'session_not_editable');
    expectProblem(await host.client.delete(`${S}/${s.id}/items/${item.id}`), 409, 'session_live');

    // Live: stock can still be adjusted, and viewers get a stock event.
    await host.client.patch(`${S}/${s.id}/items/${item.id}`, { stock: 15 });
    // Stock events are coalesced into ticks by the real-time layer: wait for the tick.
    await vi.waitFor(() => expect(ev.got.find((f) => f.type === 'stock')?.data).toEqual({ items: [{ itemId: item.id, stockLeft: 15 }] }), { timeout: 3000 });
    expect(await stockOf(p.skuId)).toBe(35);
    // A sale in the room takes 5 from the session's stock (the room's conditional decrement)…
    await t.deps.db.updateTable('live_session_item').set((eb) => ({ stock_left: eb('stock_left', '-', 5) })).where('id', '=', item.id).execute();
    // …and a flash sale holds 4 more, still open when the host ends the session.
    const sale = await host.client.post(`${S}/${s.id}/flash-sales`, { itemId: item.id, priceFen: 3000, stock: 4, perBuyerLimit: 1 });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    expect((await t.deps.db.selectFrom('live_session_item').select('stock_left').where('id', '=', item.id).executeTakeFirstOrThrow()).stock_left).toBe(6);

    const end = await host.client.post(`${S}/${s.id}/end`);
    expect(end.body).toMatchObject({ status: 'ended' });
    expect(await stockOf(p.skuId)).toBe(45);
    expect((await t.deps.db.selectFrom('live_flash_sale').select('status').where('session_id', '=', s.id).executeTakeFirstOrThrow()).status).toBe('closed');
    expect((await t.deps.db.selectFrom('live_session_item').select('stock_left').where('id', '=', item.id).executeTakeFirstOrThrow()).stock_left).toBe(0);
    expect(ev.got.filter((f) => f.type === 'session').map((f) => (f.data as { status: string }).status)).toEqual(['live', 'ended']);
    expectProblem(await host.client.post(`${S}/${s.id}/end`), 409, 'invalid_transition');
    expectProblem(await host.client.post(`${S}/${s.id}/go-live`), 409, 'invalid_transition');
    expectProblem(await host.client.patch(`${S}/${s.id}/items/${item.id}`, { stock: 3 }), 409, 'session_closed');
    expectProblem(await host.client.post(`${S}/${s.id}/stream-key/rotate`), 409, 'session_closed');
    ev.stop();
  }, 30_000);

  it('cancel: stock goes back and everyone who reserved is told; the center may cancel too', async () => {
    const s = await approved();
    const p = await product({ stock: 20 });
    await showcase(host.id, p.productId);
    await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 4000, stock: 20 });
    expect(await stockOf(p.skuId)).toBe(0);
    await buyer.client.put(`${S}/${s.id}/reservation`, {});
    expectProblem(await opB.client.post(`${S}/${s.id}/cancel`, {}), 404, 'not_found');
    const res = await op.client.post(`${S}/${s.id}/cancel`, { reason: '天气原因' });
    expect(res.body.status).toBe('cancelled');
    expect(await stockOf(p.skuId)).toBe(20);
    const told = await t.deps.db.selectFrom('notification').select(['user_id', 'kind']).where('ref_id', '=', s.id).where('kind', '=', 'live_cancelled').execute();
    expect(told.map((x) => x.user_id).sort()).toEqual([buyer.id, host.id].sort());
    expectProblem(await host.client.post(`${S}/${s.id}/cancel`, {}), 409, 'invalid_transition');
  });

  it('the approval stands only for what the center saw: edits, rejections and going live race safely', async () => {
    // On PostgreSQL each of these used to act on the approval as read before the other committed.
    // Going live has a narrow window (its read, then its transaction): without its re-check this
    // failed in every run of 25 rounds but only about one run in three of 12; the edit and the
    // approval fail at once.
    for (let i = 0; i < 12; i++) {
      // Going live while the center rejects: never live and rejected.
      const a = await approved();
      const [live, reject] = await Promise.all([host.client.post(`${S}/${a.id}/go-live`), op.client.post(`${S}/${a.id}/reject`, { note: '标题夸大' })]);
      const row = await t.deps.db.selectFrom('live_session').select(['status', 'approval']).where('id', '=', a.id).executeTakeFirstOrThrow();
      if (live.status === 200) expect(row).toEqual({ status: 'live', approval: 'approved' });
      else { expectProblem(live, 409, 'not_approved'); expect(reject.status).toBe(200); expect(row).toEqual({ status: 'scheduled', approval: 'rejected' }); }

      // Going live while the host edits the title: never live with content nobody reviewed.
      const b = await approved();
      const [live2, edit] = await Promise.all([host.client.post(`${S}/${b.id}/go-live`), host.client.patch(`${S}/${b.id}`, { title: `改了标题${i}` })]);
      const row2 = await t.deps.db.selectFrom('live_session').select(['status', 'approval', 'title']).where('id', '=', b.id).executeTakeFirstOrThrow();
      if (row2.status === 'live') expect(row2).toMatchObject({ approval: 'approved', title: '长白山蓝莓专场' });
      else { expectProblem(live2, 409, 'not_approved'); expect(edit.status).toBe(200); expect(row2.approval).toBe('pending'); }

      // The center approving what it saw while the host edits: the edit sends it back to the queue, or the approval is refused.
      const c = await session();
      const seen = (await op.client.get(`${S}/${c.id}`)).body.updatedAt as string;
      const [approve, edit2] = await Promise.all([op.client.post(`${S}/${c.id}/approve`, { note: '可以', expectedUpdatedAt: seen }), host.client.patch(`${S}/${c.id}`, { title: `又改了${i}` })]);
      expect(edit2.status).toBe(200);
      const row3 = await t.deps.db.selectFrom('live_session').select('approval').where('id', '=', c.id).executeTakeFirstOrThrow();
      if (approve.status !== 200) expectProblem(approve, 409, 'concurrent_change');
      expect(row3.approval).toBe('pending');
    }
  });

  it('stock put on a session while it is cancelled or ended goes back to the SKU, whichever commits first', async () => {
    // On PostgreSQL the end or cancel used to return only the units it saw, and the others
    // stayed on the closed session with nothing to give them back.
    const left = async (sessionId: string) => Number((await t.deps.db.selectFrom('live_session_item').select((eb) => eb.fn.sum<number>('stock_left').as('n')).where('session_id', '=', sessionId).executeTakeFirstOrThrow()).n ?? 0);
    for (let i = 0; i < 4; i++) {
      // An item added, and another restocked from 0, while the center cancels.
      const s = await approved();
      const [p, q] = [await product({ stock: 20 }), await product({ stock: 20 })];
      await showcase(host.id, p.productId);
      await showcase(host.id, q.productId);
      const restock = (await host.client.post(`${S}/${s.id}/items`, { skuId: q.skuId, livePriceFen: 4000, stock: 0 })).body.id as string;
      const [add, more, cancel] = await Promise.all([
        host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 4000, stock: 10 }),
        host.client.patch(`${S}/${s.id}/items/${restock}`, { stock: 8 }),
        op.client.post(`${S}/${s.id}/cancel`, { reason: '天气原因' }),
      ]);
      expect(cancel.status).toBe(200);
      for (const r of [add, more]) if (r.status !== 200 && r.status !== 201) expectProblem(r, 409, 'session_closed');
      expect([await stockOf(p.skuId), await stockOf(q.skuId), await left(s.id)]).toEqual([20, 20, 0]);

      // A flash sale set aside while the host ends the show.
      const live = await approved();
      const r = await product({ stock: 20 });
      await showcase(host.id, r.productId);
      const item = (await host.client.post(`${S}/${live.id}/items`, { skuId: r.skuId, livePriceFen: 4000, stock: 10 })).body.id as string;
      expect((await host.client.post(`${S}/${live.id}/go-live`)).status).toBe(200);
      const [sale, end] = await Promise.all([
        host.client.post(`${S}/${live.id}/flash-sales`, { itemId: item, priceFen: 3000, stock: 4, perBuyerLimit: 1 }),
        host.client.post(`${S}/${live.id}/end`),
      ]);
      expect(end.status).toBe(200);
      if (sale.status !== 201) expectProblem(sale, 409, 'session_not_live');
      expect([await stockOf(r.skuId), await left(live.id)]).toEqual([20, 0]);
      const open = await t.deps.db.selectFrom('live_flash_sale').select('id').where('session_id', '=', live.id).where('status', '!=', 'closed').execute();
      expect(open).toEqual([]);
    }
  });

  it('the job ends sessions left live long after their end and cancels those never started (stock back)', async () => {
    const live = await session(trainee, { kind: 'practice', title: '练习二' });
    expect((await trainee.client.post(`${S}/${live.id}/go-live`)).status).toBe(200);
    const never = await approved();
    const p = await product({ stock: 5 });
    await showcase(host.id, p.productId);
    await host.client.post(`${S}/${never.id}/items`, { skuId: p.skuId, livePriceFen: 100, stock: 5 });
    const past = new Date(Date.now() - 3 * 3600_000);
    for (const id of [live.id, never.id]) {
      await t.deps.db.updateTable('live_session').set({ scheduled_start: new Date(past.getTime() - 3600_000).toISOString(), scheduled_end: past.toISOString() }).where('id', '=', id).execute();
    }
    const n = await closeOverdueSessions(t.deps);
    expect(n.ended).toBeGreaterThanOrEqual(1);
    expect(n.cancelled).toBeGreaterThanOrEqual(1);
    const rows = await t.deps.db.selectFrom('live_session').select(['id', 'status']).where('id', 'in', [live.id, never.id]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [live.id]: 'ended', [never.id]: 'cancelled' });
    expect(await stockOf(p.skuId)).toBe(5);
    expect(await closeOverdueSessions(t.deps)).toEqual({ ended: 0, cancelled: 0 });
  });
});

describe('pre-announcement', () => {
  it('shows an approved session to anyone, with host, run-of-show and live prices; not a pending one or practice', async () => {
    const s = await approved(host, { description: '原产地直发' });
    const p = await product({ price: 5990 });
    await showcase(host.id, p.productId);
    await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 3990, stock: 10 });
    const pub = await t.client().get(`/api/v1/live/public/sessions/${s.id}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ title: '长白山蓝莓专场', description: '原产地直发', host: { id: host.id, name: '李主播' }, status: 'scheduled', reserved: false });
    expect(pub.body.items).toEqual([expect.objectContaining({ roomCode: 1, livePriceFen: 3990, listPriceFen: 5990, stockLeft: 10 })]);
    expect(pub.body).not.toHaveProperty('approvalNote');
    expectProblem(await t.client().put(`${S}/${s.id}/reservation`, {}), 401, 'unauthenticated');
    await buyer.client.put(`${S}/${s.id}/reservation`, {});
    expect((await buyer.client.get(`/api/v1/live/public/sessions/${s.id}`)).body).toMatchObject({ reserved: true, reservationCount: 1 });

    const pending = await session();
    expectProblem(await t.client().get(`/api/v1/live/public/sessions/${pending.id}`), 404, 'not_found');
    expect((await host.client.get(`/api/v1/live/public/sessions/${pending.id}`)).status).toBe(200);
    expectProblem(await buyer.client.put(`${S}/${pending.id}/reservation`, {}), 404, 'not_found');

    const list = await t.client().get('/api/v1/live/public/sessions');
    const upcoming = list.body.upcoming.map((x: { id: string }) => x.id);
    expect(upcoming).toContain(s.id);
    expect(upcoming).not.toContain(pending.id);
    expect(list.body.upcoming.concat(list.body.live).every((x: { kind: string }) => x.kind !== 'practice')).toBe(true);
  });

  it('practice is seen only by its trainee, its mentors and the center', async () => {
    const s = await session(trainee, { kind: 'practice', title: '练习三' });
    const mentor = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '导师');
    expectProblem(await mentor.client.get(`/api/v1/live/public/sessions/${s.id}`), 404, 'not_found');
    expectProblem(await mentor.client.get(`${S}/${s.id}`), 404, 'not_found');
    expectProblem(await buyer.client.get(`/api/v1/live/public/sessions/${s.id}`), 404, 'not_found');
    expectProblem(await host.client.get(`${S}/${s.id}/report`), 404, 'not_found');
    await addPracticeMentor(systemCtx(t.deps), s.id, mentor.id);
    await addPracticeMentor(systemCtx(t.deps), s.id, mentor.id);
    expect((await mentor.client.get(`/api/v1/live/public/sessions/${s.id}`)).status).toBe(200);
    expect((await mentor.client.get(`${S}/${s.id}`)).body.can).toMatchObject({ edit: false, streamKey: false });
    expect((await mentor.client.get(`${S}`)).body.items.map((i: { id: string }) => i.id)).toContain(s.id);
    expectProblem(await mentor.client.get(`${S}/${s.id}/stream-key`), 404, 'not_found');
    expect((await op.client.get(`/api/v1/live/public/sessions/${s.id}`)).status).toBe(200);
    expectProblem(await opB.client.get(`/api/v1/live/public/sessions/${s.id}`), 404, 'not_found');
    const hosted = await session();
    await expect(addPracticeMentor(systemCtx(t.deps), hosted.id, mentor.id)).rejects.toMatchObject({ code: 'not_practice' });
  });
});

describe('report', () => {
  it('counts paid live orders of the session, per product, with audience figures', async () => {
    const s = await approved();
    const p = await product({ price: 3000, stock: 100 });
    await showcase(host.id, p.productId);
    await host.client.post(`${S}/${s.id}/items`, { skuId: p.skuId, livePriceFen: 2500, stock: 10 });
    await host.client.post(`${S}/${s.id}/go-live`);
    const place = async (qty: number, pay: boolean) => {
      const b = await makeUser(t, [{ role: 'buyer' }], '买家');
      const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
      const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: p.skuId, quantity: qty }], addressId: addr.body.id, source: { kind: 'live', ref: s.id } }, { 'idempotency-key': `k-${randomUUID()}` });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      if (pay) {
        await handlePaymentEvent(t.deps, {
          kind: 'paid', eventId: randomUUID(), provider: 'sandbox', outTradeNo: c.body.paymentNo, transactionId: `tx-${randomUUID()}`,
          amountFen: c.body.totalFen, paidAt: new Date().toISOString(), duplicate: false,
        });
      }
      return c.body as { totalFen: number };
    };
    const o1 = await place(2, true);
    const o2 = await place(1, true);
    await place(5, false);
    await t.deps.db.insertInto('live_session_stat').values({ session_id: s.id, viewers_now: 3, viewers_peak: 40, watch_seconds: 6000, unique_viewers: 50, comments: 12, likes: 300, updated_at: nowIso() }).execute();
    await t.deps.db.updateTable('live_session').set({ started_at: new Date(Date.now() - 10 * 60_000).toISOString() }).where('id', '=', s.id).execute();
    await host.client.post(`${S}/${s.id}/end`);

    const r = await host.client.get(`${S}/${s.id}/report`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ orders: 2, buyers: 2, units: 3, gmvFen: o1.totalFen + o2.totalFen, comments: 12, likes: 300, durationMinutes: 10 });
    expect(r.body.viewers).toEqual({ peak: 40, average: 10, unique: 50, watchMinutes: 100 });
    expect(r.body.products).toEqual([expect.objectContaining({ skuId: p.skuId, roomCode: 1, orders: 2, buyers: 2, units: 3, gmvFen: 9000, conversion: 0.04 })]);
    expect((await op.client.get(`${S}/${s.id}/report`)).status).toBe(200);
    expect((await official.client.get(`${S}/${s.id}/report`)).status).toBe(200);
    expectProblem(await opB.client.get(`${S}/${s.id}/report`), 404, 'not_found');
    expectProblem(await buyer.client.get(`${S}/${s.id}/report`), 404, 'not_found');
    expectProblem(await host2.client.get(`${S}/${s.id}/report`), 404, 'not_found');
  }, 30_000);

  it('external sessions: sales entered by hand and imported from CSV (a re-import replaces, a bad row refuses the file)', async () => {
    const ext = (await host.client.post(S, { kind: 'external', title: '快手专场', scheduledStart: inMinutes(10), scheduledEnd: inMinutes(70), platform: 'kuaishou' })).body;
    const manual = await host.client.post(`${S}/${ext.id}/external-sales`, { label: '蓝莓 125g', orders: 3, units: 4, gmvFen: 19960 });
    expect(manual.status).toBe(201);
    expectProblem(await host.client.post(`${S}/${ext.id}/external-sales`, { label: 'x', orders: 1, units: 1, gmvFen: 1, productId: 'prd_nope' }), 422, 'validation_failed');
    expectProblem(await host2.client.post(`${S}/${ext.id}/external-sales`, { label: 'x', orders: 1, units: 1, gmvFen: 1 }), 404, 'not_found');
    const hosted = await session();
    expectProblem(await host.client.post(`${S}/${hosted.id}/external-sales`, { label: 'x', orders: 1, units: 1, gmvFen: 1 }), 409, 'not_external');

    const csv = '\uFEFF商品,订单数,件数,成交额\n蓝莓 125g×4盒,10,12,"1,234.50"\n黑木耳,2,2,¥59.9\n';
    const imp = await host.client.upload('POST', `${S}/${ext.id}/external-sales/import`, Buffer.from(csv), 'sales.csv', 'text/csv');
    expect(imp.status, JSON.stringify(imp.body)).toBe(200);
    expect(imp.body).toMatchObject({ imported: 2, replaced: 0, gmvFen: 123450 + 5990 });
    const again = await host.client.upload('POST', `${S}/${ext.id}/external-sales/import`, Buffer.from(csv), 'sales.csv', 'text/csv');
    expect(again.body).toMatchObject({ imported: 2, replaced: 2 });
    // Four imports of two files at once: whichever committed last is the picture, never several added together.
    const other = '商品,订单数,件数,成交额\n黑木耳,1,1,10\n';
    const both = await Promise.all([csv, other, csv, other].map((f) => host.client.upload('POST', `${S}/${ext.id}/external-sales/import`, Buffer.from(f), 'sales.csv', 'text/csv')));
    expect(both.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    const kept = await t.deps.db.selectFrom('live_external_sale').select('label').where('session_id', '=', ext.id).where('source', '=', 'import').execute();
    expect([['黑木耳'], ['蓝莓 125g×4盒', '黑木耳']]).toContainEqual(kept.map((k) => k.label).sort());
    expect((await host.client.upload('POST', `${S}/${ext.id}/external-sales/import`, Buffer.from(csv), 'sales.csv', 'text/csv')).body).toMatchObject({ imported: 2, replaced: kept.length });
    const bad = await host.client.upload('POST', `${S}/${ext.id}/external-sales/import`, Buffer.from('商品,订单数,件数,成交额\n蓝莓,1.5,1,10\n木耳,1,1,10.123\n'), 'bad.csv', 'text/csv');
    expectProblem(bad, 422, 'import_rows_invalid');
    expect(bad.body.rows.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([[2, 'bad_orders'], [3, 'bad_gmv']]);
    expectProblem(await host.client.upload('POST', `${S}/${ext.id}/external-sales/import`, Buffer.from('名字,数量\n蓝莓,1\n'), 'x.csv', 'text/csv'), 422, 'missing_columns');

    const r = await op.client.get(`${S}/${ext.id}/report`);
    expect(r.body.external).toMatchObject({ orders: 15, units: 18, gmvFen: 19960 + 123450 + 5990 });
    expect(r.body.external.sales).toHaveLength(3);
    const del = await host.client.delete(`${S}/${ext.id}/external-sales/${manual.body.id}`);
    expect(del.status).toBe(200);
    expectProblem(await host.client.delete(`${S}/${ext.id}/external-sales/${manual.body.id}`), 404, 'not_found');
    expect((await op.client.get(`${S}/${ext.id}/report`)).body.external.gmvFen).toBe(123450 + 5990);
  }, 30_000);
});

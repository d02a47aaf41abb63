import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { buildApp, type Built } from '../../app.js';
import { createTestApp, DB, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { newId } from '../../platform/ids.js';
import { dropRedisKeys, makeLiveSession, openViewer, REDIS_URL, redisAvailable, startServerProcess, wsUrl, type ServerProcess, type Viewer } from '../../../test/live-helpers.js';
import { LIVE_CLOSE, liveRoom, type LiveServerFrame } from '../../contracts/live-events.js';
import { nowIso } from '../../platform/time.js';

/**
 * Rooms shared through Redis: two app instances in this process, then two (and a restarted)
 * server processes. Skipped only when Redis is absent outside CI; under CI=true that fails.
 */
const hasRedis = await redisAvailable();
const prefix = `test-${randomBytes(5).toString('hex')}`;

let a: TestApp;
let b: Built;
let portA: number;
let portB: number;
let host: MadeUser;
let buyer: MadeUser;
let sessionId: string;

const comment = (n: number) => ({ type: 'comment' as const, data: { id: `c${n}`, userLabel: '张*', text: `评论${n}`, at: nowIso(), fromHost: false } });
const hello = (v: Viewer) => v.frames[0] as Extract<LiveServerFrame, { type: 'hello' }>;
const contiguous = (ids: number[]) => ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1);

describe.runIf(hasRedis)('live rooms through Redis', () => {
  beforeAll(async () => {
    a = await createTestApp({ redisUrl: REDIS_URL, redisPrefix: prefix }, { live: { statsMs: 300, heartbeatMs: 5000 } });
    // A second instance on the same database and the same Redis: another "process".
    b = await buildApp(a.config, { logger: false, regions: undefined, live: { statsMs: 300, heartbeatMs: 5000 }, ...(a.pgSchema ? { pgSchema: a.pgSchema } : {}) });
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    portA = (a.app.server.address() as AddressInfo).port;
    portB = (b.app.server.address() as AddressInfo).port;
    await makeCounty(a, COUNTY_A);
    host = await makeUser(a, [{ role: 'host', prefix: COUNTY_A }], '主播');
    buyer = await makeUser(a, [{ role: 'buyer' }], '买家');
    sessionId = await makeLiveSession(a, host.id);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dropRedisKeys(prefix);
  });

  it('an event published on A reaches a viewer on B, with the same ids everywhere', async () => {
    const room = liveRoom(sessionId);
    const onA = await openViewer(wsUrl(portA, sessionId));
    const onB = await openViewer(wsUrl(portB, sessionId));
    await onA.waitFor((f) => f.type === 'hello');
    await onB.waitFor((f) => f.type === 'hello');
    expect(hello(onA).data.epoch).toBe(hello(onB).data.epoch);
    const sent = Date.now();
    a.deps.realtime.publish(room, comment(1));
    b.deps.realtime.publish(room, comment(2));
    a.deps.realtime.publish(room, comment(3));
    await onA.waitFor(() => onA.ids().length >= 3, 1000);
    await onB.waitFor(() => onB.ids().length >= 3, 1000);
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(onA.ids()).toEqual(onB.ids());
    expect(contiguous(onA.ids())).toBe(true);
    onA.close();
    onB.close();
  });

  it('resumes on B without gap or duplicate after a drop on A, while both keep publishing', async () => {
    const room = liveRoom(sessionId);
    const v1 = await openViewer(wsUrl(portA, sessionId));
    await v1.waitFor((f) => f.type === 'hello');
    const { epoch } = hello(v1).data;
    let n = 0;
    const pump = setInterval(() => (n % 2 ? a : b).deps.realtime.publish(room, comment(100 + n++)), 3);
    await new Promise((r) => setTimeout(r, 150));
    await v1.waitFor(() => v1.ids().length >= 5, 2000);
    v1.ws.terminate();
    const seen = v1.ids();
    const lastSeen = seen.at(-1)!;
    await new Promise((r) => setTimeout(r, 100));
    const v2 = await openViewer(wsUrl(portB, sessionId, { after: lastSeen, epoch }));
    await new Promise((r) => setTimeout(r, 150));
    clearInterval(pump);
    const probe = await openViewer(wsUrl(portA, sessionId));
    await probe.waitFor((f) => f.type === 'hello');
    const end = hello(probe).data.lastId;
    probe.close();
    await v2.waitFor((f) => f.id === end, 3000);
    // The room's own viewer tick may take an id after the probe read `end`: judge up to it.
    const ids = v2.ids().filter((id) => id <= end);
    expect(ids[0]).toBe(lastSeen + 1);
    expect(ids.at(-1)).toBe(end);
    expect(contiguous(ids)).toBe(true);
    expect(contiguous([...seen, ...ids])).toBe(true);
    v2.close();
  });

  it('a frame that never reached a process sends its viewers to resume, and the replay fills the hole', async () => {
    const room = liveRoom(sessionId);
    const v = await openViewer(wsUrl(portB, sessionId));
    await v.waitFor((f) => f.type === 'hello');
    const { epoch } = hello(v).data;
    a.deps.realtime.publish(room, comment(500));
    const first = await v.waitFor((f) => f.type === 'comment' && f.data.id === 'c500');
    // As if B's subscription had dropped while frame first.id + 1 went by: the id is taken, B never sees it.
    // The room's 300-ms viewer tick may take ids around it too, so the test remembers which id is the hole.
    const r = new Redis(REDIS_URL);
    const hole = await r.hincrby(`${prefix}:rt:${room}`, 'seq', 1);
    r.disconnect();
    a.deps.realtime.publish(room, comment(502));
    expect((await v.closed).code).toBe(LIVE_CLOSE.resume);
    expect(v.ids().every((id) => id < hole)).toBe(true);
    const back = await openViewer(wsUrl(portB, sessionId, { after: first.id!, epoch }));
    const next = await back.waitFor((f) => f.type === 'comment' && f.data.id === 'c502');
    expect(next.id).toBeGreaterThan(hole);
    const replayed = back.ids().filter((id) => id <= next.id!);
    const expected = Array.from({ length: next.id! - first.id! }, (_, i) => first.id! + 1 + i).filter((id) => id !== hole);
    expect(replayed).toEqual(expected);
    expect(back.frames.some((f) => f.type === 'resync')).toBe(false);
    back.close();
  });

  it('private frames cross processes to that user only; a banned reply closes the sockets on every process', async () => {
    const room = liveRoom(sessionId);
    const mineA = await openViewer(wsUrl(portA, sessionId), { cookie: buyer.client.cookie });
    const mineB = await openViewer(wsUrl(portB, sessionId), { cookie: buyer.client.cookie });
    const other = await openViewer(wsUrl(portB, sessionId), { cookie: host.client.cookie });
    for (const v of [mineA, mineB, other]) await v.waitFor((f) => f.type === 'hello');
    a.deps.realtime.publishTo(room, buyer.id, { type: 'reply', data: { kind: 'notice', text: '你好' } });
    for (const v of [mineA, mineB]) await v.waitFor((f) => f.type === 'reply', 1000);
    b.deps.realtime.publishTo(room, buyer.id, { type: 'reply', data: { kind: 'banned', text: '您已被移出直播间' } });
    for (const v of [mineA, mineB]) expect((await v.closed).code).toBe(LIVE_CLOSE.forbidden);
    a.deps.realtime.publish(room, comment(9001));
    await other.waitFor((f) => f.type === 'comment' && f.data.id === 'c9001');
    expect(other.frames.some((f) => f.type === 'reply')).toBe(false);
    other.close();
  });

  it('counts viewers over both processes, keeps the peak, and folds them into live_session_stat once', async () => {
    const s2 = await makeLiveSession(a, host.id);
    const vs = [
      await openViewer(wsUrl(portA, s2), { cookie: buyer.client.cookie }),
      await openViewer(wsUrl(portB, s2), { cookie: host.client.cookie }),
      await openViewer(wsUrl(portB, s2)),
    ];
    await vs[0]!.waitFor((f) => f.type === 'viewers' && (f.data as { now: number }).now === 3, 3000);
    vs[2]!.close();
    await vs[0]!.waitFor((f) => f.type === 'viewers' && (f.data as { now: number }).now === 2, 3000);
    await new Promise((r) => setTimeout(r, 700));
    const row = await a.deps.db.selectFrom('live_session_stat').selectAll().where('session_id', '=', s2).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ viewers_now: 2, viewers_peak: 3, unique_viewers: 3 });
    // One viewers frame per change, not one per process.
    const counts = vs[1]!.frames.filter((f) => f.type === 'viewers').map((f) => (f.data as { now: number }).now);
    expect(counts.filter((c) => c === 3)).toHaveLength(1);
    for (const v of vs) v.close();
  });
});

/**
 * Real processes: `src/main.ts` twice on one PostgreSQL schema and one Redis prefix. (With the
 * embedded SQLite database Fengshou runs one process; that case is the in-process one above.)
 */
describe.runIf(hasRedis && DB === 'postgres')('two server processes and a restart', () => {
  let t: TestApp;
  let A: ServerProcess;
  let B: ServerProcess;
  let hostUser: MadeUser;
  let viewerUser: MadeUser;
  let live: string;
  const env = { REDIS_URL, REDIS_PREFIX: `${prefix}p` };

  beforeAll(async () => {
    t = await createTestApp();
    await makeCounty(t, COUNTY_A);
    hostUser = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
    viewerUser = await makeUser(t, [{ role: 'buyer' }], '刷屏者');
    live = await makeLiveSession(t, hostUser.id, { status: 'scheduled' });
    A = await startServerProcess(t, env);
    B = await startServerProcess(t, env);
  }, 150_000);
  afterAll(async () => {
    await Promise.all([A?.stop('SIGKILL'), B?.stop('SIGKILL')].filter(Boolean));
    await t?.close();
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${env.REDIS_PREFIX}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  const post = (p: ServerProcess, path: string, body: unknown = {}, method = 'POST') => fetch(`http://127.0.0.1:${p.port}/api/v1${path}`, {
    method,
    headers: { cookie: hostUser.client.cookie!, 'x-csrf-token': hostUser.client.csrf!, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('a viewer on B sees the go-live made on A within a second; after A restarts its viewer resumes what B published meanwhile', async () => {
    const onB = await openViewer(wsUrl(B.port, live));
    const onA = await openViewer(wsUrl(A.port, live));
    await onB.waitFor((f) => f.type === 'hello');
    await onA.waitFor((f) => f.type === 'hello');

    const t0 = Date.now();
    const res = await post(A, `/live/sessions/${live}/go-live`);
    expect(res.status).toBe(200);
    const ev = await onB.waitFor((f) => f.type === 'session' && f.data.status === 'live', 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    await onA.waitFor((f) => f.id === ev.id);
    const { epoch } = hello(onA).data;

    // The host bans a viewer through A: its socket on B is closed, and coming back is refused.
    const spammer = await openViewer(wsUrl(B.port, live), { cookie: viewerUser.client.cookie });
    await spammer.waitFor((f) => f.type === 'hello');
    const ban = await post(A, `/live/sessions/${live}/bans/${viewerUser.id}`, { kind: 'ban', reason: '刷屏' }, 'PUT');
    expect(ban.status).toBe(200);
    expect(await spammer.closed).toEqual({ code: LIVE_CLOSE.forbidden, reason: 'banned' });
    expect(spammer.frames.at(-1)).toMatchObject({ type: 'reply', data: { kind: 'banned' } });
    const again = await openViewer(wsUrl(A.port, live), { cookie: viewerUser.client.cookie });
    expect((await again.closed).code).toBe(LIVE_CLOSE.forbidden);
    expect(again.frames).toHaveLength(0);

    // A stops (SIGTERM): its viewers are told 1001 and come back.
    await A.stop('SIGTERM');
    expect((await onA.closed).code).toBe(LIVE_CLOSE.goingAway);
    const lastSeen = onA.ids().at(-1)!;

    // Meanwhile the host ends the session through B.
    expect((await post(B, `/live/sessions/${live}/end`)).status).toBe(200);
    const ended = await onB.waitFor((f) => f.type === 'session' && f.data.status === 'ended', 1000);

    A = await startServerProcess(t, env, A.port);
    const back = await openViewer(wsUrl(A.port, live, { after: lastSeen, epoch }));
    await back.waitFor((f) => f.id === ended.id, 2000);
    expect(back.frames[0]!.type).toBe('hello');
    expect(back.frames.some((f) => f.type === 'resync')).toBe(false);
    // What A's viewer saw before and after the restart is exactly what B's viewer saw.
    const first = onA.ids()[0]!;
    const upTo = (ids: number[]) => ids.filter((id) => id >= first && id <= ended.id!);
    expect(upTo([...onA.ids(), ...back.ids()])).toEqual(upTo(onB.ids()));
    expect(contiguous(upTo(onB.ids()))).toBe(true);
    back.close();
    onB.close();
  }, 120_000);

  it('a viewer on B sees a pin made on A within a second; a flash sale bought through both processes sells exactly its stock', async () => {
    // A live session with one run-of-show item of a real product, straight in the database.
    const operator = await makeUser(t, [{ role: 'operator', prefix: COUNTY_A }], '运营');
    const sup = await makeSupplier(t);
    await makeLicence(t, operator.client, sup, 'produce_certificate');
    const product = await makeProduct(t, operator.client, sup, { title: '两进程蓝莓', skus: [{ priceFen: 3990, stock: 100 }], publish: true });
    const sid = await makeLiveSession(t, hostUser.id, { status: 'live' });
    const itemId = newId('liveItem');
    const now = nowIso();
    await t.deps.db.insertInto('live_session_item').values({
      id: itemId, session_id: sid, position: 1, room_code: 1, product_id: product.id, sku_id: product.skuIds[0]!, supplier_id: sup,
      live_price_fen: 2990, stock_allotted: 30, stock_left: 30, slot_minute: null, slot_minutes: null, talking_points: '', created_at: now, updated_at: now,
    }).execute();

    const onB = await openViewer(wsUrl(B.port, sid));
    await onB.waitFor((f) => f.type === 'hello');
    const t0 = Date.now();
    expect((await post(A, `/live/sessions/${sid}/pin`, { itemId }, 'PUT')).status).toBe(200);
    const pin = await onB.waitFor((f) => f.type === 'pin', 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(pin.type === 'pin' && pin.data.item?.itemId).toBe(itemId);

    const created = await post(A, `/live/sessions/${sid}/flash-sales`, { itemId, priceFen: 990, stock: 8, perBuyerLimit: 1 });
    expect(created.status).toBe(201);
    const saleId = ((await created.json()) as { saleId: string }).saleId;
    const started = await post(B, `/live/sessions/${sid}/flash-sales/${saleId}/start`, { leadSeconds: 3 });
    expect(started.status).toBe(200);
    const startsAt = Date.parse(((await started.json()) as { startsAt: string }).startsAt);

    const buyers = await Promise.all(Array.from({ length: 20 }, async (_v, i) => {
      const u = await makeUser(t, [{ role: 'buyer' }], `抢购${i}`);
      const addr = await u.client.post('/api/v1/me/addresses', { recipientName: `买家${i}`, phone: '13812345678', regionCode: '110105', detail: '一号', isDefault: true });
      return { u, addressId: addr.body.id as string };
    }));
    await new Promise((r) => setTimeout(r, Math.max(0, startsAt - Date.now() + 50)));
    const results = await Promise.all(buyers.map(({ u, addressId }, i) => fetch(`http://127.0.0.1:${(i % 2 ? A : B).port}/api/v1/live/sessions/${sid}/checkouts`, {
      method: 'POST',
      headers: { cookie: u.client.cookie!, 'x-csrf-token': u.client.csrf!, 'content-type': 'application/json', 'idempotency-key': `two-process-${i}` },
      body: JSON.stringify({ itemId, quantity: 1, addressId, flashSaleId: saleId }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } }))));
    expect(results.filter((r) => r.status === 201), JSON.stringify(results.slice(0, 3))).toHaveLength(8);
    for (const r of results.filter((x) => x.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'sold_out']);
    const sold = await t.deps.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id')
      .select((eb) => eb.fn.sum<number>('order_item.quantity').as('q')).where('shop_order.source_ref', '=', sid).executeTakeFirstOrThrow();
    expect(Number(sold.q)).toBe(8);
    const sale = await t.deps.db.selectFrom('live_flash_sale').select('stock_left').where('id', '=', saleId).executeTakeFirstOrThrow();
    expect(sale.stock_left).toBe(0);
    onB.close();
  }, 120_000);
});

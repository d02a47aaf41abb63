import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeUser, type MadeUser } from '../../../test/factories.js';
import { makeLiveSession, openViewer, wsUrl } from '../../../test/live-helpers.js';
import { LIVE_CLOSE, liveRoom, type LiveServerFrame } from '../../contracts/live-events.js';
import { nowIso } from '../../platform/time.js';

/** The live-room socket on one process with the in-process bus. */

let t: TestApp;
let port: number;
let host: MadeUser;
let buyer: MadeUser;
let buyer2: MadeUser;
let sessionId: string;

const comment = (n: number, text = `评论${n}`) => ({ type: 'comment' as const, data: { id: `c${n}`, userLabel: '张*', text, at: nowIso(), fromHost: false } });
const waitUntil = async (cond: () => boolean | Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const hello = (v: { frames: LiveServerFrame[] }) => v.frames[0] as Extract<LiveServerFrame, { type: 'hello' }>;

beforeAll(async () => {
  t = await createTestApp({}, { live: { heartbeatMs: 1000, statsMs: 200, maxBufferedBytes: 64 * 1024 } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
  await makeCounty(t, COUNTY_A);
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
  buyer = await makeUser(t, [{ role: 'buyer' }], '买家');
  buyer2 = await makeUser(t, [{ role: 'buyer' }], '买家二');
  sessionId = await makeLiveSession(t, host.id);
});
afterAll(async () => { await t?.close(); });

describe('hello and events', () => {
  it('sends hello first with the server time and the room cursor, then events in id order', async () => {
    const room = liveRoom(sessionId);
    t.deps.realtime.publish(room, comment(1));
    const v = await openViewer(wsUrl(port, sessionId));
    await v.waitFor((f) => f.type === 'hello');
    const h = hello(v);
    expect(h.type).toBe('hello');
    expect(h.id).toBeNull();
    expect(Math.abs(h.data.serverTime - Date.now())).toBeLessThan(2000);
    expect(h.data.sessionId).toBe(sessionId);
    const before = h.data.lastId;
    expect(before).toBeGreaterThanOrEqual(1);
    // Without ?after nothing old is replayed.
    t.deps.realtime.publish(room, comment(2));
    t.deps.realtime.publish(room, comment(3));
    await v.waitFor((f) => f.type === 'comment' && f.data.id === 'c3');
    expect(v.ids()).toEqual([before + 1, before + 2]);
    expect(v.frames.filter((f) => f.type === 'comment').map((f) => (f as { data: { text: string } }).data.text)).toEqual(['评论2', '评论3']);
    v.close();
  });

  it('answers ping with pong carrying t and the server time', async () => {
    const v = await openViewer(wsUrl(port, sessionId));
    await v.waitFor((f) => f.type === 'hello');
    v.ws.send(JSON.stringify({ type: 'ping', t: 12345.5 }));
    const pong = await v.waitFor((f) => f.type === 'pong');
    expect(pong.data).toMatchObject({ t: 12345.5 });
    expect(Math.abs((pong.data as { serverTime: number }).serverTime - Date.now())).toBeLessThan(2000);
    v.close();
  });

  it('coalesces stock (merged by item), viewers and likes into one frame per tick', async () => {
    const room = liveRoom(sessionId);
    const v = await openViewer(wsUrl(port, sessionId));
    await v.waitFor((f) => f.type === 'hello');
    for (let i = 0; i < 10; i++) t.deps.realtime.publish(room, { type: 'stock', data: { items: [{ itemId: `i${i % 3}`, stockLeft: 100 - i }] } });
    for (let i = 1; i <= 5; i++) t.deps.realtime.publish(room, { type: 'likes', data: { total: i } });
    const stock = await v.waitFor((f) => f.type === 'stock', 2000);
    await v.waitFor((f) => f.type === 'likes', 2000);
    await new Promise((r) => setTimeout(r, 400));
    expect(v.frames.filter((f) => f.type === 'stock')).toHaveLength(1);
    expect((stock.data as { items: { itemId: string; stockLeft: number }[] }).items.sort((a, b) => a.itemId.localeCompare(b.itemId)))
      .toEqual([{ itemId: 'i0', stockLeft: 91 }, { itemId: 'i1', stockLeft: 93 }, { itemId: 'i2', stockLeft: 92 }]);
    const likes = v.frames.filter((f) => f.type === 'likes');
    expect(likes).toHaveLength(1);
    expect(likes[0]!.data).toEqual({ total: 5 });
    v.close();
  });
});

describe('resume', () => {
  it('replays exactly the missed frames after a reconnect, with no gap or duplicate, while events keep coming', async () => {
    const room = liveRoom(sessionId);
    const v1 = await openViewer(wsUrl(port, sessionId));
    await v1.waitFor((f) => f.type === 'hello');
    const start = hello(v1).data.lastId;
    const epoch = hello(v1).data.epoch;
    for (let i = 0; i < 20; i++) t.deps.realtime.publish(room, comment(100 + i));
    await v1.waitFor((f) => f.id === start + 20);
    // Drop after frame 10 as if the network went: the client remembers id start+10.
    v1.ws.terminate();
    const lastSeen = start + 10;
    // Publishing goes on while the client is away and while it reconnects.
    let n = 0;
    const pump = setInterval(() => t.deps.realtime.publish(room, comment(200 + n++)), 2);
    await new Promise((r) => setTimeout(r, 30));
    const v2 = await openViewer(wsUrl(port, sessionId, { after: lastSeen, epoch }));
    await new Promise((r) => setTimeout(r, 60));
    clearInterval(pump);
    const end = start + 20 + n;
    await v2.waitFor((f) => f.id === end);
    expect(v2.frames[0]!.type).toBe('hello');
    const ids = v2.ids();
    expect(ids).toEqual(Array.from({ length: end - lastSeen }, (_, i) => lastSeen + 1 + i));
    v2.close();
  });

  it('sends resync when the client is further behind than the buffer keeps, or from another epoch', async () => {
    const room = liveRoom(sessionId);
    const v0 = await openViewer(wsUrl(port, sessionId));
    await v0.waitFor((f) => f.type === 'hello');
    const { lastId, epoch } = hello(v0).data;
    v0.close();
    for (let i = 0; i < 1100; i++) t.deps.realtime.publish(room, comment(1000 + i));
    const far = await openViewer(wsUrl(port, sessionId, { after: lastId, epoch }));
    const resync = await far.waitFor((f) => f.type === 'resync');
    expect(resync.data).toEqual({ lastId: lastId + 1100, epoch, reason: 'too_far_behind' });
    expect(far.frames.filter((f) => f.id !== null)).toHaveLength(0);
    // After a resync the stream goes on from lastId.
    t.deps.realtime.publish(room, comment(9999));
    await far.waitFor((f) => f.id === lastId + 1101);
    far.close();

    const other = await openViewer(wsUrl(port, sessionId, { after: 3, epoch: 'anotherEpoch' }));
    const r2 = await other.waitFor((f) => f.type === 'resync');
    expect(r2.data).toMatchObject({ reason: 'epoch_changed', epoch });
    other.close();
  });

  it('refuses a malformed cursor with 400 before the upgrade', async () => {
    const res = await t.client().get(`/api/v1/live/sessions/${sessionId}/ws?after=-1`);
    expect(res.status).toBe(400);
    await expect(openViewer(`ws://127.0.0.1:${port}/api/v1/live/sessions/${sessionId}/ws?after=abc`)).rejects.toThrow(/400/);
  });
});

describe('admission', () => {
  it('refuses an unknown session with 4404, and answers a plain GET with 404 or 426', async () => {
    const v = await openViewer(wsUrl(port, 'lvs_nosuchsession'));
    expect((await v.closed).code).toBe(LIVE_CLOSE.notFound);
    expect(v.frames).toHaveLength(0);
    expectProblem(await t.client().get('/api/v1/live/sessions/lvs_nosuchsession/ws'), 404, 'not_found');
    expectProblem(await t.client().get(`/api/v1/live/sessions/${sessionId}/ws`), 426, 'upgrade_required');
  });

  it('lets only the host, its mentors and the county staff into a practice session', async () => {
    const trainee = await makeUser(t, [{ role: 'trainee', prefix: COUNTY_A }], '学员');
    const mentor = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '导师');
    const staffA = await makeUser(t, [{ role: 'operator', prefix: COUNTY_A }], '运营A');
    const staffB = await makeUser(t, [{ role: 'operator', prefix: COUNTY_B }], '运营B');
    const practice = await makeLiveSession(t, trainee.id, { kind: 'practice' });
    await t.deps.db.insertInto('live_session_mentor').values({ session_id: practice, user_id: mentor.id, created_at: nowIso() }).execute();
    const tryAs = async (cookie: string | null) => {
      const v = await openViewer(wsUrl(port, practice), { cookie });
      const first = await Promise.race([v.waitFor((f) => f.type === 'hello', 3000).then(() => 'hello'), v.closed.then((c) => c.code)]);
      v.close();
      return first;
    };
    expect(await tryAs(trainee.client.cookie)).toBe('hello');
    expect(await tryAs(mentor.client.cookie)).toBe('hello');
    expect(await tryAs(staffA.client.cookie)).toBe('hello');
    expect(await tryAs(staffB.client.cookie)).toBe(LIVE_CLOSE.notFound);
    expect(await tryAs(buyer.client.cookie)).toBe(LIVE_CLOSE.notFound);
    expect(await tryAs(null)).toBe(LIVE_CLOSE.notFound);
    expectProblem(await buyer.client.get(`/api/v1/live/sessions/${practice}/ws`), 404, 'not_found');
  });

  it('keeps a session waiting for approval (or rejected) closed to viewers, as the room over HTTP does; its host and the center get in', async () => {
    const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '待审主播');
    const staffA = await makeUser(t, [{ role: 'operator', prefix: COUNTY_A }], '运营');
    for (const approval of ['pending', 'rejected'] as const) {
      const id = await makeLiveSession(t, host.id, { status: 'scheduled', approval });
      const tryAs = async (cookie: string | null) => {
        const v = await openViewer(wsUrl(port, id), { cookie });
        const first = await Promise.race([v.waitFor((f) => f.type === 'hello', 3000).then(() => 'hello'), v.closed.then((c) => c.code)]);
        v.close();
        return first;
      };
      expect(await tryAs(buyer.client.cookie)).toBe(LIVE_CLOSE.notFound);
      expect(await tryAs(null)).toBe(LIVE_CLOSE.notFound);
      expect(await tryAs(host.client.cookie)).toBe('hello');
      expect(await tryAs(staffA.client.cookie)).toBe('hello');
    }
  });

  it('refuses a banned viewer (and logs it), but not a muted one or one whose ban ran out', async () => {
    const banned = await makeUser(t, [{ role: 'buyer' }], '被封');
    const muted = await makeUser(t, [{ role: 'buyer' }], '被禁言');
    const expired = await makeUser(t, [{ role: 'buyer' }], '解封');
    const base = { session_id: sessionId, reason: '刷屏', created_by: host.id, created_at: nowIso() };
    await t.deps.db.insertInto('live_ban').values([
      { ...base, user_id: banned.id, kind: 'ban', until: null },
      { ...base, user_id: muted.id, kind: 'mute', until: null },
      { ...base, user_id: expired.id, kind: 'ban', until: new Date(Date.now() - 60_000).toISOString() },
    ]).execute();
    const warn = vi.spyOn(t.deps.log, 'warn');
    const v = await openViewer(wsUrl(port, sessionId), { cookie: banned.client.cookie });
    expect(await v.closed).toEqual({ code: LIVE_CLOSE.forbidden, reason: 'banned' });
    expect(v.frames).toHaveLength(0);
    expect(warn.mock.calls.some((c) => String(c[1]).includes('banned viewer refused'))).toBe(true);
    warn.mockRestore();
    expectProblem(await banned.client.get(`/api/v1/live/sessions/${sessionId}/ws`), 403, 'live_banned');
    for (const u of [muted, expired]) {
      const ok = await openViewer(wsUrl(port, sessionId), { cookie: u.client.cookie });
      await ok.waitFor((f) => f.type === 'hello');
      ok.close();
    }
  });
});

describe('bad inbound frames', () => {
  const closeCodeAfter = async (send: (ws: WebSocket) => void) => {
    const v = await openViewer(wsUrl(port, sessionId));
    await v.waitFor((f) => f.type === 'hello');
    send(v.ws);
    return (await v.closed).code;
  };

  it('closes on malformed JSON, an unknown message, extra fields or a binary frame, and logs it', async () => {
    const warn = vi.spyOn(t.deps.log, 'warn');
    expect(await closeCodeAfter((ws) => ws.send('{not json'))).toBe(LIVE_CLOSE.policy);
    expect(await closeCodeAfter((ws) => ws.send(JSON.stringify({ type: 'comment', text: 'hi' })))).toBe(LIVE_CLOSE.policy);
    expect(await closeCodeAfter((ws) => ws.send(JSON.stringify({ type: 'ping', t: 'now' })))).toBe(LIVE_CLOSE.policy);
    expect(await closeCodeAfter((ws) => ws.send(JSON.stringify({ type: 'ping', t: 1, x: 2 })))).toBe(LIVE_CLOSE.policy);
    expect(await closeCodeAfter((ws) => ws.send(Buffer.from([1, 2, 3]), { binary: true }))).toBe(LIVE_CLOSE.unsupported);
    expect(warn.mock.calls.filter((c) => /malformed|binary/.test(String(c[1])))).toHaveLength(5);
    warn.mockRestore();
  });

  it('closes with 1009 on a message over the size limit', async () => {
    expect(await closeCodeAfter((ws) => ws.send(JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(5000) })))).toBe(LIVE_CLOSE.tooBig);
  });

  it('closes a socket that floods pings', async () => {
    expect(await closeCodeAfter((ws) => { for (let i = 0; i < 60; i++) ws.send(JSON.stringify({ type: 'ping', t: i })); })).toBe(LIVE_CLOSE.policy);
  });
});

describe('slow and dead consumers', () => {
  it('drops a viewer that stops reading instead of buffering for it, while a reading viewer gets everything', async () => {
    const room = liveRoom(sessionId);
    const warn = vi.spyOn(t.deps.log, 'warn');
    const slow = await openViewer(wsUrl(port, sessionId));
    const fast = await openViewer(wsUrl(port, sessionId));
    await slow.waitFor((f) => f.type === 'hello');
    await fast.waitFor((f) => f.type === 'hello');
    const first = hello(fast).data.lastId;
    // The slow client stops reading: the kernel buffers fill, then the server's.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(6000);
    for (let i = 0; i < 4000; i++) {
      t.deps.realtime.publish(room, comment(5000 + i, big));
      // A few frames per turn of the event loop, so that a reading client keeps up.
      if (i % 5 === 4) await new Promise((r) => setTimeout(r, 1));
    }
    await waitUntil(() => warn.mock.calls.some((c) => String(c[1]).includes('too slow')), 10_000);
    await fast.waitFor((f) => f.type === 'comment' && f.data.id === 'c8999', 10_000);
    // Every frame reached the reading viewer, in order, without a gap (viewers ticks included).
    const ids = fast.ids();
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => first + 1 + i));
    expect(fast.frames.filter((f) => f.type === 'comment')).toHaveLength(4000);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect([LIVE_CLOSE.tooSlow, 1006]).toContain(closed.code);
    expect(slow.ids().length).toBeLessThan(4000);
    warn.mockRestore();
    fast.close();
  });

  it('terminates a socket that stops answering heartbeats', async () => {
    const quiet = await makeLiveSession(t, host.id);
    const v = await openViewer(wsUrl(port, quiet));
    await v.waitFor((f) => f.type === 'hello');
    await waitUntil(async () => (await viewersNow(quiet)) === 1, 5000);
    // The client stops reading, so it never sees the server's pings nor answers them.
    (v.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitUntil(async () => (await viewersNow(quiet)) === 0, 5000);
    v.ws.terminate();
  });
});

/** Viewers now, as folded into live_session_stat. */
async function viewersNow(session: string) {
  const row = await t.deps.db.selectFrom('live_session_stat').select('viewers_now').where('session_id', '=', session).executeTakeFirst();
  return row?.viewers_now ?? -1;
}

describe('private frames', () => {
  it('go only to that user’s sockets; a banned reply closes them after delivery', async () => {
    const room = liveRoom(sessionId);
    const a1 = await openViewer(wsUrl(port, sessionId), { cookie: buyer.client.cookie });
    const a2 = await openViewer(wsUrl(port, sessionId), { cookie: buyer.client.cookie });
    const b = await openViewer(wsUrl(port, sessionId), { cookie: buyer2.client.cookie });
    const anon = await openViewer(wsUrl(port, sessionId));
    for (const v of [a1, a2, b, anon]) await v.waitFor((f) => f.type === 'hello');
    t.deps.realtime.publishTo(room, buyer.id, { type: 'reply', data: { kind: 'comment_buy', text: '已为您保留 2 份', checkoutId: 'chk_1' } });
    t.deps.realtime.publish(room, comment(7777));
    for (const v of [a1, a2]) {
      const r = await v.waitFor((f) => f.type === 'reply');
      expect(r.id).toBeNull();
      expect(r.data).toMatchObject({ kind: 'comment_buy', checkoutId: 'chk_1' });
    }
    for (const v of [b, anon]) await v.waitFor((f) => f.type === 'comment' && f.data.id === 'c7777');
    expect(b.frames.some((f) => f.type === 'reply')).toBe(false);
    expect(anon.frames.some((f) => f.type === 'reply')).toBe(false);

    // A private frame is not replayed to a reconnecting socket.
    const again = await openViewer(wsUrl(port, sessionId, { after: hello(a1).data.lastId, epoch: hello(a1).data.epoch }), { cookie: buyer.client.cookie });
    await again.waitFor((f) => f.type === 'comment' && f.data.id === 'c7777');
    expect(again.frames.some((f) => f.type === 'reply')).toBe(false);

    t.deps.realtime.publishTo(room, buyer.id, { type: 'reply', data: { kind: 'banned', text: '您已被移出直播间' } });
    for (const v of [a1, a2, again]) {
      expect(await v.closed).toEqual({ code: LIVE_CLOSE.forbidden, reason: 'banned' });
      expect(v.frames.at(-1)).toMatchObject({ type: 'reply', data: { kind: 'banned' } });
    }
    t.deps.realtime.publish(room, comment(7778));
    await b.waitFor((f) => f.type === 'comment' && f.data.id === 'c7778');
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    b.close();
    anon.close();
  });
});

describe('viewer figures', () => {
  it('publishes viewers and folds now, peak, distinct viewers and watch seconds into live_session_stat', async () => {
    const session2 = await makeLiveSession(t, host.id);
    const room = liveRoom(session2);
    const watchers = [];
    for (const u of [buyer, buyer2]) watchers.push(await openViewer(wsUrl(port, session2), { cookie: u.client.cookie }));
    watchers.push(await openViewer(wsUrl(port, session2), { cookie: buyer.client.cookie })); // same user twice
    const v = watchers[0]!;
    await v.waitFor((f) => f.type === 'viewers' && (f.data as { now: number }).now === 3, 3000);
    await new Promise((r) => setTimeout(r, 1300));
    watchers[2]!.close();
    await v.waitFor((f) => f.type === 'viewers' && (f.data as { now: number }).now === 2, 3000);
    await waitUntil(async () => {
      const row = await t.deps.db.selectFrom('live_session_stat').selectAll().where('session_id', '=', session2).executeTakeFirst();
      return !!row && row.viewers_now === 2;
    });
    const row = await t.deps.db.selectFrom('live_session_stat').selectAll().where('session_id', '=', session2).executeTakeFirstOrThrow();
    expect(row.viewers_peak).toBe(3);
    expect(row.unique_viewers).toBe(2);
    expect(Number(row.watch_seconds)).toBeGreaterThanOrEqual(3);
    const viewerFrames = v.frames.filter((f) => f.type === 'viewers');
    expect(viewerFrames.at(-1)!.data).toEqual({ now: 2, peak: 3 });
    void room;
    for (const w of watchers) w.close();
  });
});

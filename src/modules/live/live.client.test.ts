import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeUser } from '../../../test/factories.js';
import { makeLiveSession } from '../../../test/live-helpers.js';
import { LIVE_CLOSE, liveRoom, type LiveEventMap, type LiveFrame } from '../../contracts/live-events.js';
import { nowIso } from '../../platform/time.js';

/**
 * The browser client (web/src/shared/liveSocket.ts) against the real server, run in Node with the
 * `ws` WebSocket and a stand-in window/document. Loaded by path so the server's type check does
 * not pull the DOM-typed web file in.
 */
interface ClientSocket {
  on<K extends keyof LiveEventMap>(type: K, fn: (data: LiveEventMap[K], frame: LiveFrame) => void): () => void;
  onAny(fn: (frame: LiveFrame) => void): () => void;
  onResync(fn: () => void): () => void;
  onStatus(fn: (s: { state: string; code?: number }) => void): () => void;
  serverNow(): number;
  clock(): { offsetMs: number; rttMs: number | null; samples: number };
  lastId(): number;
  status(): { state: string; code?: number };
  close(): void;
}
type Connect = (o: { sessionId: string; origin: string; WebSocketImpl: unknown }) => ClientSocket;

let t: TestApp;
let origin: string;
let connect: Connect;
let sessionId: string;

const waitUntil = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const comment = (n: number) => ({ type: 'comment' as const, data: { id: `c${n}`, userLabel: '张*', text: `评论${n}`, at: nowIso(), fromHost: false } });

beforeAll(async () => {
  const noop = () => {};
  Object.assign(globalThis, {
    window: { location: { origin: 'http://127.0.0.1' }, addEventListener: noop, removeEventListener: noop },
    document: { visibilityState: 'visible', addEventListener: noop, removeEventListener: noop },
  });
  const file = '../../../web/src/shared/liveSocket.ts';
  connect = ((await import(/* @vite-ignore */ file)) as { connectLiveSocket: Connect }).connectLiveSocket;
  t = await createTestApp({}, { live: { statsMs: 60_000 } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  await makeCounty(t, COUNTY_A);
  const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
  sessionId = await makeLiveSession(t, host.id);
});
afterAll(async () => {
  await t?.close();
});

describe('liveSocket.ts', () => {
  it('delivers typed events once each, reconnects after a drop and resumes without gaps or duplicates', async () => {
    const room = liveRoom(sessionId);
    const live = connect({ sessionId, origin, WebSocketImpl: WebSocket });
    const texts: string[] = [];
    const ids: number[] = [];
    live.on('comment', (data) => texts.push(data.text));
    live.onAny((f) => ids.push(f.id!));
    const states: string[] = [];
    live.onStatus((s) => states.push(s.state));
    await waitUntil(() => live.status().state === 'open');
    for (let i = 1; i <= 5; i++) t.deps.realtime.publish(room, comment(i));
    await waitUntil(() => texts.length === 5);

    // The server drops every socket; events go on meanwhile.
    for (const c of t.app.websocketServer.clients) c.terminate();
    for (let i = 6; i <= 12; i++) t.deps.realtime.publish(room, comment(i));
    await waitUntil(() => texts.length === 12);
    expect(states).toContain('reconnecting');
    expect(texts).toEqual(Array.from({ length: 12 }, (_, i) => `评论${i + 1}`));
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => ids[0]! + i));
    expect(live.lastId()).toBe(ids.at(-1));
    live.close();
  });

  it('estimates the server clock from ping/pong round trips (median of several)', async () => {
    const live = connect({ sessionId, origin, WebSocketImpl: WebSocket });
    await waitUntil(() => live.clock().samples >= 4, 5000);
    const c = live.clock();
    expect(c.rttMs).not.toBeNull();
    expect(c.rttMs!).toBeLessThan(200);
    // Same machine, same clock: the estimate is within a few ms of zero.
    expect(Math.abs(c.offsetMs)).toBeLessThan(50);
    expect(Math.abs(live.serverNow() - Date.now())).toBeLessThan(50);
    live.close();
  });

  it('runs onResync when it missed more than the server keeps, then carries on', async () => {
    const room = liveRoom(sessionId);
    const live = connect({ sessionId, origin, WebSocketImpl: WebSocket });
    let resyncs = 0;
    live.onResync(() => resyncs++);
    const got: string[] = [];
    live.on('comment', (d) => got.push(d.text));
    await waitUntil(() => live.status().state === 'open');
    // Hold the client off while more than the replay buffer goes by.
    const server = t.app.websocketServer;
    const block = (ws: unknown, req: { url?: string }) => { if (req.url?.includes(sessionId)) (ws as WebSocket).terminate(); };
    server.on('connection', block);
    for (const c of server.clients) c.terminate();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 1100; i++) t.deps.realtime.publish(room, comment(20_000 + i));
    server.off('connection', block);
    await waitUntil(() => resyncs === 1, 20_000);
    t.deps.realtime.publish(room, comment(99_999));
    await waitUntil(() => got.includes('评论99999'));
    live.close();
  }, 30_000);

  it('notices a lost frame by the jump in ids and fetches it again, in order', async () => {
    const room = liveRoom(sessionId);
    const live = connect({ sessionId, origin, WebSocketImpl: WebSocket });
    const got: string[] = [];
    live.on('comment', (d) => got.push(d.text));
    await waitUntil(() => live.status().state === 'open');
    // The server side of this connection loses one frame on the way out (as a Redis blip would).
    let dropped = false;
    for (const serverSide of t.app.websocketServer.clients) {
      const send = serverSide.send.bind(serverSide) as (d: unknown, ...rest: unknown[]) => void;
      (serverSide as unknown as { send: typeof send }).send = (d: unknown, ...rest: unknown[]) => {
        if (!dropped && String(d).includes('评论30001')) { dropped = true; return; }
        send(d, ...rest);
      };
    }
    for (let i = 0; i < 3; i++) t.deps.realtime.publish(room, comment(30_000 + i));
    await waitUntil(() => got.includes('评论30002'));
    expect(dropped).toBe(true);
    expect(got.filter((x) => x.startsWith('评论3000'))).toEqual(['评论30000', '评论30001', '评论30002']);
    live.close();
  });

  it('stops for good on 4404 and says so', async () => {
    const live = connect({ sessionId: 'lvs_missing', origin, WebSocketImpl: WebSocket });
    await waitUntil(() => live.status().state === 'closed');
    expect(live.status().code).toBe(LIVE_CLOSE.notFound);
    await new Promise((r) => setTimeout(r, 800));
    expect(live.status().state).toBe('closed');
  });
});

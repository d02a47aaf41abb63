import {
  LIVE_CLOSE, LIVE_FINAL_CLOSE_CODES,
  type LiveEventMap, type LiveEventType, type LiveFrame, type LiveServerFrame,
} from '../../../src/contracts/live-events';

/**
 * The live room's event socket in the browser (server side: src/modules/live/live.ws.ts).
 *
 * ```ts
 * const live = connectLiveSocket({ sessionId });
 * const offPin = live.on('pin', (data) => setPinned(data.item));
 * live.on('stock', (data) => mergeStock(data.items));          // coalesced: merge by itemId
 * live.onResync(() => refetchRoom());                          // missed too much: reload state over HTTP
 * live.onStatus((s) => setBanner(s.state));                    // 'connecting' | 'open' | 'reconnecting' | 'closed'
 * const msLeft = Date.parse(sale.startsAt) - live.serverNow(); // the flash-sale countdown
 * // on unmount: offPin(); live.close();
 * ```
 *
 * - `on(type, fn)`: typed handler for one event type (`LiveEventMap[type]`), called once per
 *   event, in id order; returns an unsubscribe function. `onAny(fn)` gets every event frame.
 * - Reconnects by itself (backoff 0.5 s doubling to 15 s, with jitter; at once when the page
 *   comes back to the foreground or the network returns) and resumes from the last event id it
 *   handled (`?after=&epoch=`), so nothing is missed or handled twice. Frames with an id not above
 *   the last one are dropped (dedupe). When the server answers `resync` (too far behind, or the
 *   room's id stream restarted), `onResync` handlers run: refetch the room over HTTP.
 * - Stops for good on 4403 (banned) and 4404 (no such session / not allowed), and on the
 *   protocol-error codes; `onStatus` then reports `{ state: 'closed', code }`.
 * - `serverNow()`: `Date.now()` corrected by the measured offset to the server clock: the median
 *   of several ping/pong round trips (offset = serverTime + rtt/2 − local receive time), measured
 *   after each connect and refreshed every 30 s. Before the first pong it uses the `hello` frame's
 *   server time (no round-trip correction). `clock()` tells the offset, the best round trip and
 *   how many samples it rests on.
 * - Private frames (`reply`: comment-to-buy answers, mute/ban notices) arrive through `on('reply')`.
 */

type Handler<K extends LiveEventType> = (data: LiveEventMap[K], frame: Extract<LiveFrame, { type: K }>) => void;
export type LiveSocketState = 'connecting' | 'open' | 'reconnecting' | 'closed';
export interface LiveSocketStatus { state: LiveSocketState; code?: number; reason?: string; attempt?: number }

export interface LiveSocketOptions {
  sessionId: string;
  /** Origin to connect to (default: this page's). */
  origin?: string;
  /** For tests: a WebSocket constructor. */
  WebSocketImpl?: typeof WebSocket;
}

export interface LiveSocket {
  on<K extends LiveEventType>(type: K, fn: Handler<K>): () => void;
  onAny(fn: (frame: LiveFrame) => void): () => void;
  onResync(fn: () => void): () => void;
  onStatus(fn: (status: LiveSocketStatus) => void): () => void;
  /** The server's clock now, in ms since the epoch. */
  serverNow(): number;
  clock(): { offsetMs: number; rttMs: number | null; samples: number };
  /** The id of the last event handled. */
  lastId(): number;
  status(): LiveSocketStatus;
  close(): void;
}

const PROBES = 5;
const PROBE_GAP_MS = 250;
const REPROBE_MS = 30_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_SAMPLES = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function connectLiveSocket(opts: LiveSocketOptions): LiveSocket {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const origin = (opts.origin ?? window.location.origin).replace(/^http/, 'ws');
  const handlers = new Map<LiveEventType, Set<(data: never, frame: never) => void>>();
  const anyHandlers = new Set<(frame: LiveFrame) => void>();
  const resyncHandlers = new Set<() => void>();
  const statusHandlers = new Set<(s: LiveSocketStatus) => void>();

  let ws: WebSocket | null = null;
  let last = 0;
  let epoch: string | null = null;
  let attempt = 0;
  let stopped = false;
  let current: LiveSocketStatus = { state: 'connecting' };
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let probeTimers: ReturnType<typeof setTimeout>[] = [];
  let pongDeadline: ReturnType<typeof setTimeout> | null = null;
  let offset = 0;
  let bestRtt: number | null = null;
  const samples: { offset: number; rtt: number }[] = [];

  const setStatus = (s: LiveSocketStatus) => {
    current = s;
    for (const fn of statusHandlers) fn(s);
  };

  const clearTimers = () => {
    for (const t of probeTimers) clearTimeout(t);
    probeTimers = [];
    if (pongDeadline) clearTimeout(pongDeadline);
    pongDeadline = null;
  };

  const ping = () => {
    if (!ws || ws.readyState !== WS.OPEN) return;
    ws.send(JSON.stringify({ type: 'ping', t: performance.now() }));
    // A socket that no longer answers is dead even if the browser has not noticed: start again.
    if (!pongDeadline) pongDeadline = setTimeout(() => ws?.close(4000, 'no pong'), PONG_TIMEOUT_MS);
  };

  const probe = () => {
    for (let i = 0; i < PROBES; i++) probeTimers.push(setTimeout(ping, i * PROBE_GAP_MS));
    probeTimers.push(setTimeout(function again() {
      ping();
      probeTimers.push(setTimeout(again, REPROBE_MS));
    }, REPROBE_MS));
  };

  const onPong = (t: number, serverTime: number) => {
    if (pongDeadline) clearTimeout(pongDeadline);
    pongDeadline = null;
    const rtt = performance.now() - t;
    if (rtt < 0 || rtt > 30_000) return;
    samples.push({ offset: serverTime + rtt / 2 - Date.now(), rtt });
    if (samples.length > MAX_SAMPLES) samples.shift();
    offset = median(samples.map((s) => s.offset));
    bestRtt = Math.min(...samples.map((s) => s.rtt));
  };

  const handle = (frame: LiveServerFrame) => {
    switch (frame.type) {
      case 'hello':
        if (!samples.length) offset = frame.data.serverTime - Date.now();
        if (epoch === null) last = frame.data.lastId; // first connection: start from now
        epoch = frame.data.epoch;
        attempt = 0;
        setStatus({ state: 'open' });
        return;
      case 'resync':
        last = frame.data.lastId;
        epoch = frame.data.epoch;
        for (const fn of resyncHandlers) fn();
        return;
      case 'pong':
        onPong(frame.data.t, frame.data.serverTime);
        return;
      default: {
        if (frame.id !== null) {
          if (frame.id <= last) return; // seen already (replay overlap)
          if (epoch !== null && frame.id > last + 1) {
            // Ids are consecutive per room: a jump means frames were lost on the way (a Redis
            // blip). Reconnect from the last one handled; the server replays or says resync.
            ws?.close(LIVE_CLOSE.resume, 'gap');
            return;
          }
          last = frame.id;
        }
        for (const fn of anyHandlers) fn(frame);
        const set = handlers.get(frame.type);
        if (set) for (const fn of set) (fn as (d: unknown, f: unknown) => void)(frame.data, frame);
      }
    }
  };

  const connect = () => {
    retryTimer = null;
    if (stopped) return;
    setStatus({ state: attempt === 0 && epoch === null ? 'connecting' : 'reconnecting', attempt });
    const q = new URLSearchParams();
    if (epoch !== null) {
      q.set('after', String(last));
      q.set('epoch', epoch);
    }
    const qs = q.toString();
    const socket = new WS(`${origin}/api/v1/live/sessions/${encodeURIComponent(opts.sessionId)}/ws${qs ? `?${qs}` : ''}`);
    ws = socket;
    socket.onopen = () => probe();
    socket.onmessage = (e: MessageEvent) => {
      let frame: LiveServerFrame;
      try {
        frame = JSON.parse(String(e.data)) as LiveServerFrame;
      } catch {
        return;
      }
      handle(frame);
    };
    socket.onclose = (e: CloseEvent) => {
      if (ws !== socket) return;
      ws = null;
      clearTimers();
      if (stopped) return;
      if (LIVE_FINAL_CLOSE_CODES.includes(e.code)) {
        stopped = true;
        setStatus({ state: 'closed', code: e.code, reason: e.reason });
        return;
      }
      // 1001 (server restarting), 4408 (too slow) and 4409 (resume) come back quickly; anything else backs off.
      const base = e.code === LIVE_CLOSE.goingAway || e.code === LIVE_CLOSE.tooSlow || e.code === LIVE_CLOSE.resume ? 300 : 500 * 2 ** Math.min(attempt, 5);
      const delay = Math.min(15_000, base) * (0.75 + Math.random() * 0.5);
      attempt++;
      setStatus({ state: 'reconnecting', code: e.code, reason: e.reason, attempt });
      retryTimer = setTimeout(connect, delay);
    };
  };

  const wake = () => {
    if (stopped || ws) return;
    if (retryTimer) clearTimeout(retryTimer);
    connect();
  };
  const onVisible = () => { if (document.visibilityState === 'visible') wake(); };
  window.addEventListener('online', wake);
  document.addEventListener('visibilitychange', onVisible);

  connect();

  const add = <T>(set: Set<T>, fn: T) => {
    set.add(fn);
    return () => { set.delete(fn); };
  };

  return {
    on(type, fn) {
      let set = handlers.get(type);
      if (!set) handlers.set(type, (set = new Set()));
      return add(set, fn as (data: never, frame: never) => void);
    },
    onAny: (fn) => add(anyHandlers, fn),
    onResync: (fn) => add(resyncHandlers, fn),
    onStatus: (fn) => add(statusHandlers, fn),
    serverNow: () => Date.now() + offset,
    clock: () => ({ offsetMs: offset, rttMs: bestRtt, samples: samples.length }),
    lastId: () => last,
    status: () => current,
    close() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      clearTimers();
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
      ws?.close(1000, 'bye');
      ws = null;
      setStatus({ state: 'closed', code: 1000 });
    },
  };
}

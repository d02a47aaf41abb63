import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { LIVE_CLOSE, LIVE_MAX_INBOUND_BYTES, type LiveControlFrame, type LiveFrame } from '../../contracts/live-events.js';
import type { Realtime } from './index.js';

/**
 * The WebSocket side of the rooms: which sockets watch which room, and delivery to them.
 *
 * - One listener per room on `Realtime`; each frame is serialised once per process (the JSON
 *   comes from the transport) and turned into one Buffer that every socket is sent.
 * - Joining: the socket is registered (frames arriving meanwhile are queued), then the replay
 *   after the client's last id is read, `hello` + replay (or `resync`) are sent, then the queue
 *   is flushed skipping ids already sent. Ids only increase, so nothing is missed or doubled.
 * - A socket whose unsent bytes pass `maxBufferedBytes` is dropped (4408), never buffered
 *   without bound; it reconnects and resumes (or resyncs).
 * - Inbound: only `{"type":"ping","t":<number>}` (→ `pong`), a few per second at most; anything
 *   else closes the socket (1003 binary, 1008 malformed, 1009 oversize by ws's maxPayload).
 * - Heartbeat: a ws ping every `heartbeatMs`; a socket that has not answered the previous one
 *   is terminated.
 */
export interface HubOptions {
  log: FastifyBaseLogger;
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

export interface JoinOptions {
  sessionId: string;
  userId: string | null;
  after: number | null;
  epoch: string | null;
}

interface Conn {
  ws: WebSocket;
  room: string;
  userId: string | null;
  lastSent: number;
  /** Frames that arrived while joining; null once live. */
  queue: { frame: LiveFrame; to: string | null; buf: Buffer }[] | null;
  alive: boolean;
  /** Watch time not yet collected (ms timestamp from which it counts). */
  mark: number;
  inbound: { windowStart: number; count: number };
  closed: boolean;
}

interface RoomState {
  conns: Set<Conn>;
  unlisten: () => void;
  /** Watch time of sockets that already left, not yet collected. */
  leftMs: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** Inbound messages allowed per socket per 10 s (pings are sent a few times a minute). */
const INBOUND_PER_10S = 40;

export interface Hub {
  join(room: string, ws: WebSocket, opts: JoinOptions): Promise<void>;
  /** Sockets of the room on this process. */
  localCount(room: string): number;
  /** Rooms with sockets on this process, or with watch time still to collect. */
  rooms(): string[];
  /** Seconds watched in the room on this process since the last call. */
  takeWatchSeconds(room: string): number;
  close(): Promise<void>;
}

const control = (frame: Omit<LiveControlFrame, 'id' | 'at'>) => JSON.stringify({ id: null, type: frame.type, data: frame.data, at: new Date().toISOString() });

export function createHub(realtime: Realtime, opts: HubOptions): Hub {
  const log = opts.log;
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const rooms = new Map<string, RoomState>();

  const drop = (c: Conn, code: number, reason: string) => {
    if (c.closed) return;
    c.closed = true;
    try {
      c.ws.close(code, reason);
    } catch { /* already closing */ }
    // A reader that stopped reading may never take the close frame: cut it after a moment.
    setTimeout(() => c.ws.terminate(), 2_000).unref();
  };

  const send = (c: Conn, data: Buffer | string) => {
    if (c.closed) return;
    if (c.ws.bufferedAmount > maxBuffered) {
      log.warn({ room: c.room, userId: c.userId, bufferedAmount: c.ws.bufferedAmount }, 'live socket too slow, dropped');
      drop(c, LIVE_CLOSE.tooSlow, 'too slow');
      return;
    }
    c.ws.send(data, { binary: false });
  };

  const deliver = (c: Conn, frame: LiveFrame, to: string | null, buf: Buffer) => {
    if (to !== null) {
      if (c.userId !== to) return;
      send(c, buf);
      if (frame.type === 'reply' && frame.data.kind === 'banned') {
        log.warn({ room: c.room, userId: c.userId }, 'live viewer banned, socket closed');
        drop(c, LIVE_CLOSE.forbidden, 'banned');
      }
      return;
    }
    if (frame.id !== null && frame.id <= c.lastSent) return;
    if (frame.id !== null && frame.id > c.lastSent + 1) {
      // A frame never reached this process (the Redis subscription dropped for a moment): the
      // client reconnects and resumes from the last id it has, which the replay buffer fills.
      log.warn({ room: c.room, lastSent: c.lastSent, got: frame.id }, 'live frames missing on this process, viewer sent to resume');
      drop(c, LIVE_CLOSE.resume, 'resume');
      return;
    }
    if (frame.id !== null) c.lastSent = frame.id;
    send(c, buf);
  };

  const roomState = (room: string): RoomState => {
    let r = rooms.get(room);
    if (r) return r;
    const conns = new Set<Conn>();
    const unlisten = realtime.listen(room, (frame, to, json) => {
      if (conns.size === 0) return;
      const buf = Buffer.from(json); // once per frame, whatever the number of viewers
      for (const c of conns) {
        if (c.queue) {
          if (to === null || c.userId === to) c.queue.push({ frame, to, buf });
        } else {
          deliver(c, frame, to, buf);
        }
      }
    });
    rooms.set(room, (r = { conns, unlisten, leftMs: 0 }));
    return r;
  };

  const leave = (c: Conn) => {
    const r = rooms.get(c.room);
    if (!r || !r.conns.delete(c)) return;
    r.leftMs += Date.now() - c.mark;
  };

  const onMessage = (c: Conn, data: RawData, isBinary: boolean) => {
    c.alive = true;
    const now = Date.now();
    if (now - c.inbound.windowStart > 10_000) c.inbound = { windowStart: now, count: 0 };
    if (++c.inbound.count > INBOUND_PER_10S) {
      log.warn({ room: c.room, userId: c.userId }, 'live socket sent too many messages, closed');
      return drop(c, LIVE_CLOSE.policy, 'too many messages');
    }
    if (isBinary) {
      log.warn({ room: c.room, userId: c.userId }, 'live socket sent a binary frame, closed');
      return drop(c, LIVE_CLOSE.unsupported, 'text frames only');
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    const m = msg as { type?: unknown; t?: unknown } | undefined;
    if (!m || typeof m !== 'object' || Array.isArray(m) || m.type !== 'ping' || typeof m.t !== 'number' || !Number.isFinite(m.t) || Object.keys(m).length !== 2) {
      log.warn({ room: c.room, userId: c.userId, bytes: text.length }, 'live socket sent a malformed message, closed');
      return drop(c, LIVE_CLOSE.policy, 'malformed message');
    }
    send(c, control({ type: 'pong', data: { t: m.t, serverTime: Date.now() } }));
  };

  const heartbeat = setInterval(() => {
    for (const r of rooms.values()) {
      for (const c of r.conns) {
        if (c.queue) continue;
        if (!c.alive) {
          log.info({ room: c.room, userId: c.userId }, 'live socket missed its heartbeat, terminated');
          c.closed = true;
          c.ws.terminate();
          leave(c);
          continue;
        }
        c.alive = false;
        try {
          c.ws.ping();
        } catch { /* closing */ }
      }
    }
  }, opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    async join(room, ws, o) {
      const c: Conn = {
        ws, room, userId: o.userId, lastSent: 0, queue: [], alive: true, mark: Date.now(),
        inbound: { windowStart: Date.now(), count: 0 }, closed: false,
      };
      const r = roomState(room);
      r.conns.add(c);
      // @fastify/websocket's own error listener holds the upgrade's request and reply for as long
      // as the socket lives (~4 KB a viewer); ours below logs the same errors.
      ws.removeAllListeners('error');
      ws.on('message', (data, isBinary) => onMessage(c, data, isBinary));
      ws.on('pong', () => { c.alive = true; });
      ws.on('close', () => { c.closed = true; leave(c); });
      ws.on('error', (err: Error & { code?: string }) => {
        log.warn({ room, userId: c.userId, code: err.code, err: err.message }, 'live socket error');
      });
      try {
        const replay = await realtime.since(room, o.after, o.epoch);
        if (c.closed) return;
        send(c, control({ type: 'hello', data: { sessionId: o.sessionId, serverTime: Date.now(), lastId: replay.lastId, epoch: replay.epoch } }));
        if (replay.frames === null) {
          send(c, control({ type: 'resync', data: { lastId: replay.lastId, epoch: replay.epoch, reason: replay.reason ?? 'too_far_behind' } }));
          c.lastSent = replay.lastId;
        } else if (o.after === null) {
          c.lastSent = replay.lastId;
        } else {
          c.lastSent = o.after;
          for (const f of replay.frames) {
            if (f.id <= c.lastSent) continue;
            c.lastSent = f.id;
            send(c, f.json);
          }
          c.lastSent = Math.max(c.lastSent, replay.lastId);
        }
        const queued = c.queue ?? [];
        c.queue = null;
        for (const q of queued) deliver(c, q.frame, q.to, q.buf);
      } catch (err) {
        log.error({ err, room }, 'live socket could not join its room');
        drop(c, 1011, 'try again');
        leave(c);
      }
    },
    localCount(room) {
      return rooms.get(room)?.conns.size ?? 0;
    },
    rooms() {
      return [...rooms.keys()];
    },
    takeWatchSeconds(room) {
      const r = rooms.get(room);
      if (!r) return 0;
      const now = Date.now();
      let ms = r.leftMs;
      for (const c of r.conns) {
        ms += now - c.mark;
        c.mark = now;
      }
      const seconds = Math.floor(ms / 1000);
      r.leftMs = ms - seconds * 1000;
      // A room nobody watches any more is forgotten once its time is collected.
      if (r.conns.size === 0 && seconds === 0) {
        r.unlisten();
        rooms.delete(room);
      }
      return seconds;
    },
    async close() {
      clearInterval(heartbeat);
      for (const r of rooms.values()) {
        for (const c of r.conns) drop(c, LIVE_CLOSE.goingAway, 'server restarting');
      }
    },
  };
}

export { LIVE_MAX_INBOUND_BYTES };

import { randomBytes } from 'node:crypto';
import { COALESCED_EVENT_TYPES, type LiveEvent, type LiveFrame } from '../../contracts/live-events.js';

/**
 * Real-time fan-out of room events. Services publish after their transaction commits; the
 * hub (hub.ts) delivers to every viewer socket of the room, on this process and (with
 * REDIS_URL, redis.ts) on every other.
 *
 * Ids: every public frame gets the room's next id (1, 2, 3… within an `epoch`); the last
 * `replayFrames` frames of each room are kept so a reconnecting viewer gets exactly what it
 * missed. The epoch names one unbroken id stream: a new process (in-process bus) or a room
 * whose Redis keys expired starts a new one, and a client from another epoch is told to resync.
 *
 * High-rate types (stock, viewers, likes) are coalesced here, before they get an id: within
 * one tick per room, stock items merge by itemId and the others keep the latest value.
 */
export interface Realtime {
  /** To everyone in the room; gets the room's next event id. Never throws (failures are logged). */
  publish(room: string, event: LiveEvent): void;
  /** To one user's sockets in the room only; not replayed on reconnect. */
  publishTo(room: string, userId: string, event: LiveEvent): void;
  /**
   * Local listener for frames of a room (the WebSocket hub and tests use it). `json` is the
   * frame already serialised (once per process). Returns unsubscribe.
   */
  listen(room: string, fn: (frame: LiveFrame, toUserId: string | null, json: string) => void): () => void;
  /**
   * The room's cursor and the frames after `afterId` (null: none wanted). `frames` is null when
   * they are no longer all kept or `epoch` is not the room's: the client must resync.
   */
  since(room: string, afterId: number | null, epoch: string | null): Promise<Replay>;
  /**
   * Reports this process's viewers of a room and answers the total over all processes, the
   * peak, and whether this caller should publish the `viewers` event (one process per tick does).
   */
  presence(room: string, localViewers: number): Promise<Presence>;
  /** Counts a distinct viewer key in the room; answers the number of distinct keys so far. */
  distinct(room: string, keys: string[]): Promise<number>;
  /**
   * A small notice to the OTHER processes of the deployment (the sender acts on it itself):
   * cache invalidations such as a signed-out session. Never throws; without Redis there are no
   * other processes to tell and it does nothing.
   */
  broadcast(topic: string, payload: string): void;
  /** Listens to other processes' broadcasts of a topic. Returns unsubscribe. */
  onBroadcast(topic: string, fn: (payload: string) => void): () => void;
  /** Resolves once the transport can deliver (Redis: connected and subscribed). */
  ready(): Promise<void>;
  /** Publishes what is still coalescing, then disconnects. */
  close(): Promise<void>;
}

export interface StoredFrame { id: number; json: string }
export interface Replay {
  epoch: string;
  lastId: number;
  frames: StoredFrame[] | null;
  reason?: 'too_far_behind' | 'epoch_changed';
}
export interface Presence { now: number; peak: number; publish: boolean }

export interface RealtimeOptions {
  /** Frames kept per room for resuming (default 1000: 50 s at 20 events/s). */
  replayFrames?: number;
  /** Coalescing tick for stock, viewers and likes (default 250 ms). */
  tickMs?: number;
}
export const DEFAULT_REPLAY_FRAMES = 1000;
export const DEFAULT_TICK_MS = 250;

export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** Builds the frame (without id) and its JSON once. */
export function frameOf(event: LiveEvent, id: number | null): { frame: LiveFrame; json: string } {
  const frame = { id, type: event.type, data: event.data, at: new Date().toISOString() } as LiveFrame;
  return { frame, json: JSON.stringify(frame) };
}

type Pending = Map<string, LiveEvent>;

/**
 * Holds coalesced event types for one tick per room, merging as they come, then hands one
 * event per type to `flush`. Other types go straight through.
 */
export function coalescer(tickMs: number, flush: (room: string, event: LiveEvent) => void) {
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | null = null;
  const flushAll = () => {
    timer = null;
    const rooms = [...pending];
    pending.clear();
    for (const [room, byType] of rooms) for (const event of byType.values()) flush(room, event);
  };
  return {
    /** True when the event was taken for coalescing. */
    offer(room: string, event: LiveEvent): boolean {
      if (!COALESCED_EVENT_TYPES.includes(event.type)) return false;
      let byType = pending.get(room);
      if (!byType) pending.set(room, (byType = new Map()));
      const before = byType.get(event.type);
      if (before && before.type === 'stock' && event.type === 'stock') {
        const items = new Map(before.data.items.map((i) => [i.itemId, i]));
        for (const i of event.data.items) items.set(i.itemId, i);
        byType.set('stock', { type: 'stock', data: { items: [...items.values()] } });
      } else {
        byType.set(event.type, event);
      }
      timer ??= setTimeout(flushAll, tickMs);
      return true;
    },
    flushNow() {
      if (timer) clearTimeout(timer);
      flushAll();
    },
  };
}

type Listener = (frame: LiveFrame, toUserId: string | null, json: string) => void;

/** Room → listeners, shared by the transports. */
export function listenerSet() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    emit(room: string, frame: LiveFrame, to: string | null, json: string) {
      const set = listeners.get(room);
      if (!set) return;
      for (const fn of set) fn(frame, to, json);
    },
    add(room: string, fn: Listener) {
      let set = listeners.get(room);
      if (!set) listeners.set(room, (set = new Set()));
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0 && listeners.get(room) === set) listeners.delete(room);
      };
    },
    clear() { listeners.clear(); },
  };
}

/** One process, no Redis: ids per room from a counter, a ring of recent frames per room. */
export function inProcessRealtime(opts: RealtimeOptions = {}): Realtime {
  const keep = opts.replayFrames ?? DEFAULT_REPLAY_FRAMES;
  const epoch = newEpoch();
  const rooms = new Map<string, { lastId: number; frames: StoredFrame[]; peak: number; published: number; distinct: Set<string>; touched: number }>();
  const listeners = listenerSet();
  const roomOf = (room: string) => {
    let r = rooms.get(room);
    if (!r) rooms.set(room, (r = { lastId: 0, frames: [], peak: 0, published: -1, distinct: new Set(), touched: 0 }));
    r.touched = Date.now();
    return r;
  };
  // Like the Redis keys, a room forgets itself two days after it was last used.
  const sweep = setInterval(() => {
    for (const [room, r] of rooms) if (Date.now() - r.touched > 2 * 24 * 3600_000) rooms.delete(room);
  }, 3600_000);
  sweep.unref();
  const publishNow = (room: string, event: LiveEvent) => {
    const r = roomOf(room);
    const id = ++r.lastId;
    const { frame, json } = frameOf(event, id);
    r.frames.push({ id, json });
    // Trim in batches so a busy room does not shift the array on every frame.
    if (r.frames.length > keep + 64) r.frames.splice(0, r.frames.length - keep);
    listeners.emit(room, frame, null, json);
  };
  const ticks = coalescer(opts.tickMs ?? DEFAULT_TICK_MS, publishNow);
  return {
    publish(room, event) {
      if (!ticks.offer(room, event)) publishNow(room, event);
    },
    publishTo(room, userId, event) {
      const { frame, json } = frameOf(event, null);
      listeners.emit(room, frame, userId, json);
    },
    broadcast() {},
    onBroadcast: () => () => {},
    listen: listeners.add,
    async since(room, afterId, wantedEpoch) {
      const r = roomOf(room);
      if (afterId === null) return { epoch, lastId: r.lastId, frames: [] };
      if (wantedEpoch !== null && wantedEpoch !== epoch) return { epoch, lastId: r.lastId, frames: null, reason: 'epoch_changed' };
      if (afterId > r.lastId) return { epoch, lastId: r.lastId, frames: null, reason: 'epoch_changed' };
      const kept = r.frames.filter((f) => f.id > afterId).slice(-keep);
      if (kept.length < r.lastId - afterId) return { epoch, lastId: r.lastId, frames: null, reason: 'too_far_behind' };
      return { epoch, lastId: r.lastId, frames: kept };
    },
    async presence(room, localViewers) {
      const r = roomOf(room);
      r.peak = Math.max(r.peak, localViewers);
      const publish = r.published !== localViewers;
      r.published = localViewers;
      return { now: localViewers, peak: r.peak, publish };
    },
    async distinct(room, keys) {
      const r = roomOf(room);
      for (const k of keys) r.distinct.add(k);
      return r.distinct.size;
    },
    async ready() {},
    async close() {
      clearInterval(sweep);
      ticks.flushNow();
      listeners.clear();
    },
  };
}

/** Broadcast listeners by topic (see Realtime.broadcast). */
export function broadcastListeners() {
  const byTopic = new Map<string, Set<(payload: string) => void>>();
  return {
    add(topic: string, fn: (payload: string) => void): () => void {
      let set = byTopic.get(topic);
      if (!set) byTopic.set(topic, (set = new Set()));
      set.add(fn);
      return () => { set!.delete(fn); };
    },
    emit(topic: string, payload: string): void {
      for (const fn of byTopic.get(topic) ?? []) fn(payload);
    },
  };
}

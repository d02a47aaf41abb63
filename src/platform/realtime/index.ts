import type { LiveEvent, LiveFrame } from '../../contracts/live-events.js';

/**
 * Real-time fan-out of room events. Services publish after their transaction commits; the
 * hub delivers to every viewer socket of the room, on this process and (with REDIS_URL) on
 * every other. This file is the interface and the in-process bus; the WebSocket hub and the
 * Redis transport live beside it.
 */
export interface Realtime {
  /** To everyone in the room; gets the room's next event id. Never throws (failures are logged). */
  publish(room: string, event: LiveEvent): void;
  /** To one user's sockets in the room only; not replayed on reconnect. */
  publishTo(room: string, userId: string, event: LiveEvent): void;
  /** Local listener for frames of a room (the WebSocket hub and tests use it). Returns unsubscribe. */
  listen(room: string, fn: (frame: LiveFrame, toUserId: string | null) => void): () => void;
  close(): Promise<void>;
}

/** One process, no Redis: ids per room from a counter. */
export function inProcessRealtime(): Realtime {
  const seq = new Map<string, number>();
  const listeners = new Map<string, Set<(frame: LiveFrame, toUserId: string | null) => void>>();
  const emit = (room: string, frame: LiveFrame, to: string | null) => {
    for (const fn of listeners.get(room) ?? []) fn(frame, to);
  };
  return {
    publish(room, event) {
      const id = (seq.get(room) ?? 0) + 1;
      seq.set(room, id);
      emit(room, { ...event, id, at: new Date().toISOString() } as LiveFrame, null);
    },
    publishTo(room, userId, event) {
      emit(room, { ...event, id: null, at: new Date().toISOString() } as LiveFrame, userId);
    },
    listen(room, fn) {
      const set = listeners.get(room) ?? new Set();
      set.add(fn);
      listeners.set(room, set);
      return () => {
        set.delete(fn);
        if (set.size === 0) listeners.delete(room);
      };
    },
    async close() {
      listeners.clear();
    },
  };
}

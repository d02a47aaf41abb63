import { afterCommit, type Ctx, type Deps } from '../../context.js';
import type { ResolvedSession } from '../../platform/http/access.js';

/**
 * Signed-in sessions this process resolved in the last second. Every request checks its
 * session cookie; in a flash sale a buyer sends several requests a second, and the look-up was
 * one of the three statements of a sold-out answer (a third of its cost on SQLite, one of three
 * round trips on PostgreSQL). Measured: sold-out answers +45 %, orders +10 % (docs/benchmarks.md,
 * fifth pass).
 *
 * What a cached answer may miss, and for how long:
 * - a change made through this process to a person's sessions or roles (sign-out, a revoked
 *   session, a changed password, a role granted or taken away) forgets that person's sessions
 *   once it has committed (`forgetSessionsOnCommit` inside its transaction, `forgetSessions`
 *   after a lone write). That drops the person's entries and keeps none for them from look-ups
 *   that begin within the next second, so none that read the old state, before the commit, is
 *   kept: the change applies to the very next request;
 * - a change made through another server process reaches this one as fast as Redis delivers
 *   the other process's `forgetSessions` (milliseconds; Realtime.broadcast), and within
 *   SESSION_CACHE_MS in any case (without Redis, or if that message is lost);
 * - a session never outlives its expiry: an entry is kept until then at the latest.
 * Only sessions that resolved are kept; an unknown or revoked token is looked up every time.
 * Times are `performance.now()`, so a step of the wall clock cannot stretch an entry's life.
 */
export const SESSION_CACHE_MS = 1000;
/** Bounds the memory: when full, the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry { until: number; session: ResolvedSession }
interface Cache { entries: Map<string, Entry>; quietUntil: Map<string, number> }

// One cache per app: tests build many apps in one process, each on its own database.
const caches = new WeakMap<Deps, Cache>();

function cacheOf(deps: Deps): Cache {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = { entries: new Map(), quietUntil: new Map() }));
  return cache;
}

/** The session resolved for this cookie token within the last second, if any. */
export function cachedSession(deps: Deps, token: string, now = performance.now()): ResolvedSession | undefined {
  const cache = caches.get(deps);
  const hit = cache?.entries.get(token);
  if (!hit) return undefined;
  if (hit.until > now) return hit.session;
  cache!.entries.delete(token);
  return undefined;
}

/**
 * Keeps a resolved session for up to SESSION_CACHE_MS and never past its expiry. `startedAt`
 * is when the look-up began (`performance.now()`); `expiresInMs` is what the session had left.
 * The session is frozen: every request with this cookie shares the one object.
 */
export function keepSession(deps: Deps, token: string, session: ResolvedSession, startedAt: number, expiresInMs: number): void {
  const cache = cacheOf(deps);
  // Compared with when the look-up began: one that began before a write committed and ended
  // long after it still read the old state.
  if (startedAt < (cache.quietUntil.get(session.actor.userId) ?? -Infinity)) return;
  if (cache.entries.size >= MAX_ENTRIES) {
    for (const key of cache.entries.keys()) {
      cache.entries.delete(key);
      if (cache.entries.size < MAX_ENTRIES * 0.9) break;
    }
  }
  for (const grant of session.actor.grants) Object.freeze(grant);
  Object.freeze(session.actor.grants);
  Object.freeze(session.actor);
  cache.entries.set(token, { until: startedAt + Math.min(SESSION_CACHE_MS, expiresInMs), session: Object.freeze(session) });
}

/**
 * Call once a write that changes who one of this person's sessions is or what it may do has
 * committed. Drops the person's entries and keeps none for them from look-ups that begin within
 * SESSION_CACHE_MS.
 */
export function forgetSessions(deps: Deps, userId: string): void {
  forgetHere(deps, userId);
  // The other server processes at once (through Redis), not within SESSION_CACHE_MS.
  deps.realtime.broadcast(SESSIONS_CHANGED, userId);
}

/** forgetSessions once the transaction ctx writes in has committed (at once outside one). */
export function forgetSessionsOnCommit(ctx: Ctx, userId: string): void {
  afterCommit(ctx, () => forgetSessions(ctx.deps, userId));
}

const SESSIONS_CHANGED = 'sessions.changed';

/** Acts on other processes' forgetSessions (see app.ts). Returns unsubscribe. */
export function listenForSessionChanges(deps: Deps): () => void {
  return deps.realtime.onBroadcast(SESSIONS_CHANGED, (userId) => forgetHere(deps, userId));
}

function forgetHere(deps: Deps, userId: string): void {
  const cache = cacheOf(deps);
  for (const [token, entry] of cache.entries) {
    if (entry.session.actor.userId === userId) cache.entries.delete(token);
  }
  cache.quietUntil.set(userId, performance.now() + SESSION_CACHE_MS);
  // Marks that have passed are dropped once there are many (a passed mark only still matters to
  // a look-up slower than SESSION_CACHE_MS).
  if (cache.quietUntil.size > MAX_ENTRIES) {
    const now = performance.now();
    for (const [id, until] of cache.quietUntil) if (until <= now) cache.quietUntil.delete(id);
  }
}

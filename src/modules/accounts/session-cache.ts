import type { Deps } from '../../context.js';
import type { ResolvedSession } from '../../platform/http/access.js';

/**
 * Signed-in sessions this process resolved in the last second. Every request checks its
 * session cookie; in a flash sale a buyer sends several requests a second, and the look-up was
 * one of the three statements of a sold-out answer (a third of its cost on SQLite, one of three
 * round trips on PostgreSQL). Measured: sold-out answers +45 %, orders +10 % (docs/benchmarks.md,
 * fifth pass).
 *
 * What a cached answer may miss, and for how long:
 * - a change made through this process (sign-out, a revoked session, a changed password, a role
 *   granted or taken away) calls `forgetSessions`: the cache is emptied and nothing is kept for
 *   the next second, so the change applies to the very next request once its transaction has
 *   committed (within that second, as every write transaction here does);
 * - a change made through another server process reaches this one within SESSION_CACHE_MS;
 * - a session never outlives its expiry: an entry is kept until then at the latest.
 * Only sessions that resolved are kept; an unknown or revoked token is looked up every time.
 */
export const SESSION_CACHE_MS = 1000;
/** Bounds the memory: when full, the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry { until: number; session: ResolvedSession }
interface Cache { entries: Map<string, Entry>; quietUntil: number }

// One cache per app: tests build many apps in one process, each on its own database.
const caches = new WeakMap<Deps, Cache>();

function cacheOf(deps: Deps): Cache {
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = { entries: new Map(), quietUntil: 0 }));
  return cache;
}

/** The session resolved for this cookie token within the last second, if any. */
export function cachedSession(deps: Deps, token: string, now: number): ResolvedSession | undefined {
  const cache = caches.get(deps);
  const hit = cache?.entries.get(token);
  if (!hit) return undefined;
  if (hit.until > now) return hit.session;
  cache!.entries.delete(token);
  return undefined;
}

/** Keeps a resolved session for up to SESSION_CACHE_MS, and never past `expiresAt` (ms). */
export function keepSession(deps: Deps, token: string, session: ResolvedSession, expiresAt: number, now: number): void {
  const cache = cacheOf(deps);
  if (now < cache.quietUntil) return;
  if (cache.entries.size >= MAX_ENTRIES) {
    for (const key of cache.entries.keys()) {
      cache.entries.delete(key);
      if (cache.entries.size < MAX_ENTRIES * 0.9) break;
    }
  }
  cache.entries.set(token, { until: Math.min(now + SESSION_CACHE_MS, expiresAt), session });
}

/**
 * Call on any write that changes who a session is or what it may do. Empties the cache and keeps
 * nothing for SESSION_CACHE_MS: a look-up that ran while the writing transaction was still open
 * read the old state, and must not be kept.
 */
export function forgetSessions(deps: Deps): void {
  const cache = cacheOf(deps);
  cache.entries.clear();
  cache.quietUntil = Date.now() + SESSION_CACHE_MS;
}

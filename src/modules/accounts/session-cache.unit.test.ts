import { describe, expect, it } from 'vitest';
import type { Deps } from '../../context.js';
import type { ResolvedSession } from '../../platform/http/access.js';
import { cachedSession, forgetSessions, keepSession, SESSION_CACHE_MS } from './session-cache.js';

const session = (userId: string): ResolvedSession => ({ actor: { userId, name: 'n', phone: '13800000000', sessionId: `ses_${userId}`, grants: [] }, csrfToken: 'c' });
const app = () => ({}) as Deps;

describe('session cache', () => {
  it('keeps a session for SESSION_CACHE_MS, and never past the session’s expiry', () => {
    const deps = app();
    const now = Date.now();
    keepSession(deps, 'a', session('a'), now + 60_000, now);
    keepSession(deps, 'b', session('b'), now + 200, now);
    expect(cachedSession(deps, 'a', now + SESSION_CACHE_MS - 1)?.actor.userId).toBe('a');
    expect(cachedSession(deps, 'a', now + SESSION_CACHE_MS)).toBeUndefined();
    expect(cachedSession(deps, 'b', now + 199)?.actor.userId).toBe('b');
    expect(cachedSession(deps, 'b', now + 200)).toBeUndefined();
  });

  it('forgetSessions empties the cache and keeps nothing for the next SESSION_CACHE_MS', () => {
    const deps = app();
    const now = Date.now();
    keepSession(deps, 'a', session('a'), now + 60_000, now);
    forgetSessions(deps);
    expect(cachedSession(deps, 'a', now)).toBeUndefined();
    keepSession(deps, 'a', session('a'), now + 60_000, Date.now()); // a look-up that raced the write
    expect(cachedSession(deps, 'a', Date.now())).toBeUndefined();
    const later = Date.now() + SESSION_CACHE_MS + 1;
    keepSession(deps, 'a', session('a'), later + 60_000, later);
    expect(cachedSession(deps, 'a', later)?.actor.userId).toBe('a');
  });

  it('each app has its own cache, and a full cache drops its oldest entries first', () => {
    const one = app();
    const two = app();
    const now = Date.now();
    keepSession(one, 'a', session('a'), now + 60_000, now);
    expect(cachedSession(two, 'a', now)).toBeUndefined();
    for (let i = 0; i < 10_000; i++) keepSession(one, `t${i}`, session(`t${i}`), now + 60_000, now);
    expect(cachedSession(one, 'a', now)).toBeUndefined(); // the oldest went
    expect(cachedSession(one, 't9999', now)?.actor.userId).toBe('t9999');
  });
});

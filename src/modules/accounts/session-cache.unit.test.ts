import { describe, expect, it } from 'vitest';
import type { Deps } from '../../context.js';
import type { ResolvedSession } from '../../platform/http/access.js';
import { cachedSession, forgetSessions, keepSession, listenForSessionChanges, SESSION_CACHE_MS } from './session-cache.js';

const session = (userId: string): ResolvedSession => ({ actor: { userId, name: 'n', phone: '13800000000', sessionId: `ses_${userId}`, grants: [{ id: 'grt_1', role: 'buyer', regionPrefix: '', supplierId: null }] }, csrfToken: 'c' });
/** A stand-in for the Redis transport: records what is broadcast, and can deliver a notice. */
function fakeRealtime() {
  const sent: [string, string][] = [];
  const handlers = new Map<string, (payload: string) => void>();
  return {
    sent,
    deliver: (topic: string, payload: string) => handlers.get(topic)?.(payload),
    realtime: { broadcast: (topic: string, payload: string) => { sent.push([topic, payload]); }, onBroadcast: (topic: string, fn: (p: string) => void) => { handlers.set(topic, fn); return () => handlers.delete(topic); } },
  };
}
const app = () => ({ realtime: fakeRealtime().realtime }) as unknown as Deps;
const HOUR = 3_600_000;

describe('session cache', () => {
  it('keeps a session for SESSION_CACHE_MS from the look-up’s start, and never past the session’s expiry', () => {
    const deps = app();
    const now = performance.now();
    keepSession(deps, 'a', session('a'), now, HOUR);
    keepSession(deps, 'b', session('b'), now, 200);
    expect(cachedSession(deps, 'a', now + SESSION_CACHE_MS - 1)?.actor.userId).toBe('a');
    expect(cachedSession(deps, 'a', now + SESSION_CACHE_MS)).toBeUndefined();
    expect(cachedSession(deps, 'b', now + 199)?.actor.userId).toBe('b');
    expect(cachedSession(deps, 'b', now + 200)).toBeUndefined();
  });

  it('forgetSessions drops the person’s entries and keeps none for them that began within the next second', () => {
    const deps = app();
    const before = performance.now();
    keepSession(deps, 'a1', session('a'), before, HOUR);
    keepSession(deps, 'b1', session('b'), before, HOUR);
    forgetSessions(deps, 'a');
    expect(cachedSession(deps, 'a1')).toBeUndefined();
    expect(cachedSession(deps, 'b1')?.actor.userId).toBe('b'); // somebody else's stays
    keepSession(deps, 'a2', session('a'), before, HOUR); // began before the write: read the old state
    expect(cachedSession(deps, 'a2')).toBeUndefined();
    keepSession(deps, 'a3', session('a'), performance.now(), HOUR); // began in the quiet second
    expect(cachedSession(deps, 'a3')).toBeUndefined();
    const later = performance.now() + SESSION_CACHE_MS + 1;
    keepSession(deps, 'a4', session('a'), later, HOUR);
    expect(cachedSession(deps, 'a4', later)?.actor.userId).toBe('a');
    keepSession(deps, 'a5', session('a'), before, HOUR); // a slow look-up that began before the write, kept after the second: still refused
    expect(cachedSession(deps, 'a5', later)).toBeUndefined();
  });

  it('a kept session is frozen, grants included: requests sharing it cannot change each other’s rights', () => {
    const deps = app();
    const s = session('f');
    keepSession(deps, 'f', s, performance.now(), HOUR);
    const got = cachedSession(deps, 'f')!;
    expect(() => { (got.actor.grants as unknown[]).push({ role: 'center_admin', regionPrefix: '', supplierId: null }); }).toThrow(TypeError);
    expect(() => { (got.actor.grants[0] as { role: string }).role = 'center_admin'; }).toThrow(TypeError);
    expect(got.actor.grants).toHaveLength(1);
  });

  it('each app has its own cache, and a full cache drops its oldest entries first', () => {
    const one = app();
    const two = app();
    const now = performance.now();
    keepSession(one, 'a', session('a'), now, HOUR);
    expect(cachedSession(two, 'a', now)).toBeUndefined();
    for (let i = 0; i < 10_000; i++) keepSession(one, `t${i}`, session(`t${i}`), now, HOUR);
    expect(cachedSession(one, 'a', now)).toBeUndefined(); // the oldest went
    expect(cachedSession(one, 't9999', now)?.actor.userId).toBe('t9999');
  });

  it('forgetSessions tells the other processes once; a notice from another process drops entries here without telling anyone again', () => {
    const fake = fakeRealtime();
    const deps = { realtime: fake.realtime } as unknown as Deps;
    listenForSessionChanges(deps);
    const now = performance.now() - 5 * SESSION_CACHE_MS; // long before any quiet mark
    keepSession(deps, 'a1', session('a'), now, HOUR);
    keepSession(deps, 'b1', session('b'), now, HOUR);
    forgetSessions(deps, 'a');
    expect(fake.sent).toEqual([['sessions.changed', 'a']]);
    expect(cachedSession(deps, 'a1', now)).toBeUndefined();
    fake.deliver('sessions.changed', 'b');
    expect(cachedSession(deps, 'b1', now)).toBeUndefined();
    expect(fake.sent).toHaveLength(1);
  });
});

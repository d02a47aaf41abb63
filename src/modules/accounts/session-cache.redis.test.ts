import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { buildApp, type Built } from '../../app.js';
import { createTestApp, TestClient, type TestApp } from '../../../test/helpers.js';
import { makeUser, PASSWORD } from '../../../test/factories.js';
import { dropRedisKeys, REDIS_URL, redisAvailable } from '../../../test/live-helpers.js';
import { SESSION_CACHE_MS } from './session-cache.js';

/**
 * Two app instances on one database and one Redis, as two server processes: a sign-out through
 * one applies to the other at once, although the other keeps sessions for SESSION_CACHE_MS.
 * Skipped only when Redis is absent outside CI; under CI=true that fails.
 */
const hasRedis = await redisAvailable();
const prefix = `test-${randomBytes(5).toString('hex')}`;

let a: TestApp;
let b: Built;

/** Whether the client's session is refused (401) before half of SESSION_CACHE_MS has passed since `cachedAt`. */
async function refusedWithin(client: TestClient, cachedAt: number): Promise<boolean> {
  while (performance.now() - cachedAt < SESSION_CACHE_MS / 2) {
    if ((await client.get('/api/v1/auth/me')).status === 401) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe.runIf(hasRedis)('sessions across processes', () => {
  beforeAll(async () => {
    a = await createTestApp({ redisUrl: REDIS_URL, redisPrefix: prefix });
    b = await buildApp(a.config, { logger: false, regions: undefined, ...(a.pgSchema ? { pgSchema: a.pgSchema } : {}) });
    await b.app.ready();
    await b.deps.realtime.ready();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dropRedisKeys(prefix);
  });

  it('a sign-out through one process applies to the other at once, not after its cached second', async () => {
    const u = await makeUser(a, [{ role: 'buyer' }], '买家');
    const onB = new TestClient(b);
    onB.cookie = u.client.cookie;
    onB.csrf = u.client.csrf;
    // B looks the session up and keeps it for SESSION_CACHE_MS.
    expect((await onB.get('/api/v1/auth/me')).status).toBe(200);
    const cachedAt = performance.now();
    expect((await u.client.post('/api/v1/auth/logout')).status).toBeLessThan(300);
    // Refused while B's cached entry would still have been good for half a second and more.
    expect(await refusedWithin(onB, cachedAt)).toBe(true);
  });

  it('a session revoked from another device through one process is refused by the other at once', async () => {
    const u = await makeUser(a, [{ role: 'buyer' }], '买家');
    const phone = new TestClient(b); // the same person on a second device, served by B
    phone.cookie = u.client.cookie;
    const other = a.client();
    await other.login(u.phone, PASSWORD);
    const list = await other.get('/api/v1/auth/sessions');
    const target = list.body.items.find((s: { current: boolean }) => !s.current);
    expect((await phone.get('/api/v1/auth/me')).status).toBe(200);
    const cachedAt = performance.now();
    expect((await other.delete(`/api/v1/auth/sessions/${target.id}`)).status).toBe(200);
    expect(await refusedWithin(phone, cachedAt)).toBe(true);
  });
});

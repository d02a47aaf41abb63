import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { buildApp, type Built } from '../../app.js';
import { createTestApp, TestClient, type TestApp } from '../../../test/helpers.js';
import { makeUser, PASSWORD } from '../../../test/factories.js';
import { dropRedisKeys, REDIS_URL, redisAvailable } from '../../../test/live-helpers.js';
import { cachedSession } from './session-cache.js';

/**
 * Two app instances on one database and one Redis, as two server processes: a sign-out through
 * one reaches the other's session cache (which would otherwise keep it for SESSION_CACHE_MS).
 * Skipped only when Redis is absent outside CI; under CI=true that fails.
 */
const hasRedis = await redisAvailable();
const prefix = `test-${randomBytes(5).toString('hex')}`;

let a: TestApp;
let b: Built;

const tokenOf = (c: TestClient) => c.cookie!.slice('fs_session='.length);

/**
 * Has B look the client's session up until it keeps it (a notice from A's own role grants may
 * keep it from caching for a second), and answers an instant at which the kept entry is good.
 */
async function cachedOnB(client: TestClient): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const at = performance.now();
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    if (cachedSession(b.deps, tokenOf(client), at)) return at;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('B never kept the session');
}

/**
 * Waits for B to drop the session, judged at a fixed instant when its entry is still good: only
 * the notice from A can drop it then, however slow the machine is. Then B refuses it.
 */
async function droppedOnB(client: TestClient, at: number) {
  await vi.waitFor(() => expect(cachedSession(b.deps, tokenOf(client), at)).toBeUndefined(), { timeout: 5000, interval: 10 });
  expect((await client.get('/api/v1/auth/me')).status).toBe(401);
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

  it('a sign-out through one process drops the session the other keeps, and the other refuses it', async () => {
    const u = await makeUser(a, [{ role: 'buyer' }], '买家');
    const onB = new TestClient(b);
    onB.cookie = u.client.cookie;
    onB.csrf = u.client.csrf;
    const at = await cachedOnB(onB);
    expect((await u.client.post('/api/v1/auth/logout')).status).toBe(200);
    await droppedOnB(onB, at);
  });

  it('a session revoked from another device through one process is dropped and refused by the other', async () => {
    const u = await makeUser(a, [{ role: 'buyer' }], '买家');
    const phone = new TestClient(b); // the same person on a second device, served by B
    phone.cookie = u.client.cookie;
    const other = a.client();
    await other.login(u.phone, PASSWORD);
    const list = await other.get('/api/v1/auth/sessions');
    const target = list.body.items.find((s: { current: boolean }) => !s.current);
    const at = await cachedOnB(phone);
    expect((await other.delete(`/api/v1/auth/sessions/${target.id}`)).status).toBe(200);
    await droppedOnB(phone, at);
  });
});

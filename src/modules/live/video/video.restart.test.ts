import fs from 'node:fs';
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DB, freePort, PG_URL, type TestApp } from '../../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeUser } from '../../../../test/factories.js';
import { FlvReader, makeLiveSession, pushTestPattern, waitFor, type Pusher } from './video.testkit.js';

/**
 * The real server process (src/main.ts, built-in media server) is killed with SIGKILL while a
 * host streams, then started again: the session is still live, the stale "receiving" is reset,
 * and when the host's encoder reconnects viewers get video again.
 */

let t: TestApp;
let session: { id: string; key: string };
let server: ChildProcess | null = null;
const pushers: Pusher[] = [];

function startServer(ports: { http: number; rtmp: number; media: number }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, DATA_DIR: t.dataDir, PORT: String(ports.http), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false',
      MEDIA_SERVER: 'builtin', MEDIA_RTMP_PORT: String(ports.rtmp), MEDIA_RTMP_BIND: '127.0.0.1', MEDIA_HTTP_PORT: String(ports.media), MEDIA_HLS: 'false',
      ...(DB === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: t.pgSchema! } : { DATABASE_URL: '' }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitReady(port: number) {
  await waitFor('server ready', async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
    } catch {
      return false;
    }
  }, 30_000);
}

const row = async () => t.deps.db.selectFrom('live_session').select(['status', 'video_state']).where('id', '=', session.id).executeTakeFirstOrThrow();

function watch(port: number, ms: number): Promise<{ status: number; video: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://127.0.0.1:${port}/api/v1/live/sessions/${session.id}/video.flv`, (res) => {
      const reader = new FlvReader();
      res.on('data', (c: Buffer) => { if (res.statusCode === 200) reader.push(c); });
      setTimeout(() => { req.destroy(); resolve({ status: res.statusCode!, video: reader.tags.filter((x) => x.type === 9).length }); }, ms);
    });
    req.on('error', reject);
  });
}

beforeAll(async () => {
  t = await createTestApp();
  await makeCounty(t, COUNTY_A);
  const host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播');
  session = await makeLiveSession(t.deps, host.id, COUNTY_A);
});
afterAll(async () => {
  await Promise.all(pushers.map((p) => p.stop()));
  server?.kill('SIGKILL');
  await t?.close();
});

describe('a server restart mid-session', () => {
  it('SIGKILL while streaming: after the restart the session is still live and plays again when the encoder reconnects', async () => {
    const ports = { http: await freePort(), rtmp: await freePort(), media: await freePort() };
    server = startServer(ports);
    await waitReady(ports.http);
    const first = pushTestPattern(`rtmp://127.0.0.1:${ports.rtmp}/live/${session.key}`, 60);
    pushers.push(first);
    await waitFor('video', async () => (await row()).video_state === 'receiving', 20_000);
    expect((await watch(ports.http, 1500)).video).toBeGreaterThan(5);

    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGKILL');
    await exited;
    await first.exited; // the encoder loses its connection, as OBS would
    expect(await row()).toEqual({ status: 'live', video_state: 'receiving' }); // nobody could say otherwise

    server = startServer(ports);
    await waitReady(ports.http);
    expect(await row()).toEqual({ status: 'live', video_state: 'offline' });
    const offline = await fetch(`http://127.0.0.1:${ports.http}/api/v1/live/sessions/${session.id}/video.flv`);
    expect(offline.status).toBe(409);
    expect((await offline.json() as { code: string }).code).toBe('video_offline');

    const again = pushTestPattern(`rtmp://127.0.0.1:${ports.rtmp}/live/${session.key}`, 60);
    pushers.push(again);
    await waitFor('video back', async () => (await row()).video_state === 'receiving', 20_000);
    const seen = await watch(ports.http, 1500);
    expect(seen.status).toBe(200);
    expect(seen.video).toBeGreaterThan(5);
    expect((await row()).status).toBe('live');
    expect(fs.existsSync(t.dataDir)).toBe(true);
  }, 90_000);
});

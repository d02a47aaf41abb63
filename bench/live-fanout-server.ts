import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { newId } from '../src/platform/ids.js';
import { nowIso } from '../src/platform/time.js';
import { liveRoom } from '../src/contracts/live-events.js';

/**
 * The server under test for bench/live-fanout.ts: the real app (Fastify, @fastify/websocket,
 * the hub, the in-process bus) on a fresh SQLite database with one live session, in its own
 * process (forked with --expose-gc). Commands over IPC:
 *   {cmd:'mem'}                         → {rss, heapUsed, external} after a full GC
 *   {cmd:'publish', rate, seconds, bytes} → publishes `comment` events at `rate` per second
 *                                           (the frame's `at` is the publish instant) → {sent}
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-fanout-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', MEDIA_SERVER: 'off' });
const built = await buildApp(config, { logger: false, jobs: false });
const { app, deps } = built;
const now = nowIso();
const hostId = newId('user');
await deps.db.insertInto('app_user').values({ id: hostId, phone: '13700000001', name: '主播', password_hash: 'x', failed_logins: 0, locked_until: null, disabled_at: null, created_at: now }).execute();
const sessionId = newId('liveSession');
await deps.db.insertInto('live_session').values({
  id: sessionId, county_code: '220622', host_user_id: hostId, kind: 'hosted', title: '压测直播', description: '', cover_file_id: null,
  scheduled_start: now, scheduled_end: new Date(Date.now() + 3600_000).toISOString(), status: 'live', approval: 'approved', approval_note: '',
  approved_by: null, platform: null, external_url: null, external_code: null, pinned_item_id: null, video_state: 'receiving', video_seen_at: null,
  replay_path: null, started_at: now, ended_at: null, created_at: now, updated_at: now,
}).execute();
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as AddressInfo).port;

const gc = (globalThis as { gc?: () => void }).gc;
function mem() {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
}

async function publish(rate: number, seconds: number, bytes: number) {
  const room = liveRoom(sessionId);
  const total = Math.round(rate * seconds);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const text = '好'.repeat(Math.max(1, Math.floor(bytes / 3)));
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    deps.realtime.publish(room, { type: 'comment', data: { id: `b${i}`, userLabel: '张*', text, at: new Date().toISOString(), fromHost: false } });
  }
  // Let the writes queued by the last event drain before the CPU is read.
  await new Promise((r) => setTimeout(r, 200));
  const cpu = process.cpuUsage(cpu0);
  return { sent: total, cpuMs: (cpu.user + cpu.system) / 1000 };
}

process.on('message', (m: { cmd: string; rate?: number; seconds?: number; bytes?: number }) => {
  void (async () => {
    if (m.cmd === 'mem') process.send!({ mem: mem() });
    else if (m.cmd === 'publish') process.send!(await publish(m.rate!, m.seconds!, m.bytes ?? 60));
    else if (m.cmd === 'stop') {
      await built.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  })();
});
process.send!({ ready: true, port, sessionId });

import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { newId } from '../src/platform/ids.js';
import { nowIso } from '../src/platform/time.js';
import type { LiveServerFrame } from '../src/contracts/live-events.js';
import { DB, freePort, PG_URL, type TestApp } from './helpers.js';
import { COUNTY_A } from './factories.js';

/** Helpers for the live-room socket tests: viewers over real sockets, live sessions, server processes, Redis. */

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether Redis answers. Under CI=true a missing Redis throws (a failure, never a skip); elsewhere
 * the Redis tests are skipped with a note.
 */
export async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true but ${REDIS_URL} does not answer: ${(err as Error).message}`);
    process.stderr.write(`[live tests] Redis at ${REDIS_URL} does not answer: Redis tests skipped (they fail under CI=true)\n`);
    return false;
  } finally {
    r.disconnect();
  }
}

/** Deletes a test's Redis keys (every key under its prefix). */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  r.on('error', () => {});
  try {
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}

export interface Viewer {
  ws: WebSocket;
  frames: LiveServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first frame (from index `from`) matching, or rejects after `ms`. */
  waitFor(pred: (f: LiveServerFrame) => boolean, ms?: number, from?: number): Promise<LiveServerFrame>;
  /** Ids of the event frames received, in order. */
  ids(): number[];
  close(): void;
}

export function wsUrl(port: number, sessionId: string, q: { after?: number; epoch?: string } = {}) {
  const qs = new URLSearchParams();
  if (q.after !== undefined) qs.set('after', String(q.after));
  if (q.epoch !== undefined) qs.set('epoch', q.epoch);
  const s = qs.toString();
  return `ws://127.0.0.1:${port}/api/v1/live/sessions/${sessionId}/ws${s ? `?${s}` : ''}`;
}

/** Opens a viewer socket and collects every frame; resolves once open. */
export function openViewer(url: string, opts: { cookie?: string | null; userAgent?: string } = {}): Promise<Viewer> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.userAgent) headers['user-agent'] = opts.userAgent;
  const ws = new WebSocket(url, { headers });
  const frames: LiveServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of [...waiters]) w();
    });
  });
  const viewer: Viewer = {
    ws,
    frames,
    closed,
    waitFor(pred, ms = 3000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const f = frames.slice(from).find(pred);
          if (f) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(f);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${ms} ms; got ${frames.length} frames, the last: ${frames.slice(-5).map((f) => `${f.type}#${f.id}`).join(' ')}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    ids: () => frames.filter((f) => f.id !== null).map((f) => f.id as number),
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(viewer));
    ws.once('error', reject);
  });
}

/** A live session row (the sessions module's routes are not needed to watch one). */
export async function makeLiveSession(t: TestApp, hostUserId: string, opts: { kind?: 'hosted' | 'external' | 'practice'; countyCode?: string; status?: 'scheduled' | 'live'; approval?: 'approved' | 'pending' | 'rejected' } = {}) {
  const id = newId('liveSession');
  const now = nowIso();
  await t.deps.db.insertInto('live_session').values({
    id, county_code: opts.countyCode ?? COUNTY_A, host_user_id: hostUserId, kind: opts.kind ?? 'hosted', title: '蓝莓直播', description: '',
    cover_file_id: null, scheduled_start: now, scheduled_end: new Date(Date.now() + 3600_000).toISOString(), status: opts.status ?? 'live',
    approval: opts.approval ?? 'approved', approval_note: '', approved_by: null, platform: null, external_url: null, external_code: null, pinned_item_id: null,
    video_state: 'offline', video_seen_at: null, replay_path: null, started_at: now, ended_at: null, created_at: now, updated_at: now,
  }).execute();
  return id;
}

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** SIGTERM (graceful: viewers are told 1001) or SIGKILL, and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `src/main.ts` in its own process on the test app's database (its SQLite file or
 * PostgreSQL schema), with extra environment (REDIS_URL, REDIS_PREFIX…); resolves when ready.
 */
export async function startServerProcess(t: TestApp, env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, DATA_DIR: t.dataDir, PORT: String(p), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000', ARGON2_MEMORY_KIB: '1024',
      // Several processes on one machine: no built-in RTMP server each on port 1935.
      MEDIA_SERVER: 'off',
      ...(DB === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: t.pgSchema! } : { DATABASE_URL: '' }),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server process exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${p}/readyz`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error('server process did not become ready');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port: p,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions, type Built } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { devSmsProvider } from '../src/modules/accounts/index.js';
import { openRegionSource, type RegionSource } from '../src/modules/regions/index.js';

/** Which database this run uses: DB=sqlite (default) or DB=postgres. */
export const DB = (process.env.DB ?? 'sqlite') as 'sqlite' | 'postgres';
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let sharedRegions: RegionSource | null = null;
function regions() {
  sharedRegions ??= openRegionSource();
  return sharedRegions;
}

export interface TestApp extends Built {
  config: Config;
  sms: ReturnType<typeof devSmsProvider>;
  client(): TestClient;
  dataDir: string;
  /** The PostgreSQL schema of this app's database (DB=postgres only). */
  pgSchema: string | undefined;
}

/**
 * A real server on a fresh database: a temp SQLite file, or a PostgreSQL schema of its own.
 * Under CI a missing PostgreSQL fails the run (connectDb throws), never skips it.
 */
export async function createTestApp(overrides: Partial<Config> = {}, opts: { jobs?: boolean; live?: BuildOptions['live'] } = {}): Promise<TestApp> {
  // Files share loaded modules (vitest.config.ts): a file of the other project must never
  // find this module's DB and quietly test the wrong database.
  if ((process.env.DB ?? 'sqlite') !== DB) throw new Error(`test/helpers.ts was loaded for DB=${DB} but this file runs with DB=${process.env.DB}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-test-'));
  let pgSchema: string | undefined;
  if (DB === 'postgres') {
    pgSchema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`create schema ${pgSchema}`);
    await client.end();
  }
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', MEDIA_SERVER: 'off' }, {
    argon2MemoryKib: 1024,
    rateLimitLoginPerMinute: 10_000,
    rateLimitSmsPerHour: 10_000,
    ...(DB === 'postgres' ? { databaseUrl: PG_URL } : {}),
    ...overrides,
  });
  const sms = devSmsProvider({ info() {}, warn() {}, error() {}, debug() {}, fatal() {}, trace() {}, child() { return this; }, level: 'silent', silent() {} } as never);
  const built = await buildApp(config, { sms, regions: regions(), logger: false, jobs: opts.jobs ?? false, ...(opts.live ? { live: opts.live } : {}), ...(pgSchema ? { pgSchema } : {}) });
  await built.app.ready();
  return {
    ...built,
    config,
    sms,
    dataDir,
    pgSchema,
    client: () => new TestClient(built),
    close: async () => {
      await built.close();
      if (pgSchema) {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`drop schema ${pgSchema} cascade`);
        await client.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

/** Talks to the app like a browser: keeps the session cookie and sends the CSRF token. */
export class TestClient {
  cookie: string | null = null;
  csrf: string | null = null;
  userId: string | null = null;
  ip = '127.0.0.1';
  constructor(private readonly built: Built) {}

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf;
    const isRaw = Buffer.isBuffer(body) || typeof body === 'string';
    if (body !== undefined && !isRaw) h['content-type'] = 'application/json';
    const raw = await this.built.app.inject({ method: method as 'GET', url, headers: h, remoteAddress: this.ip, ...(body !== undefined ? { payload: isRaw ? (body as string) : JSON.stringify(body) } : {}) });
    const setCookie = raw.cookies.find((c) => c.name === 'fs_session');
    if (setCookie) this.cookie = setCookie.value ? `fs_session=${setCookie.value}` : null;
    const type = String(raw.headers['content-type'] ?? '');
    const parsed = type.includes('json') && raw.body ? JSON.parse(raw.body) : raw.body;
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed && typeof parsed.csrfToken === 'string') {
      this.csrf = parsed.csrfToken;
      this.userId = parsed.user?.id ?? this.userId;
    }
    return { status: raw.statusCode, body: parsed as T, headers: raw.headers, raw };
  }

  get<T = any>(url: string) { return this.request<T>('GET', url); }
  post<T = any>(url: string, body?: unknown) { return this.request<T>('POST', url, body ?? {}); }
  patch<T = any>(url: string, body: unknown) { return this.request<T>('PATCH', url, body); }
  put<T = any>(url: string, body: unknown) { return this.request<T>('PUT', url, body); }
  delete<T = any>(url: string) { return this.request<T>('DELETE', url); }

  async login(phone: string, password: string) {
    const res = await this.post('/api/v1/auth/login', { phone, password });
    if (res.status !== 200) throw new Error(`login failed for ${phone}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  /** Uploads one file as multipart/form-data in the field "file". */
  async upload<T = any>(method: 'PUT' | 'POST', url: string, data: Buffer, filename = 'scan.png', contentType = 'image/png') {
    const boundary = `----fengshou${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return this.request<T>(method, url, payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  }
}

/** A tiny valid PNG (1×1) for upload tests. */
export const PNG_1X1 = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);

export function expectProblem(res: Res, status: number, code: string) {
  if (res.status !== status || res.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.headers['content-type']}`);
  }
}

/** A TCP port free on loopback right now (for server processes a test starts). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

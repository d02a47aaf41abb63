import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../src/modules/demo/index.js';

/**
 * Real HTTP over loopback against the demo county: storefront search, product page, the
 * selection base, password login and a contended stock adjustment.
 *   npm run bench                      (SQLite)
 *   BENCH_DB=postgres npm run bench    (PostgreSQL at TEST_DATABASE_URL)
 */
const DB = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'sqlite';
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function measure(name: string, total: number, concurrency: number, fn: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      const res = await fn(i);
      await res.arrayBuffer();
      if (!res.ok) errors++;
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`${name.padEnd(34)} ${String(total).padStart(5)} req  c=${String(concurrency).padEnd(3)} ${(total / seconds).toFixed(0).padStart(6)} req/s  p50 ${pct(50).padStart(6)} ms  p99 ${pct(99).padStart(6)} ms  errors ${errors}`);
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  if (DB === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
  }
  // The login rate limit (10/min per address) would refuse the login benchmark; lift it here only.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false' }, { rateLimitLoginPerMinute: 1_000_000, ...(DB === 'postgres' ? { databaseUrl: PG_URL } : {}) });
  const built = await buildApp(config, { logger: false, ...(DB === 'postgres' ? { pgSchema: schema } : {}) });
  try {
    await seedDemo(built.deps);
    const address = await built.app.listen({ port: 0, host: '127.0.0.1' });
    console.log(`Fengshou HTTP benchmark — ${DB}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, node ${process.version}`);
    const list = await (await fetch(`${address}/api/v1/store/products?limit=50`)).json() as { items: { id: string }[] };
    const ids = list.items.map((p) => p.id);

    await measure('GET /store/products?q=蓝莓', REQUESTS, CONCURRENCY, () => fetch(`${address}/api/v1/store/products?q=${encodeURIComponent('蓝莓')}`));
    await measure('GET /store/products (filters)', REQUESTS, CONCURRENCY, () => fetch(`${address}/api/v1/store/products?inStock=true&minPriceFen=1000&maxPriceFen=20000&categoryCode=fresh_fruit`));
    await measure('GET /store/products/:id', REQUESTS, CONCURRENCY, (i) => fetch(`${address}/api/v1/store/products/${ids[i % ids.length]}`));

    const admin = DEMO_ACCOUNTS[0]!;
    const login = await fetch(`${address}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: admin.phone, password: DEMO_PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = await login.json() as { csrfToken: string };
    await measure('GET /selection (signed in)', REQUESTS, CONCURRENCY, () => fetch(`${address}/api/v1/selection?q=${encodeURIComponent('木耳')}`, { headers: { cookie } }));

    await measure('POST /auth/login (argon2id 19 MiB)', 100, 4, () => fetch(`${address}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: admin.phone, password: DEMO_PASSWORD }) }));

    const product = await (await fetch(`${address}/api/v1/products/${ids[0]}`, { headers: { cookie } })).json() as { skus: { id: string }[] };
    const skuId = product.skus[0]!.id;
    await measure('POST /skus/:id/stock (one hot SKU)', 1000, CONCURRENCY, (i) => fetch(`${address}/api/v1/skus/${skuId}/stock`, {
      method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ delta: i % 2 === 0 ? 1 : -1, reason: 'bench' }),
    }));
  } finally {
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (DB === 'postgres') {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    }
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

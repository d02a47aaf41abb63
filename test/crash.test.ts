import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DB, freePort, PG_URL, type TestApp } from './helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser } from './factories.js';

/**
 * The server is killed with SIGKILL in the middle of a stream of orders and started again:
 * every checkout that was answered 201 is there, and stock still adds up.
 */
const INITIAL_STOCK = 100_000;

let t: TestApp;
let skuId: string;
let buyers: { cookie: string; csrf: string; addressId: string }[] = [];

function startServer(port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, DATA_DIR: t.dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false', MEDIA_SERVER: 'off',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000', ARGON2_MEMORY_KIB: '1024',
      ...(DB === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: t.pgSchema! } : { DATABASE_URL: '' }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitReady(port: number) {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

function place(port: number, b: (typeof buyers)[number], n: number) {
  return fetch(`http://127.0.0.1:${port}/api/v1/checkouts`, {
    method: 'POST',
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrf, 'content-type': 'application/json', 'idempotency-key': `crash-${n}-${Math.random().toString(36).slice(2)}` },
    body: JSON.stringify({ items: [{ skuId, quantity: 1 }], addressId: b.addressId }),
  });
}

beforeAll(async () => {
  t = await createTestApp();
  const { operator } = await makeCounty(t, COUNTY_A);
  const sup = await makeSupplier(t);
  await makeLicence(t, operator.client, sup, 'produce_certificate');
  skuId = (await makeProduct(t, operator.client, sup, { skus: [{ priceFen: 990, stock: INITIAL_STOCK }], publish: true })).skuIds[0]!;
  buyers = [];
  for (let i = 0; i < 8; i++) {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const addr = await u.client.post('/api/v1/me/addresses', { recipientName: '买家', phone: '13812345678', regionCode: '110105', detail: '一号' });
    buyers.push({ cookie: u.client.cookie!, csrf: u.client.csrf!, addressId: addr.body.id });
  }
}, 60_000);
afterAll(async () => { await t?.close(); });

describe('a crash in the middle of a stream of orders', () => {
  it('loses no answered order and keeps stock + sold = initial', async () => {
    const port = await freePort();
    let server = startServer(port);
    await waitReady(port);

    const answered: string[] = [];
    let n = 0;
    let stop = false;
    const streams = buyers.map(async (b) => {
      while (!stop) {
        try {
          const res = await place(port, b, n++);
          if (res.status === 201) answered.push(((await res.json()) as { id: string }).id);
          else await res.arrayBuffer();
        } catch {
          return; // the server died under us: the outcome of this request is unknown
        }
      }
    });
    const deadline = Date.now() + 20_000;
    while (answered.length < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(answered.length, "orders answered before the crash").toBeGreaterThanOrEqual(60);
    // Listen for the exit before killing: it can come before the streams have wound down.
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGKILL');
    stop = true;
    await Promise.all(streams);
    await exited;

    server = startServer(port);
    try {
      await waitReady(port);
      const found = await t.deps.db.selectFrom('checkout').select('id').where('id', 'in', answered).execute();
      expect(found.length).toBe(answered.length);
      const orphans = await t.deps.db.selectFrom('checkout').leftJoin('shop_order', 'shop_order.checkout_id', 'checkout.id').select('checkout.id').where('shop_order.id', 'is', null).execute();
      expect(orphans).toHaveLength(0);
      const stock = (await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;
      const sold = await t.deps.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id')
        .select((eb) => eb.fn.sum<number>('order_item.quantity').as('q')).where('order_item.sku_id', '=', skuId).where('shop_order.status', '!=', 'cancelled').executeTakeFirstOrThrow();
      expect(stock + Number(sold.q)).toBe(INITIAL_STOCK);
      // And the restarted server takes orders again.
      expect((await place(port, buyers[0]!, n++)).status).toBe(201);
    } finally {
      server.kill('SIGKILL');
    }
  }, 90_000);
});

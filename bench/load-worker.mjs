// Load generator for bench/orders-bench.ts, run in its own process so that the server under
// test has a core of its own (a load generator inside the server's process halves what it can do).
// Plain JavaScript so it starts without a TypeScript loader. Receives one job over IPC, answers
// with latencies and counts.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

function request(agent, base, b, method, path, body, extra = {}) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method,
      headers: {
        cookie: b.cookie, 'x-csrf-token': b.csrf, ...extra,
        ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body: json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function flash(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const lat = [];
  let ok = 0, soldOut = 0, other = 0, next = 0, lastOk = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, async (_v, w) => {
    const b = job.buyers[w % job.buyers.length];
    while (next < job.requests) {
      const i = next++;
      const t0 = performance.now();
      const r = await request(agent, job.base, b, 'POST', '/api/v1/checkouts',
        { items: [{ skuId: job.skuIds[i % job.skuIds.length], quantity: 1 }], addressId: b.addressId }, { 'idempotency-key': `f-${randomUUID()}` });
      lat.push(performance.now() - t0);
      if (r.status === 201) { ok++; lastOk = performance.now(); }
      else if (r.status === 409 && r.body?.code === 'sold_out') soldOut++;
      else other++;
    }
  }));
  agent.destroy();
  return { lat, ok, soldOut, other, secs: (performance.now() - started) / 1000, okSecs: ok ? (lastOk - started) / 1000 : 0 };
}

async function checkout(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const lat = [];
  let errors = 0;
  const end = Date.now() + job.seconds * 1000;
  const started = performance.now();
  await Promise.all(job.buyers.slice(0, job.concurrency).map(async (b) => {
    while (Date.now() < end) {
      const t0 = performance.now();
      await request(agent, job.base, b, 'PUT', `/api/v1/cart/items/${job.skuId}`, { quantity: 1 });
      const c = await request(agent, job.base, b, 'POST', '/api/v1/checkouts', { items: [{ skuId: job.skuId, quantity: 1 }], addressId: b.addressId, fromCart: true }, { 'idempotency-key': `b-${randomUUID()}` });
      if (c.status !== 201) { errors++; continue; }
      const p = await request(agent, job.base, b, 'POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': `p-${randomUUID()}` });
      const ok = await request(agent, job.base, b, 'POST', `${p.body.url}/confirm`, {});
      if (ok.status !== 200) { errors++; continue; }
      lat.push(performance.now() - t0);
    }
  }));
  agent.destroy();
  return { lat, errors, secs: (performance.now() - started) / 1000 };
}

process.on('message', async (job) => {
  try {
    const result = job.kind === 'flash' ? await flash(job) : await checkout(job);
    process.send({ result }, () => process.exit(0));
  } catch (err) {
    process.send({ error: String(err?.stack ?? err) }, () => process.exit(1));
  }
});

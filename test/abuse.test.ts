import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, PNG_1X1, type TestApp } from './helpers.js';
import { COUNTY_A, COUNTY_B, PASSWORD, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, nextPhone } from './factories.js';
import { runLicenceHousekeeping } from '../src/flows/licence-expiry.js';
import { newId } from '../src/platform/ids.js';

/** What an attacker or a careless client would try, beyond each module's own sad paths. */
let t: TestApp;
beforeAll(async () => { t = await createTestApp({ loginMaxFailures: 3, rateLimitSmsPerHour: 3 }); });
afterAll(async () => { await t.close(); });

describe('client addresses cannot be forged', () => {
  it('X-Forwarded-For does not dodge the login rate limit (no proxy is trusted by default)', async () => {
    const limited = await createTestApp({ rateLimitLoginPerMinute: 3 });
    try {
      const c = limited.client();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await c.request('POST', '/api/v1/auth/login', { phone: nextPhone(), password: 'x' }, { 'x-forwarded-for': `10.0.0.${i}` })).status);
      }
      expect(statuses.slice(3)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('SMS codes', () => {
  it('limits codes per phone per hour, whatever address asks', async () => {
    const phone = nextPhone();
    // Three codes sent earlier this hour (past the one-minute resend wait).
    for (let i = 0; i < 3; i++) {
      await t.deps.db.insertInto('sms_code').values({ id: newId('smsCode'), phone, code_hash: 'x', attempts: 0, created_at: new Date(Date.now() - (10 + i) * 60_000).toISOString(), expires_at: new Date(Date.now() - 60_000).toISOString(), used_at: null }).execute();
    }
    const c = t.client();
    c.ip = '192.0.2.77';
    expectProblem(await c.post('/api/v1/auth/sms/send', { phone }), 429, 'sms_limit');
    expect(t.sms.outbox.some((m) => m.phone === phone)).toBe(false);
  });
});

describe('lockout under parallel guessing', () => {
  it('a right password racing wrong ones never clears the lock they set', async () => {
    const u = await makeUser(t, [{ role: 'operator', prefix: COUNTY_A }]);
    const attempts = [...Array.from({ length: 8 }, () => 'wrong-password'), PASSWORD];
    const results = await Promise.all(attempts.map((password) => t.client().post('/api/v1/auth/login', { phone: u.phone, password })));
    expect(results.filter((r) => r.status === 401 || r.status === 423).length).toBeGreaterThanOrEqual(8);
    const row = await t.deps.db.selectFrom('app_user').select('locked_until').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.locked_until && row.locked_until > new Date().toISOString()).toBe(true);
    expectProblem(await t.client().post('/api/v1/auth/login', { phone: u.phone, password: PASSWORD }), 423, 'account_locked');
  });
});

describe('input the databases would choke on', () => {
  it('refuses NUL characters in bodies and query strings with a 400 on both databases', async () => {
    expectProblem(await t.client().get('/api/v1/store/products?q=a%00b'), 400, 'validation_failed');
    const res = await t.client().post('/api/v1/auth/signup', { phone: nextPhone(), password: 'long-enough', name: 'a\u0000b' });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors[0].pointer).toBe('/body/name');
  });

  it('refuses out-of-range price filters', async () => {
    expectProblem(await t.client().get('/api/v1/store/products?minPriceFen=100000000000000000000'), 400, 'validation_failed');
  });

  it('caps stock per SKU instead of overflowing the column', async () => {
    const { operator } = await makeCounty(t);
    const sup = await makeSupplier(t);
    const p = await makeProduct(t, operator.client, sup, { skus: [{ priceFen: 100, stock: 10_000_000 }] });
    let last;
    for (let i = 0; i < 10; i++) last = await operator.client.post(`/api/v1/skus/${p.skuIds[0]}/stock`, { delta: 10_000_000, reason: '补货' });
    expectProblem(last!, 409, 'stock_limit');
    const sku = await t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', p.skuIds[0]!).executeTakeFirstOrThrow();
    expect(sku.stock_available).toBe(100_000_000);
  });

  it('answers a truncated or boundary-less multipart upload with 400', async () => {
    const { operator } = await makeCounty(t);
    const sup = await makeSupplier(t);
    const lic = (await operator.client.post(`/api/v1/suppliers/${sup}/licences`, { kind: 'produce_certificate', number: '', holderName: '甲', issuedOn: '2026-01-01', expiresOn: '2030-01-01' })).body.id;
    const noBoundary = await operator.client.request('PUT', `/api/v1/licences/${lic}/scan`, PNG_1X1, { 'content-type': 'multipart/form-data' });
    expect(noBoundary.status).toBe(400);
    const truncated = await operator.client.request('PUT', `/api/v1/licences/${lic}/scan`, Buffer.concat([Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'), PNG_1X1]), { 'content-type': 'multipart/form-data; boundary=b' });
    expect(truncated.status).toBe(400);
    const row = await t.deps.db.selectFrom('licence').select('image_file_id').where('id', '=', lic).executeTakeFirstOrThrow();
    expect(row.image_file_id).toBeNull();
  });
});

describe('licence housekeeping heals itself', () => {
  it('takes off sale a product whose licence lapsed in an earlier, interrupted run', async () => {
    const { operator } = await makeCounty(t);
    const sup = await makeSupplier(t);
    const lic = await makeLicence(t, operator.client, sup, 'produce_certificate');
    const p = await makeProduct(t, operator.client, sup, { publish: true });
    // As if a run expired the licence and stopped before unlisting.
    await t.deps.db.updateTable('licence').set({ status: 'expired' }).where('id', '=', lic).execute();
    const r = await runLicenceHousekeeping(t.deps);
    expect(r.unlisted).toBeGreaterThanOrEqual(1);
    const row = await t.deps.db.selectFrom('product').select('status').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('off_sale');
  });
});

describe('reviews decide on what the reviewer saw', () => {
  it('refuses a review after the holder changed the licence (stale_review)', async () => {
    const { operator } = await makeCounty(t);
    const sup = await makeSupplier(t);
    const lic = await makeLicence(t, operator.client, sup, 'food_production', 'submitted');
    await operator.client.upload('PUT', `/api/v1/licences/${lic}/scan`, PNG_1X1);
    const seen = (await operator.client.get(`/api/v1/licences/${lic}`)).body.updatedAt;
    await new Promise((r) => setTimeout(r, 5));
    expect((await operator.client.patch(`/api/v1/licences/${lic}`, { number: 'SC10122062200023' })).status).toBe(200);
    expectProblem(await operator.client.post(`/api/v1/licences/${lic}/review`, { verdict: 'verify', expectedUpdatedAt: seen }), 409, 'stale_review');
    const fresh = (await operator.client.get(`/api/v1/licences/${lic}`)).body.updatedAt;
    expect((await operator.client.post(`/api/v1/licences/${lic}/review`, { verdict: 'verify', expectedUpdatedAt: fresh })).status).toBe(200);
  });
});

describe('admins stay inside their counties', () => {
  it('cannot unlock, or take the buyer role from, someone who works in another county', async () => {
    const a = await makeCounty(t, COUNTY_A);
    const b = await makeCounty(t, COUNTY_B);
    expectProblem(await b.admin.client.post(`/api/v1/users/${a.admin.id}/unlock`), 404, 'not_found');
    const grants = (await a.admin.client.get('/api/v1/auth/me')).body.user.roles;
    const buyer = grants.find((g: { role: string }) => g.role === 'buyer');
    expectProblem(await b.admin.client.delete(`/api/v1/users/${a.admin.id}/roles/${buyer.id}`), 404, 'not_found');
    expect((await a.admin.client.get('/api/v1/auth/me')).body.user.roles).toHaveLength(grants.length);
    expect((await a.admin.client.post(`/api/v1/users/${a.operator.id}/unlock`)).status).toBe(200);
  });

  it('grants field roles for one county only; officials may hold a city', async () => {
    const cityAdmin = await makeUser(t, [{ role: 'center_admin', prefix: '2206' }]);
    const u = await makeUser(t, [{ role: 'buyer' }]);
    expectProblem(await cityAdmin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: '2206' }), 422, 'validation_failed');
    expect((await cityAdmin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'official', regionPrefix: '2206' })).status).toBe(201);
    expect((await cityAdmin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: COUNTY_B })).status).toBe(201);
  });
});

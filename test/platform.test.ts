import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from './helpers.js';
import { makeCounty, makeSupplier, COUNTY_A, VILLAGE_A } from './factories.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

describe('health', () => {
  it('/healthz says the process is up and /readyz that the database is current', async () => {
    expect((await t.client().get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.client().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.database).toBe(process.env.DB ?? 'sqlite');
  });
});

describe('problem+json errors', () => {
  it('answers an unknown API route with a 404 problem', async () => {
    const res = await t.client().get('/api/v1/nothing-here');
    expectProblem(res, 404, 'not_found');
    expect(res.body.instance).toBe('/api/v1/nothing-here');
    expect(res.body.type).toMatch(/^https:\/\//);
  });

  it('answers malformed JSON with 400 malformed_json and writes nothing', async () => {
    const { operator } = await makeCounty(t);
    const before = await t.deps.db.selectFrom('supplier').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const res = await operator.client.request('POST', '/api/v1/suppliers', '{"countyCode": "220622", "name": ', { 'content-type': 'application/json' });
    expectProblem(res, 400, 'malformed_json');
    const after = await t.deps.db.selectFrom('supplier').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses bodies that are not JSON (a cross-site form cannot post to the API)', async () => {
    const res = await t.client().request('POST', '/api/v1/auth/login', 'phone=13800138000&password=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('names every bad field by JSON pointer: wrong types, overlong strings, unknown fields', async () => {
    const { operator } = await makeCounty(t);
    const res = await operator.client.post('/api/v1/suppliers', {
      countyCode: 220622, type: 'pirate', name: 'x'.repeat(61), contactName: '甲', phone: '12345', villageCode: VILLAGE_A, extra: true,
    });
    expectProblem(res, 400, 'validation_failed');
    const pointers = new Set(res.body.errors.map((e: { pointer: string }) => e.pointer));
    for (const p of ['/body/type', '/body/name', '/body/phone', '/body/extra']) expect(pointers, p).toContain(p);
  });

  it('rejects an oversize JSON body with 413', async () => {
    const { operator } = await makeCounty(t);
    const supplierId = await makeSupplier(t);
    const res = await operator.client.patch(`/api/v1/suppliers/${supplierId}`, { story: 'x'.repeat(1_100_000) });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('keeps the transaction whole: a refused write leaves no row and no audit entry', async () => {
    const { operator } = await makeCounty(t);
    const auditBefore = Number((await t.deps.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const res = await operator.client.post('/api/v1/suppliers', { countyCode: COUNTY_A, type: 'farmer', name: '村外户', contactName: '甲', phone: '13512345678', villageCode: '220621100201' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors[0].pointer).toBe('/body/villageCode');
    const rows = await t.deps.db.selectFrom('supplier').select('id').where('name', '=', '村外户').execute();
    expect(rows).toHaveLength(0);
    const auditAfter = Number((await t.deps.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(auditAfter).toBe(auditBefore);
  });

  it('sets protective headers on every response', async () => {
    const res = await t.client().get('/api/v1/categories');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });
});

describe('pagination', () => {
  it('rejects a forged cursor and a limit out of range', async () => {
    expectProblem(await t.client().get('/api/v1/store/products?cursor=bm9wZQ'), 400, 'validation_failed');
    expectProblem(await t.client().get('/api/v1/store/products?limit=1000'), 400, 'validation_failed');
  });
});

describe('regions', () => {
  it('lists provinces, then a county’s townships and a township’s villages', async () => {
    const provinces = await t.client().get('/api/v1/regions');
    expect(provinces.body.items.length).toBeGreaterThanOrEqual(31);
    const townships = await t.client().get('/api/v1/regions?parent=220622');
    expect(townships.body.items.map((r: { name: string }) => r.name)).toContain('靖宇镇');
    expect(townships.body.items.every((r: { level: string; code: string }) => r.level === 'township' && r.code.startsWith('220622'))).toBe(true);
    const villages = await t.client().get('/api/v1/regions?parent=220622100');
    expect(villages.body.items.map((r: { code: string }) => r.code)).toContain('220622100200');
  });

  it('gives a region with its path and rejects unknown codes', async () => {
    const village = await t.client().get('/api/v1/regions/220622100200');
    expect(village.body.level).toBe('village');
    expect(village.body.path.map((r: { name: string }) => r.name)).toEqual(['吉林省', '白山市', '靖宇县', '靖宇镇', '联合村']);
    expectProblem(await t.client().get('/api/v1/regions/220699'), 404, 'not_found');
    expectProblem(await t.client().get('/api/v1/regions?parent=999999'), 422, 'validation_failed');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, PNG_1X1, type Res, type TestApp, type TestClient } from '../../../test/helpers.js';
import {
  COUNTY_A, COUNTY_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B,
  makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser,
} from '../../../test/factories.js';
import { addDays, bizDate } from '../../platform/time.js';

let t: TestApp;
let opA: MadeUser;
let opB: MadeUser;
let official: MadeUser;
/** A county-A supplier holding a verified produce certificate and SC licence: can sell most things. */
let supA: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ operator: opA } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A.slice(0, 4) }], '领导');
  supA = await makeSupplier(t, { name: '靖宇山珍合作社' });
  await makeLicence(t, opA.client, supA, 'produce_certificate');
  await makeLicence(t, opA.client, supA, 'food_production');
});
afterAll(async () => { await t.close(); });

const today = () => bizDate();

function pointers(res: Res): string[] {
  return (res.body.errors ?? []).map((e: { pointer: string }) => e.pointer);
}

async function productRow(id: string) {
  return t.deps.db.selectFrom('product').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function skuRow(id: string) {
  return t.deps.db.selectFrom('sku').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function countWhere(table: 'sku' | 'batch' | 'selection_item' | 'product' | 'stock_movement', column: 'product_id' | 'sku_id' | 'supplier_id', value: string) {
  const r = await t.deps.db.selectFrom(table as 'sku').select((eb) => eb.fn.countAll<number>().as('n')).where(column as 'product_id', '=', value).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Query-string problems are reported as /query/<field>, from the schema and the service alike. */
const QUERY_POINTER = (field: string) => new RegExp(`^/query/${field}$`);

const ids = (res: Res) => res.body.items.map((p: { id: string }) => p.id) as string[];

function skuBody(over: Record<string, unknown> = {}) {
  return { spec: '500g', priceFen: 2990, weightG: 600, stock: 10, saleMode: 'spot', ...over };
}

describe('the listing rule', () => {
  it('fresh fruit without a verified produce certificate cannot go on sale', async () => {
    const sup = await makeSupplier(t);
    const p = await makeProduct(t, opA.client, sup, { title: '无证蓝莓' });
    const res = await opA.client.post(`/api/v1/products/${p.id}/publish`);
    expectProblem(res, 409, 'licence_missing');
    expect(res.body.missingLicences).toEqual([['produce_certificate']]);
    expect(res.body.detailZh).toContain('承诺达标合格证');
    expect((await productRow(p.id)).status).toBe('draft');
    const detail = await opA.client.get(`/api/v1/products/${p.id}`);
    expect(detail.body.listingCheck).toMatchObject({ ok: false, missing: [['produce_certificate']] });

    // A certificate still under review does not count, nor does a rejected one.
    const pending = await makeLicence(t, opA.client, sup, 'produce_certificate', 'submitted');
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/publish`), 409, 'licence_missing');
    await opA.client.post(`/api/v1/licences/${pending}/review`, { verdict: 'reject', reason: '信息不全' });
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/publish`), 409, 'licence_missing');

    // A verified one does.
    await makeLicence(t, opA.client, sup, 'produce_certificate');
    const ok = await opA.client.post(`/api/v1/products/${p.id}/publish`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'on_sale', listingCheck: { ok: true, missing: [] } });
    expect(ok.body.publishedAt).not.toBeNull();
  });

  it('a verified licence past its expiry date does not count, even before housekeeping marks it', async () => {
    const sup = await makeSupplier(t);
    const lic = await makeLicence(t, opA.client, sup, 'produce_certificate');
    const p = await makeProduct(t, opA.client, sup, { title: '过期证蓝莓' });
    await t.deps.db.updateTable('licence').set({ expires_on: addDays(today(), -1) }).where('id', '=', lic).execute();
    const res = await opA.client.post(`/api/v1/products/${p.id}/publish`);
    expectProblem(res, 409, 'licence_missing');
    expect(res.body.missingLicences).toEqual([['produce_certificate']]);
    // Expiring today still counts.
    await t.deps.db.updateTable('licence').set({ expires_on: today() }).where('id', '=', lic).execute();
    expect((await opA.client.post(`/api/v1/products/${p.id}/publish`)).status).toBe(200);
  });

  it('processed food needs an SC licence or a workshop registration: either satisfies it', async () => {
    const none = await makeSupplier(t, { type: 'small_workshop' });
    const jam = await makeProduct(t, opA.client, none, { category: 'processed_food', title: '蓝莓果酱' });
    const res = await opA.client.post(`/api/v1/products/${jam.id}/publish`);
    expectProblem(res, 409, 'licence_missing');
    expect(res.body.missingLicences).toEqual([['food_production', 'workshop_registration']]);
    expect(res.body.detail).toContain(' or ');
    // A produce certificate is not enough for processed food.
    await makeLicence(t, opA.client, none, 'produce_certificate');
    expectProblem(await opA.client.post(`/api/v1/products/${jam.id}/publish`), 409, 'licence_missing');

    await makeLicence(t, opA.client, none, 'workshop_registration');
    expect((await opA.client.post(`/api/v1/products/${jam.id}/publish`)).status).toBe(200);

    const factory = await makeSupplier(t, { type: 'enterprise' });
    await makeLicence(t, opA.client, factory, 'food_production');
    const juice = await makeProduct(t, opA.client, factory, { category: 'processed_food', title: '蓝莓原浆' });
    expect((await opA.client.post(`/api/v1/products/${juice.id}/publish`)).status).toBe(200);
  });

  it('handicraft needs no licence, until the rule data says otherwise', async () => {
    const sup = await makeSupplier(t, { type: 'farmer' });
    const basket = await makeProduct(t, opA.client, sup, { category: 'handicraft', title: '手工柳编篮' });
    expect((await opA.client.post(`/api/v1/products/${basket.id}/publish`)).status).toBe(200);

    const cats = await t.client().get('/api/v1/categories');
    expect(cats.body.items.find((c: { code: string }) => c.code === 'handicraft').requiredLicences).toEqual([]);
    expect(cats.body.items.find((c: { code: string }) => c.code === 'processed_food').requiredLicences).toEqual([['food_production', 'workshop_registration']]);

    await t.deps.db.insertInto('category_licence_requirement').values({ category_code: 'handicraft', requirement_group: 1, licence_kind: 'food_business' }).execute();
    try {
      const vase = await makeProduct(t, opA.client, sup, { category: 'handicraft', title: '手工陶罐' });
      const res = await opA.client.post(`/api/v1/products/${vase.id}/publish`);
      expectProblem(res, 409, 'licence_missing');
      expect(res.body.missingLicences).toEqual([['food_business']]);
      expect((await productRow(vase.id)).status).toBe('draft');
      expect((await t.client().get('/api/v1/categories')).body.items.find((c: { code: string }) => c.code === 'handicraft').requiredLicences).toEqual([['food_business']]);
    } finally {
      await t.deps.db.deleteFrom('category_licence_requirement').where('category_code', '=', 'handicraft').execute();
    }
  });

  it('moving an on-sale product into a category the supplier is not licensed for is refused', async () => {
    const sup = await makeSupplier(t);
    await makeLicence(t, opA.client, sup, 'produce_certificate');
    const p = await makeProduct(t, opA.client, sup, { title: '换类目蓝莓', publish: true });
    const res = await opA.client.patch(`/api/v1/products/${p.id}`, { categoryCode: 'processed_food' });
    expectProblem(res, 409, 'licence_missing');
    expect((await productRow(p.id)).category_code).toBe('fresh_fruit');
    const unknown = await opA.client.patch(`/api/v1/products/${p.id}`, { categoryCode: 'no_such_category' });
    expectProblem(unknown, 422, 'validation_failed');
    expect(pointers(unknown)).toEqual(['/body/categoryCode']);
  });
});

describe('product images', () => {
  it('takes nine images; a tenth, or a file that is not an image, is refused and leaves no file behind', async () => {
    const p = await makeProduct(t, opA.client, supA, { title: '九图蓝莓' });
    const dir = path.join(t.config.uploadsDir, 'product_image');
    const files = () => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
    const before = files();
    expectProblem(await opA.client.upload('POST', `/api/v1/products/${p.id}/images`, Buffer.from('not a picture at all')), 415, 'unsupported_file_type');
    expect(files()).toEqual(before);
    for (let i = 0; i < 9; i++) expect((await opA.client.upload('POST', `/api/v1/products/${p.id}/images`, PNG_1X1)).status).toBe(200);
    const nine = files();
    expect(nine.length - before.length).toBe(9);
    expectProblem(await opA.client.upload('POST', `/api/v1/products/${p.id}/images`, PNG_1X1), 409, 'too_many_images');
    expect(files()).toEqual(nine);
    // Removing one frees one place, and three uploads racing for it leave nine, not more.
    const shown = (await opA.client.get(`/api/v1/products/${p.id}`)).body.images as { fileId: string }[];
    expect((await opA.client.request('DELETE', `/api/v1/products/${p.id}/images/${shown[0]!.fileId}`)).status).toBe(200);
    const race = await Promise.all([1, 2, 3].map(() => opA.client.upload('POST', `/api/v1/products/${p.id}/images`, PNG_1X1)));
    expect(race.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await t.deps.db.selectFrom('product_image').select((eb) => eb.fn.countAll<number>().as('n')).where('product_id', '=', p.id).executeTakeFirstOrThrow().then((r) => Number(r.n))).toBe(9);
    // The refused racers' bytes were removed: on disk, one file per stored row (the removed image's row and file stay).
    const stored = await t.deps.db.selectFrom('stored_file').select('storage_key').where('purpose', '=', 'product_image').execute();
    expect(files().filter((f) => !before.includes(f)).sort()).toEqual(stored.map((r) => r.storage_key.replace('product_image/', '')).filter((f) => !before.includes(f)).sort());
    expect(files().length - before.length).toBe(10);
  });
});

describe('product status', () => {
  it('goes draft → on sale → off sale → on sale, and a draft cannot be taken off sale', async () => {
    const p = await makeProduct(t, opA.client, supA, { title: '状态测试榛蘑' });
    const off = await opA.client.post(`/api/v1/products/${p.id}/unpublish`);
    expectProblem(off, 409, 'invalid_transition');
    expect(off.body).toMatchObject({ from: 'draft', to: 'off_sale' });
    expect((await productRow(p.id)).status).toBe('draft');

    expect((await opA.client.post(`/api/v1/products/${p.id}/publish`)).body.status).toBe('on_sale');
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/publish`), 409, 'invalid_transition');
    expect((await opA.client.post(`/api/v1/products/${p.id}/unpublish`)).body.status).toBe('off_sale');
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/unpublish`), 409, 'invalid_transition');
    expect((await opA.client.post(`/api/v1/products/${p.id}/publish`)).body.status).toBe('on_sale');
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', p.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['product.created', 'product.listed', 'product.unlisted', 'product.listed']);
  });

  it('needs at least one live SKU', async () => {
    const p = await makeProduct(t, opA.client, supA, { title: '无规格木耳', skus: [] });
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/publish`), 409, 'no_sku');
    const sku = await opA.client.post(`/api/v1/products/${p.id}/skus`, skuBody());
    await opA.client.patch(`/api/v1/skus/${sku.body.id}`, { archived: true });
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/publish`), 409, 'no_sku');
    expect((await productRow(p.id)).status).toBe('draft');
  });

  it('a suspended supplier’s products cannot go on sale', async () => {
    const sup = await makeSupplier(t);
    await makeLicence(t, opA.client, sup, 'produce_certificate');
    const p = await makeProduct(t, opA.client, sup, { title: '暂停供货蓝莓' });
    expect((await opA.client.post(`/api/v1/suppliers/${sup}/suspend`, { reason: '整改' })).status).toBe(200);
    expectProblem(await opA.client.post(`/api/v1/products/${p.id}/publish`), 409, 'supplier_suspended');
    expect((await productRow(p.id)).status).toBe('draft');
  });

  it('a product put on sale while its supplier is being suspended ends off sale', async () => {
    // On PostgreSQL without the supplier lock, most rounds left the product on sale.
    for (let i = 0; i < 6; i++) {
      const sup = await makeSupplier(t);
      await makeLicence(t, opA.client, sup, 'produce_certificate');
      const p = await makeProduct(t, opA.client, sup, { title: `赶上暂停的蓝莓${i}` });
      const [publish, suspend] = await Promise.all([
        opA.client.post(`/api/v1/products/${p.id}/publish`),
        opA.client.post(`/api/v1/suppliers/${sup}/suspend`, { reason: '抽检不合格' }),
      ]);
      expect(suspend.status).toBe(200);
      // Either the listing went first and the suspension took it off sale, or it was refused.
      if (publish.status === 200) expect(suspend.body.unlistedProductIds).toEqual([p.id]);
      else expectProblem(publish, 409, 'supplier_suspended');
      expect((await productRow(p.id)).status).not.toBe('on_sale');
    }
  });

  it('a supplier publishes its own products but not another supplier’s; an official cannot publish', async () => {
    const sup = await makeSupplier(t);
    await makeLicence(t, opA.client, sup, 'produce_certificate');
    const user = await makeUser(t, [{ role: 'supplier', supplierId: sup }]);
    const mine = await makeProduct(t, user.client, sup, { title: '自家蓝莓' });
    const theirs = await makeProduct(t, opA.client, supA, { title: '别家蓝莓' });
    expect((await user.client.post(`/api/v1/products/${mine.id}/publish`)).status).toBe(200);
    expectProblem(await user.client.post(`/api/v1/products/${theirs.id}/publish`), 404, 'not_found');
    expectProblem(await official.client.post(`/api/v1/products/${theirs.id}/publish`), 403, 'forbidden');
    expect((await official.client.get(`/api/v1/products/${theirs.id}`)).status).toBe(200);
    expect((await productRow(theirs.id)).status).toBe('draft');
    const created = await user.client.post('/api/v1/products', { supplierId: supA, categoryCode: 'fresh_fruit', title: '冒名蓝莓', unit: '盒', originVillageCode: VILLAGE_A });
    expectProblem(created, 422, 'validation_failed');
    expect(pointers(created)).toEqual(['/body/supplierId']);
  });
});

describe('SKUs', () => {
  let productId: string;
  beforeAll(async () => { productId = (await makeProduct(t, opA.client, supA, { title: 'SKU测试蓝莓', skus: [] })).id; });
  const post = (over: Record<string, unknown>) => opA.client.post(`/api/v1/products/${productId}/skus`, skuBody(over));

  it('refuses a price of zero, below zero, a fraction of a fen or not a number', async () => {
    for (const priceFen of [0, -100, 12.5, 'abc', '12.50', null, 100_000_001]) {
      const res = await post({ priceFen });
      expect(res.status, `price ${JSON.stringify(priceFen)}`).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(pointers(res)).toContain('/body/priceFen');
    }
    const missing = await opA.client.post(`/api/v1/products/${productId}/skus`, { spec: '1kg', weightG: 1000, stock: 1, saleMode: 'spot' });
    expectProblem(missing, 400, 'validation_failed');
    expect(pointers(missing)).toEqual(['/body/priceFen']);
    const negativeStock = await post({ stock: -1, weightG: 0 });
    expect(pointers(negativeStock).sort()).toEqual(['/body/stock', '/body/weightG']);
    expect(await countWhere('sku', 'product_id', productId)).toBe(0);
  });

  it('refuses a price sent as a numeric string or an array, and stock as a boolean (bodies are not coerced)', async () => {
    for (const over of [{ priceFen: '5990' }, { priceFen: [5990] }, { stock: true }, { spec: 123 }]) {
      const res = await post(over);
      expectProblem(res, 400, 'validation_failed');
      expect(pointers(res)).toEqual([`/body/${Object.keys(over)[0]}`]);
    }
    expect(await countWhere('sku', 'product_id', productId)).toBe(0);
  });

  it('stores a good SKU in integer fen', async () => {
    const res = await post({ priceFen: 1280 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ priceFen: 1280, stockAvailable: 10, saleMode: 'spot', shipsFrom: null, archived: false, gtin: null });
    expect(await skuRow(res.body.id)).toMatchObject({ price_fen: 1280, stock_available: 10 });
    const moves = await t.deps.db.selectFrom('stock_movement').selectAll().where('sku_id', '=', res.body.id).execute();
    expect(moves).toMatchObject([{ delta: 10, stock_after: 10, reason: 'initial' }]);
  });

  it('a pre-sale needs a future ship date; a spot SKU ignores one', async () => {
    const before = await countWhere('sku', 'product_id', productId);
    const noDate = await post({ saleMode: 'presale' });
    expectProblem(noDate, 422, 'validation_failed');
    expect(pointers(noDate)).toEqual(['/body/shipsFrom']);
    for (const shipsFrom of [today(), addDays(today(), -1)]) {
      const res = await post({ saleMode: 'presale', shipsFrom });
      expectProblem(res, 422, 'validation_failed');
      expect(pointers(res)).toEqual(['/body/shipsFrom']);
    }
    const badDate = await post({ saleMode: 'presale', shipsFrom: '2027-02-30' });
    expect(badDate.status).toBe(400);
    expect([...new Set(pointers(badDate))]).toEqual(['/body/shipsFrom']);
    expect(await countWhere('sku', 'product_id', productId)).toBe(before);

    const ok = await post({ saleMode: 'presale', shipsFrom: addDays(today(), 20) });
    expect(ok.status).toBe(201);
    expect(ok.body.shipsFrom).toBe(addDays(today(), 20));
    const spot = await post({ saleMode: 'spot', shipsFrom: addDays(today(), 20) });
    expect(spot.body.shipsFrom).toBeNull();
    // Turning a spot SKU into a pre-sale needs the date too.
    const flip = await opA.client.patch(`/api/v1/skus/${spot.body.id}`, { saleMode: 'presale' });
    expectProblem(flip, 422, 'validation_failed');
    expect((await skuRow(spot.body.id)).sale_mode).toBe('spot');
    expect((await opA.client.get(`/api/v1/products/${productId}`)).body.hasPresale).toBe(true);
  });

  it('checks the GTIN check digit', async () => {
    const good = await post({ gtin: '6901234567892' });
    expect(good.status).toBe(201);
    expect(good.body.gtin).toBe('6901234567892');
    const wrong = await post({ gtin: '6901234567893' });
    expectProblem(wrong, 422, 'validation_failed');
    expect(wrong.body.errors[0]).toMatchObject({ pointer: '/body/gtin', code: 'bad_gtin' });
    expect((await post({ gtin: '69012345678X' })).status).toBe(400);
    const patch = await opA.client.patch(`/api/v1/skus/${good.body.id}`, { gtin: '4006381333932' });
    expectProblem(patch, 422, 'validation_failed');
    expect((await skuRow(good.body.id)).gtin).toBe('6901234567892');
  });
});

describe('stock', () => {
  async function freshSku(stock: number) {
    const p = await makeProduct(t, opA.client, supA, { title: '库存测试木耳', skus: [{ priceFen: 3990, stock }] });
    return p.skuIds[0]!;
  }
  const adjust = (c: TestClient, sku: string, delta: unknown, reason = '盘点') => c.post(`/api/v1/skus/${sku}/stock`, { delta, reason });

  it('adds and removes stock, never below zero, and records each movement', async () => {
    const sku = await freshSku(10);
    const up = await adjust(opA.client, sku, 5, '新采摘');
    expect(up.status).toBe(200);
    expect(up.body.stockAvailable).toBe(15);
    expect((await adjust(opA.client, sku, -15, '直播售出')).body.stockAvailable).toBe(0);
    const over = await adjust(opA.client, sku, -1);
    expectProblem(over, 409, 'insufficient_stock');
    expect(over.body.available).toBe(0);
    expect((await skuRow(sku)).stock_available).toBe(0);
    for (const delta of [0, 1.5, 'x']) {
      const bad = await adjust(opA.client, sku, delta);
      expectProblem(bad, 400, 'validation_failed');
      expect(pointers(bad)).toContain('/body/delta');
    }
    expectProblem(await opA.client.post(`/api/v1/skus/${sku}/stock`, { delta: 1 }), 400, 'validation_failed');
    const moves = await opA.client.get(`/api/v1/skus/${sku}/stock-movements`);
    expect(moves.body.items.map((m: { delta: number; stockAfter: number; reason: string }) => [m.delta, m.stockAfter, m.reason]))
      .toEqual([[-15, 0, '直播售出'], [5, 15, '新采摘'], [10, 10, 'initial']]);
    expect(moves.body.items[0].actorId).toBe(opA.id);
  });

  it('30 concurrent −1 on a stock of 10: exactly 10 succeed and stock ends at 0', async () => {
    const sku = await freshSku(10);
    const results = await Promise.all(Array.from({ length: 30 }, () => adjust(opA.client, sku, -1, '秒杀')));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const r of refused) expectProblem(r, 409, 'insufficient_stock');
    expect(ok.map((r) => r.body.stockAvailable).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await skuRow(sku)).stock_available).toBe(0);
    const moves = await t.deps.db.selectFrom('stock_movement').select(['delta', 'stock_after']).where('sku_id', '=', sku).where('reason', '=', '秒杀').execute();
    expect(moves).toHaveLength(10);
    expect(moves.every((m) => m.delta === -1)).toBe(true);
    expect(moves.map((m) => m.stock_after).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('concurrent +3 and −2 adjustments lose no update', async () => {
    const sku = await freshSku(100);
    const calls = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? adjust(opA.client, sku, 3, '补货') : adjust(opA.client, sku, -2, '售出')));
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect((await skuRow(sku)).stock_available).toBe(100 + 20 * 3 - 20 * 2);
    const moves = await t.deps.db.selectFrom('stock_movement').select(['delta', 'stock_after']).where('sku_id', '=', sku).execute();
    expect(moves).toHaveLength(41);
    expect(moves.reduce((s, m) => s + m.delta, 0)).toBe(120);
    expect(moves.filter((m) => m.delta === 3)).toHaveLength(20);
    expect(moves.filter((m) => m.delta === -2)).toHaveLength(20);
  });
});

describe('batches', () => {
  it('records a harvest batch, refuses a duplicate number and a future date', async () => {
    const p = await makeProduct(t, opA.client, supA, { title: '批次测试蓝莓' });
    const body = { batchNo: 'LM-2026-08-01', kind: 'harvest', producedOn: addDays(today(), -2), quantity: 300, quantityUnit: '斤', shelfLifeDays: 10 };
    const res = await opA.client.post(`/api/v1/products/${p.id}/batches`, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ batchNo: 'LM-2026-08-01', quantity: 300, bestBefore: addDays(today(), 8) });
    const dup = await opA.client.post(`/api/v1/products/${p.id}/batches`, { ...body, quantity: 5 });
    expectProblem(dup, 409, 'batch_exists');
    const future = await opA.client.post(`/api/v1/products/${p.id}/batches`, { ...body, batchNo: 'LM-FUTURE', producedOn: addDays(today(), 1) });
    expectProblem(future, 422, 'validation_failed');
    expect(pointers(future)).toEqual(['/body/producedOn']);
    const notDate = await opA.client.post(`/api/v1/products/${p.id}/batches`, { ...body, batchNo: 'LM-BAD', producedOn: '2025-02-29' });
    expect(notDate.status).toBe(400);
    expect(pointers(notDate)).toEqual(['/body/producedOn']);
    expect(await countWhere('batch', 'product_id', p.id)).toBe(1);
    // The same number on another product is fine.
    const other = await makeProduct(t, opA.client, supA, { title: '批次测试蓝莓二' });
    expect((await opA.client.post(`/api/v1/products/${other.id}/batches`, body)).status).toBe(201);
    expect((await opA.client.get(`/api/v1/products/${p.id}`)).body.batches.map((b: { batchNo: string }) => b.batchNo)).toEqual(['LM-2026-08-01']);
  });

  it('two clients recording the same batch number at once: one wins, the other gets a 409, never a 500', async () => {
    const p = await makeProduct(t, opA.client, supA, { title: '并发批次蓝莓' });
    const body = { batchNo: 'RACE-1', kind: 'harvest', producedOn: addDays(today(), -1), quantity: 10, quantityUnit: '斤', shelfLifeDays: 10 };
    const results = await Promise.all(Array.from({ length: 6 }, () => opA.client.post(`/api/v1/products/${p.id}/batches`, body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(['batch_exists', 'duplicate']).toContain(r.body.code);
    }
    expect(await countWhere('batch', 'product_id', p.id)).toBe(1);
  });
});

describe('the selection base', () => {
  const terms = { suggestedPriceFen: 5990, commissionRateBp: 1500, sellingPoints: ['长白山', '现摘现发'], sampleQuantity: 2 };
  let hostA: MadeUser;
  let hostB: MadeUser;
  let fruit: string;
  let fungus: string;
  let presale: string;
  let mine: Set<string>;

  beforeAll(async () => {
    hostA = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '主播A');
    hostB = await makeUser(t, [{ role: 'host', prefix: COUNTY_B }], '主播B');
    fruit = (await makeProduct(t, opA.client, supA, { title: '选品甜蓝莓', village: VILLAGE_A, skus: [{ priceFen: 5990, stock: 10 }], publish: true })).id;
    fungus = (await makeProduct(t, opA.client, supA, { category: 'mountain_goods', title: '选品秋木耳', village: VILLAGE_A2, skus: [{ priceFen: 2990, stock: 0 }], publish: true })).id;
    presale = (await makeProduct(t, opA.client, supA, { title: '选品预售蓝莓', village: VILLAGE_A2, skus: [{ priceFen: 12000, stock: 5, saleMode: 'presale', shipsFrom: addDays(today(), 30) }], publish: true })).id;
    mine = new Set([fruit, fungus, presale]);
  });

  it('only the county’s center curates it, and only products on sale', async () => {
    const user = await makeUser(t, [{ role: 'supplier', supplierId: supA }]);
    expectProblem(await user.client.put(`/api/v1/products/${fruit}/selection`, terms), 403, 'forbidden');
    expectProblem(await official.client.put(`/api/v1/products/${fruit}/selection`, terms), 403, 'forbidden');
    expectProblem(await hostA.client.put(`/api/v1/products/${fruit}/selection`, terms), 403, 'forbidden');
    expectProblem(await opB.client.put(`/api/v1/products/${fruit}/selection`, terms), 404, 'not_found');
    const draft = await makeProduct(t, opA.client, supA, { title: '选品草稿' });
    expectProblem(await opA.client.put(`/api/v1/products/${draft.id}/selection`, terms), 409, 'product_not_on_sale');
    for (const commissionRateBp of [5001, -1, 15.5]) {
      const res = await opA.client.put(`/api/v1/products/${fruit}/selection`, { ...terms, commissionRateBp });
      expectProblem(res, 400, 'validation_failed');
      expect(pointers(res)).toEqual(['/body/commissionRateBp']);
    }
    expect(await countWhere('selection_item', 'product_id', fruit)).toBe(0);
    expect(await countWhere('selection_item', 'product_id', draft.id)).toBe(0);

    const res = await opA.client.put(`/api/v1/products/${fruit}/selection`, terms);
    expect(res.status).toBe(200);
    expect(res.body.selection).toMatchObject({ suggestedPriceFen: 5990, commissionRateBp: 1500, sellingPoints: ['长白山', '现摘现发'] });
    const again = await opA.client.put(`/api/v1/products/${fruit}/selection`, { ...terms, commissionRateBp: 5000 });
    expect(again.body.selection.commissionRateBp).toBe(5000);
    expect(again.body.selection.id).toBe(res.body.selection.id);
    expect(await countWhere('selection_item', 'product_id', fruit)).toBe(1);
    await opA.client.put(`/api/v1/products/${fungus}/selection`, { ...terms, suggestedPriceFen: 2990 });
    await opA.client.put(`/api/v1/products/${presale}/selection`, { ...terms, suggestedPriceFen: 12000 });
  });

  it('hosts of the county see it; hosts of another county do not', async () => {
    const a = await hostA.client.get('/api/v1/selection?limit=100');
    expect(a.status).toBe(200);
    const seen = a.body.items.map((i: { productId: string }) => i.productId);
    expect(seen).toEqual(expect.arrayContaining([fruit, fungus, presale]));
    const item = a.body.items.find((i: { productId: string }) => i.productId === fruit);
    expect(item.selection.commissionRateBp).toBe(5000);
    const b = await hostB.client.get('/api/v1/selection?limit=100');
    expect(b.status).toBe(200);
    expect(b.body.items.filter((i: { productId: string }) => mine.has(i.productId))).toEqual([]);
    expect((await official.client.get('/api/v1/selection?limit=100')).body.items.map((i: { productId: string }) => i.productId)).toContain(fruit);
    expectProblem(await t.client().get('/api/v1/selection'), 401, 'unauthenticated');
    const user = await makeUser(t, [{ role: 'supplier', supplierId: supA }]);
    expectProblem(await user.client.get('/api/v1/selection'), 403, 'forbidden');
  });

  it('filters by category, village, stock, pre-sale, price and keyword', async () => {
    const pick = async (query: string) => {
      const res = await hostA.client.get(`/api/v1/selection?limit=100&${query}`);
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.items.map((i: { productId: string }) => i.productId).filter((id: string) => mine.has(id)).sort();
    };
    const sorted = (...xs: string[]) => xs.sort();
    expect(await pick('categoryCode=fresh_fruit')).toEqual(sorted(fruit, presale));
    expect(await pick('categoryCode=mountain_goods')).toEqual([fungus]);
    expect(await pick(`villageCode=${VILLAGE_A2}`)).toEqual(sorted(fungus, presale));
    expect(await pick(`villageCode=${VILLAGE_A2.slice(0, 9)}`)).toEqual(sorted(fungus, presale)); // township
    expect(await pick(`villageCode=${VILLAGE_A}`)).toEqual([fruit]);
    expect(await pick('inStock=true')).toEqual(sorted(fruit, presale));
    expect(await pick('preSale=true')).toEqual([presale]);
    expect(await pick('minPriceFen=3000&maxPriceFen=6000')).toEqual([fruit]);
    expect(await pick('minPriceFen=10000')).toEqual([presale]);
    expect(await pick('maxPriceFen=2990')).toEqual([fungus]);
    expect(await pick(`q=${encodeURIComponent('木耳')}`)).toEqual([fungus]);
    expect(await pick(`q=${encodeURIComponent('现摘现发')}`)).toEqual(sorted(fruit, fungus, presale)); // selling points are searchable
    expect(await pick(`q=${encodeURIComponent('预售 蓝莓')}`)).toEqual([presale]);
    const bad = await hostA.client.get('/api/v1/selection?minPriceFen=6000&maxPriceFen=3000');
    expectProblem(bad, 422, 'validation_failed');
    expect(pointers(bad)).toEqual(['/query/maxPriceFen']);
    const negative = await hostA.client.get('/api/v1/selection?minPriceFen=-1');
    expectProblem(negative, 400, 'validation_failed');
    expect(pointers(negative)).toEqual([expect.stringMatching(QUERY_POINTER('minPriceFen'))]);
  });

  it('a product taken off sale leaves the selection list; the center can remove an entry', async () => {
    await opA.client.post(`/api/v1/products/${fungus}/unpublish`);
    expect((await hostA.client.get('/api/v1/selection?limit=100')).body.items.map((i: { productId: string }) => i.productId)).not.toContain(fungus);
    const removed = await opA.client.delete(`/api/v1/products/${presale}/selection`);
    expect(removed.status).toBe(200);
    expect(removed.body.selection).toBeNull();
    expectProblem(await opA.client.delete(`/api/v1/products/${presale}/selection`), 404, 'not_found');
    expect((await hostA.client.get('/api/v1/selection?limit=100')).body.items.map((i: { productId: string }) => i.productId)).not.toContain(presale);
  });
});

describe('keyword search', () => {
  // Its own database, so that no other product's title gets in the way of "exactly".
  let s: TestApp;
  let berry: string;
  let dried: string;
  let fungus: string;
  let honey: string;
  let op: TestClient;

  beforeAll(async () => {
    s = await createTestApp();
    op = (await makeCounty(s, COUNTY_A)).operator.client;
    const sup = await makeSupplier(s, { name: '靖宇山货合作社' });
    await makeLicence(s, op, sup, 'produce_certificate');
    await makeLicence(s, op, sup, 'food_production');
    berry = (await makeProduct(s, op, sup, { title: '长白山蓝莓', publish: true })).id;
    dried = (await makeProduct(s, op, sup, { category: 'mountain_goods', title: '蓝莓果干', publish: true })).id;
    fungus = (await makeProduct(s, op, sup, { category: 'mountain_goods', title: '黑木耳', publish: true })).id;
    honey = (await makeProduct(s, op, sup, { category: 'bee_products', title: 'Wild HONEY 100%椴树蜜', publish: true })).id;
  });
  afterAll(async () => { await s.close(); });

  const search = async (q: string, path = '/api/v1/store/products') => {
    const res = await s.client().get(`${path}?limit=100&q=${encodeURIComponent(q)}`);
    expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
    return (ids(res)).sort();
  };

  it('finds Chinese words inside titles', async () => {
    expect(await search('蓝莓')).toEqual([berry, dried].sort());
    expect(await search('木耳')).toEqual([fungus]);
    expect(await search('长白山')).toEqual([berry]);
    expect(await search('蓝莓 果干')).toEqual([dried]);
    expect(await search('椴树蜜')).toEqual([honey]);
    expect(await search('草莓')).toEqual([]);
  });

  it('treats % and _ as ordinary characters', async () => {
    expect(await search('%')).toEqual([honey]);
    expect(await search('_')).toEqual([]);
    expect(await search('100%')).toEqual([honey]);
    expect(await search('1_0')).toEqual([]);
    expect(await search('\\')).toEqual([]);
  });

  it('matches English regardless of case', async () => {
    expect(await search('honey')).toEqual([honey]);
    expect(await search('HONEY')).toEqual([honey]);
    expect(await search('wild honey')).toEqual([honey]);
    expect(await search('Wild')).toEqual([honey]);
  });

  it('staff search the same way', async () => {
    const staff = await op.get(`/api/v1/products?limit=100&q=${encodeURIComponent('蓝莓')}`);
    expect(ids(staff).sort()).toEqual([berry, dried].sort());
  });

  it('an edited title is searchable at once', async () => {
    expect((await op.patch(`/api/v1/products/${fungus}`, { title: '秋木耳 Black Fungus' })).status).toBe(200);
    expect(await search('fungus')).toEqual([fungus]);
    expect(await search('黑木耳')).toEqual([]);
  });
});

describe('the storefront', () => {
  let onA: string;
  let onB: string;
  let draft: string;
  let off: string;
  let sup: string;

  beforeAll(async () => {
    sup = await makeSupplier(t, { name: '店面合作社' });
    await opA.client.patch(`/api/v1/suppliers/${sup}`, { story: '一家三代守着这片蓝莓园', description: '靖宇县的蓝莓合作社' });
    await makeLicence(t, opA.client, sup, 'produce_certificate');
    await makeLicence(t, opA.client, sup, 'food_business', 'submitted');
    const lapsed = await makeLicence(t, opA.client, sup, 'food_production');
    await t.deps.db.updateTable('licence').set({ expires_on: addDays(today(), -1) }).where('id', '=', lapsed).execute();
    onA = (await makeProduct(t, opA.client, sup, { title: '店面蓝莓', publish: true })).id;
    draft = (await makeProduct(t, opA.client, sup, { title: '店面草稿' })).id;
    off = (await makeProduct(t, opA.client, sup, { title: '店面下架', publish: true })).id;
    await opA.client.post(`/api/v1/products/${off}/unpublish`);
    const supB = await makeSupplier(t, { countyCode: COUNTY_B });
    await makeLicence(t, opB.client, supB, 'produce_certificate');
    onB = (await makeProduct(t, opB.client, supB, { title: '抚松蓝莓', village: VILLAGE_B, publish: true })).id;
    await opA.client.post(`/api/v1/products/${onA}/batches`, { batchNo: 'B-001', kind: 'harvest', producedOn: addDays(today(), -1), quantity: 100, quantityUnit: '斤', shelfLifeDays: 7 });
  });

  it('lists only products on sale, from every county, to anyone', async () => {
    const res = await t.client().get('/api/v1/store/products?limit=100');
    expect(res.status).toBe(200);
    const seen = ids(res);
    expect(seen).toEqual(expect.arrayContaining([onA, onB]));
    expect(seen).not.toContain(draft);
    expect(seen).not.toContain(off);
    expect(res.body.items.every((p: { status: string }) => p.status === 'on_sale')).toBe(true);
    expect(ids(await t.client().get(`/api/v1/store/products?limit=100&countyCode=${COUNTY_B}`))).toContain(onB);
    expect(ids(await t.client().get(`/api/v1/store/products?limit=100&countyCode=${COUNTY_B}`))).not.toContain(onA);
  });

  it('a draft or off-sale product has no public page', async () => {
    expectProblem(await t.client().get(`/api/v1/store/products/${draft}`), 404, 'not_found');
    expectProblem(await t.client().get(`/api/v1/store/products/${off}`), 404, 'not_found');
    expectProblem(await t.client().get('/api/v1/store/products/prd_nope'), 404, 'not_found');
  });

  it('the product page shows the story, batches and only verified unexpired licences, and no private details', async () => {
    const res = await t.client().get(`/api/v1/store/products/${onA}`);
    expect(res.status).toBe(200);
    expect(res.body.supplier).toMatchObject({ id: sup, name: '店面合作社', story: '一家三代守着这片蓝莓园' });
    expect(res.body.supplier.villageName).toContain('联合村');
    expect(res.body.licences.map((l: { kind: string }) => l.kind)).toEqual(['produce_certificate']);
    expect(res.body.batches.map((b: { batchNo: string }) => b.batchNo)).toEqual(['B-001']);
    expect(res.body.returnsPolicy).toBe('quality_only');
    expect(res.body.skus).toHaveLength(1);
    const json = JSON.stringify(res.body);
    for (const secret of ['13512345678', '6222020200112233445', '测试银行', 'phone', 'payee', 'contactName']) {
      expect(json, secret).not.toContain(secret);
    }
    const list = JSON.stringify((await t.client().get('/api/v1/store/products?limit=100')).body);
    for (const secret of ['13512345678', '6222020200112233445', 'payee', 'phone']) expect(list).not.toContain(secret);
  });
});

describe('across counties', () => {
  it('county B’s operator neither sees nor changes county A’s products, SKUs or stock', async () => {
    const p = await makeProduct(t, opA.client, supA, { title: '跨县蓝莓', skus: [{ priceFen: 5990, stock: 10 }] });
    const sku = p.skuIds[0]!;
    const before = { product: await productRow(p.id), sku: await skuRow(sku) };

    expect(ids(await opB.client.get('/api/v1/products?limit=100'))).not.toContain(p.id);
    expect(ids(await opB.client.get(`/api/v1/products?limit=100&supplierId=${supA}`))).toEqual([]);
    expectProblem(await opB.client.get(`/api/v1/products/${p.id}`), 404, 'not_found');
    expectProblem(await opB.client.patch(`/api/v1/products/${p.id}`, { title: '县B改名' }), 404, 'not_found');
    expectProblem(await opB.client.post(`/api/v1/products/${p.id}/publish`), 404, 'not_found');
    expectProblem(await opB.client.post(`/api/v1/products/${p.id}/skus`, skuBody()), 404, 'not_found');
    expectProblem(await opB.client.patch(`/api/v1/skus/${sku}`, { priceFen: 1 }), 404, 'not_found');
    expectProblem(await opB.client.post(`/api/v1/skus/${sku}/stock`, { delta: -10, reason: '县B' }), 404, 'not_found');
    expectProblem(await opB.client.get(`/api/v1/skus/${sku}/stock-movements`), 404, 'not_found');
    expectProblem(await opB.client.post(`/api/v1/products/${p.id}/batches`, { batchNo: 'X', kind: 'harvest', producedOn: today(), quantity: 1, quantityUnit: '斤', shelfLifeDays: 1 }), 404, 'not_found');
    const steal = await opB.client.post('/api/v1/products', { supplierId: supA, categoryCode: 'fresh_fruit', title: '县B冒名', unit: '盒', originVillageCode: VILLAGE_B });
    expectProblem(steal, 422, 'validation_failed');
    expect(pointers(steal)).toEqual(['/body/supplierId']);

    expect(await productRow(p.id)).toEqual(before.product);
    expect(await skuRow(sku)).toEqual(before.sku);
    expect(await countWhere('sku', 'product_id', p.id)).toBe(1);
    expect(await countWhere('batch', 'product_id', p.id)).toBe(0);
    expect(await countWhere('stock_movement', 'sku_id', sku)).toBe(1);
    expect((await t.deps.db.selectFrom('product').select('id').where('title', '=', '县B冒名').execute())).toEqual([]);
  });

  it('a product’s origin village must be in its supplier’s county', async () => {
    const res = await opA.client.post('/api/v1/products', { supplierId: supA, categoryCode: 'fresh_fruit', title: '外县产地', unit: '盒', originVillageCode: VILLAGE_B });
    expectProblem(res, 422, 'validation_failed');
    expect(pointers(res)).toEqual(['/body/originVillageCode']);
  });
});

describe('pagination', () => {
  it('pages 25 products as 10, 10, 5 with no repeats, and refuses a forged cursor', async () => {
    const sup = await makeSupplier(t, { name: '分页合作社' });
    const made: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await opA.client.post('/api/v1/products', { supplierId: sup, categoryCode: 'handicraft', title: `分页商品${i}`, unit: '件', originVillageCode: VILLAGE_A });
      made.push(res.body.id);
    }
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res: Res = await opA.client.get(`/api/v1/products?supplierId=${sup}&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(ids(res));
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(25);
    expect(all.sort()).toEqual([...made].sort());
    expect(pages[0]![0]).toBe(made[24]); // newest first

    for (const bad of ['garbage', Buffer.from('prd_1 or 1=1').toString('base64url'), '%%%']) {
      const res = await opA.client.get(`/api/v1/products?supplierId=${sup}&cursor=${encodeURIComponent(bad)}`);
      expectProblem(res, 400, 'validation_failed');
      expect(pointers(res)).toEqual(['/query/cursor']);
    }
    for (const limit of ['0', '101', 'ten']) {
      const res = await opA.client.get(`/api/v1/products?supplierId=${sup}&limit=${limit}`);
      expectProblem(res, 400, 'validation_failed');
      expect(pointers(res)).toEqual([expect.stringMatching(QUERY_POINTER('limit'))]);
    }
  });
});

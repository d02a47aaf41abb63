import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, bizDate } from '../../src/platform/time.js';
import { VILLAGE_A, makeCounty, makeLicence, makeProduct } from '../factories.js';
import { newPage, productPng, shot, startHarness, type Harness } from './harness.js';

/** A buyer on a phone opens a product page: price, SKUs, the grower's story, the certificate. */
describe('buyer: storefront product page on a phone', () => {
  let h: Harness;
  let productId: string;
  const story = '李大姐一个人管着5亩蓝莓，每年七月底成熟，一颗颗手摘。';
  const title = '李大姐家蓝莓 自家果园（测试）';

  beforeAll(async () => {
    h = await startHarness();
    const { operator } = await makeCounty(h.t);
    const api = operator.client;
    const supplier = await api.post('/api/v1/suppliers', {
      countyCode: '220622', type: 'farmer', name: '李桂芝蓝莓园（测试）', contactName: '李桂芝', phone: '13512340002', villageCode: VILLAGE_A, story,
    });
    expect(supplier.status, JSON.stringify(supplier.body)).toBe(201);
    const supplierId = supplier.body.id as string;
    await makeLicence(h.t, api, supplierId, 'produce_certificate', 'verified');
    const made = await makeProduct(h.t, api, supplierId, {
      category: 'fresh_fruit', title,
      skus: [{ spec: '125g×6盒', priceFen: 7990, stock: 40 }, { spec: '125g×12盒', priceFen: 14990, stock: 5 }],
    });
    productId = made.id;
    const batch = await api.post(`/api/v1/products/${productId}/batches`, {
      batchNo: 'T-001', kind: 'harvest', producedOn: addDays(bizDate(), -1), quantity: 120, quantityUnit: '斤', shelfLifeDays: 10,
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    const image = await api.upload('POST', `/api/v1/products/${productId}/images`, await productPng(h, '蓝莓'));
    expect(image.status, JSON.stringify(image.body)).toBe(200);
    const pub = await api.post(`/api/v1/products/${productId}/publish`);
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows price, SKU chips, supplier story, certificate and the fresh-food returns note', async () => {
    const { page, errors } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/`);
    const card = page.getByTestId('product-card').filter({ hasText: title });
    await card.waitFor();
    expect(await card.textContent()).toContain('79.90');
    await shot(page, 'b1-storefront-home');

    await card.click();
    await page.waitForURL(new RegExp(`/p/${productId}$`));
    await page.locator('.price-band').waitFor();
    const price = await page.locator('.price-band .price').textContent();
    expect(price).toBe('¥79.90');
    const chips = page.getByTestId('sku-chip');
    expect(await chips.allTextContents()).toEqual(['125g×6盒', '125g×12盒']);
    await chips.nth(1).click();
    expect(await page.locator('.price-band .price').textContent()).toBe('¥149.90');
    await page.getByText('仅剩 5 盒').waitFor();

    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain(story);
    expect(body).toContain('食用农产品承诺达标合格证');
    expect(body).toContain('生鲜类不支持七天无理由退货，质量问题48小时内可申请售后');
    expect(body).toContain('采摘日期');
    expect(body).toContain('联合村');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'b2-product-page', true);

    // Buying needs an account: a signed-out visitor is sent to sign in, with the way back kept.
    await page.getByRole('button', { name: '立即购买' }).click();
    await page.waitForURL(new RegExp(`/me\\?return=${encodeURIComponent(`/p/${productId}`)}$`));
    await page.getByText('登录后就能下单').waitFor();
    await shot(page, 'b3-sign-in-to-buy');
    expect(errors).toEqual([]);
  });

  it('elder mode raises type to at least 18 px and buttons to at least 48 px, and remembers it', async () => {
    const { page, errors } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/me`);
    await page.getByRole('switch', { name: '长辈模式' }).click();
    await page.goto(`${h.baseUrl}/p/${productId}`);
    await page.locator('.price-band').waitFor();
    const fontSize = await page.locator('.store').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(18);
    const heights = await page.locator('.buybar .buttons button, [data-testid=sku-chip]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(48);
    await shot(page, 'b4-elder-mode-product');

    // English as well, from the same 我的 page.
    await page.goto(`${h.baseUrl}/me`);
    await page.getByRole('radio', { name: 'English' }).click();
    await page.getByText('Elder mode').waitFor();
    await page.goto(`${h.baseUrl}/p/${productId}`);
    await page.getByRole('button', { name: 'Buy now' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Produce compliance certificate');
    expect(errors).toEqual([]);
  });
});

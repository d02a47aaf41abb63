import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, bizDate } from '../../src/platform/time.js';
import { PASSWORD, VILLAGE_A, makeCounty, makeProduct, type MadeUser } from '../factories.js';
import { licencePng, newPage, shot, startHarness, type Harness } from './harness.js';

/**
 * An operator signs in to the console, sees why a product cannot go on sale (the supplier's
 * produce certificate is not verified), verifies the certificate in the review queue with the
 * scan beside its fields, then puts the product on sale.
 */
describe('operator: licence review then listing', () => {
  let h: Harness;
  let operator: MadeUser;
  let supplierId: string;
  let licenceId: string;
  let productId: string;
  const supplierName = '测试联合村蓝莓合作社';
  const productTitle = '林下笃斯蓝莓鲜果（测试）';

  beforeAll(async () => {
    h = await startHarness();
    ({ operator } = await makeCounty(h.t));
    const api = operator.client;
    const supplier = await api.post('/api/v1/suppliers', {
      countyCode: '220622', type: 'cooperative', name: supplierName, contactName: '孙立新', phone: '13512340001', villageCode: VILLAGE_A,
      story: '合作社带动联合村农户种植笃斯蓝莓，林下生长。',
    });
    expect(supplier.status, JSON.stringify(supplier.body)).toBe(201);
    supplierId = supplier.body.id;
    const licence = await api.post(`/api/v1/suppliers/${supplierId}/licences`, {
      kind: 'produce_certificate', number: '', holderName: supplierName, scope: '蓝莓鲜果 400 公斤',
      issuedOn: addDays(bizDate(), -3), expiresOn: addDays(bizDate(), 180),
    });
    expect(licence.status, JSON.stringify(licence.body)).toBe(201);
    licenceId = licence.body.id;
    const scan = await api.upload('PUT', `/api/v1/licences/${licenceId}/scan`, await licencePng(h, '食用农产品承诺达标合格证', supplierName));
    expect(scan.status, JSON.stringify(scan.body)).toBe(200);
    ({ id: productId } = await makeProduct(h.t, api, supplierId, { category: 'fresh_fruit', title: productTitle, skus: [{ spec: '125g×4盒', priceFen: 5990, stock: 30 }] }));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('verifies the certificate beside its scan, then the product goes on sale', async () => {
    const { page, errors } = await newPage(h, { width: 1366, height: 900 });

    // Sign in.
    await page.goto(`${h.baseUrl}/admin/products/${productId}`);
    await page.waitForURL(/\/admin\/login/);
    await page.fill('#phone', operator.phone);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: /^登\s*录$/ }).click();
    await page.waitForURL(new RegExp(`/admin/products/${productId}$`));
    await expect.poll(() => page.getByTestId('header-role').textContent()).toContain('运营');

    // The listing rule names the missing certificate in plain words.
    const blocked = page.getByTestId('listing-check');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('食用农产品承诺达标合格证');
    await shot(page, 'a1-product-blocked-by-listing-rule');

    // The review queue lists the submitted certificate.
    await page.getByRole('menuitem', { name: '证照审核' }).click();
    await page.waitForURL(/\/admin\/licences$/);
    const row = page.locator('tr', { hasText: supplierName });
    await row.waitFor();
    await row.getByTestId('review-link').click();
    await page.waitForURL(new RegExp(`/admin/licences/${licenceId}$`));

    // The scan shows, beside the licence fields.
    const scan = page.getByTestId('licence-scan').locator('img').first();
    await scan.waitFor();
    await expect.poll(() => scan.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const verify = page.getByTestId('verify-licence');
    const scanBox = (await scan.boundingBox())!;
    const formBox = (await verify.boundingBox())!;
    expect(scanBox.width).toBeGreaterThan(300);
    expect(formBox.x).toBeGreaterThan(scanBox.x + scanBox.width - 1); // to the right of the scan
    expect(formBox.y).toBeLessThan(scanBox.y + scanBox.height); // on the same screen band
    expect(await page.locator('main').textContent()).toContain('蓝莓鲜果 400 公斤');
    await shot(page, 'a2-licence-review-scan-beside-fields');

    await verify.click();
    await page.waitForURL(/\/admin\/licences$/);
    await page.getByText(`已通过“${supplierName}”的证照。`).waitFor();
    const reviewed = await operator.client.get(`/api/v1/licences/${licenceId}`);
    expect(reviewed.body.status).toBe('verified');

    // Now the product passes the listing rule and goes on sale.
    await page.goto(`${h.baseUrl}/admin/products/${productId}`);
    await page.getByTestId('publish').waitFor();
    expect(await page.getByTestId('listing-check').count()).toBe(0);
    await page.getByTestId('publish').click();
    await expect.poll(() => page.getByTestId('product-status').textContent()).toBe('在售');
    await shot(page, 'a3-product-on-sale');
    const product = await operator.client.get(`/api/v1/products/${productId}`);
    expect(product.body.status).toBe('on_sale');

    expect(errors).toEqual([]);
  });

  it('works on a 375-px phone: the side navigation folds into a menu button', async () => {
    const { page, errors } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/admin/login`);
    await page.fill('#phone', operator.phone);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: /^登\s*录$/ }).click();
    await page.waitForURL(/\/admin\/suppliers$/);
    await page.locator('tr', { hasText: supplierName }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole('button', { name: '打开菜单' }).click();
    await page.getByRole('menuitem', { name: '商品管理' }).click();
    await page.waitForURL(/\/admin\/products$/);
    await page.locator('tr', { hasText: productTitle }).waitFor();
    await page.getByRole('menuitem', { name: '商品管理' }).waitFor({ state: 'hidden' }); // the drawer has closed
    await shot(page, 'a4-console-on-phone');
    expect(errors).toEqual([]);
  });
});

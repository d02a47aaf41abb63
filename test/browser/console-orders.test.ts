import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../factories.js';
import type { TestClient } from '../helpers.js';
import { newPage, shot, signInConsole, startHarness, type Harness } from './harness.js';

/**
 * Orders through the console: two orders are placed and paid through the API (sandbox); the
 * supplier signs in, ships one from the order sheet's drawer and the other with batch ship,
 * tries a tracking import with a bad row, and sees the shipped tab; then the center admin
 * opens the ledger: the trial balance is 平衡 and the supplier's payable shows by name.
 */
describe('console: order sheet, shipping and the ledger', () => {
  let h: Harness;
  let admin: MadeUser;
  let supplierUser: MadeUser;
  const orderNos: string[] = [];
  const supplierName = '靖宇蓝莓合作社（发货测试）';
  const title = '林下蓝莓鲜果（发货测试）';

  const key = () => `k-${randomUUID()}`;
  async function placeAndPay(buyer: TestClient, addressId: string, skuId: string, quantity: number): Promise<string> {
    const c = await buyer.request('POST', '/api/v1/checkouts', { items: [{ skuId, quantity }], addressId }, { 'idempotency-key': key() });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const start = await buyer.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect((await buyer.post(`${start.body.url}/confirm`, {})).status).toBe(200);
    const end = Date.now() + 10_000;
    for (;;) {
      const got = await buyer.get(`/api/v1/checkouts/${c.body.id}`);
      if (got.body.status === 'paid') return got.body.orders[0].orderNo as string;
      if (Date.now() > end) throw new Error(`checkout not paid: ${JSON.stringify(got.body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    h = await startHarness();
    let operator: MadeUser;
    ({ admin, operator } = await makeCounty(h.t));
    const supplierId = await makeSupplier(h.t, { name: supplierName });
    await makeLicence(h.t, operator.client, supplierId, 'produce_certificate', 'verified');
    const { skuIds } = await makeProduct(h.t, operator.client, supplierId, { title, skus: [{ spec: '125g×6盒', priceFen: 7990, stock: 50 }], publish: true });
    supplierUser = await makeUser(h.t, [{ role: 'supplier', supplierId }], '李社长');
    const buyer = await makeUser(h.t, [{ role: 'buyer' }], '王买家');
    const addr = await buyer.client.post('/api/v1/me/addresses', { recipientName: '王小丫', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
    expect(addr.status).toBe(201);
    orderNos.push(await placeAndPay(buyer.client, addr.body.id, skuIds[0]!, 2));
    orderNos.push(await placeAndPay(buyer.client, addr.body.id, skuIds[0]!, 1));
    orderNos.push(await placeAndPay(buyer.client, addr.body.id, skuIds[0]!, 3));
  });

  afterAll(async () => {
    await h?.close();
  });

  const signIn = (page: import('playwright-core').Page, phone: string) => signInConsole(h, page, phone, PASSWORD);

  it('the supplier ships from the order sheet: one in the drawer, the rest as a batch; an import reports its bad rows', async () => {
    const { page, errors } = await newPage(h, { width: 1366, height: 900 });
    await signIn(page, supplierUser.phone);
    await page.getByRole('menuitem', { name: '订单发货' }).click();
    await page.waitForURL(/\/admin\/fulfilment$/);

    // 待发货 with its count; each order with items, recipient and phone as the API gives it.
    for (const no of orderNos) await page.locator('tr', { hasText: no }).waitFor();
    expect(await page.getByTestId('tab-to_ship').textContent()).toContain('3');
    const first = page.locator('tr', { hasText: orderNos[0]! });
    expect(await first.textContent()).toContain('王小丫');
    expect(await first.textContent()).toContain('13812345678');
    expect(await first.textContent()).toContain('¥159.80');
    await shot(page, 'o1-order-sheet-to-ship');

    // Ship one in the drawer; a bad SF number is refused beside the field, what was typed stays.
    await first.getByTestId('ship-one').click();
    const drawer = page.getByRole('dialog').filter({ hasText: `发货 · ${orderNos[0]}` });
    await drawer.waitFor();
    await drawer.getByTestId('ship-carrier').click();
    await page.locator('.ant-select-item-option', { hasText: '顺丰速运' }).click();
    await drawer.getByTestId('ship-tracking').fill('1234567890');
    await drawer.getByTestId('ship-submit').click();
    await drawer.getByText('快递单号格式不对', { exact: false }).waitFor();
    expect(await drawer.getByTestId('ship-tracking').inputValue()).toBe('1234567890');
    await shot(page, 'o2-ship-drawer-error');
    await drawer.getByTestId('ship-tracking').fill('SF1234567890');
    await drawer.getByTestId('ship-submit').click();
    await page.getByText(`订单 ${orderNos[0]} 已发货。`).waitFor();
    await first.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('tab-shipped').textContent()).toContain('1');

    // Select the other two → batch ship with per-order results.
    for (const no of orderNos.slice(1)) await page.locator('tr', { hasText: no }).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-bar').getByText('已选 2 单').waitFor();
    await shot(page, 'o3-bulk-selection');
    await page.getByTestId('batch-ship').click();
    const batch = page.getByRole('dialog').filter({ hasText: '批量发货（2 单）' });
    await batch.waitFor();
    await batch.getByRole('combobox', { name: '全部使用：' }).click();
    await page.locator('.ant-select-item-option', { hasText: '中通快递' }).last().click();
    const inputs = batch.getByTestId('batch-tracking');
    await inputs.nth(0).fill('ZT7700001111');
    await inputs.nth(1).fill('ZT7700002222');
    await batch.getByTestId('batch-submit').click();
    await batch.getByTestId('batch-summary').getByText('2 单全部发货成功。').waitFor();
    await shot(page, 'o4-batch-ship-results');
    await batch.getByRole('button', { name: '关闭' }).click();
    await expect.poll(() => page.getByTestId('tab-shipped').textContent()).toContain('3');
    await page.getByText('没有待发货的订单').waitFor();

    // Import: rows already shipped and an unknown order number come back per row.
    await page.getByTestId('import-tracking').click();
    const csv = `订单号,快递公司,快递单号\n${orderNos[1]},中通,ZT7700001111\n209901010000000000,顺丰,SF0000000001\n`;
    await page.locator('.ant-modal input[type=file]').setInputFiles({ name: '发货单.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('找不到这个订单号');
    expect(await result.textContent()).toContain('已经用这个单号发过货');
    await page.waitForTimeout(400); // the modal's opening animation
    await shot(page, 'o5-import-row-errors');
    await page.locator('.ant-modal').getByRole('button', { name: '关闭' }).last().click();

    // 已发货: the carrier and tracking number; the detail drawer.
    await page.getByTestId('tab-shipped').click();
    const shipped = page.locator('tr', { hasText: orderNos[0]! });
    await shipped.waitFor();
    expect(await shipped.textContent()).toContain('SF1234567890');
    await shipped.getByRole('button', { name: '查看' }).click();
    await page.getByTestId('order-detail').waitFor();
    await page.waitForTimeout(400);
    expect(await page.getByTestId('order-detail').textContent()).toContain('顺丰速运');
    await shot(page, 'o6-order-detail');

    const server = await supplierUser.client.get(`/api/v1/fulfilment/orders?tab=shipped`);
    expect(server.body.counts).toMatchObject({ toShip: 0, shipped: 3 });
    // The one 422 is the SF number refused on purpose above.
    expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
  });

  it('the center sees the ledger balanced, with the supplier payable by name, and the statement', async () => {
    const { page, errors } = await newPage(h, { width: 1366, height: 900 });
    await signIn(page, admin.phone);
    await page.getByRole('menuitem', { name: '账本' }).click();
    await page.waitForURL(/\/admin\/ledger$/);
    await expect.poll(() => page.getByTestId('trial-balance-tag').textContent()).toBe('平衡');
    const payable = page.locator('tr', { hasText: supplierName });
    await payable.waitFor();
    expect(await payable.textContent()).toContain('¥479.40'); // 6 boxes × ¥79.90, nothing shipped is paid out yet
    await shot(page, 'o7-ledger-balanced');

    await payable.getByTestId('account-link').click();
    await page.waitForURL(/\/admin\/ledger\/accounts\//);
    await expect.poll(() => page.getByTestId('posting-link').count()).toBe(3);
    await page.getByTestId('posting-link').first().click();
    await page.getByTestId('entry-detail').waitFor();
    await page.waitForTimeout(400); // the drawer's opening animation
    await shot(page, 'o8-ledger-statement-entry');

    // 全部订单 for the center.
    await page.goto(`${h.baseUrl}/admin/orders`);
    for (const no of orderNos) await page.locator('tr', { hasText: no }).waitFor();
    expect(errors).toEqual([]);
  });

  it('the order sheet works on a 375-px phone', async () => {
    const { page, errors } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await signIn(page, supplierUser.phone);
    await page.goto(`${h.baseUrl}/admin/fulfilment?tab=shipped`);
    await page.locator('tr', { hasText: orderNos[0]! }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'o9-order-sheet-phone');
    expect(errors).toEqual([]);
  });
});

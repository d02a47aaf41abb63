import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../factories.js';
import { newPage, shot, signInConsole, startHarness, type Harness } from './harness.js';

/**
 * Settlement through the console: an order is paid, shipped and received through the API; the
 * operator makes the county's payout batch, downloads the bank file, pays it, and the supplier's
 * statement shows the payout. Also: nothing to pay → an empty state, and the pages at 375 px.
 */
describe('console: payout batches and statements', () => {
  let h: Harness;
  let operator: MadeUser;
  let supplierUser: MadeUser;
  let orderNo = '';
  const supplierName = '靖宇蓝莓合作社（结算测试）';

  const key = () => `k-${randomUUID()}`;

  beforeAll(async () => {
    h = await startHarness();
    ({ operator } = await makeCounty(h.t));
    const supplierId = await makeSupplier(h.t, { name: supplierName });
    await makeLicence(h.t, operator.client, supplierId, 'produce_certificate', 'verified');
    const { skuIds } = await makeProduct(h.t, operator.client, supplierId, { title: '林下蓝莓鲜果（结算测试）', skus: [{ spec: '125g×6盒', priceFen: 7990, stock: 50 }], publish: true });
    supplierUser = await makeUser(h.t, [{ role: 'supplier', supplierId }], '李社长');
    const buyer = await makeUser(h.t, [{ role: 'buyer' }], '王买家');
    const addr = await buyer.client.post('/api/v1/me/addresses', { recipientName: '王小丫', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
    expect(addr.status).toBe(201);

    // Paid …
    const c = await buyer.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: skuIds[0], quantity: 2 }], addressId: addr.body.id }, { 'idempotency-key': key() });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const start = await buyer.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
    expect((await buyer.client.post(`${start.body.url}/confirm`, {})).status).toBe(200);
    let order: { id: string; orderNo: string } | null = null;
    for (let i = 0; i < 200 && !order; i++) {
      const got = await buyer.client.get(`/api/v1/checkouts/${c.body.id}`);
      if (got.body.status === 'paid') order = got.body.orders[0];
      else await new Promise((r) => setTimeout(r, 50));
    }
    if (!order) throw new Error('checkout not paid');
    orderNo = order.orderNo;
    // … shipped by the supplier, received by the buyer: completed.
    const ship = await supplierUser.client.post(`/api/v1/fulfilment/orders/${order.id}/ship`, { carrier: 'SF', trackingNo: 'SF1234567890' });
    expect(ship.status, JSON.stringify(ship.body)).toBe(200);
    const done = await buyer.client.post(`/api/v1/orders/${order.id}/confirm-receipt`, {});
    expect(done.status, JSON.stringify(done.body)).toBeLessThan(300);
  });

  afterAll(async () => {
    await h?.close();
  });

  const signIn = (page: import('playwright-core').Page, phone: string) => signInConsole(h, page, phone, PASSWORD);

  it('the operator makes a batch, downloads the bank file, pays it; the supplier sees the payout on the statement', async () => {
    const { page, errors } = await newPage(h, { width: 1366, height: 900 });
    await signIn(page, operator.phone);
    await page.getByRole('menuitem', { name: '结算单' }).click();
    await page.waitForURL(/\/admin\/payouts$/);
    await page.getByText('还没有结算单', { exact: false }).waitFor();
    await shot(page, 's1-batches-empty');

    await page.getByTestId('new-batch').click();
    const modal = page.locator('.ant-modal').filter({ hasText: '生成结算单' });
    await modal.waitFor();
    await page.waitForTimeout(400);
    await shot(page, 's2-create-batch');
    await page.getByTestId('create-batch-submit').click();
    await page.waitForURL(/\/admin\/payouts\/[^/]+$/);

    // Detail: one supplier line (the fee and the default host share withheld), masked account.
    const line = page.locator('tr', { hasText: supplierName });
    await line.waitFor();
    expect(await line.textContent()).toContain('未付');
    expect(await page.getByTestId('batch-status').first().textContent()).toBe('待付款');
    await shot(page, 's3-batch-detail', true);

    // The bank file: a real XLSX, and the page says the download was recorded.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bank-file').click()]);
    const file = await readFile((await download.path())!);
    expect(file.subarray(0, 2).toString()).toBe('PK');
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    await expect.poll(() => page.getByTestId('bank-file-note').textContent()).toContain('已记入操作日志');

    // Pay all → per-line results.
    await page.getByTestId('pay-all').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '全部标记已付' }).click();
    await page.getByTestId('pay-summary').waitFor();
    expect(await page.getByTestId('pay-summary').textContent()).toContain('全部标记为已付');
    await expect.poll(() => page.getByTestId('batch-status').first().textContent()).toBe('已付清');
    expect(await line.textContent()).toContain('已付');
    await shot(page, 's4-batch-paid', true);

    // The list shows it paid.
    await page.getByRole('button', { name: '返回结算单列表' }).click();
    await page.getByTestId('batch-link').first().waitFor();
    expect(await page.getByTestId('batch-status').first().textContent()).toBe('已付清');

    // Nothing owed now: making another batch says so in plain words.
    await page.getByTestId('new-batch').click();
    await page.locator('.ant-modal').filter({ hasText: '生成结算单' }).waitFor();
    await page.getByTestId('create-batch-submit').click();
    // Failed once in a full run (not reproduced since): if it does again, the failure shows
    // what the page said instead (a field error, a toast, another alert, or the URL it went to).
    await expect.poll(async () => (await page.getByTestId('nothing-to-pay').isVisible())
      || [page.url(), ...(await page.locator('.ant-form-item-explain-error, .ant-message-notice, .ant-alert, .ant-notification-notice').allTextContents())].join(' | '), { timeout: 20_000 }).toBe(true);
    await page.waitForTimeout(300);
    await shot(page, 's5-nothing-to-pay');
    // The one 422 is nothing_to_pay, asked for on purpose.
    expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
  });

  it('the supplier’s statement shows the order, the fee and the payout, with the running balance and the XLSX', async () => {
    const { page, errors } = await newPage(h, { width: 1366, height: 900 });
    await signIn(page, supplierUser.phone);
    await page.getByRole('menuitem', { name: '对账单' }).click();
    await page.waitForURL(/\/admin\/statements/);
    await page.locator('tr', { hasText: orderNo }).first().waitFor();
    await page.locator('tr', { hasText: '结算打款' }).waitFor();
    expect(await page.getByTestId('closing').textContent()).toContain('¥0.00');
    expect(await page.getByTestId('total-payouts').textContent()).toContain('-¥');
    await shot(page, 's6-supplier-statement', true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('statement-export').click()]);
    expect((await readFile((await download.path())!)).subarray(0, 2).toString()).toBe('PK');
    expect(errors).toEqual([]);
  });

  it('payouts and host commission work on a 375-px phone', async () => {
    const { page, errors } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await signIn(page, operator.phone);
    await page.goto(`${h.baseUrl}/admin/payouts`);
    await page.getByTestId('batch-link').first().click();
    await page.locator('tr', { hasText: supplierName }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 's7-batch-phone', true);
    await page.goto(`${h.baseUrl}/admin/host-policies`);
    await page.getByText('只列出已设置过佣金规则的主播', { exact: false }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 's8-host-policies-phone', true);
    expect(errors).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../factories.js';
import { newPage, productPng, shot, startHarness, type Harness } from './harness.js';

/**
 * A buyer on a phone after paying: cancels an order the seller has not shipped (refunded in
 * full at once, the way it was paid), and opens a quality complaint with a photo on a
 * delivered order of fresh fruit (perishable: quality only, photo required, within 48 h).
 */
describe('buyer: cancel and refund, after-sales with a photo, on a phone', () => {
  let h: Harness;
  let op: MadeUser;
  let fruitSku: string;
  let mushroomSku: string;
  const fruit = '靖宇蓝莓 鲜果（测试）';
  const mushroom = '长白山 黑木耳（测试）';
  const key = () => `k-${randomUUID()}`;

  async function buyerWithAddress(name: string) {
    const b = await makeUser(h.t, [{ role: 'buyer' }], name);
    const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '王小丽', phone: '13812345678', regionCode: '220622100', detail: '联合村3组12号', isDefault: true });
    expect(addr.status, JSON.stringify(addr.body)).toBe(201);
    return { ...b, addressId: addr.body.id as string };
  }

  /** Places a checkout through the API and pays it on the sandbox's hosted page. */
  async function paidOrder(b: Awaited<ReturnType<typeof buyerWithAddress>>, items: { skuId: string; quantity: number }[]) {
    const c = await b.client.request('POST', '/api/v1/checkouts', { items, addressId: b.addressId }, { 'idempotency-key': key() });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const start = await b.client.request('POST', `/api/v1/checkouts/${c.body.id}/pay`, {}, { 'idempotency-key': key() });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect((await b.client.post(`${start.body.url}/confirm`, {})).status).toBe(200);
    for (let i = 0; i < 200; i++) {
      const got = await b.client.get(`/api/v1/checkouts/${c.body.id}`);
      if (got.body.status === 'paid') return got.body.orders[0] as { id: string; totalFen: number };
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the sandbox payment did not settle');
  }

  async function signIn(phone: string) {
    const { page, errors } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/me`);
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('我的订单').first().waitFor();
    return { page, errors };
  }

  beforeAll(async () => {
    h = await startHarness();
    ({ operator: op } = await makeCounty(h.t));
    const supplierId = await makeSupplier(h.t, { name: '靖宇蓝莓合作社（测试）' });
    await makeLicence(h.t, op.client, supplierId, 'produce_certificate', 'verified');
    const f = await makeProduct(h.t, op.client, supplierId, { category: 'fresh_fruit', title: fruit, skus: [{ spec: '125g×6盒', priceFen: 7990, stock: 40 }], publish: true });
    fruitSku = f.skuIds[0]!;
    expect((await op.client.upload('POST', `/api/v1/products/${f.id}/images`, await productPng(h, '蓝莓'))).status).toBe(200);
    const m = await makeProduct(h.t, op.client, supplierId, { category: 'mountain_goods', title: mushroom, skus: [{ spec: '250g 袋装', priceFen: 3900, stock: 40 }], publish: true });
    mushroomSku = m.skuIds[0]!;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('cancels a paid order before it ships and sees the full refund, the way it was paid', async () => {
    const buyer = await buyerWithAddress('王买家');
    const order = await paidOrder(buyer, [{ skuId: fruitSku, quantity: 2 }]);
    const { page, errors } = await signIn(buyer.phone);

    await page.goto(`${h.baseUrl}/me/orders/${order.id}`);
    await page.getByTestId('order-status').getByText('待发货').waitFor();
    // Paid, not shipped: cancel and refund, no confirm receipt, no after-sales form.
    expect(await page.getByTestId('confirm-receipt').count()).toBe(0);
    await shot(page, 'as1-order-paid', true);
    await page.getByTestId('cancel-refund').click();
    const dialog = page.getByRole('dialog', { name: '取消这个订单并退款吗？' });
    await dialog.waitFor();
    const hint = (await dialog.getByTestId('cancel-hint').textContent()) ?? '';
    expect(hint).toContain('¥159.80');
    expect(hint).toContain('原路退回');
    await dialog.getByLabel('取消原因（选填）').fill('拍错了规格');
    await page.waitForTimeout(300); // the sheet slides up
    await shot(page, 'as2-cancel-dialog');
    await dialog.getByTestId('cancel-yes').click();
    await dialog.waitFor({ state: 'detached' });

    // The order is over; the refund and its case show on it.
    await page.getByTestId('order-refunded').getByText('¥159.80').waitFor();
    const row = page.getByTestId('order-case');
    await row.getByText('退款成功').waitFor();
    expect(await row.textContent()).toContain('取消订单');
    expect(await page.getByTestId('cancel-refund').count()).toBe(0);
    await shot(page, 'as3-order-cancelled', true);

    // The case: refunded, with its timeline.
    await row.click();
    await page.waitForURL(/\/me\/aftersales\/[^/?]+$/);
    await page.getByTestId('case-status').getByText('退款成功').waitFor();
    expect(await page.getByTestId('case-refund').textContent()).toBe('¥159.80');
    const timeline = (await page.getByTestId('case-timeline').textContent()) ?? '';
    expect(timeline).toContain('取消订单');
    expect(timeline).toContain('拍错了规格');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'as4-cancel-case', true);
    expect(errors).toEqual([]);
  });

  it('opens a quality complaint with a photo on delivered fresh fruit, and follows it', async () => {
    const buyer = await buyerWithAddress('李买家');
    const order = await paidOrder(buyer, [{ skuId: fruitSku, quantity: 3 }, { skuId: mushroomSku, quantity: 1 }]);
    // Fulfilment is another module: delivered two hours ago, set on the row.
    const now = Date.now();
    await h.t.deps.db.updateTable('shop_order').set({
      status: 'delivered', carrier: '顺丰', tracking_no: 'SF1234567890',
      shipped_at: new Date(now - 26 * 3_600_000).toISOString(), delivered_at: new Date(now - 2 * 3_600_000).toISOString(),
    }).where('id', '=', order.id).execute();
    const { page, errors } = await signIn(buyer.phone);

    await page.goto(`${h.baseUrl}/me/orders/${order.id}`);
    await page.getByTestId('order-status').getByText('已签收').waitFor();
    await page.getByTestId('confirm-receipt').waitFor();
    await page.getByTestId('apply-aftersales').click();
    await page.waitForURL(/\/me\/orders\/[^/]+\/aftersales$/);

    // The rules in plain words before anything is chosen.
    const rules = (await page.getByTestId('as-rules').textContent()) ?? '';
    expect(rules).toContain('48 小时内');
    expect(rules).toContain('七天无理由');

    // Choose the blueberries only: no-reason returns are not offered for fresh produce.
    const line = page.getByTestId('as-line').filter({ hasText: fruit });
    await line.getByRole('checkbox').check();
    expect(await page.getByRole('button', { name: '不想要了' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: '上传照片（必填，至少 1 张）' }).count()).toBe(1);
    // The amount defaults to the most allowed: 3 × ¥79.90.
    expect(await page.getByRole('textbox', { name: '退款金额' }).inputValue()).toBe('239.70');
    await page.getByTestId('as-amount-max').getByText('最多可退 ¥239.70').waitFor();
    // Two boxes went bad.
    await line.getByRole('button', { name: '减少一件' }).click();
    // The amount follows the quantity after React re-renders: wait for it rather than read at once.
    await expect.poll(() => page.getByRole('textbox', { name: '退款金额' }).inputValue(), { timeout: 5000 }).toBe('159.80');
    await page.getByRole('button', { name: '变质/腐烂' }).click();
    await page.getByRole('radio', { name: /仅退款/ }).click();
    await page.getByLabel('问题描述').fill('到货时有两盒发霉了');

    // Without a photo the form says so next to the photos.
    await page.getByTestId('as-submit').click();
    await page.getByText('请至少上传一张照片').waitFor();
    await shot(page, 'as5-apply-needs-photo', true);

    // A file that is not a picture: the server refuses it, and it says so on the photo.
    await page.getByTestId('as-album').setInputFiles({ name: 'note.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
    await page.getByTestId('as-photo').getByText(/没传上/).waitFor();
    await page.getByRole('button', { name: '删除第 1 张照片' }).click();
    expect(await page.getByTestId('as-photo').count()).toBe(0);

    await page.getByTestId('as-album').setInputFiles({ name: 'mould.png', mimeType: 'image/png', buffer: await productPng(h, '发霉') });
    const photo = page.getByTestId('as-photo');
    await photo.waitFor();
    await page.waitForFunction(() => !document.querySelector('.as-photo.uploading'));
    expect(await photo.getAttribute('class')).toContain('done');
    await shot(page, 'as6-apply-filled', true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.getByTestId('as-submit').click();
    await page.waitForURL(/\/me\/aftersales\/[^/?]+$/);
    await page.getByTestId('case-status').getByText('等待商家处理').waitFor();
    const detail = (await page.locator('main').textContent()) ?? '';
    expect(detail).toContain('变质/腐烂');
    expect(detail).toContain('¥159.80');
    expect(detail).toContain('到货时有两盒发霉了');
    const img = page.getByTestId('case-photo');
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="case-photo"]') as HTMLImageElement | null)?.naturalWidth ?? 0 > 0);
    await shot(page, 'as7-case-requested', true);
    const caseId = page.url().split('/').pop()!;

    // 我的售后 lists it; the order shows it instead of a second 申请售后.
    await page.goto(`${h.baseUrl}/me/aftersales`);
    const card = page.getByTestId('case-card').filter({ hasText: fruit });
    await card.waitFor();
    expect(await card.textContent()).toContain('等待商家处理');
    await shot(page, 'as8-my-cases');
    await page.goto(`${h.baseUrl}/me/orders/${order.id}`);
    await page.getByTestId('order-case').getByText('等待商家处理').waitFor();
    expect(await page.getByTestId('apply-aftersales').count()).toBe(0);

    // The seller rejects; the buyer takes it to the county center.
    const supplierId = (await buyer.client.get(`/api/v1/aftersales/${caseId}`)).body.supplierId as string;
    const seller = await makeUser(h.t, [{ role: 'supplier', supplierId, prefix: '220622' }], '蓝莓社长');
    const rejected = await seller.client.post(`/api/v1/aftersales/${caseId}/reject`, { reason: '发货时是好的，照片看不出发霉' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await page.goto(`${h.baseUrl}/me/aftersales/${caseId}`);
    await page.getByTestId('case-status').getByText('商家已拒绝').waitFor();
    await page.getByTestId('escalate').click();
    const ask = page.getByRole('dialog', { name: '请县电商服务中心来处理吗？' });
    await ask.getByLabel('补充说明（选填）').fill('照片里能看到白毛');
    await ask.getByRole('button', { name: '确定申请' }).click();
    await page.getByTestId('case-status').getByText('平台处理中').waitFor();
    const tl = (await page.getByTestId('case-timeline').textContent()) ?? '';
    expect(tl).toContain('商家拒绝');
    expect(tl).toContain('申请平台介入');
    await shot(page, 'as9-case-escalated', true);

    // Elder mode: large type, tall buttons.
    await page.evaluate(() => localStorage.setItem('fengshou.elder', '1'));
    const other = await paidOrder(buyer, [{ skuId: mushroomSku, quantity: 1 }]);
    await h.t.deps.db.updateTable('shop_order').set({ status: 'delivered', shipped_at: new Date(now - 26 * 3_600_000).toISOString(), delivered_at: new Date(now - 3_600_000).toISOString() }).where('id', '=', other.id).execute();
    await page.goto(`${h.baseUrl}/me/orders/${other.id}/aftersales`);
    await page.getByRole('button', { name: '不想要了' }).click();
    expect(await page.getByRole('radio', { name: /仅退款/ }).isDisabled()).toBe(true);
    const sizes = await page.evaluate(() => ({
      base: parseFloat(getComputedStyle(document.querySelector('.as-form .line-title')!).fontSize),
      buttons: [...document.querySelectorAll('.as-form button:not([disabled]), .as-form .btn')].map((b) => b.getBoundingClientRect().height).filter((x) => x > 0),
    }));
    expect(sizes.base).toBeGreaterThanOrEqual(18);
    expect(Math.min(...sizes.buttons)).toBeGreaterThanOrEqual(48);
    await shot(page, 'as10-apply-elder', true);
    expect(errors.filter((e) => !/\b4(15|22)\b/.test(e))).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../../src/platform/time.js';
import { PASSWORD, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../factories.js';
import { newPage, productPng, shot, signInConsole, startHarness, type Harness } from './harness.js';

/**
 * Live sessions through the screens: a host schedules a session on the phone, adds a showcase
 * product to the run-of-show with a live price and stock set aside, and reads the ingest URL;
 * the operator approves it in the console's queue and finds it on the calendar; a buyer sees
 * it on the 直播 tab, opens the pre-announcement and reserves; the host goes live.
 */
describe('live sessions: schedule, run-of-show, approval, pre-announcement', () => {
  let h: Harness;
  let operator: MadeUser;
  let host: MadeUser;
  let buyer: MadeUser;
  let skuId = '';
  const title = '长白山蓝莓直播专场（测试）';
  const product = '林下蓝莓鲜果（直播测试）';

  beforeAll(async () => {
    h = await startHarness();
    ({ operator } = await makeCounty(h.t));
    const supplierId = await makeSupplier(h.t, { name: '靖宇蓝莓合作社（直播测试）' });
    await makeLicence(h.t, operator.client, supplierId, 'produce_certificate', 'verified');
    const p = await makeProduct(h.t, operator.client, supplierId, { title: product, skus: [{ spec: '125g×6盒', priceFen: 7990, stock: 50 }], publish: true });
    skuId = p.skuIds[0]!;
    expect((await operator.client.upload('POST', `/api/v1/products/${p.id}/images`, await productPng(h, '蓝莓'))).status).toBe(200);
    const sel = await operator.client.put(`/api/v1/products/${p.id}/selection`, { suggestedPriceFen: 6990, commissionRateBp: 1500, sellingPoints: ['林下散养'], sampleQuantity: 2 });
    expect(sel.status, JSON.stringify(sel.body)).toBe(200);
    host = await makeUser(h.t, [{ role: 'host', prefix: '220622' }], '李主播');
    buyer = await makeUser(h.t, [{ role: 'buyer' }], '吴买家');
    // The hosts module owns the showcase API; a row is enough here.
    await h.t.deps.db.insertInto('host_showcase_item').values({ county_code: '220622', host_user_id: host.id, product_id: p.id, added_at: nowIso() }).execute();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function signInStore(phone: string) {
    const { page, errors, context } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/me`);
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('我的订单').first().waitFor();
    return { page, errors, context };
  }

  const stock = async () => (await h.t.deps.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirstOrThrow()).stock_available;

  it('host schedules, builds the run-of-show, reads the ingest URL; operator approves; buyer reserves; host goes live', async () => {
    // ---- the host, on a phone ----
    const hostTab = await signInStore(host.phone);
    const hp = hostTab.page;
    await hp.goto(`${h.baseUrl}/host/sessions`);
    await hp.getByText('还没有排过直播').waitFor();
    await hp.getByTestId('new-session').click();
    await hp.getByLabel('标题').fill(title);
    // Starts in 10 minutes (Beijing time), so it may go live at once once approved.
    const fmt = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
    await hp.getByLabel('开始时间（北京时间）').fill(fmt(new Date(Date.now() + 10 * 60_000)));
    await hp.getByLabel('结束时间（北京时间）').fill(fmt(new Date(Date.now() + 130 * 60_000)));
    await hp.getByTestId('save-session').click();
    await hp.getByTestId('host-session-page').waitFor();
    await expect.poll(() => hp.getByTestId('session-badge').textContent()).toBe('预告 · 待审核');
    await hp.getByText('服务中心审核通过后才能开播。').waitFor();

    // The ingest address, shown on request.
    await hp.getByTestId('show-key').click();
    const ingest = await hp.getByTestId('ingest-url').textContent();
    const key = await hp.getByTestId('stream-key').textContent();
    expect(ingest).toBe('rtmp://localhost:1935/live');
    expect(await hp.getByTestId('full-url').textContent()).toBe(`rtmp://localhost:1935/live/${key}`);

    // Run-of-show: a showcase product, its SKU, the live price and the stock set aside.
    await hp.getByTestId('add-item').click();
    await hp.getByTestId('showcase-product').filter({ hasText: product }).click();
    await hp.getByRole('radio', { name: /125g×6盒/ }).click();
    await hp.getByLabel('直播价（元）').fill('59.90');
    await hp.getByLabel(/预留库存/).fill('999');
    await hp.getByTestId('add-item-save').click();
    await hp.getByText(/库存不够/).waitFor();
    expect(await stock()).toBe(50);
    await hp.getByLabel(/预留库存/).fill('20');
    await hp.getByLabel('讲解要点').fill('林下散养，现摘现发');
    await hp.getByTestId('add-item-save').click();
    await hp.getByTestId('ros-item').filter({ hasText: '1号' }).filter({ hasText: product }).waitFor();
    await hp.getByText('预留剩 20/20 盒').waitFor();
    expect(await stock()).toBe(30);
    await shot(hp, 'live-host-session', true);

    // ---- the operator, in the console ----
    const { page: op, errors: opErrors } = await newPage(h, { width: 1366, height: 900 });
    await signInConsole(h, op, operator.phone, PASSWORD);
    await op.goto(`${h.baseUrl}/admin/live/approvals`);
    const row = op.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    await shot(op, 'live-console-approvals');
    await row.getByTestId('approve').click();
    await op.getByText(`已通过「${title}」`).waitFor();
    await op.getByText('没有待审核的直播').waitFor();
    await op.goto(`${h.baseUrl}/admin/live`);
    await op.getByTestId('calendar-session').filter({ hasText: title }).click();
    await op.waitForURL(/\/admin\/live\/lvs_/);
    await op.getByText('已通过').first().waitFor();
    await op.getByText(product).first().waitFor();
    await shot(op, 'live-console-session', true);
    expect(opErrors).toEqual([]);

    // ---- a buyer: the 直播 tab, the pre-announcement, 预约 ----
    const { page: bp, errors: buyerErrors } = await signInStore(buyer.phone);
    await bp.goto(`${h.baseUrl}/live`);
    await bp.getByTestId('live-upcoming').filter({ hasText: title }).click();
    await bp.getByTestId('live-preview').waitFor();
    await bp.getByText('主播：李主播').waitFor();
    await bp.getByTestId('preview-item').filter({ hasText: product }).filter({ hasText: '59.90' }).waitFor();
    await expect.poll(() => bp.getByTestId('reservation-count').textContent()).toBe('0 人已预约');
    await bp.getByTestId('reserve').click();
    await bp.getByText('已预约（点击取消）').waitFor();
    await expect.poll(() => bp.getByTestId('reservation-count').textContent()).toBe('1 人已预约');
    await shot(bp, 'live-preview', true);
    // Undo, then reserve again: the button says which state it is in.
    await bp.getByTestId('reserve').click();
    await expect.poll(() => bp.getByTestId('reservation-count').textContent()).toBe('0 人已预约');
    await bp.getByTestId('reserve').click();
    await expect.poll(() => bp.getByTestId('reservation-count').textContent()).toBe('1 人已预约');
    expect(buyerErrors).toEqual([]);
    // (The room page takes over once the session is live; that is the room's own test.)
    await bp.close();

    // ---- the host goes live; the buyer is told once ----
    await hp.reload();
    await hp.getByTestId('go-live').click();
    await expect.poll(() => hp.getByTestId('session-badge').textContent()).toBe('直播中');
    await hp.getByTestId('host-console').waitFor();
    const told = await h.t.deps.db.selectFrom('notification').select('user_id').where('kind', '=', 'live_started').execute();
    expect(told.map((n) => n.user_id)).toEqual([buyer.id]);
    // The one refusal on purpose (setting aside more than the stock) is the only failed request.
    expect(hostTab.errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
  }, 120_000);
});

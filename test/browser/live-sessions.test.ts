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
    await op.getByTestId('calendar-session').filter({ hasText: title }).waitFor();
    await shot(op, 'live-console-calendar', true);
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

describe('live sessions: rejection with a note, external sales in the console', () => {
  let h: Harness;
  let operator: MadeUser;
  let host: MadeUser;

  beforeAll(async () => {
    h = await startHarness();
    ({ operator } = await makeCounty(h.t));
    host = await makeUser(h.t, [{ role: 'host', prefix: '220622' }], '王主播');
  });

  afterAll(async () => {
    await h?.close();
  });

  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  it('the operator rejects with a note the host reads; imports an external session’s sales sheet, a bad one refused row by row', async () => {
    const hosted = await host.client.post('/api/v1/live/sessions', { kind: 'hosted', title: '松子直播（待退回）', scheduledStart: inMinutes(60), scheduledEnd: inMinutes(120) });
    expect(hosted.status).toBe(201);
    const ext = await host.client.post('/api/v1/live/sessions', {
      kind: 'external', title: '抖音人参专场（测试）', scheduledStart: inMinutes(30), scheduledEnd: inMinutes(90), platform: 'douyin', externalUrl: 'https://v.douyin.com/test/', externalCode: '9#人参',
    });
    expect(ext.status).toBe(201);

    const { page: op, errors } = await newPage(h, { width: 1366, height: 900 });
    await signInConsole(h, op, operator.phone, PASSWORD);
    await op.goto(`${h.baseUrl}/admin/live/approvals`);
    const row = op.getByRole('row').filter({ hasText: '松子直播（待退回）' });
    await row.waitFor();
    await row.getByTestId('reject').click();
    const dialog = op.getByRole('dialog');
    await dialog.getByLabel('原因（主播会看到）').waitFor();
    await op.waitForTimeout(400); // the modal's opening animation
    await dialog.getByRole('button', { name: /不通过/ }).click();
    await dialog.getByText('请写明原因，至少 2 个字').waitFor();
    await dialog.getByLabel('原因（主播会看到）').fill('封面和标题不一致');
    await dialog.getByRole('button', { name: /不通过/ }).click();
    await op.getByText('已退回「松子直播（待退回）」').waitFor();
    await op.getByRole('row').filter({ hasText: '松子直播（待退回）' }).waitFor({ state: 'detached' });

    // The external session: approve it from its page, then record its sales.
    await op.goto(`${h.baseUrl}/admin/live/${ext.body.id}`);
    await op.getByTestId('detail-approve').click();
    await op.getByText('已通过「抖音人参专场（测试）」').waitFor();
    await op.getByText('9#人参').waitFor();
    const chooser = op.locator('input[type=file]');
    await chooser.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('商品,订单数,件数,成交额\n人参,2.5,3,10\n') });
    await op.getByText('第 2 行：The order count is not a whole number').waitFor();
    await chooser.setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF商品,订单数,件数,成交额\n长白山人参 5年,12,15,"3,580.00"\n松子 500g,3,3,89.7\n') });
    await op.getByText('已导入 2 行（替换了上次的 0 行）').waitFor();
    await op.getByRole('cell', { name: '长白山人参 5年' }).waitFor();
    await op.getByPlaceholder('商品').fill('蜂蜜 500g');
    await op.getByPlaceholder('订单数').fill('1');
    await op.getByPlaceholder('件数').fill('2');
    await op.getByPlaceholder('成交额（元）').fill('99');
    await op.getByRole('button', { name: '录 入' }).or(op.getByRole('button', { name: '录入' })).click();
    await op.getByRole('cell', { name: '蜂蜜 500g' }).waitFor();
    const sales = await h.t.deps.db.selectFrom('live_external_sale').select(['label', 'gmv_fen', 'source']).where('session_id', '=', ext.body.id).orderBy('id').execute();
    expect(sales).toEqual([
      { label: '长白山人参 5年', gmv_fen: 358000, source: 'import' },
      { label: '松子 500g', gmv_fen: 8970, source: 'import' },
      { label: '蜂蜜 500g', gmv_fen: 9900, source: 'manual' },
    ]);
    await shot(op, 'live-console-external-sales', true);
    // The one failed request is the bad sheet, refused on purpose.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/status of 422/);

    // The host reads why on the phone.
    const { page: hp } = await newPage(h, { width: 375, height: 812 }, { isMobile: true });
    await hp.goto(`${h.baseUrl}/me`);
    await hp.getByLabel('手机号').fill(host.phone);
    await hp.getByLabel('密码').fill(PASSWORD);
    await hp.getByRole('button', { name: '登录', exact: true }).click();
    await hp.getByText('我的订单').first().waitFor();
    await hp.goto(`${h.baseUrl}/host/sessions`);
    await hp.getByTestId('host-session').filter({ hasText: '松子直播（待退回）' }).filter({ hasText: '未通过' }).click();
    await hp.getByText('未通过审核：封面和标题不一致。修改后会重新提交审核。').waitFor();

    // …and records a line its external platform reported, from the phone.
    await hp.goto(`${h.baseUrl}/host/sessions/${ext.body.id}`);
    await expect.poll(() => hp.getByTestId('ext-sale').count()).toBe(3);
    await hp.getByLabel('商品', { exact: true }).fill('木耳 250g');
    await hp.getByLabel('订单数').fill('2');
    await hp.getByLabel('件数').fill('x');
    await hp.getByLabel('成交额（元）').fill('39.8');
    await hp.getByTestId('ext-add').click();
    await hp.getByText('订单数和件数要填整数').waitFor();
    await hp.getByLabel('件数').fill('2');
    await hp.getByTestId('ext-add').click();
    await hp.getByTestId('ext-sale').filter({ hasText: '木耳 250g' }).filter({ hasText: '¥39.80' }).waitFor();
    const after = await h.t.deps.db.selectFrom('live_external_sale').select('gmv_fen').where('session_id', '=', ext.body.id).where('label', '=', '木耳 250g').execute();
    expect(after).toEqual([{ gmv_fen: 3980 }]);
    await shot(hp, 'live-host-external-sales', true);
  }, 120_000);
});

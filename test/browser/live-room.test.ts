import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTY_A, PASSWORD, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../factories.js';
import { newId } from '../../src/platform/ids.js';
import { nowIso } from '../../src/platform/time.js';
import { newPage, productPng, shot, startHarness, type Harness } from './harness.js';

/**
 * A viewer on a phone in a live room: the host pins a product (from the API, as the console
 * does) and the 讲解中 card pops up; the viewer buys from it through the sandbox pay page and
 * comes back to the room; comments "1号 1盒" and gets a private pay link; then a flash sale is
 * announced with a countdown, the 立即抢 button opens at the announced instant (by the server
 * clock), and the viewer buys at the flash price.
 */
describe('viewer: buying in a live room on a phone', () => {
  let h: Harness;
  let host: MadeUser;
  let sessionId: string;
  let itemId: string;
  const title = '靖宇蓝莓 直播专享（测试）';

  beforeAll(async () => {
    h = await startHarness();
    const { operator: op } = await makeCounty(h.t);
    const supplierId = await makeSupplier(h.t, { name: '靖宇蓝莓合作社（测试）' });
    await makeLicence(h.t, op.client, supplierId, 'produce_certificate', 'verified');
    const p = await makeProduct(h.t, op.client, supplierId, { title, skus: [{ spec: '125g×4盒', priceFen: 5990, stock: 40 }], publish: true });
    expect((await op.client.upload('POST', `/api/v1/products/${p.id}/images`, await productPng(h, '蓝莓'))).status).toBe(200);
    host = await makeUser(h.t, [{ role: 'host', prefix: COUNTY_A }], '李主播');
    // A live session with one run-of-show line (the sessions module's own tests cover scheduling).
    sessionId = newId('liveSession');
    itemId = newId('liveItem');
    const now = nowIso();
    await h.t.deps.db.insertInto('live_session').values({
      id: sessionId, county_code: COUNTY_A, host_user_id: host.id, kind: 'hosted', title: '长白山蓝莓开摘啦', description: '', cover_file_id: null,
      scheduled_start: new Date(Date.now() - 60_000).toISOString(), scheduled_end: new Date(Date.now() + 3_600_000).toISOString(), status: 'live', approval: 'approved',
      approval_note: '', approved_by: null, platform: null, external_url: null, external_code: null, pinned_item_id: null, video_state: 'offline', video_seen_at: null,
      replay_path: null, started_at: now, ended_at: null, created_at: now, updated_at: now,
    }).execute();
    await h.t.deps.db.updateTable('sku').set((eb) => ({ stock_available: eb('stock_available', '-', 10) })).where('id', '=', p.skuIds[0]!).execute();
    await h.t.deps.db.insertInto('live_session_item').values({
      id: itemId, session_id: sessionId, position: 1, room_code: 1, product_id: p.id, sku_id: p.skuIds[0]!, supplier_id: supplierId, live_price_fen: 3990,
      stock_allotted: 10, stock_left: 10, slot_minute: null, slot_minutes: null, talking_points: '', created_at: now, updated_at: now,
    }).execute();
  });
  afterAll(async () => { await h?.close(); });

  it('pinned card appears when the host pins; buys from it through the sandbox; comment-to-buy; flash sale opens at the announced instant', async () => {
    const buyer = await makeUser(h.t, [{ role: 'buyer' }], '张三丰');
    expect((await buyer.client.post('/api/v1/me/addresses', { recipientName: '张三丰', phone: '13812345678', regionCode: '220622100', detail: '联合村1组2号', isDefault: true })).status).toBe(201);
    const { page, errors } = await newPage(h, { width: 390, height: 844 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/me`);
    await page.getByLabel('手机号').fill(buyer.phone);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('张三丰').first().waitFor();

    // The room: no pinned card yet; the bag holds the run-of-show.
    await page.goto(`${h.baseUrl}/live/${sessionId}`);
    await page.getByTestId('room').waitFor();
    await page.getByText('李主播').waitFor();
    expect(await page.getByTestId('pinned-card').count()).toBe(0);
    expect(await page.getByTestId('bag').textContent()).toContain('1');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The room's WebSocket is up (events arrive pushed, not polled).
    await expect.poll(() => page.getByTestId('room').getAttribute('data-connected'), { timeout: 8000 }).toBe('true');

    // The host pins from the console (its API): 讲解中 pops up with the live price and stock left.
    const pinnedAt = Date.now();
    expect((await host.client.put(`/api/v1/live/sessions/${sessionId}/pin`, { itemId })).status).toBe(200);
    const card = page.getByTestId('pinned-card');
    await card.waitFor({ timeout: 8000 });
    expect(Date.now() - pinnedAt).toBeLessThan(2000);
    expect(await card.textContent()).toContain(title);
    expect(await card.textContent()).toContain('¥39.90');
    expect(await card.textContent()).toContain('仅剩 10 盒');
    await shot(page, 'live-room-1-pinned');

    // Buy from the card: half-height sheet over the video, default address, order and pay.
    await page.getByTestId('pinned-grab').click();
    const sheet = page.getByRole('dialog', { name: '购买' });
    await sheet.waitFor();
    await sheet.getByTestId('room-address').getByText('张三丰').waitFor();
    await sheet.getByRole('button', { name: '增加一件' }).click();
    expect(await sheet.textContent()).toContain('¥79.80');
    await shot(page, 'live-room-2-buy-sheet');
    await sheet.getByTestId('room-pay').click();
    await page.waitForURL(/\/api\/v1\/sandbox-pay\//);
    await page.locator('#pay').click();
    await page.waitForURL(new RegExp(`/live/${sessionId}`), { timeout: 30_000 });
    await page.getByText('支付成功，主播会尽快安排发货').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await page.getByTestId('pinned-stock').textContent()) ?? '', { timeout: 8000 }).toContain('仅剩 8 盒');
    const first = await h.t.deps.db.selectFrom('shop_order').select(['status', 'source_kind', 'source_ref', 'host_user_id', 'items_fen']).where('buyer_id', '=', buyer.id).execute();
    expect(first).toEqual([{ status: 'paid', source_kind: 'live', source_ref: sessionId, host_user_id: host.id, items_fen: 7980 }]);

    // Comment-to-buy: "1号 1盒" reserves one and answers privately with a pay link.
    await page.getByTestId('comment-input').fill('1号 1盒');
    await page.getByTestId('comment-send').click();
    const reply = page.getByTestId('room-reply');
    await reply.waitFor();
    expect(await reply.textContent()).toContain('已为你留好 1 盒');
    expect(await reply.getByTestId('reply-pay').getAttribute('href')).toMatch(/^\/pay\/chk_/);
    await page.getByTestId('comments').getByText('1号 1盒').waitFor();
    await shot(page, 'live-room-3-comment-buy');
    await reply.getByRole('button', { name: '知道了' }).click();

    // A flash sale: announced 5 s ahead; the countdown runs and the button opens at the instant.
    const created = await host.client.post(`/api/v1/live/sessions/${sessionId}/flash-sales`, { itemId, priceFen: 990, stock: 3, perBuyerLimit: 1 });
    expect(created.status).toBe(201);
    const started = await host.client.post(`/api/v1/live/sessions/${sessionId}/flash-sales/${created.body.saleId}/start`, { leadSeconds: 5 });
    expect(started.status).toBe(200);
    const flash = page.getByTestId('flash-card');
    await flash.waitFor({ timeout: 8000 });
    await page.getByTestId('flash-countdown').waitFor();
    expect(await page.getByTestId('flash-countdown').textContent()).toMatch(/\d+ 秒后开抢/);
    expect(await page.getByTestId('flash-buy').isDisabled()).toBe(true);
    await shot(page, 'live-room-4-flash-countdown');
    await page.waitForFunction(() => !(document.querySelector('[data-testid=flash-buy]') as HTMLButtonElement).disabled, null, { timeout: 10_000 });
    const openedAt = await page.evaluate(() => Date.now());
    // Same machine, same clock: the button opened no earlier than the announced instant (allowing the offset estimate's error).
    expect(openedAt).toBeGreaterThanOrEqual(Date.parse(started.body.startsAt) - 250);
    expect(openedAt).toBeLessThanOrEqual(Date.parse(started.body.startsAt) + 1500);
    expect(await flash.getAttribute('data-state')).toBe('open');
    await page.getByTestId('flash-buy').click();
    const flashSheet = page.getByRole('dialog', { name: '限时秒杀' });
    await flashSheet.waitFor();
    expect(await flashSheet.textContent()).toContain('¥9.90');
    await flashSheet.getByTestId('room-pay').click();
    await page.waitForURL(/\/api\/v1\/sandbox-pay\//);
    await page.locator('#pay').click();
    await page.waitForURL(new RegExp(`/live/${sessionId}`), { timeout: 30_000 });
    await page.getByText('支付成功，主播会尽快安排发货').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await page.getByTestId('flash-card').textContent()) ?? '', { timeout: 8000 }).toContain('仅剩 2 件');
    await shot(page, 'live-room-5-flash-paid');
    const flashOrder = await h.t.deps.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id')
      .select(['order_item.unit_price_fen', 'shop_order.status']).where('shop_order.buyer_id', '=', buyer.id).where('order_item.unit_price_fen', '=', 990).execute();
    expect(flashOrder).toEqual([{ unit_price_fen: 990, status: 'paid' }]);
    // Removed by the host: the socket is closed for good and the comment box says why.
    expect((await host.client.put(`/api/v1/live/sessions/${sessionId}/bans/${buyer.id}`, { kind: 'ban', reason: '测试' })).status).toBe(200);
    await page.getByText('你已被移出直播间').first().waitFor({ timeout: 8000 });
    expect(await page.getByTestId('comment-input').count()).toBe(0);
    await shot(page, 'live-room-5b-banned');
    expect((await host.client.delete(`/api/v1/live/sessions/${sessionId}/bans/${buyer.id}/ban`)).status).toBe(200);
    // The video has no stream in this test: its 409/offline answers are expected, nothing else.
    expect(errors.filter((e) => !/video|409|WebSocket/i.test(e))).toEqual([]);
  });

  it('a session not started yet (or already over when opened) shows the pre-announcement instead of the room', async () => {
    const now = nowIso();
    const ids: Record<string, string> = {};
    for (const status of ['scheduled', 'ended'] as const) {
      const id = newId('liveSession');
      ids[status] = id;
      await h.t.deps.db.insertInto('live_session').values({
        id, county_code: COUNTY_A, host_user_id: host.id, kind: 'hosted', title: status === 'scheduled' ? '明晚八点 木耳专场' : '昨晚的蓝莓专场', description: '', cover_file_id: null,
        scheduled_start: new Date(Date.now() + (status === 'scheduled' ? 86_400_000 : -86_400_000)).toISOString(),
        scheduled_end: new Date(Date.now() + (status === 'scheduled' ? 90_000_000 : -80_000_000)).toISOString(), status, approval: 'approved',
        approval_note: '', approved_by: null, platform: null, external_url: null, external_code: null, pinned_item_id: null, video_state: 'offline', video_seen_at: null,
        replay_path: null, started_at: status === 'ended' ? now : null, ended_at: status === 'ended' ? now : null, created_at: now, updated_at: now,
      }).execute();
    }
    const { page, errors } = await newPage(h, { width: 390, height: 844 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/live/${ids.scheduled}`);
    await page.getByTestId('live-preview').waitFor();
    await page.getByText('明晚八点 木耳专场').waitFor();
    expect(await page.getByTestId('room').count()).toBe(0);
    await page.goto(`${h.baseUrl}/live/${ids.ended}`);
    await page.getByTestId('live-preview').waitFor();
    await page.getByText('昨晚的蓝莓专场').waitFor();
    expect(await page.getByTestId('room').count()).toBe(0);
    expect(errors.filter((e) => !/video|409|WebSocket/i.test(e))).toEqual([]);
  });

  it('the host console: figures, 讲解 toggle and comments on a phone', async () => {
    const { page, errors } = await newPage(h, { width: 390, height: 844 }, { isMobile: true });
    await page.goto(`${h.baseUrl}/me`);
    await page.getByLabel('手机号').fill(host.phone);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByText('李主播').first().waitFor();
    await page.goto(`${h.baseUrl}/host/sessions/${sessionId}/live`);
    await page.getByTestId('host-live').waitFor();
    await expect.poll(async () => (await page.getByTestId('fig-orders').textContent()) ?? '', { timeout: 8000 }).toBe('3');
    const row = page.getByTestId('hl-item').first();
    expect(await row.getByTestId('hl-pin').getAttribute('aria-pressed')).toBe('true');
    await row.getByTestId('hl-pin').click();
    await expect.poll(async () => row.getByTestId('hl-pin').getAttribute('aria-pressed'), { timeout: 8000 }).toBe('false');
    expect((await h.t.deps.db.selectFrom('live_session').select('pinned_item_id').where('id', '=', sessionId).executeTakeFirstOrThrow()).pinned_item_id).toBeNull();
    // More stock into the room while live: +5 moves five units from the product's stock.
    const before = (await h.t.deps.db.selectFrom('live_session_item').select('stock_left').where('id', '=', itemId).executeTakeFirstOrThrow()).stock_left;
    await row.getByTestId('hl-stock-open').click();
    await row.getByTestId('hl-stock-5').click();
    await expect.poll(async () => (await row.getByTestId('hl-stock').textContent()) ?? '', { timeout: 8000 }).toBe(`剩 ${before + 5}`);
    expect((await h.t.deps.db.selectFrom('live_session_item').select('stock_left').where('id', '=', itemId).executeTakeFirstOrThrow()).stock_left).toBe(before + 5);
    await page.getByTestId('hl-comments').getByText('1号 1盒').waitFor();
    await shot(page, 'live-room-6-host-console', true);
    expect(errors.filter((e) => !/video|409|WebSocket/i.test(e))).toEqual([]);
  });
});

import type { Ctx } from '../../context.js';
import { createSession, decideApproval } from './sessions.service.js';
import { addItem } from './sessions.runofshow.js';

/**
 * The demo county's first live session (for `npm start` only): tomorrow at 20:00 Beijing time,
 * approved, with the host's showcase products at a live price and a little stock set aside, so
 * the 直播 tab, the pre-announcement and the host's pages have something to show.
 */
export async function seedDemoLiveSession(host: Ctx, admin: Ctx, productIds: string[]): Promise<string> {
  const tomorrow = new Date(Date.now() + 86_400_000);
  const start = new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), 12, 0, 0)); // 20:00 in Beijing
  const s = await createSession(host, {
    kind: 'hosted', title: '长白山蓝莓与山货专场', description: '靖宇小李带你看蓝莓园，今晚直播价，现摘现发。',
    scheduledStart: start.toISOString(), scheduledEnd: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
  });
  for (const [i, productId] of productIds.entries()) {
    const sku = await host.db.selectFrom('sku').select(['id', 'price_fen', 'stock_available']).where('product_id', '=', productId)
      .where('archived_at', 'is', null).orderBy('id').executeTakeFirst();
    if (!sku || sku.stock_available < 5) continue;
    await addItem(host, s.id, {
      skuId: sku.id, livePriceFen: Math.max(1, Math.round((sku.price_fen * 0.9) / 10) * 10), stock: Math.min(20, sku.stock_available),
      slotMinute: i * 20, slotMinutes: 20, talkingPoints: '产地直发，直播间专享价',
    });
  }
  await decideApproval(admin, s.id, 'approved', '');
  return s.id;
}

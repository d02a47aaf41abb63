import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { liveRoom } from '../../contracts/live-events.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { changeStockAsSystem } from '../catalog/index.js';
import { assertLive, flashSaleEvent, flashSaleView, loadControlled, type SessionRow } from './room.service.js';
import { lockSessionForStock } from './session-lock.js';

/**
 * Flash sales (秒杀). A sale's stock is set aside from its run-of-show item when it is created
 * (a conditional decrement of the item's stock_left), so the item and the sale can never both
 * sell the same unit. "Start" never opens a sale now: it announces an instant
 * FLASH_SALE_LEAD_SECONDS ahead (3–60 s per start), every client counts down to it with its own
 * measured offset to the server clock, and orders that arrive before it are refused (409 with
 * startsAt). Closing gives what is left back to the item.
 */

export const LEAD_MIN_SECONDS = 3;
export const LEAD_MAX_SECONDS = 60;

export interface CreateFlashSaleInput {
  itemId: string;
  priceFen: number;
  stock: number;
  perBuyerLimit: number;
}

export async function createFlashSale(ctx: Ctx, sessionId: string, input: CreateFlashSaleInput) {
  const s = await loadControlled(ctx, sessionId);
  const over = (status: string) => {
    if (status === 'ended' || status === 'cancelled') throw new AppError(409, 'session_not_live', 'This session is over', [], { status });
  };
  over(s.status);
  if (s.kind === 'practice') throw new AppError(409, 'practice_session', 'A practice session takes no real orders');
  const item = await ctx.db.selectFrom('live_session_item').select(['id', 'live_price_fen', 'stock_left']).where('id', '=', input.itemId).where('session_id', '=', s.id).executeTakeFirst();
  if (!item) throw invalid('/body/itemId', "Only a product of this session's run-of-show can go on flash sale", 'not_in_run_of_show');
  if (input.priceFen > item.live_price_fen) throw invalid('/body/priceFen', 'A flash sale price cannot be above the live price', 'above_live_price');
  if (input.perBuyerLimit > input.stock) throw invalid('/body/perBuyerLimit', 'The per-buyer limit cannot be more than the stock of the sale', 'limit_above_stock');
  const id = newId('liveFlashSale');
  const row = await inTransaction(ctx, async (tx) => {
    over((await lockSessionForStock(tx, s.id)).status);
    const now = nowIso();
    const taken = await tx.db.updateTable('live_session_item').set((eb) => ({ stock_left: eb('stock_left', '-', input.stock), updated_at: now }))
      .where('id', '=', item.id).where('stock_left', '>=', input.stock).returning('stock_left').executeTakeFirst();
    if (!taken) {
      const cur = await tx.db.selectFrom('live_session_item').select('stock_left').where('id', '=', item.id).executeTakeFirstOrThrow();
      throw new AppError(409, 'not_enough_stock', `Only ${cur.stock_left} left on this item to set aside`, [{ pointer: '/body/stock', detail: `${cur.stock_left} left`, code: 'not_enough_stock' }], { available: cur.stock_left });
    }
    await tx.db.insertInto('live_flash_sale').values({
      id, session_id: s.id, item_id: item.id, price_fen: input.priceFen, stock_total: input.stock, stock_left: input.stock, stock_returned: 0,
      per_buyer_limit: input.perBuyerLimit, status: 'draft', lead_seconds: null, starts_at: null, ends_at: null, created_by: ctx.actor!.userId,
      created_at: now, announced_at: null, closed_at: null, updated_at: now,
    }).execute();
    await recordAudit(tx, { action: 'live.flash_sale_created', targetType: 'live_flash_sale', targetId: id, countyCode: s.county_code, detail: { ...input } });
    return { stockLeft: taken.stock_left, sale: await tx.db.selectFrom('live_flash_sale').selectAll().where('id', '=', id).executeTakeFirstOrThrow() };
  });
  ctx.deps.realtime.publish(liveRoom(s.id), { type: 'stock', data: { items: [{ itemId: item.id, stockLeft: row.stockLeft }] } });
  return flashSaleView(row.sale);
}

async function loadSale(ctx: Ctx, sessionId: string, saleId: string): Promise<{ s: SessionRow; sale: Awaited<ReturnType<typeof saleRow>> & object }> {
  const s = await loadControlled(ctx, sessionId);
  const sale = await saleRow(ctx, saleId);
  if (!sale || sale.session_id !== s.id) throw notFound('Flash sale');
  return { s, sale };
}
const saleRow = (ctx: Ctx, id: string) => ctx.db.selectFrom('live_flash_sale').selectAll().where('id', '=', id).executeTakeFirst();

/** Announces the sale: it opens leadSeconds from now (default FLASH_SALE_LEAD_SECONDS), for durationSeconds if given. */
export async function startFlashSale(ctx: Ctx, sessionId: string, saleId: string, input: { leadSeconds?: number | undefined; durationSeconds?: number | undefined }) {
  const { s, sale } = await loadSale(ctx, sessionId, saleId);
  assertLive(s);
  if (sale.status !== 'draft') throw new AppError(409, 'invalid_transition', sale.status === 'announced' ? 'This flash sale has already been started' : 'This flash sale is closed', [], { from: sale.status, to: 'announced' });
  const lead = input.leadSeconds ?? ctx.deps.config.flashSaleLeadSeconds;
  const startsAt = new Date(Date.now() + lead * 1000);
  const endsAt = input.durationSeconds ? new Date(startsAt.getTime() + input.durationSeconds * 1000).toISOString() : null;
  const row = await inTransaction(ctx, async (tx) => {
    const now = nowIso();
    const other = await tx.db.selectFrom('live_flash_sale').select(['id', 'ends_at']).where('session_id', '=', s.id).where('status', '=', 'announced').executeTakeFirst();
    // One whose time is up is closed on the way (its units back to the item); a running one is in the way.
    if (other && other.ends_at && Date.parse(other.ends_at) <= Date.now()) await closeInTransaction(tx, other.id);
    else if (other) throw new AppError(409, 'flash_sale_running', 'Another flash sale is running in this room; close it first', [], { saleId: other.id });
    const res = await tx.db.updateTable('live_flash_sale')
      .set({ status: 'announced', lead_seconds: lead, starts_at: startsAt.toISOString(), ends_at: endsAt, announced_at: now, updated_at: now })
      .where('id', '=', sale.id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'invalid_transition', 'This flash sale was started or closed just now');
    await recordAudit(tx, { action: 'live.flash_sale_started', targetType: 'live_flash_sale', targetId: sale.id, countyCode: s.county_code, detail: { startsAt: startsAt.toISOString(), endsAt } });
    return tx.db.selectFrom('live_flash_sale').selectAll().where('id', '=', sale.id).executeTakeFirstOrThrow();
  });
  ctx.deps.realtime.publish(liveRoom(s.id), flashSaleEvent(row));
  return flashSaleView(row);
}

/** Closes the sale (draft or running) and gives what is left back to its item. Closing twice is a 409. */
export async function closeFlashSale(ctx: Ctx, sessionId: string, saleId: string) {
  const { s, sale } = await loadSale(ctx, sessionId, saleId);
  const closed = await inTransaction(ctx, async (tx) => {
    const c = await closeInTransaction(tx, sale.id);
    if (!c) throw new AppError(409, 'invalid_transition', 'This flash sale is already closed', [], { from: 'closed', to: 'closed' });
    // In the same transaction as the close it records.
    await recordAudit(tx, { action: 'live.flash_sale_closed', targetType: 'live_flash_sale', targetId: sale.id, countyCode: s.county_code, detail: { returned: c.sale.stock_returned } });
    return c;
  });
  const rt = ctx.deps.realtime;
  rt.publish(liveRoom(s.id), flashSaleEvent(closed.sale));
  rt.publish(liveRoom(s.id), { type: 'stock', data: { items: [{ itemId: closed.sale.item_id, stockLeft: closed.itemStockLeft }] } });
  return flashSaleView(closed.sale);
}

/**
 * One conditional update closes the sale and zeroes its stock (SET reads the row's old
 * stock_left into stock_returned), so an order racing it either got its units first or finds
 * the sale closed; then the units go back to the item.
 */
async function closeInTransaction(tx: Ctx, saleId: string) {
  const now = nowIso();
  const row = await tx.db.updateTable('live_flash_sale')
    .set((eb) => ({ status: 'closed', stock_returned: eb.ref('stock_left'), stock_left: 0, closed_at: now, updated_at: now }))
    .where('id', '=', saleId).where('status', '!=', 'closed')
    .returning(['item_id', 'stock_returned']).executeTakeFirst();
  if (!row) return null;
  const item = await tx.db.updateTable('live_session_item').set((eb) => ({ stock_left: eb('stock_left', '+', row.stock_returned), updated_at: now }))
    .where('id', '=', row.item_id).returning(['stock_left', 'sku_id', 'session_id']).executeTakeFirstOrThrow();
  let itemStockLeft = item.stock_left;
  // A sale closed after its session ended: the session's stock has already gone back to the SKU,
  // so these units follow it there instead of staying stranded on the item.
  const session = await tx.db.selectFrom('live_session').select('status').where('id', '=', item.session_id).executeTakeFirstOrThrow();
  if (row.stock_returned > 0 && (session.status === 'ended' || session.status === 'cancelled')) {
    const moved = await tx.db.updateTable('live_session_item').set((eb) => ({ stock_left: eb('stock_left', '-', row.stock_returned), updated_at: now }))
      .where('id', '=', row.item_id).where('stock_left', '>=', row.stock_returned).returning('stock_left').executeTakeFirst();
    if (moved) {
      await changeStockAsSystem(tx, item.sku_id, row.stock_returned, `live:flash_sale_closed:${saleId}`);
      itemStockLeft = moved.stock_left;
    }
  }
  return { itemStockLeft, sale: await tx.db.selectFrom('live_flash_sale').selectAll().where('id', '=', saleId).executeTakeFirstOrThrow() };
}

/**
 * Closes every open sale of a session, returning their stock to the items. For the sessions
 * module's end-of-session transaction (call it before giving the items' stock back to the SKUs).
 */
export async function closeSessionFlashSales(tx: Ctx, sessionId: string): Promise<number> {
  const open = await tx.db.selectFrom('live_flash_sale').select('id').where('session_id', '=', sessionId).where('status', '!=', 'closed').execute();
  let n = 0;
  for (const o of open) if (await closeInTransaction(tx, o.id)) n++;
  return n;
}

export async function listFlashSales(ctx: Ctx, sessionId: string) {
  const s = await loadControlled(ctx, sessionId);
  const rows = await ctx.db.selectFrom('live_flash_sale').selectAll().where('session_id', '=', s.id).orderBy('id', 'desc').limit(100).execute();
  return { items: rows.map((r) => flashSaleView(r)), leadSeconds: ctx.deps.config.flashSaleLeadSeconds };
}

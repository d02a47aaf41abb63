import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { liveRoom } from '../../contracts/live-events.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { changeStockAsSystem } from '../catalog/index.js';
import type { LiveSessionItemTable, LiveSessionTable } from './live.tables.js';
import { assertOpen, loadSession } from './sessions.service.js';
import { lockSessionForStock } from './session-lock.js';

/**
 * The run-of-show: ordered SKUs with a live price and stock set aside for the session. Setting
 * stock aside moves it out of `sku.stock_available` by the catalog's conditional change (with a
 * stock_movement row), so neither side can go below zero; lowering it, removing the line,
 * ending or cancelling the session moves what is left back.
 *
 * Practice sessions sell nothing (the room refuses their orders), so their lines set no stock
 * aside: `stock_left` is only what the trainee rehearses with, and the SKU is never touched. Nor
 * do they need the showcase: a trainee may rehearse with any product on sale in the county.
 *
 * Room codes (what viewers type: "3号") are 1..n in show order while the session is scheduled;
 * once it is live they are frozen, so a code a viewer saw never changes meaning mid-show.
 */
export const MAX_ITEMS = 100;
/** Room codes are renumbered through this range (unique per session; see reorder). */
const PARK = 899;

export async function itemViews(ctx: Ctx, sessionId: string) {
  const rows = await ctx.db.selectFrom('live_session_item as i')
    .innerJoin('sku', 'sku.id', 'i.sku_id').innerJoin('product', 'product.id', 'i.product_id')
    .select(['i.id', 'i.position', 'i.room_code', 'i.product_id', 'i.sku_id', 'i.supplier_id', 'i.live_price_fen', 'i.stock_allotted', 'i.stock_left',
      'i.slot_minute', 'i.slot_minutes', 'i.talking_points', 'product.title', 'product.unit', 'product.cover_file_id', 'sku.spec', 'sku.price_fen'])
    .where('i.session_id', '=', sessionId).orderBy('i.position').execute();
  return rows.map((r) => ({
    id: r.id, position: r.position, roomCode: r.room_code, productId: r.product_id, skuId: r.sku_id, supplierId: r.supplier_id,
    title: r.title, spec: r.spec, unit: r.unit, imageUrl: r.cover_file_id ? `/api/v1/files/${r.cover_file_id}` : null,
    listPriceFen: r.price_fen, livePriceFen: r.live_price_fen, stockAllotted: r.stock_allotted, stockLeft: r.stock_left,
    slotMinute: r.slot_minute, slotMinutes: r.slot_minutes, talkingPoints: r.talking_points,
  }));
}

function refuse(code: string, detail: string, pointer = '/body/skuId'): never {
  throw new AppError(422, code, detail, [{ pointer, detail, code }]);
}

/**
 * Moves every line's unsold stock back to its SKU (session ended or cancelled). Each line is
 * emptied by a compare-and-set on the amount read, so a sale racing with the end is either
 * counted before or refused after, never both.
 */
export async function returnAllStock(ctx: Ctx, sessionId: string, reason: string): Promise<LiveSessionItemTable[]> {
  const session = await ctx.db.selectFrom('live_session').select('kind').where('id', '=', sessionId).executeTakeFirst();
  const moves = session?.kind !== 'practice';
  // In SKU id order, as every writer of stock locks SKU rows, so that ending a session never
  // deadlocks with a checkout or a batch of them (orders/checkout-batch.ts) on PostgreSQL.
  const items = await ctx.db.selectFrom('live_session_item').selectAll().where('session_id', '=', sessionId).where('stock_left', '>', 0).orderBy('sku_id').execute();
  const done: LiveSessionItemTable[] = [];
  for (const item of items) {
    let left = item.stock_left;
    for (let attempt = 0; left > 0 && attempt < 20; attempt++) {
      const res = await ctx.db.updateTable('live_session_item').set({ stock_left: 0, updated_at: nowIso() })
        .where('id', '=', item.id).where('stock_left', '=', left).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        if (moves) await changeStockAsSystem(ctx, item.sku_id, left, reason);
        done.push(item);
        break;
      }
      const now = await ctx.db.selectFrom('live_session_item').select('stock_left').where('id', '=', item.id).executeTakeFirst();
      left = now?.stock_left ?? 0;
    }
  }
  return done;
}

async function loadItem(ctx: Ctx, s: LiveSessionTable, itemId: string): Promise<LiveSessionItemTable> {
  const item = await ctx.db.selectFrom('live_session_item').selectAll().where('id', '=', itemId).where('session_id', '=', s.id).executeTakeFirst();
  if (!item) throw notFound('Run-of-show item');
  return item;
}

function publishStock(ctx: Ctx, s: LiveSessionTable, items: { id: string; stock_left: number }[]) {
  if (s.status === 'live' && items.length) ctx.deps.realtime.publish(liveRoom(s.id), { type: 'stock', data: { items: items.map((i) => ({ itemId: i.id, stockLeft: i.stock_left })) } });
}

export interface AddItemInput {
  skuId: string;
  livePriceFen: number;
  stock: number;
  slotMinute?: number | null | undefined;
  slotMinutes?: number | null | undefined;
  talkingPoints?: string | undefined;
}

/**
 * Adds a SKU to the run-of-show. The product must be in the host's showcase and the selection
 * base, on sale, of an active supplier, in the session's county; the live price at most the list
 * price. (Practice: on sale in the county is enough.)
 */
export async function addItem(ctx: Ctx, sessionId: string, input: AddItemInput) {
  const { s } = await loadSession(ctx, sessionId, 'host');
  assertOpen(s);
  const sku = await ctx.db.selectFrom('sku').innerJoin('product', 'product.id', 'sku.product_id').innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .select(['sku.id', 'sku.price_fen', 'sku.archived_at', 'product.id as product_id', 'product.status as product_status', 'product.county_code', 'product.supplier_id', 'supplier.status as supplier_status',
      (eb) => eb.exists(eb.selectFrom('selection_item').select('selection_item.id').whereRef('selection_item.product_id', '=', 'product.id')).as('in_selection')])
    .where('sku.id', '=', input.skuId).executeTakeFirst();
  if (!sku) refuse('unknown_sku', 'No such SKU');
  if (sku.county_code !== s.county_code) refuse('other_county', "The product is not from this session's county");
  if (sku.supplier_status !== 'active') refuse('supplier_inactive', "The product's supplier is suspended");
  if (sku.product_status !== 'on_sale') refuse('product_off_sale', 'The product is not on sale');
  if (sku.archived_at) refuse('sku_archived', 'This SKU is no longer sold');
  const practice = s.kind === 'practice';
  if (!practice) {
    const inShowcase = await ctx.db.selectFrom('host_showcase_item').select('product_id')
      .where('host_user_id', '=', s.host_user_id).where('product_id', '=', sku.product_id).executeTakeFirst();
    if (!inShowcase) refuse('not_in_showcase', 'Add the product to your showcase (橱窗) first');
    // SQLite answers exists() as 0/1, PostgreSQL as a boolean: both falsy when absent.
    if (!sku.in_selection) refuse('not_in_selection', 'The product has left the selection base (选品库); it cannot be sold live');
  }
  if (input.livePriceFen > sku.price_fen) refuse('live_price_above_list', 'The live price may not be above the list price', '/body/livePriceFen');

  const now = nowIso();
  const item = await inTransaction(ctx, async (tx) => {
    // Exclusive: two adds at once would both number their item max(room_code) + 1.
    assertOpen(await lockSessionForStock(tx, s.id, 'update'));
    const agg = await tx.db.selectFrom('live_session_item')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('position').as('pos'), (eb) => eb.fn.max('room_code').as('code')])
      .where('session_id', '=', s.id).executeTakeFirstOrThrow();
    if (Number(agg.n) >= MAX_ITEMS) throw new AppError(409, 'too_many_items', `A run-of-show holds at most ${MAX_ITEMS} items`);
    const dup = await tx.db.selectFrom('live_session_item').select('id').where('session_id', '=', s.id).where('sku_id', '=', sku.id).executeTakeFirst();
    if (dup) throw new AppError(409, 'already_in_show', 'This SKU is already in the run-of-show; change its stock instead', [], { itemId: dup.id });
    const row: LiveSessionItemTable = {
      id: newId('liveItem'), session_id: s.id, position: Number(agg.pos ?? 0) + 1, room_code: Number(agg.code ?? 0) + 1,
      product_id: sku.product_id, sku_id: sku.id, supplier_id: sku.supplier_id, live_price_fen: input.livePriceFen,
      stock_allotted: input.stock, stock_left: input.stock, slot_minute: input.slotMinute ?? null, slot_minutes: input.slotMinutes ?? null,
      talking_points: input.talkingPoints?.trim() ?? '', created_at: now, updated_at: now,
    };
    await tx.db.insertInto('live_session_item').values(row).execute();
    if (input.stock > 0 && !practice) await setAside(tx, sku.id, input.stock, s.id);
    await recordAudit(tx, { action: 'live.item.add', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { skuId: sku.id, livePriceFen: input.livePriceFen, stock: input.stock } });
    return row;
  });
  publishStock(ctx, s, [item]);
  return (await itemViews(ctx, s.id)).find((i) => i.id === item.id)!;
}

/** Takes stock out of the SKU; a shortfall names how much there is. */
async function setAside(ctx: Ctx, skuId: string, qty: number, sessionId: string) {
  try {
    await changeStockAsSystem(ctx, skuId, -qty, `live:set_aside:${sessionId}`);
  } catch (err) {
    if (err instanceof AppError && err.code === 'insufficient_stock') {
      const sku = await ctx.db.selectFrom('sku').select('stock_available').where('id', '=', skuId).executeTakeFirst();
      throw new AppError(409, 'insufficient_stock', `Only ${sku?.stock_available ?? 0} in stock to set aside`, [{ pointer: '/body/stock', detail: 'more than the stock available' }], { available: sku?.stock_available ?? 0 });
    }
    throw err;
  }
}

export interface UpdateItemInput {
  livePriceFen?: number | undefined;
  stock?: number | undefined;
  slotMinute?: number | null | undefined;
  slotMinutes?: number | null | undefined;
  talkingPoints?: string | undefined;
}

/** Changes a line; `stock` is the new unsold amount, the difference moving to or from the SKU. */
export async function updateItem(ctx: Ctx, sessionId: string, itemId: string, input: UpdateItemInput) {
  const { s } = await loadSession(ctx, sessionId, 'host');
  assertOpen(s);
  const item = await loadItem(ctx, s, itemId);
  if (input.livePriceFen !== undefined) {
    const sku = await ctx.db.selectFrom('sku').select('price_fen').where('id', '=', item.sku_id).executeTakeFirstOrThrow();
    if (input.livePriceFen > sku.price_fen) refuse('live_price_above_list', 'The live price may not be above the list price', '/body/livePriceFen');
  }
  const now = nowIso();
  const updated = await inTransaction(ctx, async (tx) => {
    assertOpen(await lockSessionForStock(tx, s.id));
    const set: Partial<LiveSessionItemTable> = { updated_at: now };
    if (input.livePriceFen !== undefined) set.live_price_fen = input.livePriceFen;
    if (input.slotMinute !== undefined) set.slot_minute = input.slotMinute;
    if (input.slotMinutes !== undefined) set.slot_minutes = input.slotMinutes;
    if (input.talkingPoints !== undefined) set.talking_points = input.talkingPoints.trim();
    let stockLeft = item.stock_left;
    if (input.stock !== undefined && input.stock !== item.stock_left) {
      const delta = input.stock - item.stock_left;
      // Compare-and-set on the amount the host saw: a sale in between makes this a 409, not a wrong count.
      const res = await tx.db.updateTable('live_session_item')
        .set((eb) => ({ stock_left: input.stock!, stock_allotted: eb('stock_allotted', '+', delta) }))
        .where('id', '=', item.id).where('stock_left', '=', item.stock_left).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'stock_changed', 'Stock of this item changed just now (a sale?); reload and try again');
      if (s.kind === 'practice') { /* nothing set aside: practice sells nothing */ } else if (delta > 0) await setAside(tx, item.sku_id, delta, s.id);
      else await changeStockAsSystem(tx, item.sku_id, -delta, `live:return:${s.id}`);
      stockLeft = input.stock;
    }
    await tx.db.updateTable('live_session_item').set(set).where('id', '=', item.id).execute();
    await recordAudit(tx, { action: 'live.item.update', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { itemId, ...input } });
    return { ...item, stock_left: stockLeft };
  });
  if (input.stock !== undefined) publishStock(ctx, s, [updated]);
  return (await itemViews(ctx, s.id)).find((i) => i.id === item.id)!;
}

/** Removes a line before the session starts (its stock goes back); during the show, set its stock to 0 instead. */
export async function removeItem(ctx: Ctx, sessionId: string, itemId: string) {
  const { s } = await loadSession(ctx, sessionId, 'host');
  if (s.status === 'live') throw new AppError(409, 'session_live', 'During the show, set the item’s stock to 0 instead of removing it (orders refer to it)');
  assertOpen(s);
  const item = await loadItem(ctx, s, itemId);
  await inTransaction(ctx, async (tx) => {
    // A flash sale drawn from this item: an open one must be closed first (its units come back);
    // closed ones that sold nothing (the only kind before the show) go with the item.
    const sales = await tx.db.selectFrom('live_flash_sale').select(['id', 'status', 'stock_total', 'stock_left', 'stock_returned']).where('item_id', '=', item.id).execute();
    const open = sales.find((x) => x.status !== 'closed');
    if (open) throw new AppError(409, 'item_has_flash_sale', 'This item has a flash sale; close the flash sale first, then remove the item', [], { flashSaleId: open.id });
    if (sales.some((x) => x.stock_total - x.stock_returned - x.stock_left > 0)) {
      throw new AppError(409, 'item_has_sales', 'Units of this item were sold in a flash sale; set its stock to 0 instead of removing it');
    }
    if (sales.length) {
      await tx.db.deleteFrom('live_flash_sale_buyer').where('sale_id', 'in', sales.map((x) => x.id)).execute();
      await tx.db.deleteFrom('live_flash_sale').where('id', 'in', sales.map((x) => x.id)).execute();
    }
    const res = await tx.db.deleteFrom('live_session_item').where('id', '=', item.id).where('stock_left', '=', item.stock_left).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw new AppError(409, 'stock_changed', 'The item changed just now; reload and try again');
    if (item.stock_left > 0 && s.kind !== 'practice') await changeStockAsSystem(tx, item.sku_id, item.stock_left, `live:return:${s.id}`);
    const rest = await tx.db.selectFrom('live_session_item').select('id').where('session_id', '=', s.id).orderBy('position').execute();
    await renumber(tx, s, rest.map((r) => r.id));
    await recordAudit(tx, { action: 'live.item.remove', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { itemId, skuId: item.sku_id, returned: item.stock_left } });
  });
  return itemViews(ctx, s.id);
}

/** Positions 1..n in the given order; room codes follow while the session is scheduled. */
async function renumber(ctx: Ctx, s: LiveSessionTable, ids: string[]) {
  const codesFollow = s.status === 'scheduled';
  if (codesFollow) {
    // Two passes: (session, room_code) is unique, so codes are parked above the used range first.
    for (const [i, id] of ids.entries()) await ctx.db.updateTable('live_session_item').set({ room_code: PARK + i + 1 }).where('id', '=', id).execute();
  }
  for (const [i, id] of ids.entries()) {
    await ctx.db.updateTable('live_session_item').set({ position: i + 1, ...(codesFollow ? { room_code: i + 1 } : {}) }).where('id', '=', id).execute();
  }
}

export async function reorderItems(ctx: Ctx, sessionId: string, itemIds: string[]) {
  const { s } = await loadSession(ctx, sessionId, 'host');
  assertOpen(s);
  await inTransaction(ctx, async (tx) => {
    const current = await tx.db.selectFrom('live_session_item').select('id').where('session_id', '=', s.id).execute();
    const given = new Set(itemIds);
    if (given.size !== itemIds.length || given.size !== current.length || current.some((c) => !given.has(c.id))) {
      throw new AppError(409, 'stale_run_of_show', 'List every item of the run-of-show exactly once; it may have changed, reload');
    }
    await renumber(tx, s, itemIds);
    await recordAudit(tx, { action: 'live.item.reorder', targetType: 'live_session', targetId: s.id, countyCode: s.county_code });
  });
  return itemViews(ctx, s.id);
}

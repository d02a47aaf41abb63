import type { Ctx } from '../context.js';
import { inTransaction, writeAlone } from '../context.js';
import { liveRoom } from '../contracts/live-events.js';
import { AppError, invalid } from '../platform/http/errors.js';
import { newId } from '../platform/ids.js';
import { insertRows } from '../platform/db/prepared.js';
import { maskName } from '../platform/mask.js';
import { bizDate, nowIso } from '../platform/time.js';
import { recordAudit } from '../modules/audit/index.js';
import { checkoutQueries, earlierCheckout, getCheckout, numberWithDate, onceMoreOnNumberClash, quoteShipping, requestHash } from '../modules/orders/index.js';
import type { CheckoutTable, OrderItemTable, ShopOrderTable } from '../modules/orders/orders.tables.js';
import { regionLabel } from '../modules/regions/index.js';
// The room's own files rather than the live module's index: this flow is the room's buying half.
import { activeBans, assertCanView, assertLive, flashSaleEvent, isBuyer, loadRoomSession, type SessionRow } from '../modules/live/room.service.js';
import { parseBuyComment } from '../modules/live/room.parse.js';
import type { BuyOutcome } from '../modules/live/room.tables.js';

/**
 * Buying in a live room: one run-of-show item at its live price (or a flash sale's price),
 * reserved from the session's own stock — `live_session_item.stock_left`, or the flash sale's
 * `stock_left` — by a conditional decrement in the same transaction as the order, so the room
 * is never oversold whatever the concurrency. The order carries source live/session id and
 * the session's host (for commission), and takes an Idempotency-Key like any checkout.
 *
 * Where the stock of a cancelled or expired live order goes: back to the SKU's general stock
 * (`sku.stock_available`), through the orders module's one cancel path like every other order,
 * not back into the session. The session's stock was moved out of the SKU when it was set
 * aside; an unpaid order is cancelled 15 minutes later or more, often after the session ended,
 * and a sale that silently refilled a room's stock would make "仅剩 3 件" untrue. The host can
 * set more stock aside for the session while it runs (run-of-show editing).
 */

export interface LiveCheckoutInput {
  itemId: string;
  quantity: number;
  addressId: string;
  flashSaleId?: string | undefined;
  note?: string | undefined;
}

const SCOPE = 'live_checkout';

export async function placeLiveCheckout(ctx: Ctx, sessionId: string, input: LiveCheckoutInput, idempotencyKey: string) {
  const buyerId = ctx.actor!.userId;
  const hashOf = requestHash({ sessionId, ...input });
  const replay = () => earlierCheckout(ctx, SCOPE, idempotencyKey, hashOf);
  const earlier = await replay();
  if (earlier) return earlier;

  const s = await loadRoomSession(ctx, sessionId);
  await assertCanView(ctx, s);
  if (s.kind === 'practice') throw new AppError(409, 'practice_session', 'A practice session takes no real orders');
  assertLive(s);
  if ((await activeBans(ctx, s.id, buyerId)).banned) throw new AppError(403, 'banned_from_room', 'You have been removed from this live room');

  const item = await ctx.db.selectFrom('live_session_item').selectAll().where('id', '=', input.itemId).where('session_id', '=', s.id).executeTakeFirst();
  if (!item) throw invalid('/body/itemId', "This product is not in this session's run-of-show", 'not_in_run_of_show');
  let sale = null;
  if (input.flashSaleId) {
    sale = await ctx.db.selectFrom('live_flash_sale').selectAll().where('id', '=', input.flashSaleId).where('session_id', '=', s.id).executeTakeFirst();
    if (!sale || sale.item_id !== item.id) throw invalid('/body/flashSaleId', 'No such flash sale for this product', 'unknown_flash_sale');
    assertFlashSaleOpen(sale);
    if (input.quantity > sale.per_buyer_limit) {
      throw new AppError(409, 'purchase_limit', `Each buyer may take at most ${sale.per_buyer_limit} in this flash sale`,
        [{ pointer: '/body/quantity', detail: `limit ${sale.per_buyer_limit}`, code: 'purchase_limit' }], { limit: sale.per_buyer_limit });
    }
  }
  // Most buyers of a sold-out item learn it from a plain read, without queueing a write.
  const left = sale ? sale.stock_left : item.stock_left;
  if (left === 0) throw soldOut(0);

  try {
    // Once more under new numbers if another process took this order's number (see numberWithDate).
    const placed = await onceMoreOnNumberClash(ctx, () => inTransaction(ctx, (tx) => placeInTransaction(tx, s, item, sale, input, idempotencyKey, hashOf())));
    // After commit: the ticker, and the stock viewers see.
    const rt = ctx.deps.realtime;
    rt.publish(liveRoom(s.id), { type: 'order', data: { buyerLabel: maskName(ctx.actor!.name || '买家'), quantity: input.quantity, unit: placed.unit, title: placed.title, at: placed.at } });
    if (placed.sale) rt.publish(liveRoom(s.id), flashSaleEvent(placed.sale));
    else rt.publish(liveRoom(s.id), { type: 'stock', data: { items: [{ itemId: item.id, stockLeft: placed.stockLeft }] } });
    return { replayed: false, checkout: await getCheckout(ctx, placed.checkoutId) };
  } catch (err) {
    // A concurrent request with the same key committed first; ours rolled back. Answer with its result.
    const code = String((err as { code?: unknown }).code ?? '');
    if (code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) {
      const other = await replay();
      if (other) return other;
    }
    throw err;
  }
}

function soldOut(left: number) {
  return new AppError(409, 'sold_out', left === 0 ? 'Sold out' : `Only ${left} left`, [{ pointer: '/body/quantity', detail: `${left} left`, code: 'sold_out' }], { available: left });
}

/** Orders before the announced instant are refused with the instant, so the client can wait for it. */
export function assertFlashSaleOpen(sale: { status: string; starts_at: string | null; ends_at: string | null }, now = Date.now()): void {
  if (sale.status === 'draft' || !sale.starts_at) throw new AppError(409, 'flash_sale_not_started', 'This flash sale has not been started yet', [], { startsAt: null });
  if (sale.status === 'closed') throw new AppError(409, 'flash_sale_closed', 'This flash sale is over');
  if (now < Date.parse(sale.starts_at)) {
    throw new AppError(409, 'flash_sale_not_started', 'This flash sale has not started yet', [], { startsAt: sale.starts_at, serverTime: new Date(now).toISOString() });
  }
  if (sale.ends_at && now >= Date.parse(sale.ends_at)) throw new AppError(409, 'flash_sale_closed', 'This flash sale is over');
}

type ItemRow = NonNullable<Awaited<ReturnType<typeof loadItem>>>;
const loadItem = (ctx: Ctx, id: string) => ctx.db.selectFrom('live_session_item').selectAll().where('id', '=', id).executeTakeFirst();
type SaleRow = Awaited<ReturnType<typeof loadSale>>;
const loadSale = (ctx: Ctx, id: string) => ctx.db.selectFrom('live_flash_sale').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function placeInTransaction(tx: Ctx, s: SessionRow, item: ItemRow, sale: SaleRow | null, input: LiveCheckoutInput, idempotencyKey: string, hash: string) {
  const buyerId = tx.actor!.userId;
  const now = nowIso();
  const address = await checkoutQueries.buyerAddress.first(tx.db, { id: input.addressId, userId: buyerId });
  if (!address) throw invalid('/body/addressId', 'Choose one of your delivery addresses', 'unknown_address');
  const sku = await checkoutQueries.skuForCheckout.first(tx.db, { skuId: item.sku_id });
  if (!sku) throw new Error(`live item ${item.id} has no SKU ${item.sku_id}`);
  if (sku.archived_at || sku.product_status !== 'on_sale' || sku.supplier_status !== 'active') {
    throw invalid('/body/itemId', 'This product is no longer on sale', 'not_on_sale');
  }
  // Reserve: one conditional decrement of the session's (or the sale's) own stock.
  let stockLeft: number;
  let unitFen: number;
  if (sale) {
    const nowMs = Date.now();
    assertFlashSaleOpen(sale, nowMs);
    const row = await tx.db.updateTable('live_flash_sale')
      .set((eb) => ({ stock_left: eb('stock_left', '-', input.quantity), updated_at: now }))
      .where('id', '=', sale.id).where('status', '=', 'announced').where('stock_left', '>=', input.quantity)
      .returning(['stock_left', 'price_fen']).executeTakeFirst();
    if (!row) {
      const cur = await tx.db.selectFrom('live_flash_sale').select(['stock_left', 'status']).where('id', '=', sale.id).executeTakeFirstOrThrow();
      if (cur.status === 'closed') throw new AppError(409, 'flash_sale_closed', 'This flash sale is over');
      throw soldOut(cur.stock_left);
    }
    stockLeft = row.stock_left;
    unitFen = row.price_fen;
    const limit = sale.per_buyer_limit;
    const counted = await tx.db.insertInto('live_flash_sale_buyer').values({ sale_id: sale.id, user_id: buyerId, quantity: input.quantity })
      .onConflict((oc) => oc.columns(['sale_id', 'user_id'])
        .doUpdateSet((eb) => ({ quantity: eb(eb.ref('live_flash_sale_buyer.quantity'), '+', input.quantity) }))
        .where('live_flash_sale_buyer.quantity', '<=', limit - input.quantity))
      .returning('quantity').executeTakeFirst();
    if (!counted) {
      throw new AppError(409, 'purchase_limit', `Each buyer may take at most ${limit} in this flash sale`,
        [{ pointer: '/body/quantity', detail: `limit ${limit}`, code: 'purchase_limit' }], { limit });
    }
  } else {
    // The price is the one in force when the stock is taken, read by the same statement.
    const row = await tx.db.updateTable('live_session_item')
      .set((eb) => ({ stock_left: eb('stock_left', '-', input.quantity), updated_at: now }))
      .where('id', '=', item.id).where('stock_left', '>=', input.quantity)
      .returning(['stock_left', 'live_price_fen']).executeTakeFirst();
    if (!row) {
      const cur = await tx.db.selectFrom('live_session_item').select('stock_left').where('id', '=', item.id).executeTakeFirstOrThrow();
      throw soldOut(cur.stock_left);
    }
    stockLeft = row.stock_left;
    unitFen = row.live_price_fen;
    // One viewer cannot hold a room's stock with unpaid orders: a cap per buyer and item, counted by conditional upsert.
    const cap = tx.deps.config.liveMaxPerBuyer;
    const overCap = () => new AppError(409, 'purchase_limit', `Each buyer may take at most ${cap} of this item in this live session`,
      [{ pointer: '/body/quantity', detail: `limit ${cap}`, code: 'purchase_limit' }], { limit: cap });
    if (input.quantity > cap) throw overCap();
    const taken = await tx.db.insertInto('live_item_buyer').values({ item_id: item.id, user_id: buyerId, quantity: input.quantity })
      .onConflict((oc) => oc.columns(['item_id', 'user_id'])
        .doUpdateSet((eb) => ({ quantity: eb(eb.ref('live_item_buyer.quantity'), '+', input.quantity) }))
        .where('live_item_buyer.quantity', '<=', cap - input.quantity))
      .returning('quantity').executeTakeFirst();
    if (!taken) throw overCap();
  }
  const itemsFen = unitFen * input.quantity;
  const policy = await tx.db.selectFrom('shipping_policy').selectAll().where('supplier_id', '=', sku.supplier_id).executeTakeFirst();
  const provinceCode = address.region_code.slice(0, 2);
  const quote = quoteShipping(policy, provinceCode, sku.weight_g * input.quantity, itemsFen);
  if (quote.feeFen === null) {
    const province = tx.deps.regions.get(provinceCode)?.name ?? provinceCode;
    throw new AppError(422, 'region_not_delivered', `${sku.supplier_name} does not deliver to ${province}`, [{ pointer: '/body/addressId', detail: 'not delivered to this province', code: 'region_not_delivered' }], { provinceCode });
  }
  // The SKU's own per-buyer limit holds in the room too (the orders module's cancel gives the count back).
  if (sku.max_per_buyer !== null) {
    const limit = sku.max_per_buyer;
    const over = () => new AppError(409, 'purchase_limit', `Each buyer may buy at most ${limit} of ${sku.title} ${sku.spec}`,
      [{ pointer: '/body/quantity', detail: `limit ${limit}`, code: 'purchase_limit' }], { limit });
    if (input.quantity > limit) throw over();
    const counted = await tx.db.insertInto('buyer_sku_purchase').values({ user_id: buyerId, sku_id: sku.id, quantity: input.quantity })
      .onConflict((oc) => oc.columns(['user_id', 'sku_id'])
        .doUpdateSet((eb) => ({ quantity: eb(eb.ref('buyer_sku_purchase.quantity'), '+', input.quantity) }))
        .where('buyer_sku_purchase.quantity', '<=', limit - input.quantity))
      .returning('quantity').executeTakeFirst();
    if (!counted) throw over();
  }

  const checkoutId = newId('checkout');
  const totalFen = itemsFen + quote.feeFen;
  const checkoutRow: CheckoutTable = {
    id: checkoutId, buyer_id: buyerId, payment_no: numberWithDate('P'), status: 'pending_payment', total_fen: totalFen,
    expires_at: new Date(Date.now() + tx.deps.config.orderPaymentMinutes * 60_000).toISOString(),
    payment_start: null, provider: null, transaction_id: null, paid_at: null, cancelled_at: null, cancel_reason: null, created_at: now,
  };
  const orderId = newId('order');
  const orderRow: ShopOrderTable = {
    id: orderId, order_no: numberWithDate(''), checkout_id: checkoutId, buyer_id: buyerId, supplier_id: sku.supplier_id, county_code: sku.county_code,
    status: 'pending_payment', source_kind: 'live', source_ref: s.id, host_user_id: s.host_user_id,
    items_fen: itemsFen, shipping_fen: quote.feeFen, total_fen: totalFen, refunded_fen: 0,
    recipient_name: address.recipient_name, recipient_phone: address.phone, region_code: address.region_code,
    address_text: `${regionLabel(tx.deps.regions, address.region_code, 'province')} ${address.detail}`,
    buyer_note: input.note ?? '', carrier: null, tracking_no: null, biz_date: bizDate(), created_at: now, paid_at: null, shipped_at: null,
    delivered_at: null, completed_at: null, cancelled_at: null, updated_at: now,
  };
  const line: OrderItemTable = {
    id: newId('orderItem'), order_id: orderId, sku_id: sku.id, product_id: sku.product_id, title: sku.title, spec: sku.spec, unit: sku.unit,
    unit_price_fen: unitFen, quantity: input.quantity, line_fen: itemsFen, weight_g: sku.weight_g, sale_mode: sku.sale_mode, ships_from: sku.ships_from,
    returns_policy: sku.returns_policy,
  };
  // The rows in one statement on PostgreSQL (one round trip instead of four), one cached
  // statement each on SQLite. The Idempotency-Key's row comes with them, after the reservation:
  // a concurrent duplicate fails on its unique key having done its work, and rolls it all back.
  await insertRows(tx.db, {
    checkout: [checkoutRow],
    shop_order: [orderRow],
    order_item: [line],
    idempotency_record: [{ user_id: buyerId, scope: SCOPE, idem_key: idempotencyKey, request_hash: hash, result_id: checkoutId, created_at: now }],
  });
  await recordAudit(tx, {
    action: 'live.order_placed', targetType: 'order', targetId: orderId, countyCode: sku.county_code,
    detail: { sessionId: s.id, itemId: item.id, flashSaleId: sale?.id ?? null, quantity: input.quantity, unitFen },
  });
  return { checkoutId, stockLeft, sale: sale ? await loadSale(tx, sale.id) : null, unit: sku.unit, title: sku.title, at: now };
}

// ---- comment-to-buy ---------------------------------------------------------------------------

export interface CommentBuyResult {
  outcome: BuyOutcome;
  roomCode: number;
  quantity: number;
  checkoutId: string | null;
  payUrl: string | null;
  text: string;
}

/**
 * A viewer commented a room code and quantity ("3号 2份"): reserve it from their default address
 * (idempotent per comment: the comment id is the Idempotency-Key), record the outcome on the
 * comment, and answer privately with a pay link or a polite reason. Never throws for the
 * viewer's own situation (unknown code, sold out, no address, over the limit): those are replies.
 */
export async function buyByComment(ctx: Ctx, s: SessionRow, commentId: string, text: string): Promise<CommentBuyResult | null> {
  const intent = parseBuyComment(text);
  if (!intent) return null;
  const { roomCode, quantity } = intent;
  const reply = (outcome: BuyOutcome, message: string, checkoutId: string | null = null): CommentBuyResult => ({
    outcome, roomCode, quantity, checkoutId, payUrl: checkoutId ? `/pay/${checkoutId}` : null, text: message,
  });
  let result: CommentBuyResult;
  const item = await ctx.db.selectFrom('live_session_item as i').innerJoin('product as p', 'p.id', 'i.product_id')
    .select(['i.id', 'i.stock_left', 'p.title', 'p.unit']).where('i.session_id', '=', s.id).where('i.room_code', '=', roomCode).executeTakeFirst();
  if (!isBuyer(ctx.actor)) {
    result = reply('not_buyer', '这个账号还不能下单，请用买家账号登录后再试～');
  } else if (!item) {
    result = reply('unknown_code', `没有找到 ${roomCode} 号商品哦，请看一下小黄车里的编号再试～`);
  } else {
    const address = await ctx.db.selectFrom('buyer_address').select('id').where('user_id', '=', ctx.actor!.userId).where('deleted_at', 'is', null)
      .orderBy('default_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
    if (!address) {
      result = reply('no_address', '还没有收货地址，请先在「我的」里添一个收货地址，再评论下单～');
    } else {
      try {
        const placed = await placeLiveCheckout(ctx, s.id, { itemId: item.id, quantity, addressId: address.id }, `comment:${commentId}`);
        result = reply('reserved', `已为你留好 ${item.title} ${quantity} ${item.unit}，请在 ${ctx.deps.config.orderPaymentMinutes} 分钟内付款`, placed.checkout.id);
      } catch (err) {
        const code = err instanceof AppError ? err.code : '';
        if (code === 'sold_out') {
          const left = Number((err as AppError).extra.available ?? 0);
          result = reply('sold_out', left > 0 ? `${item.title} 只剩 ${left} ${item.unit}了，少买一点再试试吧` : `抱歉，${item.title} 已经抢光了`);
        } else if (code === 'purchase_limit') {
          result = reply('over_limit', `${item.title} 每人限购 ${String((err as AppError).extra.limit ?? '')} ${item.unit}哦`);
        } else if (code === 'banned_from_room') {
          result = reply('banned', '你已被移出直播间，不能下单');
        } else if (err instanceof AppError && err.status < 500) {
          result = reply('unavailable', '这件商品现在买不了，请点小黄车看看～');
        } else throw err;
      }
    }
  }
  await writeAlone(ctx, (db) => db.updateTable('live_comment').set({ buy_room_code: roomCode, buy_quantity: quantity, buy_outcome: result.outcome, checkout_id: result.checkoutId })
    .where('id', '=', commentId).execute());
  ctx.deps.realtime.publishTo(liveRoom(s.id), ctx.actor!.userId, {
    type: 'reply', data: { kind: 'comment_buy', text: result.text, ...(result.checkoutId ? { checkoutId: result.checkoutId, payUrl: result.payUrl! } : {}) },
  });
  return result;
}


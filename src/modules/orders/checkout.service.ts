import { hash, randomInt } from 'node:crypto';
import type { Ctx, Deps } from '../../context.js';
import { inTransaction, systemCtx, writeAlone } from '../../context.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { formatFen } from '../../platform/money.js';
import { bizDate, nowIso, SHANGHAI_OFFSET_MS } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import { inScope, scopePrefixes } from '../../platform/http/access.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { withinScope } from '../../platform/db/scope.js';
import { paymentReceived, postEntry } from '../ledger/index.js';
import { paymentsFor, type PaymentEvent, type PaymentStart } from '../payments/index.js';
import { regionLabel } from '../regions/index.js';
import { quoteShipping } from './shipping.js';
import type { CheckoutTable, OrderItemTable, OrderSource, ShopOrderTable } from './orders.tables.js';
import { buildOrderViews, orderViews } from './orders.service.js';
import * as q from './checkout.queries.js';
import { writeInBatch } from './checkout-batch.js';
import { insertRows, type StatementValue } from '../../platform/db/prepared.js';

const MAX_LINES = 50;
const MAX_QUANTITY = 999;

export interface CheckoutLine {
  skuId: string;
  quantity: number;
}

export interface CheckoutInput {
  items: CheckoutLine[];
  addressId: string;
  source?: { kind: OrderSource; ref?: string | undefined } | undefined;
  note?: string | undefined;
  /** Take the bought lines out of the buyer's cart. */
  fromCart?: boolean | undefined;
}

/**
 * Human-facing numbers (order_no, payment_no): the Shanghai date, the milliseconds since its
 * midnight and six digits, e.g. 20261127 45296123 004817. Time-ordered, so each new number
 * goes to the end of its unique index; random numbers put every order on a page of its own
 * there, two of the ~8 pages an order wrote to SQLite's WAL (docs/benchmarks.md, fifth pass).
 * Within a millisecond this process counts up from a random start, so its own numbers never
 * clash; two processes clash only by picking overlapping six digits in the same millisecond:
 * the unique index refuses the later one and the checkout is placed again under new numbers
 * (onceMoreOnNumberClash).
 */
let lastMs = -1;
let nextTail = 0;
export function numberWithDate(prefix: string): string {
  // A clock stepped back keeps counting on from the last millisecond instead of repeating it.
  const shanghai = Math.max(Date.now() + SHANGHAI_OFFSET_MS, lastMs);
  if (shanghai !== lastMs) {
    lastMs = shanghai;
    nextTail = randomInt(0, 1_000_000);
  }
  const tail = nextTail;
  nextTail = (nextTail + 1) % 1_000_000;
  const day = new Date(shanghai).toISOString().slice(0, 10).replaceAll('-', '');
  return `${prefix}${day}${String(shanghai % 86_400_000).padStart(8, '0')}${String(tail).padStart(6, '0')}`;
}

/**
 * What an Idempotency-Key's request was, to tell a replay from a different request under the
 * same key. Lazy: most answers (a new order, sold out) never compare it.
 */
export function requestHash(input: unknown): () => string {
  let hex: string | undefined;
  return () => (hex ??= hash('sha256', JSON.stringify(input)));
}

type SkuRow = q.CheckoutRead;

/** Line i asks for more than the `available` units left (0: sold out). */
function soldOutError(sku: Pick<SkuRow, 'id' | 'title' | 'spec'>, i: number, available: number) {
  return new AppError(409, 'sold_out', available === 0 ? `${sku.title} ${sku.spec} is sold out` : `Only ${available} of ${sku.title} ${sku.spec} left`,
    [{ pointer: `/body/items/${i}/quantity`, detail: `${available} left`, code: 'sold_out' }], { skuId: sku.id, available });
}

/** Line i goes over the SKU's per-buyer limit. */
function purchaseLimitError(sku: SkuRow, i: number, limit: number) {
  return new AppError(409, 'purchase_limit', `Each buyer may buy at most ${limit} of ${sku.title} ${sku.spec}`,
    [{ pointer: `/body/items/${i}/quantity`, detail: `limit ${limit}`, code: 'purchase_limit' }], { skuId: sku.id, limit });
}

/** At least one line, not too many, each SKU once. */
function checkLines(items: CheckoutLine[]) {
  if (items.length === 0) throw invalid('/body/items', 'Choose at least one item', 'empty');
  if (items.length > MAX_LINES) throw invalid('/body/items', `At most ${MAX_LINES} lines in one checkout`, 'too_many_lines');
  const seen = new Set<string>();
  items.forEach((l, i) => {
    if (seen.has(l.skuId)) throw invalid(`/body/items/${i}/skuId`, 'This item is listed twice; change its quantity instead', 'duplicate_line');
    seen.add(l.skuId);
  });
}

/**
 * Places a checkout: one order per supplier under one payment, in one transaction. Prices come
 * from the server. Stock is reserved by a conditional decrement per line
 * (`stock_available >= q`), purchase limits by a conditional upsert, so concurrent buyers can
 * never oversell on either database. With an Idempotency-Key, a replay (even a concurrent
 * one) returns the first checkout and never creates a second.
 */
export async function placeCheckout(ctx: Ctx, input: CheckoutInput, idempotencyKey: string) {
  const buyerId = ctx.actor!.userId;
  checkLines(input.items);
  const hashOf = requestHash(input);
  const scope = 'checkout';

  const replay = () => earlierCheckout(ctx, scope, idempotencyKey, hashOf);

  // A one-line checkout of a SKU this process last saw sold out: in a flash sale most buyers are
  // told "sold out", and a light read (the stock, and whether the key was used) is all they need.
  const only = input.items.length === 1 ? input.items[0]!.skuId : undefined;
  if (only !== undefined && q.lastSeenSoldOut(only)) {
    const glance = await q.stockGlance(ctx.deps.db, { skuId: only, userId: buyerId, key: idempotencyKey });
    if (glance?.stock_available === 0) {
      // …unless this is a replay of a checkout that got the last units.
      const earlier = glance.used_by ? await replay() : null;
      if (earlier) return earlier;
      throw soldOutError(glance, 0, 0);
    }
    if (glance) q.noteStock(only, glance.stock_available);
  }

  // Everything the checkout reads, in one statement before the write transaction (after the
  // light read above when that found units back). Sold-out buyers are told from this read,
  // without queueing a write; the conditional decrement inside the transaction stays the
  // authority.
  const reads = await q.checkoutReads(ctx.deps.db, input.items.map((l) => l.skuId), input.addressId, buyerId);
  const soldOut = input.items.findIndex((l) => reads.find((x) => x.id === l.skuId)?.stock_available === 0);
  if (soldOut >= 0) {
    const sku = reads.find((x) => x.id === input.items[soldOut]!.skuId)!;
    q.noteStock(sku.id, 0);
    // …unless this is a replay of a checkout that got the last units.
    const earlier = await replay();
    if (earlier) return earlier;
    throw soldOutError(sku, soldOut, 0);
  }

  // No look-up of the Idempotency-Key first: a new key is the common case, and the key's row,
  // written last in the transaction, refuses a replay (even a concurrent one) by its unique
  // index. Any refusal is checked against an earlier checkout under this key before it is
  // answered, so a replay gets the first result, never a second checkout nor a new error.
  try {
    const placed = await onceMoreOnNumberClash(ctx, async () => {
      const requestHashHex = hashOf(); // before the transaction: on SQLite a batch of them runs one at a time
      return (oneStatement(ctx, input, reads) && await placeInOneStatement(ctx, input, reads, idempotencyKey, requestHashHex))
        || await inTransaction(ctx, (tx) => placeInTransaction(tx, input, reads, idempotencyKey, requestHashHex));
    });
    // Answer from the rows just written: no second round of reads on the hot path.
    return { replayed: false, checkout: { ...checkoutView(placed.checkout), orders: buildOrderViews(ctx, placed.orders, placed.items, placed.suppliers) } };
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    if (err instanceof AppError || code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) {
      const earlier = await replay();
      if (earlier) return earlier;
    }
    throw err;
  }
}

/**
 * Runs a checkout's write once more when another process made the same order or payment number
 * in the same millisecond (see numberWithDate): nothing of it was written, and the second run
 * makes new numbers. Not inside a caller's transaction, which the failed statement has spoilt
 * on PostgreSQL.
 */
export async function onceMoreOnNumberClash<T>(ctx: Ctx, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isNumberClash(err) || ctx.db.isTransaction) throw err;
    return write();
  }
}

/** A unique-key refusal of an order number or a payment number. */
function isNumberClash(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return e.constraint === 'shop_order_order_no_key' || e.constraint === 'checkout_payment_no_key';
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' && /shop_order\.order_no|checkout\.payment_no/.test(String(e.message));
}

/**
 * What a checkout would cost, without placing it: the same reads and the same checks and prices
 * as placeCheckout (the address, each item on sale, delivery to the province, shipping per
 * supplier), and the stock as it is now (nothing is reserved, so a quote is no promise). The
 * buyer's page shows the shipping and the total before "submit", and the reason a line or the
 * address will be refused.
 */
export async function quoteCheckout(ctx: Ctx, input: Pick<CheckoutInput, 'items' | 'addressId'>) {
  checkLines(input.items);
  const reads = await q.checkoutReads(ctx.deps.db, input.items.map((l) => l.skuId), input.addressId, ctx.actor!.userId);
  const plan = await planCheckout(ctx, input, reads);
  input.items.forEach((line, i) => {
    const sku = plan.byId.get(line.skuId)!;
    if (sku.stock_available < line.quantity) throw soldOutError(sku, i, sku.stock_available);
    if (sku.max_per_buyer !== null && line.quantity > sku.max_per_buyer) throw purchaseLimitError(sku, i, sku.max_per_buyer);
  });
  return {
    totalFen: plan.totalFen,
    orders: plan.orders.map((o) => ({
      supplierId: o.supplierId, supplierName: o.supplierName,
      itemsFen: o.itemsFen, shippingFen: o.shippingFen, totalFen: o.totalFen,
      lines: o.lines.map(({ line, sku }) => ({ skuId: sku.id, unitPriceFen: sku.price_fen, quantity: line.quantity, lineFen: sku.price_fen * line.quantity })),
    })),
  };
}

/**
 * On PostgreSQL a checkout of one line without a purchase limit is written by one statement: the
 * reservations and every row, atomic on its own, so no BEGIN and COMMIT round trips (six
 * round trips per order became three: session, reads, write), the bought lines leaving the
 * cart in the same statement. Limits need the per-buyer count checked between the reservation
 * and the rows, and several lines must be locked in SKU id order, which PostgreSQL does not
 * promise for the clauses of one statement: those checkouts take the transaction.
 */
function oneStatement(ctx: Ctx, input: CheckoutInput, reads: q.CheckoutRead[]): boolean {
  // Inside a caller's transaction the checkout must be part of it: the transaction path.
  return ctx.deps.dialect === 'postgres' && !ctx.db.isTransaction && input.items.length === 1 && reads.length === 1 && reads[0]!.max_per_buyer === null;
}

/**
 * The one-statement write. Null when some line lacked the stock (the statement wrote nothing):
 * the transaction then runs and gives the exact answer for each line, or places the checkout if
 * units came back meanwhile.
 */
async function placeInOneStatement(ctx: Ctx, input: CheckoutInput, reads: q.CheckoutRead[], idempotencyKey: string, requestHashHex: string) {
  const plan = await planCheckout(ctx, input, reads);
  const written = checkoutRows(ctx, input, plan, (line) => q.reservedStockAfter(line), idempotencyKey, requestHashHex);
  // Without a cart to empty it may share one statement with the checkouts arriving with it.
  if (!input.fromCart && await writeInBatch(ctx.deps, { tables: written.tables, lines: input.items, now: plan.now })) return written.placed;
  try {
    const reservations = q.reservationClauses(input.items, plan.now);
    await insertRows(ctx.deps.db, written.tables, input.fromCart ? q.withCartEmptied(reservations, ctx.actor!.userId, input.items.map((l) => l.skuId)) : reservations);
  } catch (err) {
    if (q.isReservationMiss(err)) return null;
    throw err;
  }
  return written.placed;
}

type Plan = Awaited<ReturnType<typeof planCheckout>>;

/**
 * What a checkout will write, worked out from what was read: the address, each SKU on sale,
 * one order per supplier with its shipping. Its refusals come before anything is written.
 */
async function planCheckout(ctx: Ctx, input: Pick<CheckoutInput, 'items' | 'addressId'>, rows: q.CheckoutRead[]) {
  const buyerId = ctx.actor!.userId;
  const now = nowIso();
  // The address came with the SKU rows; with no SKU row at all, it is looked up on its own.
  const address = rows.length
    ? (rows[0]!.address_id === null ? undefined : { recipient_name: rows[0]!.address_recipient_name!, phone: rows[0]!.address_phone!, region_code: rows[0]!.address_region_code!, detail: rows[0]!.address_detail! })
    : await q.buyerAddress.first(ctx.db, { id: input.addressId, userId: buyerId });
  if (!address) throw invalid('/body/addressId', 'Choose one of your delivery addresses', 'unknown_address');
  const provinceCode = address.region_code.slice(0, 2);

  const byId = new Map(rows.map((r) => [r.id, r]));
  input.items.forEach((l, i) => {
    const r = byId.get(l.skuId);
    if (!r || r.archived_at || r.product_status !== 'on_sale' || r.supplier_status !== 'active') {
      throw invalid(`/body/items/${i}/skuId`, 'This item is no longer on sale', 'not_on_sale');
    }
  });

  // One order per supplier, lines in the order the buyer gave them.
  const groups = new Map<string, { lines: { line: CheckoutLine; sku: SkuRow }[]; countyCode: string }>();
  for (const line of input.items) {
    const sku = byId.get(line.skuId)!;
    const g = groups.get(sku.supplier_id) ?? { lines: [], countyCode: sku.county_code };
    g.lines.push({ line, sku });
    groups.set(sku.supplier_id, g);
  }
  const orders = [...groups.entries()].map(([supplierId, g]) => {
    const supplierName = g.lines[0]!.sku.supplier_name;
    const itemsFen = g.lines.reduce((s, { line, sku }) => s + sku.price_fen * line.quantity, 0);
    const weightG = g.lines.reduce((s, { line, sku }) => s + sku.weight_g * line.quantity, 0);
    const quote = quoteShipping(q.policyOf(g.lines[0]!.sku), provinceCode, weightG, itemsFen);
    if (quote.feeFen === null) {
      const province = ctx.deps.regions.get(provinceCode)?.name ?? provinceCode;
      throw new AppError(422, 'region_not_delivered', `${supplierName} does not deliver to ${province}`, [{ pointer: '/body/addressId', detail: 'not delivered to this province', code: 'region_not_delivered' }], { supplierId, provinceCode });
    }
    return { id: newId('order'), supplierId, supplierName, countyCode: g.countyCode, lines: g.lines, itemsFen, shippingFen: quote.feeFen, totalFen: itemsFen + quote.feeFen };
  });
  return { now, address, byId, orders, totalFen: orders.reduce((s, o) => s + o.totalFen, 0) };
}

/**
 * Checks what was read and writes the checkout in the caller's transaction, so that its
 * refusals go through the same replay check as the writes'.
 */
async function placeInTransaction(tx: Ctx, input: CheckoutInput, rows: q.CheckoutRead[], idempotencyKey: string, requestHashHex: string) {
  const buyerId = tx.actor!.userId;
  const plan = await planCheckout(tx, input, rows);

  // Reserve stock: each line is one conditional decrement; any miss rolls the whole checkout back.
  // In SKU id order, so two checkouts (or a cancel) of the same SKUs lock their rows in the same
  // order and never deadlock on PostgreSQL.
  const stockAfter: number[] = [];
  const bySku = input.items.map((line, i) => ({ line, i })).sort((a, b) => (a.line.skuId < b.line.skuId ? -1 : 1));
  for (const { line, i } of bySku) {
    const sku = plan.byId.get(line.skuId)!;
    const reserved = await q.reserveStock.first(tx.db, { skuId: line.skuId, quantity: line.quantity, now: plan.now });
    if (!reserved) {
      const left = (await q.skuStockLeft.first(tx.db, { skuId: line.skuId }))!;
      throw soldOutError(sku, i, left.stock_available);
    }
    stockAfter[i] = reserved.stock_available;
    if (sku.max_per_buyer !== null) {
      const limit = sku.max_per_buyer;
      if (line.quantity > limit) throw purchaseLimitError(sku, i, limit);
      const counted = await q.countPurchase.first(tx.db, { userId: buyerId, skuId: line.skuId, quantity: line.quantity, atMostBefore: limit - line.quantity });
      if (!counted) throw purchaseLimitError(sku, i, limit);
    }
  }

  const written = checkoutRows(tx, input, plan, (line) => stockAfter[line]!, idempotencyKey, requestHashHex);
  if (input.fromCart) await tx.db.deleteFrom('cart_item').where('user_id', '=', buyerId).where('sku_id', 'in', input.items.map((l) => l.skuId)).execute();
  // All the rows in one step (one statement on PostgreSQL). A concurrent duplicate fails on the
  // Idempotency-Key's unique row, after doing its work, and the whole transaction rolls back.
  await insertRows(tx.db, written.tables);
  return written.placed;
}

/**
 * The rows of a planned checkout: the checkout, its orders and items, a stock movement per line
 * (its stock after the reservation, a number or worked out by the statement) and the
 * Idempotency-Key's row, written last so a replay fails on its unique index.
 */
function checkoutRows(ctx: Ctx, input: CheckoutInput, plan: Plan, stockAfter: (line: number) => number | StatementValue, idempotencyKey: string, requestHashHex: string) {
  const buyerId = ctx.actor!.userId;
  const { now, address } = plan;
  const checkoutId = newId('checkout');
  const expiresAt = new Date(Date.now() + ctx.deps.config.orderPaymentMinutes * 60_000).toISOString();
  const checkoutRow: CheckoutTable = {
    id: checkoutId, buyer_id: buyerId, payment_no: numberWithDate('P'), status: 'pending_payment', total_fen: plan.totalFen,
    expires_at: expiresAt, payment_start: null, provider: null, transaction_id: null, paid_at: null, cancelled_at: null, cancel_reason: null, created_at: now,
  };
  const orderRows: ShopOrderTable[] = [];
  const itemRows: OrderItemTable[] = [];
  const addressText = `${regionLabel(ctx.deps.regions, address.region_code, 'province')} ${address.detail}`;
  for (const o of plan.orders) {
    const orderRow: ShopOrderTable = {
      id: o.id, order_no: numberWithDate(''), checkout_id: checkoutId, buyer_id: buyerId, supplier_id: o.supplierId, county_code: o.countyCode,
      status: 'pending_payment', source_kind: input.source?.kind ?? 'storefront', source_ref: input.source?.ref ?? null, host_user_id: null,
      items_fen: o.itemsFen, shipping_fen: o.shippingFen, total_fen: o.totalFen, refunded_fen: 0,
      recipient_name: address.recipient_name, recipient_phone: address.phone, region_code: address.region_code, address_text: addressText,
      buyer_note: input.note ?? '', carrier: null, tracking_no: null, biz_date: bizDate(), created_at: now, paid_at: null, shipped_at: null,
      delivered_at: null, completed_at: null, cancelled_at: null, updated_at: now,
    };
    const lines = o.lines.map(({ line, sku }): OrderItemTable => ({
      id: newId('orderItem'), order_id: o.id, sku_id: sku.id, product_id: sku.product_id, title: sku.title, spec: sku.spec, unit: sku.unit,
      unit_price_fen: sku.price_fen, quantity: line.quantity, line_fen: sku.price_fen * line.quantity, weight_g: sku.weight_g,
      sale_mode: sku.sale_mode, ships_from: sku.ships_from, returns_policy: sku.returns_policy,
    }));
    orderRows.push(orderRow);
    itemRows.push(...lines);
  }
  const stockMovements = input.items.map((line, i) => ({
    id: newId('stockMovement'), sku_id: line.skuId, county_code: plan.byId.get(line.skuId)!.county_code, delta: -line.quantity,
    stock_after: stockAfter(i), reason: `reserved:${checkoutId}`, actor_id: buyerId, created_at: now,
  }));
  return {
    tables: {
      checkout: [checkoutRow],
      shop_order: orderRows,
      order_item: itemRows,
      // The type says a number; on PostgreSQL's one statement it is worked out by the statement.
      stock_movement: stockMovements as (typeof stockMovements[number] & { stock_after: number })[],
      idempotency_record: [{ user_id: buyerId, scope: 'checkout', idem_key: idempotencyKey, request_hash: requestHashHex, result_id: checkoutId, created_at: now }],
    },
    placed: { checkout: checkoutRow, orders: orderRows, items: itemRows, suppliers: plan.orders.map((o) => ({ id: o.supplierId, name: o.supplierName })) },
  };
}

/**
 * The checkout an earlier request under this Idempotency-Key made (null if none); the same key
 * with a different request is refused. Read from committed data, outside any transaction.
 */
export async function earlierCheckout(ctx: Ctx, scope: string, idempotencyKey: string, hashOf: () => string) {
  const rec = await q.committedIdempotencyRecord(ctx.deps.db, { userId: ctx.actor!.userId, scope, key: idempotencyKey });
  if (!rec) return null;
  if (rec.request_hash !== hashOf()) {
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different order; use a new key for a new order');
  }
  return { replayed: true, checkout: await getCheckout(ctx, rec.result_id) };
}

export function checkoutView(c: CheckoutTable) {
  return {
    id: c.id, paymentNo: c.payment_no, status: c.status, totalFen: c.total_fen, expiresAt: c.expires_at,
    paidAt: c.paid_at, cancelledAt: c.cancelled_at, cancelReason: c.cancel_reason, createdAt: c.created_at,
  };
}

export async function getCheckout(ctx: Ctx, checkoutId: string) {
  const c = await ctx.db.selectFrom('checkout').selectAll().where('id', '=', checkoutId).executeTakeFirst();
  if (!c || c.buyer_id !== ctx.actor?.userId) throw notFound('Checkout');
  const orders = await ctx.db.selectFrom('shop_order').selectAll().where('checkout_id', '=', c.id).orderBy('id').execute();
  return { ...checkoutView(c), orders: await orderViews(ctx, orders) };
}

/** Starts (or returns the already started) payment of a pending checkout with the configured provider. */
export async function startCheckoutPayment(ctx: Ctx, checkoutId: string): Promise<PaymentStart> {
  // The checkout and the titles of its first items, in one statement (a row per item, up to three).
  const rows = await q.checkoutToPay.all(ctx.db, { id: checkoutId });
  const c = rows[0];
  if (!c || c.buyer_id !== ctx.actor?.userId) throw notFound('Checkout');
  if (c.status !== 'pending_payment') throw new AppError(409, 'not_payable', c.status === 'paid' ? 'This checkout is already paid' : 'This checkout was cancelled; place a new one');
  if (c.expires_at <= nowIso()) throw new AppError(409, 'not_payable', 'The time to pay has run out; place the order again');
  if (c.payment_start) return JSON.parse(c.payment_start) as PaymentStart;
  const { provider } = paymentsFor(ctx.deps);
  const titles = rows.filter((r) => r.title !== null);
  const start = await provider.startPayment({
    outTradeNo: c.payment_no, amountFen: c.total_fen, description: `丰收 ${titles.map((t) => t.title).join('、')}`.slice(0, 120),
    buyer: { userId: c.buyer_id }, notifyUrl: `${ctx.deps.config.publicUrl}/api/v1/payments/notify/${provider.name}`, expiresAt: new Date(c.expires_at),
  });
  // Conditional: two taps on "pay" store one start; the loser returns the winner's.
  const won = await writeAlone(ctx, (db) => db.updateTable('checkout').set({ payment_start: JSON.stringify(start), provider: provider.name })
    .where('id', '=', c.id).where('payment_start', 'is', null).executeTakeFirst());
  if (Number(won.numUpdatedRows) === 1) return start;
  const stored = await ctx.db.selectFrom('checkout').select('payment_start').where('id', '=', c.id).executeTakeFirstOrThrow();
  return JSON.parse(stored.payment_start!) as PaymentStart;
}

/**
 * Cancels an unpaid checkout and every order in it, releasing the reserved stock and the
 * purchase-limit counts, in one transaction. Used by the buyer and by the expiry job.
 * Returns false when the checkout was no longer pending (paid, or cancelled by someone else).
 */
export async function cancelCheckout(ctx: Ctx, checkoutId: string, reason: string): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const now = nowIso();
    const res = await tx.db.updateTable('checkout').set({ status: 'cancelled', cancelled_at: now, cancel_reason: reason })
      .where('id', '=', checkoutId).where('status', '=', 'pending_payment').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    const orders = await tx.db.updateTable('shop_order').set({ status: 'cancelled', cancelled_at: now, updated_at: now })
      .where('checkout_id', '=', checkoutId).where('status', '=', 'pending_payment').returning(['id', 'buyer_id', 'county_code']).execute();
    // In SKU id order, like the reservations: two transactions lock SKU rows in the same order.
    const items = orders.length ? await tx.db.selectFrom('order_item').select(['sku_id', 'quantity', 'order_id']).where('order_id', 'in', orders.map((o) => o.id)).orderBy('sku_id').execute() : [];
    const released: number[] = [];
    for (const it of items) {
      const row = await tx.db.updateTable('sku').set((eb) => ({ stock_available: eb('stock_available', '+', it.quantity), updated_at: now }))
        .where('id', '=', it.sku_id).returning('stock_available').executeTakeFirstOrThrow();
      released.push(row.stock_available);
      await tx.db.updateTable('buyer_sku_purchase').set((eb) => ({ quantity: eb('quantity', '-', it.quantity) }))
        .where('user_id', '=', orders[0]!.buyer_id).where('sku_id', '=', it.sku_id).where('quantity', '>=', it.quantity).execute();
    }
    if (items.length) {
      await tx.db.insertInto('stock_movement').values(items.map((it, i) => ({
        id: newId('stockMovement'), sku_id: it.sku_id, county_code: orders.find((o) => o.id === it.order_id)!.county_code, delta: it.quantity,
        stock_after: released[i]!, reason: `released:${checkoutId}`, actor_id: tx.actor?.userId ?? null, created_at: now,
      }))).execute();
    }
    for (const o of orders) await recordAudit(tx, { action: 'order.cancelled', targetType: 'order', targetId: o.id, countyCode: o.county_code, detail: { reason } });
    return true;
  });
}

export async function cancelOwnCheckout(ctx: Ctx, checkoutId: string) {
  const c = await ctx.db.selectFrom('checkout').select(['id', 'buyer_id', 'status']).where('id', '=', checkoutId).executeTakeFirst();
  if (!c || c.buyer_id !== ctx.actor?.userId) throw notFound('Checkout');
  if (!(await cancelCheckout(ctx, c.id, 'buyer'))) {
    throw new AppError(409, 'invalid_transition', c.status === 'paid' ? 'This checkout is paid; ask for a refund on the order instead' : 'This checkout is already cancelled', [], { from: c.status, to: 'cancelled' });
  }
  const { provider } = paymentsFor(ctx.deps);
  // Best effort: stop the provider from taking money for it. If money still arrives, the
  // notification handler refunds it.
  await provider.closePayment((await ctx.db.selectFrom('checkout').select('payment_no').where('id', '=', c.id).executeTakeFirstOrThrow()).payment_no).catch(() => {});
  return getCheckout(ctx, c.id);
}

/** Cancels checkouts whose time to pay ran out. Safe in several processes: each cancel is conditional. */
export async function expireCheckouts(deps: Deps, now: string = nowIso()): Promise<number> {
  const ctx = systemCtx(deps);
  const due = await deps.db.selectFrom('checkout').select(['id', 'payment_no', 'payment_start']).where('status', '=', 'pending_payment').where('expires_at', '<=', now).limit(200).execute();
  let n = 0;
  for (const c of due) {
    if (await cancelCheckout(ctx, c.id, 'payment_timeout')) {
      n++;
      if (c.payment_start) await paymentsFor(deps).provider.closePayment(c.payment_no).catch(() => {});
    }
  }
  return n;
}

/**
 * Acts on a verified provider event, at most once per state change (a redelivered event
 * finds the checkout already moved and does nothing). Money that arrives for a checkout
 * cancelled meanwhile is refunded in full.
 */
export async function handlePaymentEvent(deps: Deps, event: PaymentEvent): Promise<void> {
  const ctx = systemCtx(deps);
  if (event.kind === 'paid') {
    const late = await inTransaction(ctx, async (tx) => {
      const now = nowIso();
      // Pending → paid first, keyed by the payment number and the amount paid: the common case
      // in one statement. Anything else is told apart by reading the checkout, before any write.
      const c = await q.markCheckoutPaid.first(tx.db, { paymentNo: event.outTradeNo, amountFen: event.amountFen, paidAt: event.paidAt, transactionId: event.transactionId });
      if (!c) {
        const current = await q.checkoutByPaymentNo.first(tx.db, { paymentNo: event.outTradeNo });
        if (!current) throw new AppError(404, 'unknown_payment', `No checkout for ${event.outTradeNo}`);
        if (event.amountFen !== current.total_fen) {
          deps.log.error({ event, checkout: current.id }, 'paid amount differs from the checkout total');
          throw new AppError(409, 'amount_mismatch', 'The paid amount does not match the checkout');
        }
        // Already paid (a redelivery) — nothing to do. Cancelled — the money must go back: the
        // refund is booked in this transaction, with the payment's record, so a failure rolls
        // both back and the provider's redelivery books it again. Keyed on the refund row, not
        // on transaction_id, so a redelivery also heals a payment recorded without its refund.
        if (current.status === 'cancelled') {
          await tx.db.updateTable('checkout').set({ transaction_id: event.transactionId }).where('id', '=', current.id).where('transaction_id', 'is', null).execute();
          return (await bookLatePaymentRefund(tx, current)) ? current : null;
        }
        return null;
      }
      const orders = await q.markOrdersPaid.all(tx.db, { checkoutId: c.id, paidAt: event.paidAt, now });
      for (const o of orders) await recordAudit(tx, { action: 'order.paid', targetType: 'order', targetId: o.id, countyCode: o.county_code, actorId: null, detail: { transactionId: event.transactionId } });
      // One entry per county: each county keeps its own books. Last before the commit: the
      // entry's guarded balances are rows every payment of the county updates (see postEntry).
      const byCounty = new Map<string, typeof orders>();
      for (const o of orders) byCounty.set(o.county_code, [...(byCounty.get(o.county_code) ?? []), o]);
      // Counties in code order: a payment over two counties locks their balance rows in the
      // order every other payment does.
      for (const [countyCode, list] of [...byCounty].sort(([a], [b]) => (a < b ? -1 : 1))) {
        await postEntry(tx, paymentReceived({ countyCode, paymentId: `${c.payment_no}-${countyCode}`, orders: list.map((o) => ({ orderId: o.id, supplierId: o.supplier_id, amountFen: o.total_fen })) }));
      }
      return null;
    });
    if (late) await startLateRefund(deps, { refundNo: lateRefundNo(late), paymentNo: late.payment_no, transactionId: event.transactionId, amountFen: late.total_fen });
    return;
  }
  // Refund results: settle the refund row and, on success, the ledger's refund clearing.
  const refund = await deps.db.selectFrom('payment_refund').selectAll().where('refund_no', '=', event.outRefundNo).executeTakeFirst();
  if (!refund) throw new AppError(404, 'unknown_refund', `No refund ${event.outRefundNo}`);
  if (event.kind === 'refund_succeeded' && event.refundFen !== refund.amount_fen) {
    deps.log.error({ event, refund: refund.id }, 'refunded amount differs from the refund asked for');
    throw new AppError(409, 'amount_mismatch', 'The refunded amount does not match the refund');
  }
  await inTransaction(ctx, async (tx) => {
    const res = await tx.db.updateTable('payment_refund')
      .set({ status: event.kind === 'refund_succeeded' ? 'succeeded' : 'failed', provider_refund_id: event.refundId, completed_at: event.at })
      .where('id', '=', refund.id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return;
    if (event.kind === 'refund_succeeded') {
      await postEntry(tx, {
        countyCode: refund.county_code, kind: 'refund', refType: 'refund', refId: refund.id, idempotencyKey: `refund-confirmed:${refund.id}`,
        lines: [{ account: { kind: 'refund_clearing' }, amountFen: refund.amount_fen }, { account: { kind: 'payment_clearing' }, amountFen: -refund.amount_fen }],
      });
    }
    await recordAudit(tx, { action: event.kind === 'refund_succeeded' ? 'refund.succeeded' : 'refund.failed', targetType: 'refund', targetId: refund.id, countyCode: refund.county_code, actorId: null });
    if (event.kind === 'refund_failed') {
      // The buyer is still owed the money: tell the county's center, which can try again.
      const grants = await tx.db.selectFrom('role_grant').select(['user_id', 'region_prefix']).where('role', 'in', ['center_admin', 'operator']).execute();
      const staff = grants.filter((g) => refund.county_code.startsWith(g.region_prefix)).map((g) => g.user_id);
      await notify(tx, staff, {
        kind: 'refund_failed', title: `退款失败：${refund.refund_no}`, body: `退款 ${formatFen(refund.amount_fen)} 未能原路退回（${event.raw}），请核实后重新发起。`,
        refId: refund.id, countyCode: refund.county_code,
      });
    }
  });
}

/**
 * The center tries a failed refund again: the same amount under a new refund number (the
 * provider refuses to reuse one), moved back to pending with a conditional update so two
 * clicks retry once, then sent to the provider after commit.
 */
export async function retryFailedRefund(ctx: Ctx, refundId: string) {
  const r = await ctx.db.selectFrom('payment_refund').innerJoin('checkout', 'checkout.id', 'payment_refund.checkout_id')
    .select(['payment_refund.id', 'payment_refund.refund_no', 'payment_refund.status', 'payment_refund.county_code', 'payment_refund.amount_fen', 'payment_refund.reason',
      'checkout.payment_no', 'checkout.transaction_id', 'checkout.total_fen'])
    .where('payment_refund.id', '=', refundId).executeTakeFirst();
  if (!r || !inScope(ctx.actor, r.county_code, ['center_admin', 'operator'])) throw notFound('Refund');
  if (r.status !== 'failed') throw new AppError(409, 'invalid_transition', `A ${r.status} refund cannot be retried`, [], { from: r.status, to: 'pending' });
  const attempt = Number(/-(\d+)$/.exec(r.refund_no)?.[1] ?? '1') + 1;
  const refundNo = `${r.refund_no.replace(/-\d+$/, '')}-${attempt}`;
  await inTransaction(ctx, async (tx) => {
    const res = await tx.db.updateTable('payment_refund').set({ status: 'pending', refund_no: refundNo, provider_refund_id: null, completed_at: null })
      .where('id', '=', r.id).where('status', '=', 'failed').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'Someone else retried this refund just now');
    await recordAudit(tx, { action: 'refund.retried', targetType: 'refund', targetId: r.id, countyCode: r.county_code, detail: { from: r.refund_no, to: refundNo } });
  });
  const { provider } = paymentsFor(ctx.deps);
  try {
    await provider.startRefund({
      outRefundNo: refundNo, outTradeNo: r.payment_no, ...(r.transaction_id ? { transactionId: r.transaction_id } : {}), refundFen: r.amount_fen, totalFen: r.total_fen,
      reason: r.reason.slice(0, 80), notifyUrl: `${ctx.deps.config.publicUrl}/api/v1/payments/notify/${provider.name}`,
    });
  } catch (err) {
    ctx.deps.log.error({ err, refundNo }, 'refund retry could not be started; the retry job will ask again');
  }
  return { id: r.id, refundNo, status: 'pending' as const };
}

const lateRefundNo = (c: Pick<CheckoutTable, 'payment_no'>) => `R${c.payment_no}`;

/**
 * Money for a checkout cancelled meanwhile: books it as owed back to the buyer, in the caller's
 * transaction (the one that records the payment). True when this call booked it; the caller
 * asks the provider for the refund after the commit (startLateRefund).
 */
async function bookLatePaymentRefund(tx: Ctx, c: Pick<CheckoutTable, 'id' | 'payment_no' | 'total_fen'>): Promise<boolean> {
  const refundNo = lateRefundNo(c);
  const exists = await tx.db.selectFrom('payment_refund').select('id').where('refund_no', '=', refundNo).executeTakeFirst();
  if (exists) return false;
  const county = (await tx.db.selectFrom('shop_order').select('county_code').where('checkout_id', '=', c.id).executeTakeFirstOrThrow()).county_code;
  const id = newId('paymentRefund');
  await tx.db.insertInto('payment_refund').values({
    id, refund_no: refundNo, checkout_id: c.id, order_id: null, county_code: county, amount_fen: c.total_fen,
    reason: 'paid after the order was cancelled', status: 'pending', provider_refund_id: null, created_at: nowIso(), completed_at: null,
  }).execute();
  await postEntry(tx, {
    countyCode: county, kind: 'refund', refType: 'refund', refId: id, idempotencyKey: `late-payment:${c.payment_no}`,
    memo: `payment ${c.payment_no} arrived after cancellation`,
    lines: [{ account: { kind: 'payment_clearing' }, amountFen: c.total_fen }, { account: { kind: 'refund_clearing' }, amountFen: -c.total_fen }],
  });
  await recordAudit(tx, { action: 'refund.late_payment', targetType: 'checkout', targetId: c.id, countyCode: county, actorId: null, detail: { amountFen: c.total_fen } });
  return true;
}

/**
 * Asks the provider to give back a late payment. A failure is logged and the refund stays
 * pending: the notification is still acknowledged, and retryLateRefunds tries again.
 */
async function startLateRefund(deps: Deps, r: { refundNo: string; paymentNo: string; transactionId: string | null; amountFen: number }) {
  const { provider } = paymentsFor(deps);
  try {
    await provider.startRefund({
      outRefundNo: r.refundNo, outTradeNo: r.paymentNo, ...(r.transactionId ? { transactionId: r.transactionId } : {}), refundFen: r.amountFen, totalFen: r.amountFen,
      reason: '订单已取消，原路退款', notifyUrl: `${deps.config.publicUrl}/api/v1/payments/notify/${provider.name}`,
    });
  } catch (err) {
    deps.log.error({ err, refundNo: r.refundNo }, 'late-payment refund could not be started; will retry');
  }
}

/** Retries late-payment refunds still pending after a while (the provider was down, say). */
export async function retryLateRefunds(deps: Deps, olderThanMs = 5 * 60_000): Promise<number> {
  const rows = await deps.db.selectFrom('payment_refund').innerJoin('checkout', 'checkout.id', 'payment_refund.checkout_id')
    .select(['payment_refund.refund_no', 'payment_refund.amount_fen', 'checkout.payment_no', 'checkout.transaction_id'])
    .where('payment_refund.status', '=', 'pending').where('payment_refund.order_id', 'is', null)
    .where('payment_refund.created_at', '<=', new Date(Date.now() - olderThanMs).toISOString()).limit(100).execute();
  for (const r of rows) await startLateRefund(deps, { refundNo: r.refund_no, paymentNo: r.payment_no, transactionId: r.transaction_id, amountFen: r.amount_fen });
  return rows.length;
}

/** Refunds of the actor's counties, newest first; `status=failed` is the center's to-do list. */
export async function listRefunds(ctx: Ctx, q: { status?: 'pending' | 'succeeded' | 'failed' | undefined; cursor?: string | undefined; limit: number }) {
  const prefixes = scopePrefixes(ctx.actor, ['center_admin', 'operator', 'official']);
  const cursor = decodeCursor(q.cursor);
  let query = ctx.db.selectFrom('payment_refund').innerJoin('checkout', 'checkout.id', 'payment_refund.checkout_id')
    .select(['payment_refund.id', 'payment_refund.refund_no', 'payment_refund.checkout_id', 'payment_refund.order_id', 'payment_refund.county_code', 'payment_refund.amount_fen',
      'payment_refund.reason', 'payment_refund.status', 'payment_refund.created_at', 'payment_refund.completed_at', 'checkout.payment_no'])
    .where((eb) => withinScope(eb, 'payment_refund.county_code', prefixes));
  if (q.status) query = query.where('payment_refund.status', '=', q.status);
  if (cursor) query = query.where('payment_refund.id', '<', cursor);
  const rows = await query.orderBy('payment_refund.id', 'desc').limit(q.limit + 1).execute();
  return toPage(rows, q.limit, (r) => ({
    id: r.id, refundNo: r.refund_no, checkoutId: r.checkout_id, orderId: r.order_id, countyCode: r.county_code, amountFen: r.amount_fen,
    reason: r.reason, status: r.status, paymentNo: r.payment_no, createdAt: r.created_at, completedAt: r.completed_at,
  }));
}

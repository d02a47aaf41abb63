import { sql, type Expression, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../database.js';
import { preparedQuery, StatementValue, type LeadingClauses } from '../../platform/db/prepared.js';
import { oneRowLookups, wantRows } from '../../platform/db/read-batch.js';
import type { ShippingPolicyTable } from './orders.tables.js';

/**
 * The statements of placing a checkout, prepared once (see platform/db/prepared.ts): a flash
 * sale runs them thousands of times a second, and building them with Kysely each time cost
 * more than running them. A prepared query takes one SKU (a list's length would change the
 * SQL); a checkout of several lines reads with one ordinary `in (…)` query instead.
 */

type Db = Kysely<Database> | Transaction<Database>;

export const skuStockLeft = preparedQuery((db: Kysely<Database>, p: { skuId: string }) =>
  db.selectFrom('sku').select(['id', 'stock_available']).where('id', '=', p.skuId));

export const buyerAddress = preparedQuery((db: Kysely<Database>, p: { id: string; userId: string }) =>
  db.selectFrom('buyer_address').selectAll().where('id', '=', p.id).where('user_id', '=', p.userId).where('deleted_at', 'is', null));

/** SKUs with what a checkout needs of their product, supplier and category. */
const skusWithProduct = (db: Db) =>
  db.selectFrom('sku')
    .innerJoin('product', 'product.id', 'sku.product_id')
    .innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .innerJoin('category', 'category.code', 'product.category_code')
    .select([
      'sku.id', 'sku.product_id', 'sku.spec', 'sku.price_fen', 'sku.weight_g', 'sku.stock_available', 'sku.sale_mode', 'sku.ships_from',
      'sku.max_per_buyer', 'sku.archived_at', 'product.title', 'product.unit', 'product.status as product_status', 'product.supplier_id',
      'product.county_code', 'supplier.status as supplier_status', 'supplier.name as supplier_name', 'category.returns_policy',
    ]);

export const skuForCheckout = preparedQuery((db: Kysely<Database>, p: { skuId: string }) => skusWithProduct(db).where('sku.id', '=', p.skuId));

/**
 * Everything a checkout reads, in one statement, before its write transaction: each SKU with its
 * product, supplier and category, the buyer's address (null columns when it is not theirs or
 * is deleted) and the supplier's shipping policy (null columns when it has none). The stock it
 * reads answers sold-out buyers without a write; the reservation in the transaction stays the
 * authority. One statement instead of four matters on PostgreSQL, where each is a round trip.
 */
const readsFor = (db: Db, p: { addressId: string | Expression<string>; userId: string | Expression<string> }) =>
  skusWithProduct(db)
    .leftJoin('buyer_address', (j) => j.on('buyer_address.id', '=', p.addressId).on('buyer_address.user_id', '=', p.userId).on('buyer_address.deleted_at', 'is', null))
    .leftJoin('shipping_policy', 'shipping_policy.supplier_id', 'product.supplier_id')
    .select([
      'buyer_address.id as address_id', 'buyer_address.recipient_name as address_recipient_name', 'buyer_address.phone as address_phone',
      'buyer_address.region_code as address_region_code', 'buyer_address.detail as address_detail',
      'shipping_policy.supplier_id as policy_supplier_id', 'shipping_policy.county_code as policy_county_code', 'shipping_policy.base_fee_fen as policy_base_fee_fen',
      'shipping_policy.base_weight_g as policy_base_weight_g', 'shipping_policy.extra_fee_per_kg_fen as policy_extra_fee_per_kg_fen',
      'shipping_policy.free_over_fen as policy_free_over_fen', 'shipping_policy.province_fees as policy_province_fees',
      'shipping_policy.excluded_provinces as policy_excluded_provinces', 'shipping_policy.updated_at as policy_updated_at',
    ]);

const readsForOne = preparedQuery((db: Kysely<Database>, p: { skuId: string; addressId: string; userId: string }) => readsFor(db, p).where('sku.id', '=', p.skuId));
export type CheckoutRead = NonNullable<Awaited<ReturnType<typeof readsForOne.first>>>;



/**
 * The same read for many one-SKU checkouts at once, on PostgreSQL: one row per (key, SKU) found,
 * `n` saying which key (1-based) it answers. See readsInBatches.
 */
const readsForMany = preparedQuery((db: Kysely<Database>, p: { skuIds: string[]; addressIds: string[]; userIds: string[] }) =>
  db.selectFrom(wantRows(['sku_id', 'address_id', 'user_id'], [p.skuIds, p.addressIds, p.userIds]))
    .innerJoinLateral((eb) => readsFor(eb as unknown as Db, { addressId: eb.ref('want.address_id'), userId: eb.ref('want.user_id') }).where('sku.id', '=', eb.ref('want.sku_id')).as('r'), (join) => join.onTrue())
    .select('want.n')
    .selectAll('r'));

/** One-SKU checkout reads of the same event-loop turn, answered together. */
const readsInBatches = oneRowLookups(readsForOne, (db, keys: { skuId: string; addressId: string; userId: string }[]) =>
  readsForMany.all(db, { skuIds: keys.map((k) => k.skuId), addressIds: keys.map((k) => k.addressId), userIds: keys.map((k) => k.userId) }));

/** The rows of `readsFor` for these SKUs (missing SKUs have no row). */
export async function checkoutReads(db: Db, skuIds: string[], addressId: string, userId: string): Promise<CheckoutRead[]> {
  if (skuIds.length !== 1) return readsFor(db, { addressId, userId }).where('sku.id', 'in', skuIds).execute();
  if (!db.isTransaction) return readsInBatches(db as Kysely<Database>, { skuId: skuIds[0]!, addressId, userId });
  const row = await readsForOne.first(db, { skuId: skuIds[0]!, addressId, userId });
  return row ? [row] : [];
}

/** The shipping policy carried by a read row, or undefined when the supplier has none. */
export function policyOf(r: CheckoutRead): ShippingPolicyTable | undefined {
  if (r.policy_supplier_id === null) return undefined;
  return {
    supplier_id: r.policy_supplier_id, county_code: r.policy_county_code!, base_fee_fen: r.policy_base_fee_fen!, base_weight_g: r.policy_base_weight_g!,
    extra_fee_per_kg_fen: r.policy_extra_fee_per_kg_fen!, free_over_fen: r.policy_free_over_fen, province_fees: r.policy_province_fees!,
    excluded_provinces: r.policy_excluded_provinces!, updated_at: r.policy_updated_at!,
  };
}

/** The reservation: a conditional decrement, so stock never goes below zero whatever the concurrency. */
export const reserveStock = preparedQuery((db: Kysely<Database>, p: { skuId: string; quantity: number; now: string }) =>
  db.updateTable('sku')
    .set((eb) => ({ stock_available: eb('stock_available', '-', p.quantity), updated_at: p.now }))
    .where('id', '=', p.skuId).where('stock_available', '>=', p.quantity)
    .returning('stock_available'));

/**
 * The same reservations as leading `with` clauses of a checkout's one statement on PostgreSQL
 * (see insertRows and placeCheckout). Line i's stock after is `reservedStockAfter(i)`, which the
 * line's stock movement stores: a line without the stock updates no row, the value is null, and
 * stock_after's NOT NULL refuses the whole statement, every reservation and row in it with it.
 */
export function reservationClauses(lines: { skuId: string; quantity: number }[], now: string): LeadingClauses {
  const parameters: unknown[] = [now];
  const clauses = lines.map((line, i) => {
    parameters.push(line.skuId, line.quantity);
    const id = `$${parameters.length - 1}`;
    const quantity = `$${parameters.length}`;
    return {
      name: `reserve_${i}`,
      sql: `update "sku" set "stock_available" = "stock_available" - ${quantity}, "updated_at" = $1 where "id" = ${id} and "stock_available" >= ${quantity} returning "stock_available"`,
    };
  });
  return { clauses, parameters };
}

/** Adds the emptying of the bought lines from the buyer's cart to a checkout's one statement. */
export function withCartEmptied(lead: LeadingClauses, userId: string, skuIds: string[]): LeadingClauses {
  const parameters = [...lead.parameters, userId, skuIds];
  const sql = `delete from "cart_item" where "user_id" = $${parameters.length - 1} and "sku_id" = any($${parameters.length})`;
  return { clauses: [...lead.clauses, { name: 'bought_from_cart', sql }], parameters };
}

export const reservedStockAfter = (line: number) => new StatementValue(`(select "stock_available" from "reserve_${line}")`);

/** Whether an error is the refusal reservationClauses describes: some line had not the stock. */
export function isReservationMiss(err: unknown): boolean {
  const e = err as { code?: unknown; table?: unknown; column?: unknown };
  return e.code === '23502' && e.table === 'stock_movement' && e.column === 'stock_after';
}

/**
 * Counts a buyer's units of a SKU against its limit in one conditional upsert: no row comes
 * back when the count before (`atMostBefore` = limit − quantity) is already too high.
 */
export const countPurchase = preparedQuery((db: Kysely<Database>, p: { userId: string; skuId: string; quantity: number; atMostBefore: number }) =>
  db.insertInto('buyer_sku_purchase')
    .values({ user_id: p.userId, sku_id: p.skuId, quantity: p.quantity })
    .onConflict((oc) => oc.columns(['user_id', 'sku_id'])
      .doUpdateSet((eb) => ({ quantity: eb(eb.ref('buyer_sku_purchase.quantity'), '+', p.quantity) }))
      .where('buyer_sku_purchase.quantity', '<=', p.atMostBefore))
    .returning('quantity'));

export const idempotencyRecord = preparedQuery((db: Kysely<Database>, p: { userId: string; scope: string; key: string }) =>
  db.selectFrom('idempotency_record').selectAll().where('user_id', '=', p.userId).where('scope', '=', p.scope).where('idem_key', '=', p.key));

const idempotencyRecordsMany = preparedQuery((db: Kysely<Database>, p: { userIds: string[]; scopes: string[]; keys: string[] }) =>
  db.selectFrom(wantRows(['user_id', 'scope', 'idem_key'], [p.userIds, p.scopes, p.keys]))
    .innerJoin('idempotency_record', (join) => join.onRef('idempotency_record.user_id', '=', 'want.user_id').onRef('idempotency_record.scope', '=', 'want.scope').onRef('idempotency_record.idem_key', '=', 'want.idem_key'))
    .select('want.n')
    .selectAll('idempotency_record'));

const idempotencyInBatches = oneRowLookups(idempotencyRecord, (db, keys: { userId: string; scope: string; key: string }[]) =>
  idempotencyRecordsMany.all(db, { userIds: keys.map((k) => k.userId), scopes: keys.map((k) => k.scope), keys: keys.map((k) => k.key) }));

/**
 * The Idempotency-Key's record, read from committed data: a sold-out answer from the full read
 * asks it (a replay of a checkout that took the last units gets that checkout; the light read,
 * stockGlance, carries it along), so on PostgreSQL the look-ups of one event-loop turn go as
 * one statement.
 */
export async function committedIdempotencyRecord(db: Kysely<Database>, p: { userId: string; scope: string; key: string }) {
  return (await idempotencyInBatches(db, p))[0];
}

// ---- Sold-out answers --------------------------------------------------------------------

/**
 * What a sold-out answer needs, in one light statement: the SKU's stock, its title and spec,
 * and whether this buyer already used the Idempotency-Key (a replay of a checkout that took the
 * last units gets that checkout). The full read (readsFor) joins six tables and returns some
 * thirty columns; in a flash sale most buyers are told "sold out", and for them this is all.
 */
const glanceFor = (db: Db, p: { userId: string | Expression<string>; key: string | Expression<string> }) =>
  db.selectFrom('sku').innerJoin('product', 'product.id', 'sku.product_id')
    .leftJoin('idempotency_record', (j) => j.on('idempotency_record.user_id', '=', p.userId).on('idempotency_record.scope', '=', 'checkout').on('idempotency_record.idem_key', '=', p.key))
    .select(['sku.id', 'sku.spec', 'sku.stock_available', 'product.title', 'idempotency_record.result_id as used_by']);

const glanceOne = preparedQuery((db: Kysely<Database>, p: { skuId: string; userId: string; key: string }) => glanceFor(db, p).where('sku.id', '=', p.skuId));
export type StockGlance = NonNullable<Awaited<ReturnType<typeof glanceOne.first>>>;

const glanceMany = preparedQuery((db: Kysely<Database>, p: { skuIds: string[]; userIds: string[]; keys: string[] }) =>
  db.selectFrom(wantRows(['sku_id', 'user_id', 'idem_key'], [p.skuIds, p.userIds, p.keys]))
    .innerJoinLateral((eb) => glanceFor(eb as unknown as Db, { userId: eb.ref('want.user_id'), key: eb.ref('want.idem_key') }).where('sku.id', '=', eb.ref('want.sku_id')).as('r'), (join) => join.onTrue())
    .select('want.n')
    .selectAll('r'));

const glancesInBatches = oneRowLookups(glanceOne, (db, keys: { skuId: string; userId: string; key: string }[]) =>
  glanceMany.all(db, { skuIds: keys.map((k) => k.skuId), userIds: keys.map((k) => k.userId), keys: keys.map((k) => k.key) }));

/** The light read of one SKU for a checkout under this Idempotency-Key (undefined: no such SKU). */
export async function stockGlance(db: Kysely<Database>, p: { skuId: string; userId: string; key: string }): Promise<StockGlance | undefined> {
  glances++;
  return (await glancesInBatches(db, p))[0];
}
let glances = 0;
/** How many light reads this process has sent (for tests, which check which read answered). */
export function stockGlances(): number {
  return glances;
}

/**
 * SKUs this process last saw sold out. Only a hint for which read to send first: a SKU seen
 * sold out is glanced at (stockGlance), and read in full only if units came back; the stock
 * itself is always read from the database. Bounded: cleared when full.
 */
const seenSoldOut = new Set<string>();
export function lastSeenSoldOut(skuId: string): boolean {
  return seenSoldOut.has(skuId);
}
export function noteStock(skuId: string, available: number): void {
  if (available > 0) seenSoldOut.delete(skuId);
  else {
    if (seenSoldOut.size >= 10_000) seenSoldOut.clear();
    seenSoldOut.add(skuId);
  }
}

// ---- Payment notifications: one of these per paid checkout ----------------------------------

/** The checkout a provider's event names, by its payment number: what an event that paid nothing is checked against. */
export const checkoutByPaymentNo = preparedQuery((db: Kysely<Database>, p: { paymentNo: string }) =>
  db.selectFrom('checkout').select(['id', 'payment_no', 'total_fen', 'status', 'transaction_id']).where('payment_no', '=', p.paymentNo));

/**
 * Pending → paid for the event's payment number, only if the amount paid is the checkout's
 * total; conditional, so a redelivered or late event finds it moved and changes nothing.
 */
export const markCheckoutPaid = preparedQuery((db: Kysely<Database>, p: { paymentNo: string; amountFen: number; paidAt: string; transactionId: string }) =>
  db.updateTable('checkout').set({ status: 'paid', paid_at: p.paidAt, transaction_id: p.transactionId })
    .where('payment_no', '=', p.paymentNo).where('total_fen', '=', p.amountFen).where('status', '=', 'pending_payment')
    .returning(['id', 'payment_no', 'total_fen']));

/** The checkout's pending orders → paid, with what the ledger entry and the audit rows need. */
export const markOrdersPaid = preparedQuery((db: Kysely<Database>, p: { checkoutId: string; paidAt: string; now: string }) =>
  db.updateTable('shop_order').set({ status: 'paid', paid_at: p.paidAt, updated_at: p.now })
    .where('checkout_id', '=', p.checkoutId).where('status', '=', 'pending_payment')
    .returning(['id', 'supplier_id', 'county_code', 'total_fen']));

/** A checkout to pay, one row per item (up to three) with the item's title for the payment's description. */
export const checkoutToPay = preparedQuery((db: Kysely<Database>, p: { id: string }) =>
  db.selectFrom('checkout')
    .leftJoin('shop_order', 'shop_order.checkout_id', 'checkout.id')
    .leftJoin('order_item', 'order_item.order_id', 'shop_order.id')
    .select(['checkout.id', 'checkout.buyer_id', 'checkout.status', 'checkout.expires_at', 'checkout.payment_start', 'checkout.payment_no', 'checkout.total_fen', 'order_item.title'])
    .where('checkout.id', '=', p.id).limit(3));

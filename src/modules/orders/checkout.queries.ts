import type { Kysely } from 'kysely';
import type { Database } from '../../database.js';
import { preparedInsert, preparedQuery } from '../../platform/db/prepared.js';

/**
 * The statements of placing a checkout, prepared once (see platform/db/prepared.ts): a flash
 * sale runs them thousands of times a second, and building them with Kysely each time cost
 * more than running them. One SKU per statement rather than `in (…)`: a checkout has a line
 * or two, and a list's length would change the SQL.
 */

/** Stock left, read outside the write transaction to tell a sold-out buyer cheaply. */
export const skuStockLeft = preparedQuery((db: Kysely<Database>, p: { skuId: string }) =>
  db.selectFrom('sku').select('stock_available').where('id', '=', p.skuId));

export const buyerAddress = preparedQuery((db: Kysely<Database>, p: { id: string; userId: string }) =>
  db.selectFrom('buyer_address').selectAll().where('id', '=', p.id).where('user_id', '=', p.userId).where('deleted_at', 'is', null));

/** A SKU with what a checkout needs of its product, supplier and category. */
export const skuForCheckout = preparedQuery((db: Kysely<Database>, p: { skuId: string }) =>
  db.selectFrom('sku')
    .innerJoin('product', 'product.id', 'sku.product_id')
    .innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .innerJoin('category', 'category.code', 'product.category_code')
    .select([
      'sku.id', 'sku.product_id', 'sku.spec', 'sku.price_fen', 'sku.weight_g', 'sku.stock_available', 'sku.sale_mode', 'sku.ships_from',
      'sku.max_per_buyer', 'sku.archived_at', 'product.title', 'product.unit', 'product.status as product_status', 'product.supplier_id',
      'product.county_code', 'supplier.status as supplier_status', 'supplier.name as supplier_name', 'category.returns_policy',
    ])
    .where('sku.id', '=', p.skuId));

export const shippingPolicyOf = preparedQuery((db: Kysely<Database>, p: { supplierId: string }) =>
  db.selectFrom('shipping_policy').selectAll().where('supplier_id', '=', p.supplierId));

/** The reservation: a conditional decrement, so stock never goes below zero whatever the concurrency. */
export const reserveStock = preparedQuery((db: Kysely<Database>, p: { skuId: string; quantity: number; now: string }) =>
  db.updateTable('sku')
    .set((eb) => ({ stock_available: eb('stock_available', '-', p.quantity), updated_at: p.now }))
    .where('id', '=', p.skuId).where('stock_available', '>=', p.quantity)
    .returning('stock_available'));

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

export const insertCheckout = preparedInsert<Database, 'checkout'>('checkout', {
  id: true, buyer_id: true, payment_no: true, status: true, total_fen: true, expires_at: true, payment_start: true, provider: true,
  transaction_id: true, paid_at: true, cancelled_at: true, cancel_reason: true, created_at: true,
});

export const insertOrder = preparedInsert<Database, 'shop_order'>('shop_order', {
  id: true, order_no: true, checkout_id: true, buyer_id: true, supplier_id: true, county_code: true, status: true, source_kind: true,
  source_ref: true, host_user_id: true, items_fen: true, shipping_fen: true, total_fen: true, refunded_fen: true, recipient_name: true,
  recipient_phone: true, region_code: true, address_text: true, buyer_note: true, carrier: true, tracking_no: true, biz_date: true,
  created_at: true, paid_at: true, shipped_at: true, delivered_at: true, completed_at: true, cancelled_at: true, updated_at: true,
});

export const insertOrderItem = preparedInsert<Database, 'order_item'>('order_item', {
  id: true, order_id: true, sku_id: true, product_id: true, title: true, spec: true, unit: true, unit_price_fen: true, quantity: true,
  line_fen: true, weight_g: true, sale_mode: true, ships_from: true, returns_policy: true,
});

export const insertStockMovement = preparedInsert<Database, 'stock_movement'>('stock_movement', {
  id: true, sku_id: true, county_code: true, delta: true, stock_after: true, reason: true, actor_id: true, created_at: true,
});

export const insertIdempotencyRecord = preparedInsert<Database, 'idempotency_record'>('idempotency_record', {
  user_id: true, scope: true, idem_key: true, request_hash: true, result_id: true, created_at: true,
});

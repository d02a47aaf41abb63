import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../database.js';
import { preparedQuery } from '../../platform/db/prepared.js';

/**
 * The statements of placing a checkout, prepared once (see platform/db/prepared.ts): a flash
 * sale runs them thousands of times a second, and building them with Kysely each time cost
 * more than running them. A prepared query takes one SKU (a list's length would change the
 * SQL); a checkout of several lines reads its SKUs with one ordinary `in (…)` query instead, so
 * a long cart is not one round trip per line on PostgreSQL.
 */

type Db = Kysely<Database> | Transaction<Database>;

export const skuStockLeft = preparedQuery((db: Kysely<Database>, p: { skuId: string }) =>
  db.selectFrom('sku').select(['id', 'stock_available']).where('id', '=', p.skuId));

/** Stock left of each SKU, read outside the write transaction to tell a sold-out buyer cheaply. */
export async function stockLeft(db: Db, skuIds: string[]) {
  if (skuIds.length !== 1) return db.selectFrom('sku').select(['id', 'stock_available']).where('id', 'in', skuIds).execute();
  const row = await skuStockLeft.first(db, { skuId: skuIds[0]! });
  return row ? [row] : [];
}

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
export type SkuForCheckout = NonNullable<Awaited<ReturnType<typeof skuForCheckout.first>>>;

export async function skusForCheckout(db: Db, skuIds: string[]): Promise<SkuForCheckout[]> {
  if (skuIds.length !== 1) return skusWithProduct(db).where('sku.id', 'in', skuIds).execute();
  const row = await skuForCheckout.first(db, { skuId: skuIds[0]! });
  return row ? [row] : [];
}

const shippingPolicyOf = preparedQuery((db: Kysely<Database>, p: { supplierId: string }) =>
  db.selectFrom('shipping_policy').selectAll().where('supplier_id', '=', p.supplierId));

export async function shippingPolicies(db: Db, supplierIds: string[]) {
  if (supplierIds.length !== 1) return db.selectFrom('shipping_policy').selectAll().where('supplier_id', 'in', supplierIds).execute();
  return shippingPolicyOf.all(db, { supplierId: supplierIds[0]! });
}

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

import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Buying: addresses, carts, shipping policies, checkouts (one payment over one order per
 * supplier), orders and their lines, purchase-limit counters, payment refunds, and the
 * idempotency records that make a replayed request return the first result.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  // Per-buyer purchase limit on a SKU (null = no limit).
  await db.schema.alterTable('sku').addColumn('max_per_buyer', 'integer').execute();

  await db.schema
    .createTable('buyer_address')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull()) // county (6) or township (9)
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('default_at', ts) // the buyer's default is the one with the latest default_at
    .addColumn('deleted_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('buyer_address_user_idx').on('buyer_address').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('cart_item')
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('sku_id', 'text', (c) => c.notNull().references('sku.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('added_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('cart_item_pk', ['user_id', 'sku_id'])
    .execute();

  await db.schema
    .createTable('shipping_policy')
    .addColumn('supplier_id', 'text', (c) => c.primaryKey().references('supplier.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('base_fee_fen', 'bigint', (c) => c.notNull().check(sql`base_fee_fen >= 0`))
    .addColumn('base_weight_g', 'integer', (c) => c.notNull().check(sql`base_weight_g > 0`))
    .addColumn('extra_fee_per_kg_fen', 'bigint', (c) => c.notNull().check(sql`extra_fee_per_kg_fen >= 0`))
    .addColumn('free_over_fen', 'bigint')
    // JSON: {"65": {"baseFeeFen": 2000, "extraFeePerKgFen": 1000}} by 2-digit province code
    .addColumn('province_fees', 'text', (c) => c.notNull().defaultTo('{}'))
    // JSON array of 2-digit province codes not delivered to (fresh produce to remote provinces)
    .addColumn('excluded_provinces', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('checkout')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('payment_no', 'text', (c) => c.notNull().unique()) // out_trade_no at the provider
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending_payment','paid','cancelled')`))
    .addColumn('total_fen', 'bigint', (c) => c.notNull().check(sql`total_fen > 0`))
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('payment_start', 'text') // the provider's answer to start, returned again on retry
    .addColumn('provider', 'text')
    .addColumn('transaction_id', 'text')
    .addColumn('paid_at', ts)
    .addColumn('cancelled_at', ts)
    .addColumn('cancel_reason', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkout_buyer_idx').on('checkout').columns(['buyer_id', 'id']).execute();
  await db.schema.createIndex('checkout_pending_idx').on('checkout').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('shop_order')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_no', 'text', (c) => c.notNull().unique())
    .addColumn('checkout_id', 'text', (c) => c.notNull().references('checkout.id'))
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('supplier.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending_payment','paid','shipped','delivered','completed','cancelled','closed')`),
    )
    .addColumn('source_kind', 'text', (c) =>
      c.notNull().check(sql`source_kind in ('storefront','live','micro_shop','referral','group_buy')`),
    )
    .addColumn('source_ref', 'text')
    .addColumn('host_user_id', 'text')
    .addColumn('items_fen', 'bigint', (c) => c.notNull())
    .addColumn('shipping_fen', 'bigint', (c) => c.notNull())
    .addColumn('total_fen', 'bigint', (c) => c.notNull())
    .addColumn('refunded_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_phone', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('address_text', 'text', (c) => c.notNull())
    .addColumn('buyer_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('carrier', 'text')
    .addColumn('tracking_no', 'text')
    .addColumn('biz_date', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('paid_at', ts)
    .addColumn('shipped_at', ts)
    .addColumn('delivered_at', ts)
    .addColumn('completed_at', ts)
    .addColumn('cancelled_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shop_order_buyer_idx').on('shop_order').columns(['buyer_id', 'id']).execute();
  await db.schema.createIndex('shop_order_supplier_idx').on('shop_order').columns(['supplier_id', 'status', 'id']).execute();
  await db.schema.createIndex('shop_order_county_idx').on('shop_order').columns(['county_code', 'status', 'id']).execute();
  await db.schema.createIndex('shop_order_checkout_idx').on('shop_order').column('checkout_id').execute();

  await db.schema
    .createTable('order_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('shop_order.id'))
    .addColumn('sku_id', 'text', (c) => c.notNull().references('sku.id'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('unit_price_fen', 'bigint', (c) => c.notNull().check(sql`unit_price_fen > 0`))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('line_fen', 'bigint', (c) => c.notNull())
    .addColumn('weight_g', 'integer', (c) => c.notNull())
    .addColumn('sale_mode', 'text', (c) => c.notNull())
    .addColumn('ships_from', 'text')
    .addColumn('returns_policy', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_item_order_idx').on('order_item').column('order_id').execute();

  // Purchase-limit counters: one conditional upsert per line keeps the limit under concurrency.
  await db.schema
    .createTable('buyer_sku_purchase')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 0`))
    .addPrimaryKeyConstraint('buyer_sku_purchase_pk', ['user_id', 'sku_id'])
    .execute();

  await db.schema
    .createTable('payment_refund')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('refund_no', 'text', (c) => c.notNull().unique()) // out_refund_no
    .addColumn('checkout_id', 'text', (c) => c.notNull().references('checkout.id'))
    .addColumn('order_id', 'text')
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','succeeded','failed')`))
    .addColumn('provider_refund_id', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('completed_at', ts)
    .execute();

  await db.schema
    .createTable('idempotency_record')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('idem_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('result_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_record_pk', ['user_id', 'scope', 'idem_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['idempotency_record', 'payment_refund', 'buyer_sku_purchase', 'order_item', 'shop_order', 'checkout', 'shipping_policy', 'cart_item', 'buyer_address']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.alterTable('sku').dropColumn('max_per_buyer').execute();
}

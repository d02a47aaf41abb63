import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';

/**
 * After-sales: a buyer's case on one order (cancel before shipping, refund only, return and
 * refund), the lines it concerns, and its photos. Photos are stored_file rows; SQLite cannot
 * alter the purpose CHECK of stored_file, so the photo table says what a file is for.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('aftersales_case')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_no', 'text', (c) => c.notNull().unique())
    .addColumn('order_id', 'text', (c) => c.notNull().references('shop_order.id'))
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('supplier.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('cancel','refund_only','return_and_refund')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('requested','awaiting_return','return_shipped','rejected','escalated','refunded','closed','withdrawn')`),
    )
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('reason_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('requested_fen', 'bigint', (c) => c.notNull().check(sql`requested_fen > 0`))
    .addColumn('approved_fen', 'bigint', (c) => c.check(sql`approved_fen > 0`))
    .addColumn('refund_id', 'text', (c) => c.unique()) // payment_refund.id: one refund per case, at most
    .addColumn('reject_reason', 'text')
    .addColumn('return_carrier', 'text')
    .addColumn('return_tracking_no', 'text')
    .addColumn('escalated_by', 'text', (c) => c.check(sql`escalated_by in ('buyer','supplier')`))
    .addColumn('escalation_note', 'text')
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('refund','reject')`))
    .addColumn('decision_note', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('supplier_answered_at', ts)
    .addColumn('return_shipped_at', ts)
    .addColumn('return_received_at', ts)
    .addColumn('escalated_at', ts)
    .addColumn('decided_at', ts)
    .addColumn('refunded_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aftersales_case_order_idx').on('aftersales_case').columns(['order_id', 'id']).execute();
  await db.schema.createIndex('aftersales_case_buyer_idx').on('aftersales_case').columns(['buyer_id', 'id']).execute();
  await db.schema.createIndex('aftersales_case_supplier_idx').on('aftersales_case').columns(['supplier_id', 'status', 'id']).execute();
  await db.schema.createIndex('aftersales_case_county_idx').on('aftersales_case').columns(['county_code', 'status', 'id']).execute();
  // At most one open case per order: two concurrent requests cannot both open one, and the
  // amount checked when a case opens cannot be spent by another case meanwhile.
  await db.schema.createIndex('aftersales_case_open_uq').on('aftersales_case').column('order_id').unique()
    .where(sql<SqlBool>`status in ('requested','awaiting_return','return_shipped','rejected','escalated')`)
    .execute();

  await db.schema
    .createTable('aftersales_case_item')
    .addColumn('case_id', 'text', (c) => c.notNull().references('aftersales_case.id'))
    .addColumn('order_item_id', 'text', (c) => c.notNull().references('order_item.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('aftersales_case_item_pk', ['case_id', 'order_item_id'])
    .execute();
  await db.schema.createIndex('aftersales_case_item_line_idx').on('aftersales_case_item').column('order_item_id').execute();

  await db.schema
    .createTable('aftersales_photo')
    .addColumn('file_id', 'text', (c) => c.primaryKey().references('stored_file.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('case_id', 'text', (c) => c.references('aftersales_case.id')) // null until a case claims it
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aftersales_photo_case_idx').on('aftersales_photo').columns(['case_id', 'file_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['aftersales_photo', 'aftersales_case_item', 'aftersales_case']) await db.schema.dropTable(t).ifExists().execute();
}

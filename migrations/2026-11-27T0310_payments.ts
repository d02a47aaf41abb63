import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Payments: the notification nonce guard shared by every provider, and the sandbox
 * provider's hosted-page state. Frozen once released.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Timestamps: timestamptz on PostgreSQL, ISO-8601 text on SQLite (as in the foundation).
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('payment_nonce')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('seen_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_nonce_pk', ['provider', 'nonce'])
    .execute();
  await db.schema.createIndex('payment_nonce_event_idx').on('payment_nonce').columns(['provider', 'event_id']).execute();
  await db.schema.createIndex('payment_nonce_seen_idx').on('payment_nonce').column('seen_at').execute();

  await db.schema
    .createTable('sandbox_payment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('out_trade_no', 'text', (c) => c.notNull().unique())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('refunded_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('buyer_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('notify_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('created','paid','cancelled','refunded')`))
    .addColumn('transaction_id', 'text', (c) => c.unique())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('paid_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addCheckConstraint('sandbox_payment_refunded_ck', sql`refunded_fen >= 0 and refunded_fen <= amount_fen`)
    .execute();
  await db.schema.createIndex('sandbox_payment_buyer_idx').on('sandbox_payment').column('buyer_user_id').execute();

  await db.schema
    .createTable('sandbox_refund')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('out_refund_no', 'text', (c) => c.notNull().unique())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('sandbox_payment.id'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('notify_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('processing','succeeded','failed')`))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .execute();
  await db.schema.createIndex('sandbox_refund_payment_idx').on('sandbox_refund').column('payment_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sandbox_refund', 'sandbox_payment', 'payment_nonce']) await db.schema.dropTable(t).ifExists().execute();
}

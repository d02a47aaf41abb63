import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The double-entry ledger, per county: accounts, entries, postings. Frozen once released; the
 * kind lists mirror the `as const` unions in src/modules/ledger/ledger.chart.ts as they were
 * on this date (migrations never import app code).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Timestamps: timestamptz on PostgreSQL, ISO-8601 text on SQLite (as in the foundation).
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;
  const ACCOUNT_KINDS = `'payment_clearing','supplier_payable','host_commission_payable','center_service_fee','charity_fund','development_fund','refund_clearing','bank'`;
  const ENTRY_KINDS = `'payment','commission','refund','payout','settlement','adjustment'`;

  await db.schema
    .createTable('ledger_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql.raw(`kind in (${ACCOUNT_KINDS})`)))
    // '' rather than NULL for "no party": NULLs never collide in a unique key, '' does.
    .addColumn('party_id', 'text', (c) => c.notNull().defaultTo(''))
    // Normal-side balance of guarded accounts only (null otherwise); never below zero.
    .addColumn('balance_fen', 'bigint', (c) => c.check(sql`balance_fen is null or balance_fen >= 0`))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('ledger_account_county_kind_party_uq', ['county_code', 'kind', 'party_id'])
    .execute();

  await db.schema
    .createTable('ledger_entry')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql.raw(`kind in (${ENTRY_KINDS})`)))
    .addColumn('ref_type', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('biz_date', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text')
    // NULL keys never collide: entries without a key are never deduplicated.
    .addUniqueConstraint('ledger_entry_county_idem_uq', ['county_code', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('ledger_entry_ref_idx').on('ledger_entry').columns(['county_code', 'ref_type', 'ref_id']).execute();

  await db.schema
    .createTable('ledger_posting')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry_id', 'text', (c) => c.notNull().references('ledger_entry.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_account.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('biz_date', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen <> 0`))
    .execute();
  await db.schema.createIndex('ledger_posting_entry_idx').on('ledger_posting').column('entry_id').execute();
  await db.schema.createIndex('ledger_posting_account_idx').on('ledger_posting').columns(['account_id', 'biz_date', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['ledger_posting', 'ledger_entry', 'ledger_account']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

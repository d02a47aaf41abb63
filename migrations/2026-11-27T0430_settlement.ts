import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';

/**
 * Settlement: each host's commission policy in a county (with overrides per product or
 * category), the payee details of the county's two funds, and payout batches with their lines.
 * Frozen once released; the enum lists mirror the `as const` unions in
 * src/modules/settlement/settlement.tables.ts as they were on this date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('host_policy')
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('regular','official')`))
    .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis in ('selection','rate','fixed')`))
    .addColumn('rate_bp', 'integer', (c) => c.notNull().defaultTo(0).check(sql`rate_bp >= 0 and rate_bp <= 5000`))
    .addColumn('fixed_fen', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`fixed_fen >= 0`))
    .addColumn('charity_bp', 'integer', (c) => c.notNull().defaultTo(0).check(sql`charity_bp >= 0 and charity_bp <= 10000`))
    .addColumn('development_bp', 'integer', (c) => c.notNull().defaultTo(0).check(sql`development_bp >= 0 and development_bp <= 10000`))
    .addColumn('payee_name', 'text')
    .addColumn('payee_bank', 'text')
    .addColumn('payee_account', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('host_policy_pk', ['county_code', 'host_user_id'])
    // An official earns nothing: its whole share is pledged, split to the last basis point.
    .addCheckConstraint('host_policy_pledge_ck', sql`(kind = 'official' and charity_bp + development_bp = 10000) or (kind = 'regular' and charity_bp = 0 and development_bp = 0)`)
    .execute();

  await db.schema
    .createTable('host_policy_override')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('host_user_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('product','category')`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis in ('rate','fixed')`))
    .addColumn('rate_bp', 'integer', (c) => c.notNull().defaultTo(0).check(sql`rate_bp >= 0 and rate_bp <= 5000`))
    .addColumn('fixed_fen', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`fixed_fen >= 0`))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('host_policy_override_uq', ['county_code', 'host_user_id', 'scope', 'target'])
    .execute();

  await db.schema
    .createTable('fund_payee')
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('fund', 'text', (c) => c.notNull().check(sql`fund in ('charity_fund','development_fund')`))
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('payee_bank', 'text', (c) => c.notNull())
    .addColumn('payee_account', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('fund_payee_pk', ['county_code', 'fund'])
    .execute();

  await db.schema
    .createTable('payout_batch')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_no', 'text', (c) => c.notNull().unique())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','paid','closed','cancelled')`))
    .addColumn('total_fen', 'bigint', (c) => c.notNull().check(sql`total_fen >= 0`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('closed_at', ts)
    .execute();
  await db.schema.createIndex('payout_batch_county_idx').on('payout_batch').columns(['county_code', 'id']).execute();
  // One open batch per county: two batches can never claim the same balance.
  await db.schema.createIndex('payout_batch_open_uq').on('payout_batch').column('county_code').unique()
    .where(sql<SqlBool>`status = 'open'`).execute();

  await db.schema
    .createTable('payout_line')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('payout_batch.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('payee_kind', 'text', (c) => c.notNull().check(sql`payee_kind in ('supplier','host','charity_fund','development_fund')`))
    .addColumn('party_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_account.id'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('payee_bank', 'text', (c) => c.notNull())
    .addColumn('payee_account', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('unpaid','paid','cancelled')`))
    .addColumn('entry_id', 'text')
    .addColumn('paid_at', ts)
    .addColumn('paid_by', 'text')
    .addUniqueConstraint('payout_line_batch_account_uq', ['batch_id', 'account_id'])
    .execute();
  await db.schema.createIndex('payout_line_account_idx').on('payout_line').columns(['account_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['payout_line', 'payout_batch', 'fund_payee', 'host_policy_override', 'host_policy']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

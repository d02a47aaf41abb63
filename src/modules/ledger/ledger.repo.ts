import { sql, type Kysely } from 'kysely';
import type { Database } from '../../database.js';
import { insertRows, preparedQuery } from '../../platform/db/prepared.js';
import type { Ctx } from '../../context.js';
import type { AccountKind } from './ledger.chart.js';
import type { LedgerAccountTable, LedgerEntryTable, LedgerPostingTable } from './ledger.tables.js';

/** SQL of the ledger: rows in, rows out, conditional updates. No rules here. */

type Db = Ctx['db'];

export interface AccountKey {
  kind: AccountKind;
  partyId: string;
}

export async function findAccountsByKeys(db: Db, countyCode: string, keys: AccountKey[]): Promise<LedgerAccountTable[]> {
  if (!keys.length) return [];
  return db.selectFrom('ledger_account').selectAll()
    .where('county_code', '=', countyCode)
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('kind', '=', k.kind), eb('party_id', '=', k.partyId)]))))
    .execute();
}

export async function findAccountsByIds(db: Db, ids: string[]): Promise<LedgerAccountTable[]> {
  if (!ids.length) return [];
  return db.selectFrom('ledger_account').selectAll().where('id', 'in', ids).execute();
}

/**
 * Inserts accounts that do not exist yet; a row someone else has just inserted is skipped by
 * the unique key (county, kind, party) instead of failing. Rows go in key order so that two
 * transactions creating the same accounts wait for each other instead of deadlocking.
 */
export async function insertAccountsIfMissing(db: Db, rows: LedgerAccountTable[]): Promise<void> {
  if (!rows.length) return;
  const sorted = [...rows].sort((a, b) => (a.kind + a.party_id).localeCompare(b.kind + b.party_id));
  await db.insertInto('ledger_account').values(sorted)
    .onConflict((oc) => oc.columns(['county_code', 'kind', 'party_id']).doNothing())
    .execute();
}

/** Inserts the entry unless its idempotency key is taken in the county; true when inserted. */
export async function insertEntryIfNew(db: Db, row: LedgerEntryTable): Promise<boolean> {
  return (await entryIfNew.all(db, row)).length === 1;
}
/** The row type as a plain record (a placeholder per column). */
type EntryRow = { [K in keyof LedgerEntryTable]: LedgerEntryTable[K] };
const entryIfNew = preparedQuery((db: Kysely<Database>, r: EntryRow) => db.insertInto('ledger_entry')
  // Column by column: the values are placeholders, which have no keys of their own to list.
  .values({ id: r.id, county_code: r.county_code, kind: r.kind, ref_type: r.ref_type, ref_id: r.ref_id, memo: r.memo, biz_date: r.biz_date, idempotency_key: r.idempotency_key, created_at: r.created_at, created_by: r.created_by })
  .onConflict((oc) => oc.columns(['county_code', 'idempotency_key']).doNothing())
  .returning('id'));

export async function findEntryByKey(db: Db, countyCode: string, key: string): Promise<LedgerEntryTable | undefined> {
  return db.selectFrom('ledger_entry').selectAll().where('county_code', '=', countyCode).where('idempotency_key', '=', key).executeTakeFirst();
}

export async function findEntry(db: Db, entryId: string): Promise<LedgerEntryTable | undefined> {
  return db.selectFrom('ledger_entry').selectAll().where('id', '=', entryId).executeTakeFirst();
}

export async function entryPostings(db: Db, entryId: string) {
  return db.selectFrom('ledger_posting as p').innerJoin('ledger_account as a', 'a.id', 'p.account_id')
    .select(['p.id', 'p.account_id', 'p.amount_fen', 'a.kind', 'a.party_id'])
    .where('p.entry_id', '=', entryId).orderBy('p.id').execute();
}

export async function insertPostings(db: Db, rows: LedgerPostingTable[]): Promise<void> {
  await insertRows(db, { ledger_posting: rows });
}

/**
 * Moves a guarded account's normal-side balance by delta, only if it stays at or above zero.
 * One statement, no read first: concurrent payouts cannot both spend the same balance.
 */
export async function applyGuardedDelta(db: Db, accountId: string, delta: number): Promise<boolean> {
  return (await guardedDelta.affected(db, { accountId, delta })) === 1;
}
const guardedDelta = preparedQuery((db: Kysely<Database>, p: { accountId: string; delta: number }) => db.updateTable('ledger_account')
  .set((eb) => ({ balance_fen: eb('balance_fen', '+', p.delta) }))
  .where('id', '=', p.accountId)
  .where('balance_fen', 'is not', null)
  .where((eb) => eb(eb('balance_fen', '+', p.delta), '>=', 0)));

export async function accountById(db: Db, accountId: string): Promise<LedgerAccountTable | undefined> {
  return db.selectFrom('ledger_account').selectAll().where('id', '=', accountId).executeTakeFirst();
}

export interface AccountSums extends LedgerAccountTable {
  sum_fen: number;
  debit_fen: number;
  credit_fen: number;
  postings: number;
}

/** Every account of a county with the sums of its postings (up to asOf when given). */
export async function accountSums(db: Db, countyCode: string, opts: { kind?: AccountKind | undefined; asOf?: string | undefined } = {}): Promise<AccountSums[]> {
  let q = db.selectFrom('ledger_account as a')
    .leftJoin('ledger_posting as p', (join) => {
      const j = join.onRef('p.account_id', '=', 'a.id');
      return opts.asOf ? j.on('p.biz_date', '<=', opts.asOf) : j;
    })
    .select([
      'a.id', 'a.county_code', 'a.kind', 'a.party_id', 'a.balance_fen', 'a.created_at',
      sql<number>`coalesce(sum(p.amount_fen), 0)`.as('sum_fen'),
      sql<number>`coalesce(sum(case when p.amount_fen > 0 then p.amount_fen else 0 end), 0)`.as('debit_fen'),
      sql<number>`coalesce(sum(case when p.amount_fen < 0 then -p.amount_fen else 0 end), 0)`.as('credit_fen'),
      sql<number>`count(p.id)`.as('postings'),
    ])
    .where('a.county_code', '=', countyCode);
  if (opts.kind) q = q.where('a.kind', '=', opts.kind);
  const rows = await q.groupBy(['a.id', 'a.county_code', 'a.kind', 'a.party_id', 'a.balance_fen', 'a.created_at'])
    .orderBy('a.kind').orderBy('a.party_id').execute();
  // Sums come back as numbers on both drivers (see platform/db/connect.ts); count as a string on pg.
  return rows.map((r) => ({ ...r, sum_fen: Number(r.sum_fen), debit_fen: Number(r.debit_fen), credit_fen: Number(r.credit_fen), postings: Number(r.postings) }));
}

/** Sum of an account's postings, within dates and up to (and including) a posting id. */
export async function sumPostings(db: Db, accountId: string, f: { before?: string | undefined; from?: string | undefined; to?: string | undefined; upToId?: string | undefined }): Promise<number> {
  let q = db.selectFrom('ledger_posting').select(sql<number>`coalesce(sum(amount_fen), 0)`.as('s')).where('account_id', '=', accountId);
  if (f.before) q = q.where('biz_date', '<', f.before);
  if (f.from) q = q.where('biz_date', '>=', f.from);
  if (f.to) q = q.where('biz_date', '<=', f.to);
  if (f.upToId) q = q.where('id', '<=', f.upToId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.s);
}

export async function statementRows(db: Db, accountId: string, f: { from?: string | undefined; to?: string | undefined; afterId?: string | null; limit: number }) {
  let q = db.selectFrom('ledger_posting as p').innerJoin('ledger_entry as e', 'e.id', 'p.entry_id')
    .select(['p.id', 'p.entry_id', 'p.amount_fen', 'p.biz_date', 'e.kind', 'e.ref_type', 'e.ref_id', 'e.memo', 'e.created_at'])
    .where('p.account_id', '=', accountId);
  if (f.from) q = q.where('p.biz_date', '>=', f.from);
  if (f.to) q = q.where('p.biz_date', '<=', f.to);
  if (f.afterId) q = q.where('p.id', '>', f.afterId);
  return q.orderBy('p.id', 'asc').limit(f.limit).execute();
}

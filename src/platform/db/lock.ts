import { sql, type Kysely, type Transaction } from 'kysely';
import { dialectOf } from './connect.js';

/**
 * Makes the transactions that touch one row take turns: call it first in each, then read.
 *
 * Under PostgreSQL's READ COMMITTED, two transactions that each look (is there a free seat?
 * an instructor? a certificate?) and then write both see the state before either wrote,
 * and both act on it. `SELECT … FOR UPDATE` on a row they share makes the second wait until
 * the first commits; its later reads then see what the first wrote. SQLite needs nothing:
 * its one writer runs the transactions one after another (the group commit's jobs in turn).
 *
 * Answers whether the row exists. `table` and `id` column are names from our own code.
 */
export async function lockRow(db: Transaction<any> | Kysely<any>, table: string, id: string, idColumn = 'id'): Promise<boolean> {
  if (!db.isTransaction) throw new Error('lockRow outside a transaction holds nothing');
  const forUpdate = dialectOf(db) === 'postgres' ? sql` for update` : sql``;
  const found = await sql`select 1 as x from ${sql.table(table)} where ${sql.ref(idColumn)} = ${id}${forUpdate}`.execute(db);
  return found.rows.length === 1;
}

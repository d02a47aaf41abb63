import { sql, type Kysely, type Transaction } from 'kysely';
import { dialectOf } from './connect.js';

/**
 * Makes the transactions that touch one row take turns: call it first in each, then read.
 *
 * Under PostgreSQL's READ COMMITTED, two transactions that each look (is there a free seat?
 * an instructor? a certificate?) and then write both see the state before either wrote,
 * and both act on it. Locking a row they share makes the second wait until the first
 * commits; its later reads then see what the first wrote. SQLite needs no lock: its one
 * writer runs the transactions one after another (the group commit's jobs in turn).
 *
 * `update`: the lock an UPDATE of the row's non-key columns takes (FOR NO KEY UPDATE). Unlike
 * FOR UPDATE it does not hold back inserts whose foreign keys point at the row, such as the
 * orders of a live session while it ends.
 *
 * `share`: for a transaction that only needs the row to stay as it read it (a product going on
 * sale needs its supplier to stay active). Those run side by side, and wait for a writer of
 * the row, as a writer waits for them.
 *
 * Answers whether the row exists. `table` is a name from our own code.
 */
export async function lockRow(db: Transaction<any> | Kysely<any>, table: string, id: string, mode: 'update' | 'share' = 'update'): Promise<boolean> {
  if (!db.isTransaction) throw new Error('lockRow outside a transaction holds nothing');
  const clause = dialectOf(db) === 'sqlite' ? sql`` : mode === 'update' ? sql` for no key update` : sql` for share`;
  const found = await sql`select 1 as x from ${sql.table(table)} where id = ${id}${clause}`.execute(db);
  return found.rows.length === 1;
}

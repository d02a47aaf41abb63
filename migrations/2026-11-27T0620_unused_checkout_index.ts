import type { Kysely } from 'kysely';

/**
 * Drops `checkout_buyer_idx` (buyer_id, id). No query reads checkouts by buyer: a buyer's
 * orders are listed from `shop_order` and a checkout is always fetched by its id. Every
 * order still paid for the index: buyers are spread over it, so each new checkout dirtied a
 * page of its own there, one of the ~9 pages an order writes to SQLite's WAL (measured in
 * docs/benchmarks.md, fifth pass) and an index page on PostgreSQL too. Frozen once released.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('checkout_buyer_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('checkout_buyer_idx').on('checkout').columns(['buyer_id', 'id']).execute();
}

import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';

/**
 * The live room's commerce and chat: flash sales (秒杀) with their per-buyer counts, comments
 * (with comment-to-buy outcomes), and mutes/bans of viewers. Frozen once released; the enum
 * lists mirror the `as const` unions in src/modules/live/room.tables.ts as they were on this date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  // Stock of a sale is set aside from its run-of-show item when the sale is created and given
  // back (stock_returned) when it is closed. starts_at is fixed by "start", never moved after.
  await db.schema
    .createTable('live_flash_sale')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('live_session_item.id'))
    .addColumn('price_fen', 'bigint', (c) => c.notNull().check(sql`price_fen > 0`))
    .addColumn('stock_total', 'integer', (c) => c.notNull().check(sql`stock_total >= 1`))
    .addColumn('stock_left', 'integer', (c) => c.notNull().check(sql`stock_left >= 0`))
    .addColumn('stock_returned', 'integer', (c) => c.notNull().defaultTo(0).check(sql`stock_returned >= 0`))
    .addColumn('per_buyer_limit', 'integer', (c) => c.notNull().check(sql`per_buyer_limit >= 1`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','announced','closed')`))
    .addColumn('lead_seconds', 'integer')
    .addColumn('starts_at', ts)
    .addColumn('ends_at', ts)
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('announced_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addCheckConstraint('live_flash_sale_stock_ck', sql`stock_left + stock_returned <= stock_total`)
    // A draft has no instant yet, an announced sale has one; a closed sale may have been either.
    .addCheckConstraint('live_flash_sale_start_ck', sql`(status <> 'draft' or starts_at is null) and (status <> 'announced' or starts_at is not null)`)
    .execute();
  await db.schema.createIndex('live_flash_sale_session_idx').on('live_flash_sale').columns(['session_id', 'created_at']).execute();
  // One sale at a time is announced or open in a room: the card viewers see is never ambiguous.
  await db.schema.createIndex('live_flash_sale_announced_uq').on('live_flash_sale').column('session_id').unique()
    .where(sql<SqlBool>`status = 'announced'`).execute();

  await db.schema
    .createTable('live_flash_sale_buyer')
    .addColumn('sale_id', 'text', (c) => c.notNull().references('live_flash_sale.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 0`))
    .addPrimaryKeyConstraint('live_flash_sale_buyer_pk', ['sale_id', 'user_id'])
    .execute();

  // Units each buyer has taken of a run-of-show item (LIVE_MAX_PER_BUYER caps it), so one viewer
  // cannot reserve a room's whole stock with unpaid orders.
  await db.schema
    .createTable('live_item_buyer')
    .addColumn('item_id', 'text', (c) => c.notNull().references('live_session_item.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 0`))
    .addPrimaryKeyConstraint('live_item_buyer_pk', ['item_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('live_comment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('author_kind', 'text', (c) => c.notNull().check(sql`author_kind in ('viewer','host','center')`))
    .addColumn('text', 'text', (c) => c.notNull())
    // visible: in the room; held: caught by the word filter, seen by its author and the console only; hidden: taken down.
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('visible','held','hidden')`))
    .addColumn('flagged_words', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reply_to_id', 'text')
    .addColumn('client_key', 'text')
    .addColumn('buy_room_code', 'integer')
    .addColumn('buy_quantity', 'integer')
    .addColumn('buy_outcome', 'text', (c) => c.check(sql`buy_outcome in ('reserved','unknown_code','sold_out','no_address','over_limit','not_buyer','unavailable','banned')`))
    .addColumn('checkout_id', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('hidden_at', ts)
    .addColumn('hidden_by', 'text')
    .addUniqueConstraint('live_comment_client_uq', ['session_id', 'user_id', 'client_key'])
    .execute();
  await db.schema.createIndex('live_comment_session_idx').on('live_comment').columns(['session_id', 'id']).execute();

  // Read by the WebSocket hub too: a banned viewer's socket is refused. until null = for the whole session.
  await db.schema
    .createTable('live_ban')
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('mute','ban')`))
    .addColumn('until', ts)
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('live_ban_pk', ['session_id', 'user_id', 'kind'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['live_ban', 'live_comment', 'live_item_buyer', 'live_flash_sale_buyer', 'live_flash_sale']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

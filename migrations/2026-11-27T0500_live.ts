import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';

/**
 * Live rooms: sessions (hosted, external, practice), their stream keys, run-of-show items
 * with live price and set-aside stock, pre-announcement reservations, the mentors who may
 * see a practice session, imported sales of external sessions, per-session figures; and the
 * host showcase (owned by the hosts module) that run-of-shows draw from.
 *
 * Also lifts the purpose CHECK of stored_file (live covers, lesson videos…): the files
 * module checks purposes in code. SQLite cannot drop a CHECK, so there the table is
 * rebuilt by the documented 12-step procedure (foreign keys off, copy, swap, check).
 * Frozen once released.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  if (isPg) {
    await sql`alter table stored_file drop constraint if exists stored_file_purpose_check`.execute(db);
  } else {
    // Kysely runs SQLite migrations outside a transaction, so the pragma takes effect here.
    await sql`pragma foreign_keys = off`.execute(db);
    try {
      await sql`begin`.execute(db);
      await sql`create table stored_file_new (
        id text primary key, storage_key text not null unique, content_type text not null,
        size_bytes integer not null, sha256 text not null, purpose text not null,
        county_code text, uploaded_by text, created_at text not null)`.execute(db);
      await sql`insert into stored_file_new select id, storage_key, content_type, size_bytes, sha256, purpose, county_code, uploaded_by, created_at from stored_file`.execute(db);
      await sql`drop table stored_file`.execute(db);
      await sql`alter table stored_file_new rename to stored_file`.execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length) throw new Error(`stored_file rebuild broke ${broken.rows.length} references`);
      await sql`commit`.execute(db);
    } catch (err) {
      await sql`rollback`.execute(db).catch(() => undefined);
      throw err;
    } finally {
      await sql`pragma foreign_keys = on`.execute(db);
    }
  }

  await db.schema
    .createTable('live_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('hosted','external','practice')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cover_file_id', 'text', (c) => c.references('stored_file.id'))
    .addColumn('scheduled_start', ts, (c) => c.notNull())
    .addColumn('scheduled_end', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('scheduled','live','ended','cancelled')`))
    .addColumn('approval', 'text', (c) => c.notNull().check(sql`approval in ('pending','approved','rejected')`))
    .addColumn('approval_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('approved_by', 'text')
    // External sessions: where they stream, and the session's own link and code (口令).
    .addColumn('platform', 'text', (c) => c.check(sql`platform in ('douyin','kuaishou','wechat_channels')`))
    .addColumn('external_url', 'text')
    .addColumn('external_code', 'text')
    .addColumn('pinned_item_id', 'text')
    // Hosted video: what the ingest last saw (the ingest's own "done" comes ~30 s late).
    .addColumn('video_state', 'text', (c) => c.notNull().defaultTo('offline').check(sql`video_state in ('offline','receiving')`))
    .addColumn('video_seen_at', ts)
    .addColumn('replay_path', 'text')
    .addColumn('started_at', ts)
    .addColumn('ended_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addCheckConstraint('live_session_external_ck', sql`(kind = 'external') = (platform is not null)`)
    .addCheckConstraint('live_session_window_ck', sql`scheduled_end > scheduled_start`)
    .execute();
  await db.schema.createIndex('live_session_county_start_idx').on('live_session').columns(['county_code', 'scheduled_start']).execute();
  await db.schema.createIndex('live_session_host_idx').on('live_session').columns(['host_user_id', 'scheduled_start']).execute();

  // The key itself is the secret a host pastes into OBS; rotating revokes the old one.
  await db.schema
    .createTable('live_stream_key')
    .addColumn('stream_key', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('live_stream_key_active_uq').on('live_stream_key').column('session_id').unique()
    .where(sql<SqlBool>`revoked_at is null`).execute();

  // Run-of-show: one row per SKU, in show order. stock_left is stock set aside for the
  // session (moved out of sku.stock_available), sold by conditional decrement.
  await db.schema
    .createTable('live_session_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
    .addColumn('room_code', 'integer', (c) => c.notNull().check(sql`room_code >= 1 and room_code <= 999`))
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('sku_id', 'text', (c) => c.notNull().references('sku.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('live_price_fen', 'bigint', (c) => c.notNull().check(sql`live_price_fen > 0`))
    .addColumn('stock_allotted', 'integer', (c) => c.notNull().check(sql`stock_allotted >= 0`))
    .addColumn('stock_left', 'integer', (c) => c.notNull().check(sql`stock_left >= 0`))
    .addColumn('slot_minute', 'integer', (c) => c.check(sql`slot_minute >= 0`))
    .addColumn('slot_minutes', 'integer', (c) => c.check(sql`slot_minutes > 0`))
    .addColumn('talking_points', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('live_session_item_sku_uq', ['session_id', 'sku_id'])
    .addUniqueConstraint('live_session_item_code_uq', ['session_id', 'room_code'])
    .execute();

  await db.schema
    .createTable('live_reservation')
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('reminded_at', ts)
    .addPrimaryKeyConstraint('live_reservation_pk', ['session_id', 'user_id'])
    .execute();

  // Who may watch a practice session besides the trainee and the center (the training module fills it).
  await db.schema
    .createTable('live_session_mentor')
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('live_session_mentor_pk', ['session_id', 'user_id'])
    .execute();

  // Sales an external platform reports for a session (entered or imported): they never touch stock or the ledger.
  await db.schema
    .createTable('live_external_sale')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_session.id'))
    .addColumn('product_id', 'text', (c) => c.references('product.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull().check(sql`orders >= 0`))
    .addColumn('units', 'integer', (c) => c.notNull().check(sql`units >= 0`))
    .addColumn('gmv_fen', 'bigint', (c) => c.notNull().check(sql`gmv_fen >= 0`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('manual','import')`))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_external_sale_session_idx').on('live_external_sale').column('session_id').execute();

  // Audience figures, folded in by the real-time hub every few seconds and at the end.
  await db.schema
    .createTable('live_session_stat')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('live_session.id'))
    .addColumn('viewers_now', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('viewers_peak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('watch_seconds', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('unique_viewers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('likes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  // A host's showcase (橱窗): products from the selection base it may put in its run-of-shows.
  await db.schema
    .createTable('host_showcase_item')
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('added_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('host_showcase_item_pk', ['host_user_id', 'product_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['host_showcase_item', 'live_session_stat', 'live_external_sale', 'live_session_mentor', 'live_reservation', 'live_session_item', 'live_stream_key', 'live_session']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

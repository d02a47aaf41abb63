import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Foundation tables: accounts, sessions, audit, files, suppliers and licences, catalog and
 * selection base. Frozen: later changes go in new migrations. Dialect differences are kept
 * to the timestamp type (timestamptz on PostgreSQL, ISO-8601 text on SQLite).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;
  const ROLES = `'center_admin','operator','supplier','host','trainee','buyer','group_leader','village_cadre','official'`;

  await db.schema
    .createTable('center')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', ts)
    .addColumn('disabled_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_grant')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql.raw(`role in (${ROLES})`)))
    // '' = the whole deployment, 2 digits a province, 4 a city, 6 a county.
    .addColumn('region_prefix', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('supplier_id', 'text')
    .addColumn('granted_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('role_grant_user_idx').on('role_grant').column('user_id').execute();

  await db.schema
    .createTable('user_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_seen_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('user_session_user_idx').on('user_session').column('user_id').execute();

  await db.schema
    .createTable('sms_code')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('used_at', ts)
    .execute();
  await db.schema.createIndex('sms_code_phone_idx').on('sms_code').columns(['phone', 'created_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('county_code', 'text')
    .addColumn('ip', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_county_idx').on('audit_log').columns(['county_code', 'id']).execute();

  await db.schema
    .createTable('notification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('county_code', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('read_at', ts)
    .execute();
  await db.schema.createIndex('notification_user_idx').on('notification').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('stored_file')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('licence_scan','product_image')`))
    .addColumn('county_code', 'text')
    .addColumn('uploaded_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('supplier')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('farmer','cooperative','family_farm','small_workshop','enterprise')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('village_code', 'text', (c) => c.notNull())
    .addColumn('payee_name', 'text')
    .addColumn('payee_account', 'text')
    .addColumn('payee_bank', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('story', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','suspended')`))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('supplier_county_idx').on('supplier').columns(['county_code', 'id']).execute();

  await db.schema
    .createTable('licence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('supplier.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('food_business','food_production','workshop_registration','produce_certificate')`),
    )
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('expires_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('submitted','verified','rejected','expired')`),
    )
    .addColumn('reject_reason', 'text')
    .addColumn('image_file_id', 'text', (c) => c.references('stored_file.id'))
    .addColumn('submitted_by', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', ts)
    .addColumn('reminder_sent_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('licence_supplier_idx').on('licence').columns(['supplier_id', 'kind']).execute();
  await db.schema.createIndex('licence_status_idx').on('licence').columns(['county_code', 'status', 'id']).execute();

  await db.schema
    .createTable('category')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull())
    // Fresh and perishable goods are exempt from seven-day no-reason returns.
    .addColumn('returns_policy', 'text', (c) => c.notNull().check(sql`returns_policy in ('seven_day','quality_only')`))
    .execute();

  // Which licences a category needs, as data: every group must be met by one verified,
  // unexpired licence of any kind listed in that group.
  await db.schema
    .createTable('category_licence_requirement')
    .addColumn('category_code', 'text', (c) => c.notNull().references('category.code'))
    .addColumn('requirement_group', 'integer', (c) => c.notNull())
    .addColumn('licence_kind', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('category_licence_requirement_pk', ['category_code', 'requirement_group', 'licence_kind'])
    .execute();

  await db.schema
    .createTable('product')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('supplier.id'))
    .addColumn('category_code', 'text', (c) => c.notNull().references('category.code'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subtitle', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('origin_village_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','on_sale','off_sale')`))
    .addColumn('cover_file_id', 'text', (c) => c.references('stored_file.id'))
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sold_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('published_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('product_county_idx').on('product').columns(['county_code', 'status', 'id']).execute();
  await db.schema.createIndex('product_supplier_idx').on('product').columns(['supplier_id', 'id']).execute();

  await db.schema
    .createTable('product_image')
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('stored_file.id'))
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('product_image_pk', ['product_id', 'file_id'])
    .execute();

  await db.schema
    .createTable('sku')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('price_fen', 'bigint', (c) => c.notNull().check(sql`price_fen > 0`))
    .addColumn('weight_g', 'integer', (c) => c.notNull().check(sql`weight_g > 0`))
    .addColumn('gtin', 'text')
    // Stock changes only through conditional updates; the CHECK is the last line of defence.
    .addColumn('stock_available', 'integer', (c) => c.notNull().check(sql`stock_available >= 0`))
    .addColumn('sale_mode', 'text', (c) => c.notNull().check(sql`sale_mode in ('spot','presale')`))
    .addColumn('ships_from', 'text')
    .addColumn('archived_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sku_product_idx').on('sku').column('product_id').execute();

  await db.schema
    .createTable('stock_movement')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sku_id', 'text', (c) => c.notNull().references('sku.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addColumn('stock_after', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stock_movement_sku_idx').on('stock_movement').columns(['sku_id', 'id']).execute();

  await db.schema
    .createTable('batch')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('batch_no', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('harvest','production')`))
    .addColumn('produced_on', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('quantity_unit', 'text', (c) => c.notNull())
    .addColumn('shelf_life_days', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('batch_product_idx').on('batch').columns(['product_id', 'id']).execute();
  // Batch numbers are what a buyer's traceability code points at: one per product.
  await db.schema.createIndex('batch_product_no_uq').on('batch').columns(['product_id', 'batch_no']).unique().execute();

  await db.schema
    .createTable('selection_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().unique().references('product.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('suggested_price_fen', 'bigint', (c) => c.notNull().check(sql`suggested_price_fen > 0`))
    .addColumn('commission_rate_bp', 'integer', (c) =>
      c.notNull().check(sql`commission_rate_bp >= 0 and commission_rate_bp <= 10000`),
    )
    .addColumn('selling_points', 'text', (c) => c.notNull())
    .addColumn('sample_quantity', 'integer', (c) => c.notNull().check(sql`sample_quantity >= 0`))
    .addColumn('curated_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('selection_county_idx').on('selection_item').columns(['county_code', 'id']).execute();

  const categories = [
    ['fresh_fruit', '生鲜水果', 'Fresh fruit', 'quality_only'],
    ['fresh_vegetable', '新鲜蔬菜', 'Fresh vegetables', 'quality_only'],
    ['mountain_goods', '山货干货', 'Mountain goods', 'seven_day'],
    ['grain_oil', '粮油', 'Grain and oil', 'seven_day'],
    ['bee_products', '蜂产品', 'Bee products', 'seven_day'],
    ['processed_food', '加工食品', 'Processed food', 'seven_day'],
    ['handicraft', '手工艺品', 'Handicraft', 'seven_day'],
    ['rural_tourism', '文旅体验', 'Rural tourism experiences', 'seven_day'],
  ] as const;
  await db
    .insertInto('category')
    .values(categories.map(([code, nameZh, nameEn, policy], i) => ({
      code, name_zh: nameZh, name_en: nameEn, sort: (i + 1) * 10, returns_policy: policy,
    })))
    .execute();
  // Primary farm produce needs only the produce compliance certificate (Food Safety Law
  // art. 35 exempts it from a business licence); processed food needs an SC production
  // licence or a small-workshop registration. Honey is a processed food under SC rules.
  const requirements: [string, number, string][] = [
    ['fresh_fruit', 1, 'produce_certificate'],
    ['fresh_vegetable', 1, 'produce_certificate'],
    ['mountain_goods', 1, 'produce_certificate'],
    ['grain_oil', 1, 'produce_certificate'],
    ['bee_products', 1, 'food_production'],
    ['bee_products', 1, 'workshop_registration'],
    ['processed_food', 1, 'food_production'],
    ['processed_food', 1, 'workshop_registration'],
  ];
  await db
    .insertInto('category_licence_requirement')
    .values(requirements.map(([category_code, requirement_group, licence_kind]) => ({ category_code, requirement_group, licence_kind })))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'selection_item', 'batch', 'stock_movement', 'sku', 'product_image', 'product',
    'category_licence_requirement', 'category', 'licence', 'supplier', 'stored_file',
    'notification', 'audit_log', 'sms_code', 'user_session', 'role_grant', 'app_user', 'center',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

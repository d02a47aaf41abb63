import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';

/**
 * The host roster (主播矩阵): host profiles with real-name verification (the ID number only
 * encrypted, with a keyed hash for uniqueness), linked external accounts, the county's
 * commission cap, matchmaking between suppliers and hosts (invitations and 带货申请), sample
 * requests (寄样) with both tracking numbers, and the follow-up calls of the training funnel
 * with their coded dropout reasons. Frozen once released.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('host_profile')
    .addColumn('host_user_id', 'text', (c) => c.primaryKey().references('app_user.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('local','returned_youth','guest','official')`))
    .addColumn('township_code', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('specialities', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('availability', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('verification', 'text', (c) => c.notNull().defaultTo('none').check(sql`verification in ('none','pending','verified','rejected')`))
    .addColumn('real_name', 'text')
    // AES-256-GCM of the ID number ("v1:" iv.tag.ciphertext, base64url); never the plain number.
    .addColumn('id_cipher', 'text')
    // HMAC-SHA256 of the ID number under a key derived from HOST_ID_KEY: one ID, one host.
    .addColumn('id_hash', 'text')
    .addColumn('id_masked', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('gender', 'text', (c) => c.check(sql`gender in ('male','female')`))
    .addColumn('guardian_name', 'text')
    .addColumn('guardian_relation', 'text')
    .addColumn('guardian_phone', 'text')
    .addColumn('guardian_consent_on', 'text')
    .addColumn('verification_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('verified_by', 'text')
    .addColumn('verified_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addCheckConstraint('host_profile_id_ck', sql`(id_cipher is null) = (id_hash is null)`)
    .execute();
  await db.schema.createIndex('host_profile_county_idx').on('host_profile').columns(['county_code', 'kind']).execute();
  await db.schema.createIndex('host_profile_id_hash_uq').on('host_profile').column('id_hash').unique()
    .where(sql<SqlBool>`id_hash is not null`).execute();

  await db.schema
    .createTable('host_external_account')
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('douyin','kuaishou','wechat_channels')`))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('followers', 'integer', (c) => c.notNull().check(sql`followers >= 0`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('manual','import')`))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('host_external_account_pk', ['host_user_id', 'platform'])
    .execute();

  await db.schema
    .createTable('host_county_setting')
    .addColumn('county_code', 'text', (c) => c.primaryKey())
    .addColumn('max_commission_bp', 'integer', (c) => c.notNull().check(sql`max_commission_bp >= 0 and max_commission_bp <= 5000`))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('host_match')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invite','apply')`))
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','approved','rejected','withdrawn')`))
    .addColumn('decision_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', ts)
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('host_match_county_idx').on('host_match').columns(['county_code', 'status']).execute();
  // One open request per host and product, whoever started it.
  await db.schema.createIndex('host_match_pending_uq').on('host_match').columns(['host_user_id', 'product_id']).unique()
    .where(sql<SqlBool>`status = 'pending'`).execute();

  await db.schema
    .createTable('host_sample_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 1 and quantity <= 20`))
    .addColumn('return_required', 'integer', (c) => c.notNull().check(sql`return_required in (0,1)`))
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_phone', 'text', (c) => c.notNull())
    .addColumn('address_text', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested','shipped','received','return_shipped','returned','cancelled')`))
    .addColumn('carrier', 'text')
    .addColumn('tracking_no', 'text')
    .addColumn('shipped_at', ts)
    .addColumn('received_at', ts)
    .addColumn('return_carrier', 'text')
    .addColumn('return_tracking_no', 'text')
    .addColumn('return_shipped_at', ts)
    .addColumn('returned_at', ts)
    .addColumn('cancelled_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('host_sample_county_idx').on('host_sample_request').columns(['county_code', 'status']).execute();
  await db.schema.createIndex('host_sample_host_idx').on('host_sample_request').column('host_user_id').execute();

  // Follow-up calls of the funnel: whom the center called (a training enrolment; no foreign
  // key, the training module owns that table), the step they stopped before, and why, as one
  // code of a fixed list (plus a free note).
  await db.schema
    .createTable('host_followup')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('enrolment_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('attended','certified','first_live','active_30','active_90')`))
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('called_on', 'text', (c) => c.notNull())
    .addColumn('called_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('host_followup_county_idx').on('host_followup').columns(['county_code', 'enrolment_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['host_followup', 'host_sample_request', 'host_match', 'host_county_setting', 'host_external_account', 'host_profile']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

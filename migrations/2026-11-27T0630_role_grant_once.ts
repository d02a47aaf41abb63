import { sql, type Kysely } from 'kysely';

/**
 * A person holds a role in a region (for a supplier) once. Before, two clicks on "grant" on
 * PostgreSQL could both pass the look-up and both insert; revoking one then left the role in
 * force through the other. Duplicates already there are folded into the oldest grant, then a
 * unique index makes the database refuse a second one. It leads with `user_id`, so it also
 * serves every look-up of a person's grants and replaces `role_grant_user_idx`. The supplier
 * id is null for most roles, and nulls never clash in a unique index, hence `coalesce`.
 * Frozen once released.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from role_grant where exists (
    select 1 from role_grant g
    where g.user_id = role_grant.user_id and g.role = role_grant.role and g.region_prefix = role_grant.region_prefix
      and coalesce(g.supplier_id, '') = coalesce(role_grant.supplier_id, '')
      and (g.created_at < role_grant.created_at or (g.created_at = role_grant.created_at and g.id < role_grant.id)))`.execute(db);
  await sql`create unique index role_grant_once on role_grant (user_id, role, region_prefix, coalesce(supplier_id, ''))`.execute(db);
  await db.schema.dropIndex('role_grant_user_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('role_grant_user_idx').on('role_grant').column('user_id').execute();
  await db.schema.dropIndex('role_grant_once').execute();
}

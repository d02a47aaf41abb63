import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../database.js';
import type { RoleGrantTable } from './accounts.tables.js';
import type { Grant, Role } from '../../platform/http/access.js';
import { preparedQuery } from '../../platform/db/prepared.js';

type Db = Kysely<Database> | Transaction<Database>;

export const findUserByPhone = (db: Db, phone: string) =>
  db.selectFrom('app_user').selectAll().where('phone', '=', phone).executeTakeFirst();

export const findUserById = (db: Db, id: string) =>
  db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();

export async function grantsOf(db: Db, userId: string): Promise<Grant[]> {
  const rows = await db
    .selectFrom('role_grant')
    .select(['id', 'role', 'region_prefix', 'supplier_id'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, role: r.role, regionPrefix: r.region_prefix, supplierId: r.supplier_id }));
}

/** Counts a failed login and locks the account when the count reaches max, in one statement per step. */
export async function countFailedLogin(db: Db, userId: string, max: number, lockUntil: string): Promise<boolean> {
  const row = await db
    .updateTable('app_user')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  if (row.failed_logins >= max) {
    await db.updateTable('app_user').set({ locked_until: lockUntil, failed_logins: 0 }).where('id', '=', userId).execute();
    return true;
  }
  return false;
}

/**
 * A session, its user and the user's role grants in one statement (every request does this):
 * one row per grant, or one row with null grant columns for a user without roles.
 */
const sessionWithGrants = preparedQuery((db: Kysely<Database>, p: { tokenHash: string }) => db
  .selectFrom('user_session')
  .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
  .leftJoin('role_grant', 'role_grant.user_id', 'user_session.user_id')
  .select([
    'user_session.id', 'user_session.user_id', 'user_session.csrf_token', 'user_session.expires_at',
    'user_session.revoked_at', 'user_session.last_seen_at', 'app_user.name', 'app_user.phone', 'app_user.disabled_at',
    'role_grant.id as grant_id', 'role_grant.role', 'role_grant.region_prefix', 'role_grant.supplier_id',
  ])
  .where('token_hash', '=', p.tokenHash)
  .orderBy('role_grant.id'));

export async function findSessionWithGrants(db: Db, tokenHash: string) {
  const rows = await sessionWithGrants.all(db, { tokenHash });
  const first = rows[0];
  if (!first) return undefined;
  const grants: Grant[] = [];
  for (const r of rows) {
    if (r.grant_id !== null && r.role !== null && r.region_prefix !== null) grants.push({ id: r.grant_id, role: r.role, regionPrefix: r.region_prefix, supplierId: r.supplier_id });
  }
  return { ...first, grants };
}

export const hasGrant = (db: Db, userId: string, role: Role, regionPrefix: string, supplierId: string | null) =>
  db
    .selectFrom('role_grant')
    .select('id')
    .where('user_id', '=', userId)
    .where('role', '=', role)
    .where('region_prefix', '=', regionPrefix)
    .where((eb) => (supplierId === null ? eb('supplier_id', 'is', null) : eb('supplier_id', '=', supplierId)))
    .executeTakeFirst();

/**
 * Inserts a grant unless the person already holds it (the unique index `role_grant_once`):
 * true when this call added it. Two grants racing on PostgreSQL both pass a look-up before
 * either commits; the index is what keeps the second out, and this turns its refusal into a
 * plain "already there" instead of an error.
 */
export async function insertGrant(db: Db, row: Insertable<RoleGrantTable>): Promise<boolean> {
  const res = await db.insertInto('role_grant').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}

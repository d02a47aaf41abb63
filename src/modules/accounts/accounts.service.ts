import argon2 from 'argon2';
import { createHash, randomInt } from 'node:crypto';
import type { Ctx, Deps } from '../../context.js';
import { inTransaction } from '../../context.js';
import { sql } from 'kysely';
import { dialectOf } from '../../platform/db/connect.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.js';
import { type Actor, type ResolvedSession, type Role, inScope, scopePrefixes } from '../../platform/http/access.js';
import { newId, randomToken } from '../../platform/ids.js';
import { maskPhone } from '../../platform/mask.js';
import { nowIso } from '../../platform/time.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { recordAudit } from '../audit/index.js';
import * as repo from './accounts.repo.js';
import { cachedSession, forgetSessions, forgetSessionsOnCommit, keepSession } from './session-cache.js';

const SMS_CODE_TTL_MS = 5 * 60 * 1000;
const SMS_RESEND_MS = 60 * 1000;
const SMS_MAX_ATTEMPTS = 5;
/** With 5 guesses a code, 10 codes a day bound a brute force to 50 guesses in a million a day. */
const SMS_MAX_PER_DAY = 10;
const SESSION_TOUCH_MS = 5 * 60 * 1000;
/** Roles that are never tied to a region: buyers buy from every county on the deployment. */
const UNSCOPED_ROLES: readonly Role[] = ['buyer'];

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function hashPassword(deps: Deps, password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: deps.config.argon2MemoryKib, timeCost: 2, parallelism: 1 });
}

let dummyHash: Promise<string> | null = null;
/** Verifies against a throwaway hash so an unknown phone takes as long as a wrong password. */
function burnVerify(deps: Deps, password: string): Promise<boolean> {
  dummyHash ??= hashPassword(deps, randomToken());
  return dummyHash.then((h) => argon2.verify(h, password));
}

export interface NewSession {
  token: string;
  csrfToken: string;
  sessionId: string;
  expiresAt: string;
}

async function createSession(ctx: Ctx, userId: string, userAgent: string | null): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ctx.deps.config.sessionDays * 86400_000).toISOString();
  const sessionId = newId('session');
  await ctx.db
    .insertInto('user_session')
    .values({
      id: sessionId, token_hash: sha256(token), user_id: userId, csrf_token: csrfToken, ip: ctx.ip,
      user_agent: userAgent?.slice(0, 300) ?? null, created_at: now.toISOString(), last_seen_at: now.toISOString(),
      expires_at: expiresAt, revoked_at: null,
    })
    .execute();
  return { token, csrfToken, sessionId, expiresAt };
}

/** The county a user's audit rows belong to: its first county-level grant, if any. */
async function homeCounty(ctx: Ctx, userId: string): Promise<string | null> {
  const grants = await repo.grantsOf(ctx.db, userId);
  return grants.find((g) => g.regionPrefix.length === 6)?.regionPrefix ?? null;
}

export async function signup(ctx: Ctx, input: { phone: string; password: string; name: string }, userAgent: string | null) {
  const passwordHash = await hashPassword(ctx.deps, input.password);
  return inTransaction(ctx, async (tx) => {
    if (await repo.findUserByPhone(tx.db, input.phone)) {
      throw new AppError(409, 'phone_taken', 'This phone number already has an account; sign in instead', [
        { pointer: '/body/phone', detail: 'already registered' },
      ]);
    }
    const userId = newId('user');
    const now = nowIso();
    await tx.db
      .insertInto('app_user')
      .values({ id: userId, phone: input.phone, name: input.name, password_hash: passwordHash, failed_logins: 0, locked_until: null, disabled_at: null, created_at: now })
      .execute();
    await tx.db
      .insertInto('role_grant')
      .values({ id: newId('roleGrant'), user_id: userId, role: 'buyer', region_prefix: '', supplier_id: null, granted_by: null, created_at: now })
      .execute();
    await recordAudit(tx, { action: 'account.signup', targetType: 'user', targetId: userId, actorId: userId });
    return createSession(tx, userId, userAgent);
  });
}

export async function loginWithPassword(ctx: Ctx, input: { phone: string; password: string }, userAgent: string | null) {
  const { config } = ctx.deps;
  const user = await repo.findUserByPhone(ctx.db, input.phone);
  if (!user || !user.password_hash || user.disabled_at) {
    await burnVerify(ctx.deps, input.password);
    await recordAudit(ctx, { action: 'auth.login_failed', detail: { phone: maskPhone(input.phone), reason: 'unknown' }, actorId: null });
    throw new AppError(401, 'invalid_credentials', 'Wrong phone number or password');
  }
  if (user.locked_until && user.locked_until > nowIso()) {
    const retryAfterSeconds = Math.ceil((Date.parse(user.locked_until) - Date.now()) / 1000);
    throw new AppError(423, 'account_locked', `Too many wrong passwords; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes or sign in with an SMS code`, [], { retryAfterSeconds });
  }
  const ok = await argon2.verify(user.password_hash, input.password);
  const county = await homeCounty(ctx, user.id);
  if (!ok) {
    const lockUntil = new Date(Date.now() + config.lockoutMinutes * 60_000).toISOString();
    const locked = await inTransaction(ctx, async (tx) => {
      const l = await repo.countFailedLogin(tx.db, user.id, config.loginMaxFailures, lockUntil);
      await recordAudit(tx, { action: l ? 'auth.locked' : 'auth.login_failed', targetType: 'user', targetId: user.id, countyCode: county, actorId: null });
      return l;
    });
    if (locked) {
      throw new AppError(423, 'account_locked', `Too many wrong passwords; the account is locked for ${config.lockoutMinutes} minutes`, [], { retryAfterSeconds: config.lockoutMinutes * 60 });
    }
    throw new AppError(401, 'invalid_credentials', 'Wrong phone number or password');
  }
  return inTransaction(ctx, async (tx) => {
    // Conditional: parallel wrong guesses may have locked the account while this one verified.
    const cleared = await tx.db.updateTable('app_user').set({ failed_logins: 0 }).where('id', '=', user.id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso())])).executeTakeFirst();
    if (Number(cleared.numUpdatedRows) !== 1) {
      throw new AppError(423, 'account_locked', `Too many wrong passwords; the account is locked for ${config.lockoutMinutes} minutes`, [], { retryAfterSeconds: config.lockoutMinutes * 60 });
    }
    await recordAudit(tx, { action: 'auth.login', targetType: 'user', targetId: user.id, countyCode: county, actorId: user.id, detail: { method: 'password' } });
    return createSession(tx, user.id, userAgent);
  });
}

export async function sendSmsCode(ctx: Ctx, phone: string): Promise<{ expiresInSeconds: number }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await inTransaction(ctx, async (tx) => {
    // One number's requests take their turns, or twenty sent at once would all find no recent
    // code and all be texted. On SQLite the group commit runs transactions one after another;
    // on PostgreSQL a lock on the number, held to the commit, does the same.
    if (dialectOf(tx.db) === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`sms:${phone}`}, 0))`.execute(tx.db);
    const recent = await tx.db
      .selectFrom('sms_code').select('created_at').where('phone', '=', phone)
      .where('created_at', '>', new Date(Date.now() - 86400_000).toISOString()).orderBy('created_at', 'desc').execute();
    const latest = recent[0];
    if (latest && Date.now() - Date.parse(latest.created_at) < SMS_RESEND_MS) {
      throw new AppError(429, 'sms_too_soon', 'A code was sent less than a minute ago; please wait before asking again');
    }
    const lastHour = recent.filter((r) => Date.now() - Date.parse(r.created_at) < 3600_000).length;
    if (lastHour >= ctx.deps.config.rateLimitSmsPerHour || recent.length >= SMS_MAX_PER_DAY) {
      throw new AppError(429, 'sms_limit', 'Too many codes were sent to this number; try again later or sign in with your password');
    }
    const now = Date.now();
    await tx.db
      .insertInto('sms_code')
      .values({
        id: newId('smsCode'), phone, code_hash: sha256(`${phone}:${code}`), attempts: 0,
        created_at: new Date(now).toISOString(), expires_at: new Date(now + SMS_CODE_TTL_MS).toISOString(), used_at: null,
      })
      .execute();
  });
  try {
    await ctx.deps.sms.send(phone, { template: 'login_code', params: { code } });
  } catch (err) {
    // The code never reached the phone: forget it, so the resend wait does not apply.
    await ctx.db.deleteFrom('sms_code').where('phone', '=', phone).where('code_hash', '=', sha256(`${phone}:${code}`)).execute();
    ctx.deps.log.error({ err, provider: ctx.deps.sms.name }, 'SMS send failed');
    throw new AppError(502, 'sms_unavailable', 'The text message could not be sent just now; please try again or sign in with your password');
  }
  return { expiresInSeconds: SMS_CODE_TTL_MS / 1000 };
}

/** Signs in with an SMS code; a first-time number gets a buyer account, as users of such apps expect. */
export async function loginWithSms(ctx: Ctx, input: { phone: string; code: string }, userAgent: string | null) {
  const now = nowIso();
  const row = await ctx.db
    .selectFrom('sms_code')
    .selectAll()
    .where('phone', '=', input.phone)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const wrong = () => new AppError(401, 'invalid_sms_code', 'The code is wrong or has expired; ask for a new one');
  if (!row || row.attempts >= SMS_MAX_ATTEMPTS) throw wrong();
  // Count the attempt first, atomically, so parallel guesses cannot exceed the limit.
  const counted = await ctx.db
    .updateTable('sms_code')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', row.id)
    .where('attempts', '<', SMS_MAX_ATTEMPTS)
    .executeTakeFirst();
  if (Number(counted.numUpdatedRows) !== 1 || row.code_hash !== sha256(`${input.phone}:${input.code}`)) throw wrong();
  return inTransaction(ctx, async (tx) => {
    const used = await tx.db.updateTable('sms_code').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw wrong(); // replayed code
    let user = await repo.findUserByPhone(tx.db, input.phone);
    if (user?.disabled_at) throw new AppError(403, 'account_disabled', 'This account is disabled');
    if (!user) {
      const id = newId('user');
      await tx.db
        .insertInto('app_user')
        .values({ id, phone: input.phone, name: `用户${input.phone.slice(-4)}`, password_hash: null, failed_logins: 0, locked_until: null, disabled_at: null, created_at: now })
        .execute();
      await tx.db
        .insertInto('role_grant')
        .values({ id: newId('roleGrant'), user_id: id, role: 'buyer', region_prefix: '', supplier_id: null, granted_by: null, created_at: now })
        .execute();
      user = await repo.findUserById(tx.db, id);
    } else {
      await tx.db.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    }
    const userId = user!.id;
    await recordAudit(tx, { action: 'auth.login', targetType: 'user', targetId: userId, countyCode: await homeCounty(tx, userId), actorId: userId, detail: { method: 'sms' } });
    return createSession(tx, userId, userAgent);
  });
}

export async function resolveSession(deps: Deps, token: string): Promise<ResolvedSession | null> {
  const started = performance.now();
  const cached = cachedSession(deps, token, started);
  if (cached) return cached;
  const row = await repo.findSessionWithGrants(deps.db, sha256(token));
  const now = new Date();
  if (!row || row.revoked_at || row.disabled_at || row.expires_at <= now.toISOString()) return null;
  if (now.getTime() - Date.parse(row.last_seen_at) > SESSION_TOUCH_MS) {
    await deps.db.updateTable('user_session').set({ last_seen_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  const session = { actor: { userId: row.user_id, name: row.name, phone: row.phone, sessionId: row.id, grants: row.grants }, csrfToken: row.csrf_token };
  keepSession(deps, token, session, started, Date.parse(row.expires_at) - now.getTime());
  return session;
}

export async function logout(ctx: Ctx): Promise<void> {
  if (!ctx.actor) return;
  await ctx.db.updateTable('user_session').set({ revoked_at: nowIso() }).where('id', '=', ctx.actor.sessionId).execute();
  forgetSessions(ctx.deps, ctx.actor.userId);
}

export async function listSessions(ctx: Ctx) {
  const actor = ctx.actor!;
  const rows = await ctx.db
    .selectFrom('user_session')
    .select(['id', 'ip', 'user_agent', 'created_at', 'last_seen_at', 'expires_at'])
    .where('user_id', '=', actor.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso())
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id, ip: r.ip, userAgent: r.user_agent, createdAt: r.created_at, lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at, current: r.id === actor.sessionId,
  }));
}

export async function revokeSession(ctx: Ctx, sessionId: string): Promise<void> {
  const res = await ctx.db
    .updateTable('user_session')
    .set({ revoked_at: nowIso() })
    .where('id', '=', sessionId)
    .where('user_id', '=', ctx.actor!.userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  forgetSessions(ctx.deps, ctx.actor!.userId);
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Session');
}

export async function changePassword(ctx: Ctx, input: { currentPassword?: string | undefined; newPassword: string }) {
  const user = await repo.findUserById(ctx.db, ctx.actor!.userId);
  if (!user) throw notFound('User');
  if (user.password_hash) {
    if (!input.currentPassword || !(await argon2.verify(user.password_hash, input.currentPassword))) {
      throw new AppError(422, 'validation_failed', 'The current password is wrong', [{ pointer: '/body/currentPassword', detail: 'wrong password' }]);
    }
  }
  const hash = await hashPassword(ctx.deps, input.newPassword);
  await inTransaction(ctx, async (tx) => {
    forgetSessionsOnCommit(tx, user.id);
    await tx.db.updateTable('app_user').set({ password_hash: hash }).where('id', '=', user.id).execute();
    // Every other session signs out: a changed password is often a response to a stolen one.
    await tx.db.updateTable('user_session').set({ revoked_at: nowIso() }).where('user_id', '=', user.id).where('id', '!=', ctx.actor!.sessionId).where('revoked_at', 'is', null).execute();
    await recordAudit(tx, { action: 'account.password_changed', targetType: 'user', targetId: user.id });
  });
}

function regionName(ctx: Ctx, prefix: string): string {
  if (prefix === '') return '全部地区';
  return ctx.deps.regions.path(prefix).map((r) => r.name).join(' ');
}

export async function me(ctx: Ctx) {
  const actor = ctx.actor!;
  const supplierIds = actor.grants.map((g) => g.supplierId).filter((x): x is string => !!x);
  const suppliers = supplierIds.length
    ? await ctx.db.selectFrom('supplier').select(['id', 'name']).where('id', 'in', supplierIds).execute()
    : [];
  return {
    id: actor.userId,
    name: actor.name,
    phone: actor.phone, // a user always sees its own number in full
    roles: actor.grants.map((g) => ({
      id: g.id, role: g.role, regionPrefix: g.regionPrefix, regionName: regionName(ctx, g.regionPrefix),
      supplierId: g.supplierId, supplierName: suppliers.find((s) => s.id === g.supplierId)?.name ?? null,
    })),
  };
}

// ---- administration of users and roles -------------------------------------------------

export async function createUser(ctx: Ctx, input: { phone: string; name: string; password: string }) {
  const hash = await hashPassword(ctx.deps, input.password);
  return inTransaction(ctx, async (tx) => {
    if (await repo.findUserByPhone(tx.db, input.phone)) {
      throw new AppError(409, 'phone_taken', 'This phone number already has an account; find it and grant it a role instead', [{ pointer: '/body/phone', detail: 'already registered' }]);
    }
    const id = newId('user');
    const now = nowIso();
    await tx.db.insertInto('app_user').values({ id, phone: input.phone, name: input.name, password_hash: hash, failed_logins: 0, locked_until: null, disabled_at: null, created_at: now }).execute();
    await tx.db.insertInto('role_grant').values({ id: newId('roleGrant'), user_id: id, role: 'buyer', region_prefix: '', supplier_id: null, granted_by: ctx.actor!.userId, created_at: now }).execute();
    await recordAudit(tx, { action: 'account.created', targetType: 'user', targetId: id, countyCode: scopePrefixes(ctx.actor, ['center_admin'])[0] || null });
    return { id };
  });
}

export interface UserSummary {
  id: string;
  name: string;
  phoneMasked: string;
  createdAt: string;
  lockedUntil: string | null;
  roles: { id: string; role: Role; regionPrefix: string; regionName: string; supplierId: string | null }[];
}

/**
 * Admins see users holding a role inside their regions, or anyone by exact phone number
 * (to find a newly signed-up person and grant a role). Phones are masked in lists.
 */
export async function listUsers(ctx: Ctx, q: { phone?: string | undefined; role?: Role | undefined; cursor?: string | undefined; limit: number }) {
  const prefixes = scopePrefixes(ctx.actor, ['center_admin']);
  const cursor = decodeCursor(q.cursor);
  let query = ctx.db.selectFrom('app_user').select(['id', 'name', 'phone', 'created_at', 'locked_until']);
  if (q.phone) {
    query = query.where('phone', '=', q.phone);
  } else {
    query = query.where('id', 'in', (eb) => {
      let sub = eb.selectFrom('role_grant').select('user_id').where('role', '!=', 'buyer');
      if (q.role) sub = sub.where('role', '=', q.role);
      if (!prefixes.includes('')) sub = sub.where((w) => w.or(prefixes.map((p) => w('region_prefix', 'like', `${p}%`))));
      return sub;
    });
  }
  if (cursor) query = query.where('id', '<', cursor);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  const ids = rows.map((r) => r.id);
  const grants = ids.length
    ? await ctx.db.selectFrom('role_grant').select(['id', 'user_id', 'role', 'region_prefix', 'supplier_id']).where('user_id', 'in', ids).orderBy('id').execute()
    : [];
  return toPage(rows, q.limit, (r): UserSummary => ({
    id: r.id, name: r.name, phoneMasked: maskPhone(r.phone), createdAt: r.created_at, lockedUntil: r.locked_until,
    roles: grants.filter((g) => g.user_id === r.id).map((g) => ({
      id: g.id, role: g.role, regionPrefix: g.region_prefix, regionName: regionName(ctx, g.region_prefix), supplierId: g.supplier_id,
    })),
  }));
}

const roleExists = () => new AppError(409, 'role_exists', 'This person already holds that role there');

export async function grantRole(ctx: Ctx, userId: string, input: { role: Role; regionPrefix?: string | undefined; supplierId?: string | undefined }) {
  const granted = await inTransaction(ctx, async (tx) => {
    const user = await repo.findUserById(tx.db, userId);
    if (!user) throw notFound('User');
    let prefix = input.regionPrefix ?? '';
    let supplierId: string | null = null;
    if (input.role === 'supplier') {
      if (!input.supplierId) throw invalid('/body/supplierId', 'The supplier role needs the supplier this person acts for');
      const supplier = await tx.db.selectFrom('supplier').select(['id', 'county_code']).where('id', '=', input.supplierId).executeTakeFirst();
      if (!supplier) throw invalid('/body/supplierId', 'No such supplier');
      supplierId = supplier.id;
      prefix = supplier.county_code;
    } else if (input.supplierId) {
      throw invalid('/body/supplierId', 'Only the supplier role is tied to a supplier');
    }
    if (UNSCOPED_ROLES.includes(input.role)) {
      prefix = '';
    } else if (prefix !== '') {
      if (![2, 4, 6].includes(prefix.length) || !ctx.deps.regions.get(prefix)) {
        throw invalid('/body/regionPrefix', 'Not a province, city or county code');
      }
      // Field staff work in one county; officials may watch a whole city; admins may run a city's platform.
      const wide = prefix.length < 6;
      if (wide && !(input.role === 'official' || input.role === 'center_admin')) {
        throw invalid('/body/regionPrefix', 'This role is held for one county (6-digit code); only officials and administrators may hold a city', 'county_required');
      }
    } else if (!scopePrefixes(ctx.actor, ['center_admin']).includes('')) {
      throw invalid('/body/regionPrefix', 'Choose the county (or city) this role covers');
    }
    if (!UNSCOPED_ROLES.includes(input.role) && !scopePrefixes(ctx.actor, ['center_admin']).some((p) => prefix.startsWith(p))) {
      throw forbidden('You can only grant roles inside your own counties');
    }
    if (await repo.hasGrant(tx.db, userId, input.role, prefix, supplierId)) throw roleExists();
    const id = newId('roleGrant');
    const added = await repo.insertGrant(tx.db, { id, user_id: userId, role: input.role, region_prefix: prefix, supplier_id: supplierId, granted_by: ctx.actor!.userId, created_at: nowIso() });
    if (!added) throw roleExists(); // a grant of the same role committed since the look-up above
    forgetSessionsOnCommit(tx, userId);
    await recordAudit(tx, { action: 'role.granted', targetType: 'user', targetId: userId, countyCode: prefix || null, detail: { role: input.role, regionPrefix: prefix, supplierId } });
    return { id };
  });
  return granted;
}

export async function revokeRole(ctx: Ctx, userId: string, grantId: string) {
  await inTransaction(ctx, async (tx) => {
    const grant = await tx.db.selectFrom('role_grant').selectAll().where('id', '=', grantId).where('user_id', '=', userId).executeTakeFirst();
    if (!grant) throw notFound('Role grant');
    if (UNSCOPED_ROLES.includes(grant.role)) {
      await requireManaged(tx, userId).catch(() => { throw notFound('Role grant'); });
    } else if (!scopePrefixes(ctx.actor, ['center_admin']).some((p) => grant.region_prefix.startsWith(p))) {
      throw notFound('Role grant'); // outside the admin's counties: as if it did not exist
    }
    if (grant.role === 'center_admin' && userId === ctx.actor!.userId) {
      throw new AppError(409, 'cannot_revoke_own_admin', 'You cannot remove your own administrator role; ask another administrator');
    }
    forgetSessionsOnCommit(tx, userId);
    await tx.db.deleteFrom('role_grant').where('id', '=', grantId).execute();
    await recordAudit(tx, { action: 'role.revoked', targetType: 'user', targetId: userId, countyCode: grant.region_prefix || null, detail: { role: grant.role, regionPrefix: grant.region_prefix, supplierId: grant.supplier_id } });
  });
}

/**
 * An admin manages a person who holds a staff role inside the admin's regions (a deployment
 * admin manages everyone). Other people look missing, so nothing is learned about them.
 */
async function requireManaged(ctx: Ctx, userId: string) {
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw notFound('User');
  const prefixes = scopePrefixes(ctx.actor, ['center_admin']);
  if (prefixes.includes('')) return user;
  const grants = await repo.grantsOf(ctx.db, userId);
  const managed = grants.some((g) => !UNSCOPED_ROLES.includes(g.role) && prefixes.some((p) => g.regionPrefix.startsWith(p)));
  if (!managed) throw notFound('User');
  return user;
}

export async function unlockUser(ctx: Ctx, userId: string) {
  await inTransaction(ctx, async (tx) => {
    await requireManaged(tx, userId);
    await tx.db.updateTable('app_user').set({ locked_until: null, failed_logins: 0 }).where('id', '=', userId).execute();
    await recordAudit(tx, { action: 'account.unlocked', targetType: 'user', targetId: userId, countyCode: await homeCounty(tx, userId) });
  });
}

// ---- centers (the counties this deployment serves) -----------------------------------

export async function listCenters(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('center').selectAll().orderBy('county_code').execute();
  return rows.map((r) => ({ id: r.id, countyCode: r.county_code, name: r.name, regionName: regionName(ctx, r.county_code) }));
}

export async function createCenter(ctx: Ctx, input: { countyCode: string; name: string }) {
  const region = ctx.deps.regions.get(input.countyCode);
  if (!region || region.level !== 'county') throw invalid('/body/countyCode', 'Not a county code (6 digits, GB/T 2260)', 'unknown_region');
  if (!inScope(ctx.actor, input.countyCode, ['center_admin'])) throw forbidden('You can only add counties inside your own region');
  return inTransaction(ctx, async (tx) => {
    const exists = await tx.db.selectFrom('center').select('id').where('county_code', '=', input.countyCode).executeTakeFirst();
    if (exists) throw new AppError(409, 'center_exists', 'This county already has a center on this deployment');
    const id = newId('center');
    await tx.db.insertInto('center').values({ id, county_code: input.countyCode, name: input.name, created_at: nowIso() }).execute();
    await recordAudit(tx, { action: 'center.created', targetType: 'center', targetId: id, countyCode: input.countyCode });
    return { id };
  });
}

export type { Actor };

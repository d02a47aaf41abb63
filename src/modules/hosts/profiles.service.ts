import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { inScope } from '../../platform/http/access.js';
import { AppError, conflict, invalid, notFound } from '../../platform/http/errors.js';
import { maskIdNumber, maskPhone } from '../../platform/mask.js';
import { bizDate, isValidDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { regionLabel, requireRegion } from '../regions/index.js';
import { getPolicy } from '../settlement/index.js';
import { CENTER, READERS, editableProfile, isHostIn, isSelf, loadProfile, readableProfile } from './access.js';
import type { HostProfileKind, HostProfileTable, Platform } from './hosts.tables.js';
import { PLATFORMS } from './hosts.tables.js';
import { ageOn, decryptId, encryptId, hashId, parseIdNumber } from './idcard.js';

/** Hosts must be at least 16; 16- and 17-year-olds need a guardian's recorded consent. */
export const MIN_HOST_AGE = 16;
export const ADULT_AGE = 18;

export interface Availability {
  weekdays: number[];
  slots: ('morning' | 'afternoon' | 'evening')[];
  note: string;
}

const parseJson = <T>(s: string, fallback: T): T => {
  try { return JSON.parse(s) as T; } catch { return fallback; }
};

function availabilityOf(p: HostProfileTable): Availability {
  const a = parseJson<Partial<Availability>>(p.availability, {});
  return { weekdays: a.weekdays ?? [], slots: a.slots ?? [], note: a.note ?? '' };
}

async function externalAccounts(ctx: Ctx, hostUserIds: string[]) {
  if (!hostUserIds.length) return new Map<string, { platform: Platform; handle: string; followers: number; source: 'manual' | 'import'; updatedAt: string }[]>();
  const rows = await ctx.db.selectFrom('host_external_account').selectAll().where('host_user_id', 'in', hostUserIds).orderBy('platform').execute();
  const m = new Map<string, { platform: Platform; handle: string; followers: number; source: 'manual' | 'import'; updatedAt: string }[]>();
  for (const r of rows) m.set(r.host_user_id, [...(m.get(r.host_user_id) ?? []), { platform: r.platform, handle: r.handle, followers: Number(r.followers), source: r.source, updatedAt: r.updated_at }]);
  return m;
}

/** What the center, officials and the host itself see. The ID number is only ever masked. */
async function profileView(ctx: Ctx, p: HostProfileTable, user: { name: string; phone: string }) {
  const [accounts, showcase, policy] = await Promise.all([
    externalAccounts(ctx, [p.host_user_id]),
    ctx.db.selectFrom('host_showcase_item').select((eb) => eb.fn.countAll<number>().as('n')).where('host_user_id', '=', p.host_user_id).executeTakeFirst(),
    getPolicy(ctx, p.county_code, p.host_user_id).catch(() => null),
  ]);
  const center = inScope(ctx.actor, p.county_code, CENTER);
  const today = bizDate();
  return {
    hostUserId: p.host_user_id,
    countyCode: p.county_code,
    accountName: user.name,
    phoneMasked: maskPhone(user.phone),
    kind: p.kind,
    townshipCode: p.township_code,
    townshipName: regionLabel(ctx.deps.regions, p.township_code, 'township'),
    displayName: p.display_name,
    bio: p.bio,
    specialities: parseJson<string[]>(p.specialities, []),
    availability: availabilityOf(p),
    verification: p.verification,
    realName: p.real_name,
    idNumberMasked: p.id_masked,
    birthYear: p.birth_date ? Number(p.birth_date.slice(0, 4)) : null,
    age: p.birth_date ? ageOn(p.birth_date, today) : null,
    gender: p.gender,
    guardian: p.guardian_name ? {
      name: p.guardian_name, relation: p.guardian_relation ?? '', consentOn: p.guardian_consent_on ?? '',
      phone: center || isSelf(ctx, p.host_user_id) ? p.guardian_phone ?? '' : maskPhone(p.guardian_phone ?? ''),
    } : null,
    verificationNote: p.verification_note,
    verifiedAt: p.verified_at,
    externalAccounts: accounts.get(p.host_user_id) ?? [],
    showcaseCount: Number(showcase?.n ?? 0),
    policy: policy ? { kind: policy.kind, basis: policy.basis, rateBp: policy.rateBp, fixedFen: policy.fixedFen, pledge: policy.pledge, isDefault: policy.isDefault } : null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}
export type ProfileView = Awaited<ReturnType<typeof profileView>>;

async function userOf(ctx: Ctx, id: string) {
  const u = await ctx.db.selectFrom('app_user').select(['name', 'phone']).where('id', '=', id).executeTakeFirst();
  if (!u) throw notFound('Host');
  return u;
}

export async function getProfile(ctx: Ctx, hostUserId: string): Promise<ProfileView> {
  const p = await readableProfile(ctx, hostUserId);
  return profileView(ctx, p, await userOf(ctx, hostUserId));
}

/**
 * The roster of a county: every user holding the host role there, with or without a profile
 * (those without are listed as not yet on the roster). Another county's reads as empty.
 */
export async function listRoster(ctx: Ctx, q: { countyCode: string; kind?: HostProfileKind | undefined; verification?: string | undefined; townshipCode?: string | undefined; q?: string | undefined }) {
  if (!inScope(ctx.actor, q.countyCode, READERS)) return { countyCode: q.countyCode, items: [] };
  const granted = await ctx.db.selectFrom('role_grant').innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
    .select(['app_user.id', 'app_user.name', 'app_user.phone']).where('role_grant.role', '=', 'host').where('role_grant.region_prefix', '=', q.countyCode).execute();
  const profiles = await ctx.db.selectFrom('host_profile').innerJoin('app_user', 'app_user.id', 'host_profile.host_user_id')
    .selectAll('host_profile').select(['app_user.name', 'app_user.phone']).where('host_profile.county_code', '=', q.countyCode).execute();
  const byId = new Map(profiles.map((p) => [p.host_user_id, p]));
  const ids = [...new Set([...granted.map((g) => g.id), ...profiles.map((p) => p.host_user_id)])];
  const accounts = await externalAccounts(ctx, ids);
  const showcase = ids.length ? await ctx.db.selectFrom('host_showcase_item').select(['host_user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('host_user_id', 'in', ids).groupBy('host_user_id').execute() : [];
  const policies = await ctx.db.selectFrom('host_policy').select(['host_user_id', 'kind']).where('county_code', '=', q.countyCode).execute();
  const users = new Map([...granted.map((g) => [g.id, g] as const), ...profiles.map((p) => [p.host_user_id, { id: p.host_user_id, name: p.name, phone: p.phone }] as const)]);
  const needle = q.q?.trim().toLowerCase();
  // Only the center may find a host by phone: for anyone else a phone search would confirm who is behind a masked number.
  const byPhone = inScope(ctx.actor, q.countyCode, CENTER);
  const items = ids.map((id) => {
    const p = byId.get(id);
    const u = users.get(id)!;
    const acc = accounts.get(id) ?? [];
    return {
      hostUserId: id,
      accountName: u.name,
      phoneMasked: maskPhone(u.phone),
      onRoster: !!p,
      kind: p?.kind ?? null,
      townshipCode: p?.township_code ?? null,
      townshipName: p ? regionLabel(ctx.deps.regions, p.township_code, 'township') : null,
      displayName: p?.display_name ?? u.name,
      specialities: p ? parseJson<string[]>(p.specialities, []) : [],
      verification: p?.verification ?? 'none',
      realName: p?.real_name ?? null,
      idNumberMasked: p?.id_masked ?? null,
      age: p?.birth_date ? ageOn(p.birth_date, bizDate()) : null,
      gender: p?.gender ?? null,
      followers: acc.reduce((s, a) => s + a.followers, 0),
      externalAccounts: acc,
      showcaseCount: Number(showcase.find((s) => s.host_user_id === id)?.n ?? 0),
      policyKind: policies.find((x) => x.host_user_id === id)?.kind ?? null,
      updatedAt: p?.updated_at ?? null,
      phone: u.phone,
    };
  }).filter((r) => (!q.kind || r.kind === q.kind) && (!q.verification || r.verification === q.verification)
    && (!q.townshipCode || r.townshipCode === q.townshipCode)
    && (!needle || r.displayName.toLowerCase().includes(needle) || r.accountName.toLowerCase().includes(needle) || (r.realName ?? '').includes(needle) || (byPhone && needle.length >= 4 && r.phone.endsWith(needle))))
    .map(({ phone: _p, ...r }) => r)
    .sort((a, b) => Number(b.onRoster) - Number(a.onRoster) || b.followers - a.followers || a.hostUserId.localeCompare(b.hostUserId));
  return { countyCode: q.countyCode, items };
}

export interface ProfileInput {
  countyCode: string;
  kind: HostProfileKind;
  townshipCode: string;
  displayName: string;
  bio?: string | undefined;
  specialities?: string[] | undefined;
  availability?: Availability | undefined;
}

function checkAvailability(a: Availability | undefined, pointer: string) {
  if (!a) return;
  if (new Set(a.weekdays).size !== a.weekdays.length) throw invalid(`${pointer}/weekdays`, 'A weekday is listed twice');
  if (new Set(a.slots).size !== a.slots.length) throw invalid(`${pointer}/slots`, 'A time slot is listed twice');
}

function cleanSpecialities(list: string[] | undefined, pointer: string): string[] | undefined {
  if (!list) return undefined;
  const out = [...new Set(list.map((s) => s.trim()).filter(Boolean))];
  if (out.length !== list.length) throw invalid(pointer, 'Specialities must be distinct and not empty');
  return out;
}

/**
 * Puts a host on the county's roster, or changes its roster entry (the center of the county).
 * The user must hold the host role there; the township must be in the county. Audited.
 */
export async function putProfile(ctx: Ctx, hostUserId: string, input: ProfileInput): Promise<ProfileView> {
  if (!inScope(ctx.actor, input.countyCode, CENTER)) throw notFound('County');
  const township = requireRegion(ctx.deps.regions, input.townshipCode, 'township', '/body/townshipCode');
  if (!township.code.startsWith(input.countyCode)) throw invalid('/body/townshipCode', `Township ${input.townshipCode} is not in county ${input.countyCode}`, 'region_outside_county');
  checkAvailability(input.availability, '/body/availability');
  const specialities = cleanSpecialities(input.specialities, '/body/specialities');
  const user = await ctx.db.selectFrom('app_user').select(['name', 'phone']).where('id', '=', hostUserId).executeTakeFirst();
  if (!user || !(await isHostIn(ctx, hostUserId, input.countyCode))) {
    throw new AppError(422, 'not_a_host', 'This user does not hold the host role in this county; grant the role first', [{ pointer: '/params/hostUserId', detail: 'not a host here', code: 'not_a_host' }]);
  }
  await inTransaction(ctx, async (tx) => {
    const existing = await loadProfile(tx, hostUserId);
    if (existing && existing.county_code !== input.countyCode) throw conflict('host_in_other_county', `This host is on the roster of county ${existing.county_code}`);
    const now = nowIso();
    const values = {
      kind: input.kind, township_code: input.townshipCode, display_name: input.displayName.trim(), updated_at: now,
      ...(input.bio !== undefined ? { bio: input.bio } : {}),
      ...(specialities ? { specialities: JSON.stringify(specialities) } : {}),
      ...(input.availability ? { availability: JSON.stringify(input.availability) } : {}),
    };
    if (existing) {
      await tx.db.updateTable('host_profile').set(values).where('host_user_id', '=', hostUserId).execute();
    } else {
      await tx.db.insertInto('host_profile').values({
        host_user_id: hostUserId, county_code: input.countyCode, bio: '', specialities: '[]', availability: '{}', verification: 'none',
        real_name: null, id_cipher: null, id_hash: null, id_masked: null, birth_date: null, gender: null, guardian_name: null, guardian_relation: null,
        guardian_phone: null, guardian_consent_on: null, verification_note: '', verified_by: null, verified_at: null, created_at: now, ...values,
      }).execute();
    }
    await recordAudit(tx, { action: existing ? 'host.profile_updated' : 'host.profile_created', targetType: 'host', targetId: hostUserId, countyCode: input.countyCode, detail: { kind: input.kind, townshipCode: input.townshipCode } });
  });
  return getProfile(ctx, hostUserId);
}

/** The host edits what it says about itself (name shown, bio, specialities, availability). */
export async function patchOwnProfile(ctx: Ctx, input: { displayName?: string | undefined; bio?: string | undefined; specialities?: string[] | undefined; availability?: Availability | undefined }) {
  const hostUserId = ctx.actor!.userId;
  const p = await editableProfile(ctx, hostUserId, true);
  checkAvailability(input.availability, '/body/availability');
  const specialities = cleanSpecialities(input.specialities, '/body/specialities');
  if (input.displayName !== undefined && !input.displayName.trim()) throw invalid('/body/displayName', 'A name to show is needed');
  await ctx.db.updateTable('host_profile').set({
    updated_at: nowIso(),
    ...(input.displayName !== undefined ? { display_name: input.displayName.trim() } : {}),
    ...(input.bio !== undefined ? { bio: input.bio } : {}),
    ...(specialities ? { specialities: JSON.stringify(specialities) } : {}),
    ...(input.availability ? { availability: JSON.stringify(input.availability) } : {}),
  }).where('host_user_id', '=', p.host_user_id).execute();
  return getProfile(ctx, hostUserId);
}

export interface RealNameInput {
  realName: string;
  idNumber: string;
  guardian?: { name: string; relation: string; phone: string; consentOn: string } | undefined;
}

/**
 * Records a host's real name and ID number (实名认证). The number must pass the GB 11643
 * checksum and carry a real birth date; the host must be at least 16, and a 16- or
 * 17-year-old needs a guardian's consent (name, relation, phone, date). The number is stored
 * encrypted (AES-256-GCM) with a keyed hash so one ID cannot verify two hosts; every view
 * shows it masked. Entered by the center (who checked the card): verified at once; by the
 * host itself: pending until the center verifies it.
 */
export async function setRealName(ctx: Ctx, hostUserId: string, input: RealNameInput): Promise<ProfileView> {
  const p = await editableProfile(ctx, hostUserId, true);
  const today = bizDate();
  const parsed = parseIdNumber(input.idNumber, today);
  if ('problem' in parsed) {
    const detail = { format: 'An ID number has 18 characters: 17 digits and a last digit or X', checksum: 'This ID number is not valid: its last character does not match (check for a mistyped digit)', birth_date: 'The birth date inside this ID number is not a real date' }[parsed.problem];
    throw invalid('/body/idNumber', detail, `id_number_${parsed.problem}`);
  }
  const age = ageOn(parsed.birthDate, today);
  if (age < MIN_HOST_AGE) {
    throw new AppError(422, 'host_too_young', `Hosts must be at least ${MIN_HOST_AGE} years old (this ID says ${age})`, [{ pointer: '/body/idNumber', detail: `under ${MIN_HOST_AGE}`, code: 'host_too_young' }]);
  }
  const minor = age < ADULT_AGE;
  if (minor) {
    const g = input.guardian;
    if (!g) throw new AppError(422, 'guardian_consent_required', `A host aged ${age} needs a guardian's consent: the guardian's name, relation, phone and the date of consent`, [{ pointer: '/body/guardian', detail: 'required for ages 16–17', code: 'guardian_consent_required' }]);
    if (!isValidDate(g.consentOn) || g.consentOn > today) throw invalid('/body/guardian/consentOn', 'The consent date must be a real date, not in the future');
  }
  const key = ctx.deps.config.hostIdKey;
  const idHash = hashId(key, parsed.normalized);
  const center = inScope(ctx.actor, p.county_code, CENTER);
  await inTransaction(ctx, async (tx) => {
    const other = await tx.db.selectFrom('host_profile').select('host_user_id').where('id_hash', '=', idHash).where('host_user_id', '!=', hostUserId).executeTakeFirst();
    if (other) throw conflict('id_number_in_use', 'This ID number is already verified for another host');
    const now = nowIso();
    await tx.db.updateTable('host_profile').set({
      real_name: input.realName.trim(), id_cipher: encryptId(key, parsed.normalized), id_hash: idHash, id_masked: maskIdNumber(parsed.normalized),
      birth_date: parsed.birthDate, gender: parsed.gender,
      guardian_name: minor ? input.guardian!.name.trim() : null, guardian_relation: minor ? input.guardian!.relation.trim() : null,
      guardian_phone: minor ? input.guardian!.phone : null, guardian_consent_on: minor ? input.guardian!.consentOn : null,
      verification: center ? 'verified' : 'pending', verification_note: '',
      verified_by: center ? ctx.actor!.userId : null, verified_at: center ? now : null, updated_at: now,
    }).where('host_user_id', '=', hostUserId).execute();
    await recordAudit(tx, {
      action: 'host.real_name_set', targetType: 'host', targetId: hostUserId, countyCode: p.county_code,
      detail: { idNumberMasked: maskIdNumber(parsed.normalized), verification: center ? 'verified' : 'pending', guardian: minor },
    });
  });
  return getProfile(ctx, hostUserId);
}

/**
 * The center verifies or rejects what a host entered itself (pending only; twice is 409).
 * `expectedUpdatedAt` is the profile as the reviewer saw it: a host that re-submitted another
 * name or ID number meanwhile stays pending (409 real_name_changed) instead of being verified
 * unseen. Any change to the profile refuses it (a bio edit too): the reviewer looks again.
 */
export async function reviewRealName(ctx: Ctx, hostUserId: string, verdict: 'verify' | 'reject', note: string, expectedUpdatedAt?: string): Promise<ProfileView> {
  const p = await loadProfile(ctx, hostUserId);
  if (!p || !inScope(ctx.actor, p.county_code, CENTER)) throw notFound('Host profile');
  if (verdict === 'reject' && !note.trim()) throw invalid('/body/note', 'Say why, so the host can fix it');
  const changed = () => conflict('real_name_changed', 'The host changed the profile after you opened it; look at the name and ID number again before deciding');
  if (expectedUpdatedAt !== undefined && expectedUpdatedAt !== p.updated_at) throw changed();
  await inTransaction(ctx, async (tx) => {
    const now = nowIso();
    const res = await tx.db.updateTable('host_profile').set({
      verification: verdict === 'verify' ? 'verified' : 'rejected', verification_note: note.trim(),
      verified_by: ctx.actor!.userId, verified_at: verdict === 'verify' ? now : null, updated_at: now,
    }).where('host_user_id', '=', hostUserId).where('verification', '=', 'pending')
      .where('updated_at', '=', p.updated_at).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      if ((await loadProfile(tx, hostUserId))?.verification === 'pending') throw changed();
      throw conflict('not_pending', 'There is no real-name submission waiting for review');
    }
    await recordAudit(tx, { action: `host.real_name_${verdict === 'verify' ? 'verified' : 'rejected'}`, targetType: 'host', targetId: hostUserId, countyCode: p.county_code, detail: { note } });
  });
  return getProfile(ctx, hostUserId);
}

/** The full ID number, for the county's center admin only, with a reason; every reveal is in the audit log. */
export async function revealIdNumber(ctx: Ctx, hostUserId: string, reason: string) {
  const p = await loadProfile(ctx, hostUserId);
  if (!p || !inScope(ctx.actor, p.county_code, ['center_admin'])) throw notFound('Host profile');
  if (!p.id_cipher) throw notFound('ID number');
  const idNumber = decryptId(ctx.deps.config.hostIdKey, p.id_cipher);
  await recordAudit(ctx, { action: 'host.id_revealed', targetType: 'host', targetId: hostUserId, countyCode: p.county_code, detail: { reason, idNumberMasked: p.id_masked } });
  return { hostUserId, realName: p.real_name ?? '', idNumber };
}

// ---- external accounts ----------------------------------------------------------------------

export async function putExternalAccount(ctx: Ctx, hostUserId: string, platform: Platform, input: { handle: string; followers: number }) {
  const p = await editableProfile(ctx, hostUserId, true);
  if (!Number.isSafeInteger(input.followers) || input.followers < 0) throw invalid('/body/followers', 'Followers is a whole number, 0 or more');
  const now = nowIso();
  await ctx.db.insertInto('host_external_account').values({ host_user_id: hostUserId, platform, county_code: p.county_code, handle: input.handle.trim(), followers: input.followers, source: 'manual', updated_at: now })
    .onConflict((oc) => oc.columns(['host_user_id', 'platform']).doUpdateSet({ handle: input.handle.trim(), followers: input.followers, source: 'manual', updated_at: now })).execute();
  return getProfile(ctx, hostUserId);
}

export async function deleteExternalAccount(ctx: Ctx, hostUserId: string, platform: Platform) {
  await editableProfile(ctx, hostUserId, true);
  const res = await ctx.db.deleteFrom('host_external_account').where('host_user_id', '=', hostUserId).where('platform', '=', platform).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) throw notFound('Linked account');
  return getProfile(ctx, hostUserId);
}

const PLATFORM_ALIASES: Record<string, Platform> = {
  douyin: 'douyin', '抖音': 'douyin', kuaishou: 'kuaishou', '快手': 'kuaishou',
  wechat_channels: 'wechat_channels', '视频号': 'wechat_channels', '微信视频号': 'wechat_channels', 'wechat channels': 'wechat_channels', channels: 'wechat_channels',
};
const HEADERS: Record<string, 'phone' | 'platform' | 'handle' | 'followers'> = {
  '手机号': 'phone', '主播手机号': 'phone', phone: 'phone', '平台': 'platform', platform: 'platform',
  '账号': 'handle', '账号名': 'handle', handle: 'handle', account: 'handle', '粉丝数': 'followers', '粉丝': 'followers', followers: 'followers',
};

/**
 * Linked accounts from a spreadsheet (columns 手机号/phone, 平台/platform, 账号/handle,
 * 粉丝数/followers): rows naming a host on this county's roster are applied together; every
 * other row is reported with its row number and what is wrong.
 */
export async function importExternalAccounts(ctx: Ctx, countyCode: string, rows: (string | number | null)[][]) {
  if (!inScope(ctx.actor, countyCode, CENTER)) throw notFound('County');
  const header = (rows[0] ?? []).map((c) => HEADERS[String(c ?? '').trim().toLowerCase()]);
  for (const need of ['phone', 'platform', 'handle', 'followers'] as const) {
    if (!header.includes(need)) throw new AppError(422, 'missing_column', `The first row must name the columns 手机号, 平台, 账号, 粉丝数 (missing: ${need})`, [{ pointer: '/body/file', detail: `missing column ${need}` }]);
  }
  const col = (r: (string | number | null)[], name: string) => r[header.indexOf(name as never)] ?? null;
  const roster = await ctx.db.selectFrom('host_profile').innerJoin('app_user', 'app_user.id', 'host_profile.host_user_id')
    .select(['host_profile.host_user_id', 'app_user.phone']).where('host_profile.county_code', '=', countyCode).execute();
  const byPhone = new Map(roster.map((r) => [r.phone, r.host_user_id]));
  const errors: { row: number; code: string; detail: string }[] = [];
  const good: { hostUserId: string; platform: Platform; handle: string; followers: number }[] = [];
  const seen = new Set<string>();
  rows.slice(1).forEach((r, i) => {
    const row = i + 2;
    if (r.every((c) => c === null || String(c).trim() === '')) return;
    const phone = String(col(r, 'phone') ?? '').replace(/\s/g, '');
    const hostUserId = byPhone.get(phone);
    if (!hostUserId) return void errors.push({ row, code: 'unknown_host', detail: `No host on this county's roster has the phone ${maskPhone(phone)}` });
    const platform = PLATFORM_ALIASES[String(col(r, 'platform') ?? '').trim().toLowerCase()];
    if (!platform) return void errors.push({ row, code: 'unknown_platform', detail: 'Platform must be 抖音, 快手 or 视频号' });
    const handle = String(col(r, 'handle') ?? '').trim();
    if (!handle || handle.length > 60) return void errors.push({ row, code: 'bad_handle', detail: 'The account name is missing or longer than 60 characters' });
    const raw = col(r, 'followers');
    const followers = typeof raw === 'number' ? raw : Number(String(raw ?? '').replace(/[,，\s]/g, ''));
    if (!Number.isSafeInteger(followers) || followers < 0) return void errors.push({ row, code: 'bad_followers', detail: 'Followers must be a whole number, 0 or more' });
    const k = `${hostUserId}|${platform}`;
    if (seen.has(k)) return void errors.push({ row, code: 'duplicate_row', detail: 'This host and platform appear twice in the file' });
    seen.add(k);
    good.push({ hostUserId, platform, handle, followers });
  });
  if (good.length) {
    await inTransaction(ctx, async (tx) => {
      const now = nowIso();
      for (const g of good) {
        await tx.db.insertInto('host_external_account').values({ host_user_id: g.hostUserId, platform: g.platform, county_code: countyCode, handle: g.handle, followers: g.followers, source: 'import', updated_at: now })
          .onConflict((oc) => oc.columns(['host_user_id', 'platform']).doUpdateSet({ handle: g.handle, followers: g.followers, source: 'import', updated_at: now })).execute();
      }
      await recordAudit(tx, { action: 'host.accounts_imported', targetType: 'county', targetId: countyCode, countyCode, detail: { applied: good.length, errors: errors.length } });
    });
  }
  return { applied: good.length, errors };
}

// ---- county commission cap -----------------------------------------------------------------

/** The most commission (bp of a line) the county lets a host policy take: its setting, else 5,000. */
export async function commissionCapBp(ctx: Ctx, countyCode: string): Promise<number> {
  const s = await ctx.db.selectFrom('host_county_setting').select('max_commission_bp').where('county_code', '=', countyCode).executeTakeFirst();
  return s?.max_commission_bp ?? 5000;
}

export async function getSettings(ctx: Ctx, countyCode: string) {
  if (!inScope(ctx.actor, countyCode, [...READERS, 'host'])) throw notFound('County');
  const s = await ctx.db.selectFrom('host_county_setting').selectAll().where('county_code', '=', countyCode).executeTakeFirst();
  return { countyCode, maxCommissionBp: s?.max_commission_bp ?? 5000, isDefault: !s, updatedAt: s?.updated_at ?? null };
}

/**
 * Sets the county's commission cap (center admin, audited). Refused (409) while a policy or
 * override of the county takes more, naming those hosts: lower them first.
 */
export async function putSettings(ctx: Ctx, countyCode: string, maxCommissionBp: number) {
  if (!inScope(ctx.actor, countyCode, ['center_admin'])) throw notFound('County');
  if (!Number.isInteger(maxCommissionBp) || maxCommissionBp < 0) throw invalid('/body/maxCommissionBp', 'The cap cannot be negative', 'negative_commission');
  if (maxCommissionBp > 5000) throw invalid('/body/maxCommissionBp', 'The cap is at most 5000 bp (50 %)', 'commission_above_maximum');
  await inTransaction(ctx, async (tx) => {
    const over = await tx.db.selectFrom('host_policy').select('host_user_id').where('county_code', '=', countyCode).where('basis', '=', 'rate').where('rate_bp', '>', maxCommissionBp).execute();
    const overO = await tx.db.selectFrom('host_policy_override').select('host_user_id').where('county_code', '=', countyCode).where('basis', '=', 'rate').where('rate_bp', '>', maxCommissionBp).execute();
    const hosts = [...new Set([...over, ...overO].map((r) => r.host_user_id))];
    if (hosts.length) throw conflict('policies_above_cap', `${hosts.length} host polic${hosts.length === 1 ? 'y takes' : 'ies take'} more than ${maxCommissionBp} bp; lower ${hosts.length === 1 ? 'it' : 'them'} first`, { hostUserIds: hosts });
    const now = nowIso();
    await tx.db.insertInto('host_county_setting').values({ county_code: countyCode, max_commission_bp: maxCommissionBp, updated_by: ctx.actor!.userId, updated_at: now })
      .onConflict((oc) => oc.column('county_code').doUpdateSet({ max_commission_bp: maxCommissionBp, updated_by: ctx.actor!.userId, updated_at: now })).execute();
    await recordAudit(tx, { action: 'host.commission_cap_set', targetType: 'county', targetId: countyCode, countyCode, detail: { maxCommissionBp } });
  });
  return getSettings(ctx, countyCode);
}

export { PLATFORMS };

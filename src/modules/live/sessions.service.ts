import type { FastifyReply } from 'fastify';
import type { Ctx, Deps } from '../../context.js';
import { inTransaction, systemCtx } from '../../context.js';
import { liveRoom } from '../../contracts/live-events.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.js';
import { type Role, hasAnyRole, inScope, scopePrefixes } from '../../platform/http/access.js';
import { withinScope } from '../../platform/db/scope.js';
import { lockRow } from '../../platform/db/lock.js';
import { newId, randomToken } from '../../platform/ids.js';
import { addDays, bizDate, isValidDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { inTransactionKeepingFile, putFile, recordReceivedFile, sendFile } from '../files/index.js';
import { notify } from '../notifications/index.js';
import type { LiveSessionTable, SessionKind, SessionStatus, ExternalPlatform } from './live.tables.js';
import { itemViews, returnAllStock } from './sessions.runofshow.js';
import { closeSessionFlashSales } from './room.flash.js';

/** Center staff approve, cancel and end sessions of their county; officials read. */
export const CENTER: readonly Role[] = ['center_admin', 'operator'];
export const COUNTY_READERS: readonly Role[] = ['center_admin', 'operator', 'official'];
/** Who may host: a host any kind, a trainee practice sessions only. */
export const HOSTING: readonly Role[] = ['host', 'trainee'];

const MINUTE = 60_000;
/** A host may go live this long before the scheduled start. */
export const GO_LIVE_EARLY_MINUTES = 30;
/** A session still live this long after its scheduled end is ended by the job; one never started is cancelled. */
export const OVERRUN_MINUTES = 120;
const MAX_SESSION_HOURS = 12;
const MAX_AHEAD_DAYS = 180;
const MAX_RANGE_DAYS = 92;

/**
 * The session lifecycle: scheduled → live → ended, scheduled → cancelled. Each move is one
 * conditional update `WHERE status = :from`, so two racing requests move a session once.
 */
export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  scheduled: ['live', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};

// ---- access --------------------------------------------------------------------------------

export interface Relation {
  isHost: boolean;
  isCenter: boolean;
  isReader: boolean;
  isMentor: boolean;
}

/** How the caller stands to a session: its host, its county's center, an official, a practice mentor. */
export async function relationTo(ctx: Ctx, s: LiveSessionTable): Promise<Relation> {
  const a = ctx.actor;
  const isHost = !!a && a.userId === s.host_user_id;
  const isCenter = inScope(a, s.county_code, CENTER);
  const isReader = inScope(a, s.county_code, COUNTY_READERS);
  let isMentor = false;
  if (a && s.kind === 'practice' && !isHost && !isReader) {
    isMentor = !!(await ctx.db.selectFrom('live_session_mentor').select('user_id').where('session_id', '=', s.id).where('user_id', '=', a.userId).executeTakeFirst());
  }
  return { isHost, isCenter, isReader, isMentor };
}

/**
 * Whether the caller may see a session at all: everyone sees approved hosted and external
 * sessions; a practice session only its host, its mentors and the county's center staff; a
 * session not (yet) approved only its host and the county. Exported for the room.
 */
export async function canViewSession(ctx: Ctx, s: LiveSessionTable): Promise<boolean> {
  const r = await relationTo(ctx, s);
  if (r.isHost || r.isReader) return true;
  if (s.kind === 'practice') return r.isMentor;
  return s.approval === 'approved';
}

type As = 'host' | 'manage' | 'read';

/**
 * A session the caller may act on: `host` its own host only; `manage` the host or the county's
 * center; `read` also officials of the county and practice mentors. Anything else answers 404.
 */
export async function loadSession(ctx: Ctx, sessionId: string, as: As): Promise<{ s: LiveSessionTable; rel: Relation }> {
  const s = await ctx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s) throw notFound('Live session');
  const rel = await relationTo(ctx, s);
  const ok = as === 'host' ? rel.isHost : as === 'manage' ? rel.isHost || rel.isCenter : rel.isHost || rel.isReader || rel.isMentor;
  if (!ok) throw notFound('Live session');
  return { s, rel };
}

export function assertOpen(s: LiveSessionTable): void {
  if (s.status === 'ended' || s.status === 'cancelled') {
    throw new AppError(409, 'session_closed', `The session has ${s.status === 'ended' ? 'ended' : 'been cancelled'}; it can no longer change`, [], { status: s.status });
  }
}

/** Moves a session along SESSION_TRANSITIONS with one conditional update. */
async function moveSession(ctx: Ctx, s: LiveSessionTable, to: SessionStatus, set: Partial<LiveSessionTable> = {}): Promise<LiveSessionTable> {
  if (!SESSION_TRANSITIONS[s.status].includes(to)) {
    throw new AppError(409, 'invalid_transition', `A session that is ${s.status} cannot become ${to}`, [], { from: s.status, to });
  }
  const now = nowIso();
  const res = await ctx.db.updateTable('live_session').set({ ...set, status: to, updated_at: now })
    .where('id', '=', s.id).where('status', '=', s.status).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'The session changed just now; reload and try again');
  return { ...s, ...set, status: to, updated_at: now };
}

/** The session event viewers' rooms get on every state change (published after commit). */
export function publishState(deps: Deps, s: LiveSessionTable): void {
  deps.realtime.publish(liveRoom(s.id), { type: 'session', data: { status: s.status, videoState: s.video_state, startedAt: s.started_at, endedAt: s.ended_at } });
}

// ---- views ---------------------------------------------------------------------------------

export const coverUrl = (s: Pick<LiveSessionTable, 'id' | 'cover_file_id'>) => (s.cover_file_id ? `/api/v1/live/sessions/${s.id}/cover?v=${s.cover_file_id.slice(-8)}` : null);
export const goLiveFrom = (s: Pick<LiveSessionTable, 'scheduled_start'>) => new Date(new Date(s.scheduled_start).getTime() - GO_LIVE_EARLY_MINUTES * MINUTE).toISOString();

async function hostNames(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await ctx.db.selectFrom('app_user').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function reservationCounts(ctx: Ctx, ids: string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await ctx.db.selectFrom('live_reservation').select(['session_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', 'in', ids).groupBy('session_id').execute();
  return new Map(rows.map((r) => [r.session_id, Number(r.n)]));
}

export async function summaries(ctx: Ctx, rows: LiveSessionTable[]) {
  const ids = rows.map((r) => r.id);
  const names = await hostNames(ctx, rows.map((r) => r.host_user_id));
  const counts = await reservationCounts(ctx, ids);
  const items = ids.length
    ? await ctx.db.selectFrom('live_session_item').select(['session_id', (eb) => eb.fn.countAll<number>().as('n')]).where('session_id', 'in', ids).groupBy('session_id').execute()
    : [];
  return rows.map((s) => ({
    id: s.id, countyCode: s.county_code, kind: s.kind, title: s.title,
    host: { id: s.host_user_id, name: names.get(s.host_user_id) ?? '' }, coverUrl: coverUrl(s),
    scheduledStart: s.scheduled_start, scheduledEnd: s.scheduled_end, status: s.status, approval: s.approval, platform: s.platform,
    itemCount: Number(items.find((i) => i.session_id === s.id)?.n ?? 0), reservationCount: counts.get(s.id) ?? 0,
    startedAt: s.started_at, endedAt: s.ended_at, updatedAt: s.updated_at,
  }));
}

export async function sessionView(ctx: Ctx, s: LiveSessionTable, rel?: Relation) {
  const r = rel ?? (await relationTo(ctx, s));
  const names = await hostNames(ctx, [s.host_user_id]);
  const counts = await reservationCounts(ctx, [s.id]);
  const approvedOrPractice = s.kind === 'practice' || s.approval === 'approved';
  return {
    id: s.id, countyCode: s.county_code, kind: s.kind, title: s.title, description: s.description,
    host: { id: s.host_user_id, name: names.get(s.host_user_id) ?? '' }, coverUrl: coverUrl(s),
    scheduledStart: s.scheduled_start, scheduledEnd: s.scheduled_end, status: s.status, approval: s.approval,
    approvalNote: s.approval_note, approvedBy: s.approved_by, platform: s.platform, externalUrl: s.external_url, externalCode: s.external_code,
    videoState: s.video_state, startedAt: s.started_at, endedAt: s.ended_at, hasReplay: !!s.replay_path,
    reservationCount: counts.get(s.id) ?? 0,
    items: await itemViews(ctx, s.id),
    can: {
      edit: r.isHost && s.status === 'scheduled',
      approve: r.isCenter && s.kind !== 'practice' && s.status === 'scheduled',
      goLive: r.isHost && s.status === 'scheduled' && approvedOrPractice,
      end: (r.isHost || r.isCenter) && s.status === 'live',
      cancel: (r.isHost || r.isCenter) && s.status === 'scheduled',
      streamKey: (r.isHost || r.isCenter) && s.kind !== 'external',
    },
    goLiveFrom: goLiveFrom(s),
    createdAt: s.created_at, updatedAt: s.updated_at,
  };
}

export async function getSession(ctx: Ctx, sessionId: string) {
  const { s, rel } = await loadSession(ctx, sessionId, 'read');
  return sessionView(ctx, s, rel);
}

// ---- scheduling ----------------------------------------------------------------------------

interface TimesInput { scheduledStart?: string | undefined; scheduledEnd?: string | undefined }

function parseInstant(value: string, pointer: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(pointer, 'Not a valid date and time');
  return d.toISOString();
}

function checkWindow(start: string, end: string, startChanged: boolean) {
  const now = Date.now();
  const s = new Date(start).getTime();
  const e = new Date(end).getTime();
  if (startChanged && s < now - 5 * MINUTE) throw invalid('/body/scheduledStart', 'The start time has already passed', 'in_past');
  if (s > now + MAX_AHEAD_DAYS * 24 * 60 * MINUTE) throw invalid('/body/scheduledStart', `Schedule at most ${MAX_AHEAD_DAYS} days ahead`, 'too_far_ahead');
  if (e <= s) throw invalid('/body/scheduledEnd', 'The end must be after the start', 'end_before_start');
  if (e - s > MAX_SESSION_HOURS * 60 * MINUTE) throw invalid('/body/scheduledEnd', `A session lasts at most ${MAX_SESSION_HOURS} hours`, 'too_long');
}

/** The county a new session belongs to: the one the host's grant covers (or the one it names). */
function countyFor(ctx: Ctx, roles: readonly Role[], requested: string | undefined): string {
  const prefixes = ctx.actor!.grants.filter((g) => roles.includes(g.role)).map((g) => g.regionPrefix);
  if (requested) {
    if (!prefixes.some((p) => requested.startsWith(p))) throw forbidden('You do not host in this county');
    return requested;
  }
  const counties = [...new Set(prefixes)];
  if (counties.length === 1 && counties[0]!.length === 6) return counties[0]!;
  throw invalid('/body/countyCode', 'Say which county this session is for', 'required');
}

export interface CreateSessionInput extends TimesInput {
  kind: SessionKind;
  title: string;
  description?: string | undefined;
  scheduledStart: string;
  scheduledEnd: string;
  countyCode?: string | undefined;
  platform?: ExternalPlatform | undefined;
  externalUrl?: string | undefined;
  externalCode?: string | undefined;
}

export async function createSession(ctx: Ctx, input: CreateSessionInput) {
  const a = ctx.actor!;
  const roles: Role[] = input.kind === 'practice' ? ['host', 'trainee'] : ['host'];
  if (!hasAnyRole(a, roles)) throw new AppError(403, 'practice_only', 'Trainees may schedule practice sessions only');
  const countyCode = countyFor(ctx, roles, input.countyCode);
  const center = await ctx.db.selectFrom('center').select('id').where('county_code', '=', countyCode).executeTakeFirst();
  if (!center) throw invalid('/body/countyCode', 'No service center serves this county', 'unknown_county');
  const start = parseInstant(input.scheduledStart, '/body/scheduledStart');
  const end = parseInstant(input.scheduledEnd, '/body/scheduledEnd');
  checkWindow(start, end, true);
  if (input.kind === 'external' && !input.platform) throw invalid('/body/platform', 'Say which platform the session streams on', 'required');
  if (input.kind !== 'external' && (input.platform || input.externalUrl || input.externalCode)) {
    throw invalid(input.platform ? '/body/platform' : input.externalUrl ? '/body/externalUrl' : '/body/externalCode', 'Only external sessions have a platform, link or code', 'not_external');
  }
  const now = nowIso();
  const row: LiveSessionTable = {
    id: newId('liveSession'), county_code: countyCode, host_user_id: a.userId, kind: input.kind, title: input.title.trim(),
    description: input.description?.trim() ?? '', cover_file_id: null, scheduled_start: start, scheduled_end: end, status: 'scheduled',
    // Practice needs no approval: it is seen only by its host, mentors and the center.
    approval: input.kind === 'practice' ? 'approved' : 'pending', approval_note: '', approved_by: null,
    platform: input.kind === 'external' ? input.platform! : null, external_url: input.externalUrl ?? null, external_code: input.externalCode ?? null,
    pinned_item_id: null, video_state: 'offline', video_seen_at: null, replay_path: null, started_at: null, ended_at: null, created_at: now, updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('live_session').values(row).execute();
    if (row.kind !== 'external') await tx.db.insertInto('live_stream_key').values({ stream_key: newStreamKey(), session_id: row.id, created_at: now, revoked_at: null }).execute();
    await recordAudit(tx, { action: 'live.session.create', targetType: 'live_session', targetId: row.id, countyCode, detail: { kind: row.kind, title: row.title, start, end } });
  });
  return sessionView(ctx, row);
}

export interface UpdateSessionInput {
  title?: string | undefined;
  description?: string | undefined;
  scheduledStart?: string | undefined;
  scheduledEnd?: string | undefined;
  platform?: ExternalPlatform | undefined;
  externalUrl?: string | null | undefined;
  externalCode?: string | null | undefined;
}

export async function updateSession(ctx: Ctx, sessionId: string, input: UpdateSessionInput) {
  const { s } = await loadSession(ctx, sessionId, 'host');
  if (s.status !== 'scheduled') throw new AppError(409, 'session_not_editable', 'Only a session that has not started can be changed', [], { status: s.status });
  if (s.kind !== 'external' && (input.platform !== undefined || input.externalUrl != null || input.externalCode != null)) {
    throw invalid('/body/platform', 'Only external sessions have a platform, link or code', 'not_external');
  }
  const set: Partial<LiveSessionTable> = {};
  if (input.title !== undefined) set.title = input.title.trim();
  if (input.description !== undefined) set.description = input.description.trim();
  if (input.scheduledStart !== undefined) set.scheduled_start = parseInstant(input.scheduledStart, '/body/scheduledStart');
  if (input.scheduledEnd !== undefined) set.scheduled_end = parseInstant(input.scheduledEnd, '/body/scheduledEnd');
  if (set.scheduled_start || set.scheduled_end) {
    checkWindow(set.scheduled_start ?? s.scheduled_start, set.scheduled_end ?? s.scheduled_end, !!set.scheduled_start && set.scheduled_start !== s.scheduled_start);
  }
  if (input.platform !== undefined) set.platform = input.platform;
  if (input.externalUrl !== undefined) set.external_url = input.externalUrl;
  if (input.externalCode !== undefined) set.external_code = input.externalCode;
  const changed = Object.entries(set).some(([k, v]) => (s as unknown as Record<string, unknown>)[k] !== v);
  if (!changed) return sessionView(ctx, s);
  // What buyers will read changed: the center looks at it again. Set whatever the approval was
  // when read: an approval committing meanwhile must not stand for content it never saw.
  if (s.kind !== 'practice') Object.assign(set, { approval: 'pending', approval_note: '', approved_by: null });
  const now = nowIso();
  const updated = await inTransaction(ctx, async (tx) => {
    const res = await tx.db.updateTable('live_session').set({ ...set, updated_at: now }).where('id', '=', s.id).where('status', '=', 'scheduled').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'The session changed just now; reload and try again');
    await recordAudit(tx, { action: 'live.session.update', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { fields: Object.keys(set) } });
    // Buyers who reserved planned around the old time: tell them the new one.
    if (set.scheduled_start && set.scheduled_start !== s.scheduled_start) {
      const users = await tx.db.selectFrom('live_reservation').select('user_id').where('session_id', '=', s.id).execute();
      const at = new Date(new Date(set.scheduled_start).getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(5, 16);
      await notify(tx, users.map((u) => u.user_id), { kind: 'live_rescheduled', title: '你预约的直播改时间了', body: `「${set.title ?? s.title}」改到北京时间 ${at} 开播。`, refId: s.id, countyCode: s.county_code });
    }
    return { ...s, ...set, updated_at: now };
  });
  return sessionView(ctx, updated);
}

export async function setCover(ctx: Ctx, sessionId: string, data: Buffer) {
  const { s } = await loadSession(ctx, sessionId, 'host');
  assertOpen(s);
  const file = await putFile(ctx.deps, data, 'live_cover');
  const updated = await inTransactionKeepingFile(ctx, file, async (tx) => {
    const fileId = await recordReceivedFile(tx, file, 'live_cover', s.county_code);
    await tx.db.updateTable('live_session').set({ cover_file_id: fileId, updated_at: nowIso() }).where('id', '=', s.id).execute();
    // A new cover is what buyers see on the 直播 tab: before the show the center looks at it
    // again, whatever the approval was when read (one committing meanwhile never saw this cover).
    if (s.kind !== 'practice') {
      await tx.db.updateTable('live_session').set({ approval: 'pending', approval_note: '', approved_by: null })
        .where('id', '=', s.id).where('status', '=', 'scheduled').execute();
    }
    return tx.db.selectFrom('live_session').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
  });
  return sessionView(ctx, updated);
}

/** The cover is public wherever the session is: practice covers only to those who may see the session. */
export async function sendCover(ctx: Ctx, reply: FastifyReply, sessionId: string) {
  const s = await ctx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s || !s.cover_file_id || !(await canViewSession(ctx, s))) throw notFound('Cover');
  return sendFile(ctx, reply, s.cover_file_id, 'live_cover');
}

// ---- calendar ------------------------------------------------------------------------------

export interface ListInput {
  from?: string | undefined; to?: string | undefined; status?: SessionStatus | undefined; approval?: LiveSessionTable['approval'] | undefined;
  kind?: SessionKind | undefined; countyCode?: string | undefined; hostUserId?: string | undefined; mine?: boolean | undefined;
}

/** Shanghai midnight of a business date, as a UTC instant. */
const shanghaiMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();

/** The center's calendar of every host in its counties, or a host's own sessions (and practice it mentors), by start date. */
export async function listSessions(ctx: Ctx, q: ListInput) {
  const from = q.from ?? addDays(bizDate(), -7);
  const to = q.to ?? addDays(bizDate(), 30);
  if (!isValidDate(from)) throw invalid('/query/from', 'Not a calendar date');
  if (!isValidDate(to)) throw invalid('/query/to', 'Not a calendar date');
  if (to < from) throw invalid('/query/to', 'The last day is before the first', 'range_reversed');
  if (addDays(from, MAX_RANGE_DAYS) < to) throw invalid('/query/to', `At most ${MAX_RANGE_DAYS} days at once`, 'range_too_long');
  const me = ctx.actor!.userId;
  const prefixes = q.mine ? [] : scopePrefixes(ctx.actor, COUNTY_READERS);
  const mentored = ctx.db.selectFrom('live_session_mentor').select('session_id').where('user_id', '=', me);
  let query = ctx.db.selectFrom('live_session').selectAll()
    .where('scheduled_start', '>=', shanghaiMidnight(from)).where('scheduled_start', '<', shanghaiMidnight(addDays(to, 1)))
    .where((eb) => eb.or([withinScope(eb, 'county_code', prefixes), eb('host_user_id', '=', me), eb('id', 'in', mentored)]));
  if (q.status) query = query.where('status', '=', q.status);
  if (q.approval) query = query.where('approval', '=', q.approval);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.countyCode) query = query.where('county_code', 'like', `${q.countyCode}%`);
  if (q.hostUserId) query = query.where('host_user_id', '=', q.hostUserId);
  const LIMIT = 500;
  const rows = await query.orderBy('scheduled_start').orderBy('id').limit(LIMIT + 1).execute();
  return { items: await summaries(ctx, rows.slice(0, LIMIT)), truncated: rows.length > LIMIT };
}

// ---- approval ------------------------------------------------------------------------------

/**
 * `expectedUpdatedAt`: the session as the reviewer saw it on screen (the console sends it). Without
 * it the decision is conditional only on the session as this request read it.
 */
export async function decideApproval(ctx: Ctx, sessionId: string, verdict: 'approved' | 'rejected', note: string, expectedUpdatedAt?: string) {
  const { s, rel } = await loadSession(ctx, sessionId, 'read');
  const changed = () => new AppError(409, 'concurrent_change', 'The host changed the session just now; reload and review it again');
  if (expectedUpdatedAt !== undefined && expectedUpdatedAt !== s.updated_at) throw changed();
  if (!rel.isCenter) throw notFound('Live session');
  if (s.kind === 'practice') throw new AppError(409, 'no_approval_needed', 'Practice sessions need no approval');
  if (s.status !== 'scheduled') throw new AppError(409, 'session_not_editable', 'Only a session that has not started can be approved or rejected', [], { status: s.status });
  const now = nowIso();
  const updated = await inTransaction(ctx, async (tx) => {
    // Conditional on what the reviewer saw: an edit in between sends it back to the queue.
    const res = await tx.db.updateTable('live_session').set({ approval: verdict, approval_note: note.trim(), approved_by: ctx.actor!.userId, updated_at: now })
      .where('id', '=', s.id).where('status', '=', 'scheduled').where('updated_at', '=', s.updated_at).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw changed();
    await recordAudit(tx, { action: `live.session.${verdict === 'approved' ? 'approve' : 'reject'}`, targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { note } });
    await notify(tx, [s.host_user_id], verdict === 'approved'
      ? { kind: 'live_approved', title: '直播已通过审核', body: `「${s.title}」已通过审核，可在开播前 ${GO_LIVE_EARLY_MINUTES} 分钟开始直播。${note ? `备注：${note}` : ''}`, refId: s.id, countyCode: s.county_code }
      : { kind: 'live_rejected', title: '直播未通过审核', body: `「${s.title}」未通过审核：${note}。修改后会重新提交审核。`, refId: s.id, countyCode: s.county_code });
    return { ...s, approval: verdict, approval_note: note.trim(), approved_by: ctx.actor!.userId, updated_at: now };
  });
  return sessionView(ctx, updated, rel);
}

// ---- stream key ----------------------------------------------------------------------------

function newStreamKey(): string {
  return randomToken(24);
}

/**
 * Where the host pushes: the media server's own address for the key (an external server's URL
 * template), else RTMP_PUBLIC_URL + key. `ingestUrl` is the "server" field OBS wants: the full
 * address without the trailing key.
 */
function streamKeyView(deps: Deps, sessionId: string, k: { stream_key: string; created_at: string }) {
  const fullUrl = deps.media?.ingestUrl(k.stream_key) ?? `${deps.config.rtmpPublicUrl}/${k.stream_key}`;
  const ingestUrl = fullUrl.endsWith(`/${k.stream_key}`) ? fullUrl.slice(0, -(k.stream_key.length + 1)) : fullUrl;
  return { sessionId, streamKey: k.stream_key, ingestUrl, fullUrl, createdAt: k.created_at };
}

async function loadKeyed(ctx: Ctx, sessionId: string) {
  const { s } = await loadSession(ctx, sessionId, 'manage');
  if (s.kind === 'external') throw new AppError(409, 'no_stream_key', 'External sessions stream on their own platform and have no stream key');
  return s;
}

/** The secret key and ingest URL: the host and the county's center only, and every read is audited. */
export async function getStreamKey(ctx: Ctx, sessionId: string) {
  const s = await loadKeyed(ctx, sessionId);
  const k = await ctx.db.selectFrom('live_stream_key').selectAll().where('session_id', '=', s.id).where('revoked_at', 'is', null).executeTakeFirst();
  if (!k) throw notFound('Stream key');
  await recordAudit(ctx, { action: 'live.stream_key.read', targetType: 'live_session', targetId: s.id, countyCode: s.county_code });
  return streamKeyView(ctx.deps, s.id, k);
}

/** A new key; the old one is revoked at once (the ingest refuses it from now on). */
export async function rotateStreamKey(ctx: Ctx, sessionId: string) {
  const s = await loadKeyed(ctx, sessionId);
  assertOpen(s);
  const now = nowIso();
  const k = { stream_key: newStreamKey(), session_id: s.id, created_at: now, revoked_at: null };
  await inTransaction(ctx, async (tx) => {
    await tx.db.updateTable('live_stream_key').set({ revoked_at: now }).where('session_id', '=', s.id).where('revoked_at', 'is', null).execute();
    await tx.db.insertInto('live_stream_key').values(k).execute();
    await recordAudit(tx, { action: 'live.stream_key.rotate', targetType: 'live_session', targetId: s.id, countyCode: s.county_code });
  });
  return streamKeyView(ctx.deps, s.id, k);
}

// ---- going live, ending, cancelling ----------------------------------------------------------

export async function goLive(ctx: Ctx, sessionId: string) {
  const { s, rel } = await loadSession(ctx, sessionId, 'host');
  if (s.status !== 'scheduled') throw new AppError(409, 'invalid_transition', `A session that is ${s.status} cannot go live`, [], { from: s.status, to: 'live' });
  const mustBeApproved = (approval: LiveSessionTable['approval']) => {
    if (s.kind !== 'practice' && approval !== 'approved') {
      throw new AppError(409, 'not_approved', approval === 'rejected' ? 'The center rejected this session; change it and wait for approval' : 'The center has not approved this session yet', [], { approval });
    }
  };
  mustBeApproved(s.approval);
  const from = goLiveFrom(s);
  if (Date.now() < new Date(from).getTime()) throw new AppError(409, 'too_early', `You can go live from ${GO_LIVE_EARLY_MINUTES} minutes before the start`, [], { goLiveFrom: from });
  if (Date.now() > new Date(s.scheduled_end).getTime()) throw new AppError(409, 'window_passed', 'The planned end has passed; schedule a new session');
  const now = nowIso();
  const live = await inTransaction(ctx, async (tx) => {
    // Again, holding the row: an edit (back to pending) or a rejection may have committed since.
    await lockRow(tx.db, 'live_session', s.id);
    mustBeApproved((await loadRow(tx, s.id)).approval);
    const moved = await moveSession(tx, s, 'live', { started_at: now });
    // reminded_at set in the same statement that picks the users, so nobody is told twice.
    const reminded = await tx.db.updateTable('live_reservation').set({ reminded_at: now })
      .where('session_id', '=', s.id).where('reminded_at', 'is', null).returning('user_id').execute();
    await notify(tx, reminded.map((r) => r.user_id), { kind: 'live_started', title: '你预约的直播开始了', body: `「${s.title}」正在直播，快去看看吧。`, refId: s.id, countyCode: s.county_code });
    await recordAudit(tx, { action: 'live.session.go_live', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { reminded: reminded.length } });
    return moved;
  });
  publishState(ctx.deps, live);
  return sessionView(ctx, live, rel);
}

/** Ends a live session: open flash sales close, and what is left of the set-aside stock goes back to the SKUs. */
export async function endSession(ctx: Ctx, sessionId: string, why: 'host' | 'overrun' = 'host') {
  const { s, rel } = ctx.actor ? await loadSession(ctx, sessionId, 'manage') : { s: await loadRow(ctx, sessionId), rel: undefined };
  const now = nowIso();
  const { ended, stock } = await inTransaction(ctx, async (tx) => {
    await lockRow(tx.db, 'live_session', s.id); // writers of the session's stock wait (session-lock.ts)
    // Flash sales first: their units go back to their items, then everything to the SKUs.
    await closeSessionFlashSales(tx, s.id);
    const moved = await moveSession(tx, s, 'ended', { ended_at: now, pinned_item_id: null });
    const stock = await returnAllStock(tx, s.id, `live:end:${s.id}`);
    await recordAudit(tx, { action: 'live.session.end', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { why } });
    return { ended: moved, stock };
  });
  publishState(ctx.deps, ended);
  if (stock.length) ctx.deps.realtime.publish(liveRoom(s.id), { type: 'stock', data: { items: stock.map((i) => ({ itemId: i.id, stockLeft: 0 })) } });
  return sessionView(ctx, ended, rel);
}

/** Cancels a session that has not started: stock goes back, everyone who reserved is told. */
export async function cancelSession(ctx: Ctx, sessionId: string, reason: string, why: 'user' | 'not_started' = 'user') {
  const { s, rel } = ctx.actor ? await loadSession(ctx, sessionId, 'manage') : { s: await loadRow(ctx, sessionId), rel: undefined };
  const cancelled = await inTransaction(ctx, async (tx) => {
    await lockRow(tx.db, 'live_session', s.id); // writers of the session's stock wait (session-lock.ts)
    await closeSessionFlashSales(tx, s.id);
    const moved = await moveSession(tx, s, 'cancelled');
    await returnAllStock(tx, s.id, `live:cancel:${s.id}`);
    const users = await tx.db.selectFrom('live_reservation').select('user_id').where('session_id', '=', s.id).execute();
    await notify(tx, users.map((u) => u.user_id), { kind: 'live_cancelled', title: '你预约的直播取消了', body: `「${s.title}」已取消${reason ? `：${reason}` : '。'}`, refId: s.id, countyCode: s.county_code });
    if (ctx.actor && ctx.actor.userId !== s.host_user_id) {
      await notify(tx, [s.host_user_id], { kind: 'live_cancelled', title: '直播已被服务中心取消', body: `「${s.title}」已取消${reason ? `：${reason}` : '。'}`, refId: s.id, countyCode: s.county_code });
    }
    await recordAudit(tx, { action: 'live.session.cancel', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { reason, why } });
    return moved;
  });
  publishState(ctx.deps, cancelled);
  return sessionView(ctx, cancelled, rel);
}

async function loadRow(ctx: Ctx, sessionId: string): Promise<LiveSessionTable> {
  const s = await ctx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s) throw notFound('Live session');
  return s;
}

/**
 * The job: sessions left live OVERRUN_MINUTES after their planned end are ended; sessions that
 * never started by then are cancelled, so their set-aside stock goes back on sale.
 */
export async function closeOverdueSessions(deps: Deps, now = new Date()): Promise<{ ended: number; cancelled: number }> {
  const cutoff = new Date(now.getTime() - OVERRUN_MINUTES * MINUTE).toISOString();
  const rows = await deps.db.selectFrom('live_session').select(['id', 'status']).where('status', 'in', ['live', 'scheduled']).where('scheduled_end', '<', cutoff).execute();
  const ctx = systemCtx(deps);
  let ended = 0;
  let cancelled = 0;
  for (const r of rows) {
    try {
      if (r.status === 'live') { await endSession(ctx, r.id, 'overrun'); ended++; } else { await cancelSession(ctx, r.id, '未按时开播', 'not_started'); cancelled++; }
    } catch (err) {
      // Someone moved it in the meantime (409); anything else is logged and retried next round.
      if (!(err instanceof AppError && err.status === 409)) deps.log.error({ err, sessionId: r.id }, 'closing an overdue live session failed');
    }
  }
  return { ended, cancelled };
}

export function startLiveSessionJobs(deps: Deps): () => void {
  const timer = setInterval(() => {
    closeOverdueSessions(deps).then((n) => { if (n.ended || n.cancelled) deps.log.info(n, 'overdue live sessions closed'); })
      .catch((err) => deps.log.error({ err }, 'live session job failed'));
  }, 5 * MINUTE);
  timer.unref();
  return () => clearInterval(timer);
}

// ---- mentors (the training module) -----------------------------------------------------------

/**
 * Lets a user watch a practice session (a trainee's mentor). For the training module, which
 * decides who mentors whom; this function checks only that the session is practice.
 */
export async function addPracticeMentor(ctx: Ctx, sessionId: string, userId: string): Promise<void> {
  const s = await loadRow(ctx, sessionId);
  if (s.kind !== 'practice') throw new AppError(409, 'not_practice', 'Only practice sessions have mentors');
  const u = await ctx.db.selectFrom('app_user').select('id').where('id', '=', userId).executeTakeFirst();
  if (!u) throw notFound('User');
  await ctx.db.insertInto('live_session_mentor').values({ session_id: s.id, user_id: userId, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['session_id', 'user_id']).doNothing()).execute();
}

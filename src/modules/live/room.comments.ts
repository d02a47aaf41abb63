import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { liveRoom } from '../../contracts/live-events.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { maskName } from '../../platform/mask.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import type { BanKind, LiveCommentTable } from './room.tables.js';
import {
  activeBans, assertCanView, assertLive, bumpStat, canControl, commentView, CENTER_ROLES, loadControlled, loadRoomSession, type SessionRow,
} from './room.service.js';

/**
 * Comments, likes, and mutes/bans in a live room.
 *
 * The word filter: a comment containing a listed word (built-in list plus LIVE_SENSITIVE_WORDS),
 * a mobile number, or a web/WeChat contact is stored as `held`: it is not broadcast, its author
 * still sees it as posted (so a spammer learns nothing to work around), and the host console
 * shows it with the words that caught it; the host can show it after all, or hide it and mute
 * the author. Matching ignores case, full/half width, spaces and punctuation between letters
 * (加 微 信, 加.V).
 */
export const DEFAULT_SENSITIVE_WORDS = [
  '加微信', '加v', '加vx', '加wx', '微信号', 'vx', '私聊', '私信我', '加我', '刷单', '返现', '兼职', '代购', '赌博', '博彩', '彩票', '色情', '约炮',
  '傻逼', '傻b', 'sb', '操你', '草泥马', '去死', '滚蛋', '骗子', '诈骗', '低价出', '贷款', '网贷', '裸聊', 'qq群',
];

const NOISE = /[\s\p{P}\p{S}]/gu;
const normalizeForFilter = (s: string) => s.normalize('NFKC').toLowerCase().replace(NOISE, '');

/** Words of the list found in a comment (normalized), plus 手机号 / 链接 for contacts. */
export function sensitiveHits(text: string, words: readonly string[]): string[] {
  const n = normalizeForFilter(text);
  const hits = new Set<string>();
  for (const w of words) {
    const nw = normalizeForFilter(w);
    if (!nw) continue;
    // Short Latin words (sb, vx) only as whole tokens, so "vxyz" or "usb" do not trip them.
    if (/^[a-z0-9]{1,3}$/.test(nw)) {
      if (new RegExp(`(^|[^a-z0-9])${nw}($|[^a-z0-9])`).test(text.normalize('NFKC').toLowerCase())) hits.add(w);
    } else if (n.includes(nw)) hits.add(w);
  }
  if (/(?<!\d)1[3-9]\d{9}(?!\d)/.test(n)) hits.add('手机号');
  if (/(https?:|www\.|\.com|\.cn)/i.test(text.normalize('NFKC'))) hits.add('链接');
  return [...hits];
}

export const MAX_COMMENT_CHARS = 200;

/** 14:05 in Asia/Shanghai, for notices viewers read. */
const shanghaiClock = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 16);

/**
 * Posts a comment. Only while the session is live; muted or banned viewers are refused (403).
 * With a client key (Idempotency-Key), a resent comment answers the stored one and is not
 * posted, counted or bought twice. Returns the stored row (the caller may then try it as an
 * order: see buyByComment in src/flows/live-checkout.ts).
 */
export async function postComment(ctx: Ctx, sessionId: string, body: { text: string; replyToId?: string | undefined }, clientKey: string | null) {
  const s = await loadRoomSession(ctx, sessionId);
  await assertCanView(ctx, s);
  const userId = ctx.actor!.userId;
  if (clientKey) {
    const earlier = await findByClientKey(ctx, s.id, userId, clientKey);
    if (earlier) return { session: s, comment: earlier, replayed: true };
  }
  assertLive(s);
  const text = body.text.trim().replace(/\s+/g, ' ');
  if (!text) throw invalid('/body/text', 'Write something first', 'empty');
  if ([...text].length > MAX_COMMENT_CHARS) throw invalid('/body/text', `At most ${MAX_COMMENT_CHARS} characters`, 'too_long');
  const control = canControl(ctx.actor, s);
  if (!control) {
    const bans = await activeBans(ctx, s.id, userId);
    if (bans.banned) throw new AppError(403, 'banned_from_room', 'You have been removed from this live room', [], { until: bans.until });
    if (bans.muted) throw new AppError(403, 'muted', 'You cannot comment in this room for now', [], { until: bans.until });
  }
  if (body.replyToId) {
    const target = await ctx.db.selectFrom('live_comment').select('id').where('id', '=', body.replyToId).where('session_id', '=', s.id).executeTakeFirst();
    if (!target) throw invalid('/body/replyToId', 'No such comment in this room', 'unknown_comment');
  }
  const hits = control ? [] : sensitiveHits(text, [...DEFAULT_SENSITIVE_WORDS, ...ctx.deps.config.liveSensitiveWords]);
  const row: LiveCommentTable = {
    id: newId('liveComment'), session_id: s.id, user_id: userId,
    author_kind: userId === s.host_user_id ? 'host' : control ? 'center' : 'viewer',
    text, status: hits.length ? 'held' : 'visible', flagged_words: hits.join(','), reply_to_id: body.replyToId ?? null, client_key: clientKey,
    buy_room_code: null, buy_quantity: null, buy_outcome: null, checkout_id: null, created_at: nowIso(), hidden_at: null, hidden_by: null,
  };
  try {
    await inTransaction(ctx, async (tx) => {
      await tx.db.insertInto('live_comment').values(row).execute();
      if (row.status === 'visible') await bumpStat(tx, s.id, 'comments', 1);
    });
  } catch (err) {
    // The same client key raced us: answer with the one that won.
    const code = String((err as { code?: unknown }).code ?? '');
    if (clientKey && (code === '23505' || code.startsWith('SQLITE_CONSTRAINT'))) {
      const earlier = await findByClientKey(ctx, s.id, userId, clientKey);
      if (earlier) return { session: s, comment: earlier, replayed: true };
    }
    throw err;
  }
  const comment = { ...row, user_name: ctx.actor!.name };
  if (row.status === 'visible') await publishComment(ctx, s, comment);
  else ctx.deps.log.info({ sessionId: s.id, commentId: row.id, hits }, 'live comment held by the word filter');
  return { session: s, comment, replayed: false };
}

async function findByClientKey(ctx: Ctx, sessionId: string, userId: string, clientKey: string) {
  return ctx.db.selectFrom('live_comment as c').innerJoin('app_user as u', 'u.id', 'c.user_id').selectAll('c').select('u.name as user_name')
    .where('c.session_id', '=', sessionId).where('c.user_id', '=', userId).where('c.client_key', '=', clientKey).executeTakeFirst();
}

async function publishComment(ctx: Ctx, s: SessionRow, c: LiveCommentTable & { user_name: string }) {
  let text = c.text;
  if (c.reply_to_id) {
    const to = await ctx.db.selectFrom('live_comment as c').innerJoin('app_user as u', 'u.id', 'c.user_id').select('u.name').where('c.id', '=', c.reply_to_id).executeTakeFirst();
    if (to) text = `@${maskName(to.name)} ${text}`;
  }
  ctx.deps.realtime.publish(liveRoom(s.id), { type: 'comment', data: { id: c.id, userLabel: maskName(c.user_name), text, at: c.created_at, fromHost: c.author_kind !== 'viewer' } });
}

export async function loadCommentView(ctx: Ctx, s: SessionRow, commentId: string) {
  const c = await ctx.db.selectFrom('live_comment as c').innerJoin('app_user as u', 'u.id', 'c.user_id').selectAll('c').select('u.name as user_name')
    .where('c.id', '=', commentId).where('c.session_id', '=', s.id).executeTakeFirst();
  if (!c) throw notFound('Comment');
  return commentView(c, { full: canControl(ctx.actor, s) });
}

/** Host or center takes a comment down (hidden), or shows one the filter held. */
export async function moderateComment(ctx: Ctx, sessionId: string, commentId: string, action: 'hide' | 'show') {
  const s = await loadControlled(ctx, sessionId);
  const c = await ctx.db.selectFrom('live_comment as c').innerJoin('app_user as u', 'u.id', 'c.user_id').selectAll('c').select('u.name as user_name')
    .where('c.id', '=', commentId).where('c.session_id', '=', s.id).executeTakeFirst();
  if (!c) throw notFound('Comment');
  const now = nowIso();
  await inTransaction(ctx, async (tx) => {
    const res = action === 'hide'
      ? await tx.db.updateTable('live_comment').set({ status: 'hidden', hidden_at: now, hidden_by: ctx.actor!.userId }).where('id', '=', c.id).where('status', '!=', 'hidden').executeTakeFirst()
      : await tx.db.updateTable('live_comment').set({ status: 'visible', hidden_at: null, hidden_by: null }).where('id', '=', c.id).where('status', '!=', 'visible').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'invalid_transition', action === 'hide' ? 'This comment is already hidden' : 'This comment is already shown');
    if (action === 'show' && c.status === 'held') await bumpStat(tx, s.id, 'comments', 1);
    await recordAudit(tx, { action: `live.comment_${action === 'hide' ? 'hidden' : 'shown'}`, targetType: 'live_comment', targetId: c.id, countyCode: s.county_code, detail: { text: c.text, author: c.user_id } });
  });
  if (action === 'hide') ctx.deps.realtime.publish(liveRoom(s.id), { type: 'comment_hidden', data: { id: c.id } });
  else await publishComment(ctx, s, { ...c, status: 'visible' });
  return loadCommentView(ctx, s, c.id);
}

/** Mute (no comments) or ban (no comments, no buying, the socket refused) a viewer, for minutes or the whole session. */
export async function setBan(ctx: Ctx, sessionId: string, userId: string, input: { kind: BanKind; minutes?: number | undefined; reason?: string | undefined }) {
  const s = await loadControlled(ctx, sessionId);
  if (userId === s.host_user_id) throw invalid('/params/userId', 'The host of the session cannot be muted or banned', 'is_host');
  const target = await ctx.db.selectFrom('app_user').select(['id', 'name']).where('id', '=', userId).executeTakeFirst();
  if (!target) throw notFound('User');
  const grants = await ctx.db.selectFrom('role_grant').select(['role', 'region_prefix']).where('user_id', '=', userId).where('role', 'in', [...CENTER_ROLES]).execute();
  if (grants.some((g) => s.county_code.startsWith(g.region_prefix))) throw invalid('/params/userId', "The county center's staff cannot be muted or banned", 'is_staff');
  const now = nowIso();
  const until = input.minutes ? new Date(Date.now() + input.minutes * 60_000).toISOString() : null;
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('live_ban').values({ session_id: s.id, user_id: userId, kind: input.kind, until, reason: input.reason ?? '', created_by: ctx.actor!.userId, created_at: now })
      .onConflict((oc) => oc.columns(['session_id', 'user_id', 'kind']).doUpdateSet({ until, reason: input.reason ?? '', created_by: ctx.actor!.userId, created_at: now }))
      .execute();
    await recordAudit(tx, { action: `live.viewer_${input.kind === 'ban' ? 'banned' : 'muted'}`, targetType: 'app_user', targetId: userId, countyCode: s.county_code, detail: { sessionId: s.id, until, reason: input.reason ?? '' } });
  });
  // A ban also kicks the viewer's open sockets: the hub closes them on this reply.
  ctx.deps.realtime.publishTo(liveRoom(s.id), userId, {
    type: 'reply',
    data: input.kind === 'ban'
      ? { kind: 'banned', text: input.reason ? `你已被移出直播间：${input.reason}` : '你已被移出直播间' }
      : { kind: 'muted', text: until ? `你已被禁言至 ${shanghaiClock(until)}` : '你已被禁言（本场直播）' },
  });
  return { sessionId: s.id, userId, userLabel: maskName(target.name), kind: input.kind, until, reason: input.reason ?? '', createdAt: now };
}

export async function liftBan(ctx: Ctx, sessionId: string, userId: string, kind: BanKind) {
  const s = await loadControlled(ctx, sessionId);
  const res = await inTransaction(ctx, async (tx) => {
    const r = await tx.db.deleteFrom('live_ban').where('session_id', '=', s.id).where('user_id', '=', userId).where('kind', '=', kind).executeTakeFirst();
    if (Number(r.numDeletedRows) === 1) await recordAudit(tx, { action: `live.viewer_un${kind === 'ban' ? 'banned' : 'muted'}`, targetType: 'app_user', targetId: userId, countyCode: s.county_code, detail: { sessionId: s.id } });
    return Number(r.numDeletedRows);
  });
  if (res !== 1) throw notFound(kind === 'ban' ? 'Ban' : 'Mute');
  ctx.deps.realtime.publishTo(liveRoom(s.id), userId, { type: 'reply', data: { kind: 'notice', text: kind === 'ban' ? '你可以回到直播间了' : '你可以发言了' } });
  return { ok: true as const };
}

export async function listBans(ctx: Ctx, sessionId: string) {
  const s = await loadControlled(ctx, sessionId);
  const now = nowIso();
  const rows = await ctx.db.selectFrom('live_ban as b').innerJoin('app_user as u', 'u.id', 'b.user_id').selectAll('b').select('u.name')
    .where('b.session_id', '=', s.id).where((eb) => eb.or([eb('b.until', 'is', null), eb('b.until', '>', now)])).orderBy('b.created_at', 'desc').execute();
  return { items: rows.map((r) => ({ sessionId: r.session_id, userId: r.user_id, userLabel: maskName(r.name), kind: r.kind, until: r.until, reason: r.reason, createdAt: r.created_at })) };
}

/** Taps on the heart, sent in batches (1–100 at a time); the total goes to everyone. */
export async function like(ctx: Ctx, sessionId: string, count: number) {
  const s = await loadRoomSession(ctx, sessionId);
  await assertCanView(ctx, s);
  assertLive(s);
  const total = await bumpStat(ctx, s.id, 'likes', count);
  ctx.deps.realtime.publish(liveRoom(s.id), { type: 'likes', data: { total } });
  return { total };
}


import { sql } from 'kysely';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { liveRoom, type LiveItemView } from '../../contracts/live-events.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { hasAnyRole, inScope, type Actor } from '../../platform/http/access.js';
import { maskName } from '../../platform/mask.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import type { LiveSessionTable } from './live.tables.js';
import type { LiveCommentTable, LiveFlashSaleTable } from './room.tables.js';

/**
 * The live room: who may see and run a session's room, the views viewers get (the pinned
 * product, the product bag, the flash sale, recent comments), pinning, and the host's live
 * figures. Buying is in src/flows/live-checkout.ts; flash sales in room.flash.ts; comments,
 * likes and bans in room.comments.ts.
 */

export const CENTER_ROLES = ['center_admin', 'operator'] as const;

export type SessionRow = LiveSessionTable;

export async function loadRoomSession(ctx: Ctx, sessionId: string): Promise<SessionRow> {
  const s = await ctx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s) throw notFound('Live session');
  return s;
}

/** The session's host, or the center of its county. */
export function canControl(actor: Actor | null, s: SessionRow): boolean {
  return !!actor && (actor.userId === s.host_user_id || inScope(actor, s.county_code, CENTER_ROLES));
}

/**
 * Who may see a room: anyone for an approved hosted or external session; a practice session
 * only its trainee, its mentors and the center; an unapproved one only its host and the center.
 * Everyone else gets 404, as if it did not exist.
 */
export async function assertCanView(ctx: Ctx, s: SessionRow): Promise<void> {
  if (canControl(ctx.actor, s) || inScope(ctx.actor, s.county_code, ['official'])) return;
  if (s.kind === 'practice') {
    const mentor = ctx.actor
      ? await ctx.db.selectFrom('live_session_mentor').select('user_id').where('session_id', '=', s.id).where('user_id', '=', ctx.actor.userId).executeTakeFirst()
      : undefined;
    if (mentor) return;
    throw notFound('Live session');
  }
  if (s.approval !== 'approved') throw notFound('Live session');
}

/** A session the caller controls (host or center); 404 for one it cannot see, 403 for one it only watches. */
export async function loadControlled(ctx: Ctx, sessionId: string): Promise<SessionRow> {
  const s = await loadRoomSession(ctx, sessionId);
  if (canControl(ctx.actor, s)) return s;
  await assertCanView(ctx, s);
  throw new AppError(403, 'not_session_host', 'Only the host of this session or its county center may do this');
}

export function assertLive(s: SessionRow): void {
  if (s.status !== 'live') {
    throw new AppError(409, 'session_not_live', s.status === 'scheduled' ? 'This session has not started yet' : 'This session is over', [], { status: s.status });
  }
}

/** The mute or ban in force on a viewer, if any (a lapsed one counts as none). */
export async function activeBans(ctx: Ctx, sessionId: string, userId: string): Promise<{ muted: boolean; banned: boolean; until: string | null }> {
  const now = nowIso();
  const rows = await ctx.db.selectFrom('live_ban').select(['kind', 'until']).where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
  const live = rows.filter((r) => r.until === null || r.until > now);
  const banned = live.some((r) => r.kind === 'ban');
  return { banned, muted: banned || live.some((r) => r.kind === 'mute'), until: live.find((r) => r.kind === 'ban')?.until ?? live[0]?.until ?? null };
}

const fileUrl = (fileId: string | null) => (fileId ? `/api/v1/files/${fileId}` : null);

/** Run-of-show lines as viewers see them, in show order (or just the ids asked for). */
export async function roomItemViews(ctx: Ctx, sessionId: string, itemIds?: string[]): Promise<LiveItemView[]> {
  if (itemIds && itemIds.length === 0) return [];
  let q = ctx.db.selectFrom('live_session_item as i')
    .innerJoin('product as p', 'p.id', 'i.product_id')
    .innerJoin('sku as k', 'k.id', 'i.sku_id')
    .select(['i.id', 'i.room_code', 'i.product_id', 'i.sku_id', 'i.live_price_fen', 'i.stock_left', 'p.title', 'p.unit', 'p.cover_file_id', 'k.spec', 'k.price_fen'])
    .where('i.session_id', '=', sessionId);
  if (itemIds) q = q.where('i.id', 'in', itemIds);
  const rows = await q.orderBy('i.position').orderBy('i.id').execute();
  return rows.map((r) => ({
    itemId: r.id, roomCode: r.room_code, productId: r.product_id, skuId: r.sku_id, title: r.title, spec: r.spec, unit: r.unit,
    imageUrl: fileUrl(r.cover_file_id), livePriceFen: r.live_price_fen, listPriceFen: r.price_fen, stockLeft: r.stock_left,
  }));
}

export function flashSaleView(f: LiveFlashSaleTable, now = Date.now()) {
  const started = f.starts_at !== null && Date.parse(f.starts_at) <= now;
  const ended = f.ends_at !== null && Date.parse(f.ends_at) <= now;
  return {
    saleId: f.id, itemId: f.item_id,
    status: f.status === 'closed' || (f.status === 'announced' && ended) ? 'closed' as const : f.status === 'announced' ? (started ? 'open' as const : 'announced' as const) : 'draft' as const,
    startsAt: f.starts_at, endsAt: f.ends_at, priceFen: f.price_fen, stockTotal: f.stock_total, stockLeft: f.stock_left, perBuyerLimit: f.per_buyer_limit,
    leadSeconds: f.lead_seconds, createdAt: f.created_at, closedAt: f.closed_at, stockReturned: f.stock_returned,
  };
}

/** The `flash_sale` event of an announced, open or closed sale. */
export function flashSaleEvent(f: LiveFlashSaleTable) {
  const v = flashSaleView(f);
  return {
    type: 'flash_sale' as const,
    data: {
      saleId: v.saleId, itemId: v.itemId, status: v.status === 'draft' ? 'announced' as const : v.status, startsAt: v.startsAt ?? f.created_at, endsAt: v.endsAt,
      priceFen: v.priceFen, stockTotal: v.stockTotal, stockLeft: v.stockLeft, perBuyerLimit: v.perBuyerLimit,
    },
  };
}

export function commentView(c: LiveCommentTable & { user_name: string }, opts: { full: boolean }) {
  return {
    // A held comment looks like any other to its author: a spammer is not told which words the filter caught.
    id: c.id, userLabel: maskName(c.user_name), text: c.text, at: c.created_at, fromHost: c.author_kind !== 'viewer',
    status: !opts.full && c.status === 'held' ? 'visible' as const : c.status,
    replyToId: c.reply_to_id,
    // The author's id only to those who moderate (mute or ban needs it).
    ...(opts.full ? { userId: c.user_id, flaggedWords: c.flagged_words ? c.flagged_words.split(',') : [] } : {}),
    ...(c.buy_outcome ? { buy: { outcome: c.buy_outcome, roomCode: c.buy_room_code, quantity: c.buy_quantity } } : {}),
  };
}

/** Recent comments, newest last: what a late joiner sees. Moderators also see held and hidden ones. */
export async function recentComments(ctx: Ctx, s: SessionRow, q: { before?: string | undefined; limit: number }) {
  const full = canControl(ctx.actor, s);
  let query = ctx.db.selectFrom('live_comment as c').innerJoin('app_user as u', 'u.id', 'c.user_id').selectAll('c').select('u.name as user_name')
    .where('c.session_id', '=', s.id);
  if (!full) {
    const me = ctx.actor?.userId ?? '';
    // A held comment stays visible to its author (it reads as posted); nobody else sees it.
    query = query.where((eb) => eb.or([eb('c.status', '=', 'visible'), eb.and([eb('c.status', '=', 'held'), eb('c.user_id', '=', me)])]));
  }
  if (q.before) query = query.where('c.id', '<', q.before);
  const rows = await query.orderBy('c.id', 'desc').limit(q.limit).execute();
  return rows.reverse().map((r) => commentView(r, { full }));
}

/** Everything a viewer needs on opening the room (and after a resync). */
export async function getRoom(ctx: Ctx, sessionId: string) {
  const s = await loadRoomSession(ctx, sessionId);
  await assertCanView(ctx, s);
  const [items, host, stat, sale] = await Promise.all([
    roomItemViews(ctx, s.id),
    ctx.db.selectFrom('app_user').select(['id', 'name']).where('id', '=', s.host_user_id).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('live_session_stat').selectAll().where('session_id', '=', s.id).executeTakeFirst(),
    ctx.db.selectFrom('live_flash_sale').selectAll().where('session_id', '=', s.id).where('status', '=', 'announced').executeTakeFirst(),
  ]);
  const comments = await recentComments(ctx, s, { limit: 50 });
  const me = ctx.actor ? { userId: ctx.actor.userId, canControl: canControl(ctx.actor, s), ...(await activeBans(ctx, s.id, ctx.actor.userId)) } : null;
  return {
    session: {
      id: s.id, title: s.title, kind: s.kind, status: s.status, videoState: s.video_state, startedAt: s.started_at, endedAt: s.ended_at,
      scheduledStart: s.scheduled_start, scheduledEnd: s.scheduled_end, host: { id: host.id, name: host.name }, coverUrl: fileUrl(s.cover_file_id),
    },
    pinned: items.find((i) => i.itemId === s.pinned_item_id) ?? null,
    items,
    flashSale: sale ? flashSaleView(sale) : null,
    comments,
    likes: stat?.likes ?? 0,
    viewers: { now: stat?.viewers_now ?? 0, peak: stat?.viewers_peak ?? 0 },
    me,
    serverTime: new Date().toISOString(),
  };
}

/** 讲解中: pin one run-of-show item (or none). Only an item of this session's own run-of-show. */
export async function setPinned(ctx: Ctx, sessionId: string, itemId: string | null) {
  const s = await loadControlled(ctx, sessionId);
  assertLive(s);
  if (itemId !== null) {
    const item = await ctx.db.selectFrom('live_session_item').select('id').where('id', '=', itemId).where('session_id', '=', s.id).executeTakeFirst();
    if (!item) throw invalid('/body/itemId', "Only a product of this session's run-of-show can be pinned", 'not_in_run_of_show');
  }
  await inTransaction(ctx, async (tx) => {
    // Conditional on the session still being live: an end that raced us wins.
    const res = await tx.db.updateTable('live_session').set({ pinned_item_id: itemId, updated_at: nowIso() })
      .where('id', '=', s.id).where('status', '=', 'live').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'session_not_live', 'This session is over');
    await recordAudit(tx, { action: itemId ? 'live.pinned' : 'live.unpinned', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { itemId } });
  });
  const item = itemId ? (await roomItemViews(ctx, s.id, [itemId]))[0] ?? null : null;
  ctx.deps.realtime.publish(liveRoom(s.id), { type: 'pin', data: { item } });
  return { item };
}

/**
 * The host console's strip: audience (from live_session_stat, folded in by the hub), orders and
 * GMV of this session (orders with source live/session id), orders per minute, and per product
 * units, buyers, GMV and conversion (distinct buyers / distinct viewers).
 */
export async function liveFigures(ctx: Ctx, sessionId: string) {
  const s = await loadRoomSession(ctx, sessionId);
  if (!canControl(ctx.actor, s) && !inScope(ctx.actor, s.county_code, ['official'])) {
    await assertCanView(ctx, s);
    throw new AppError(403, 'not_session_host', 'Only the host of this session or its county center may see its figures');
  }
  const now = Date.now();
  const [stat, orders, perItem, items] = await Promise.all([
    ctx.db.selectFrom('live_session_stat').selectAll().where('session_id', '=', s.id).executeTakeFirst(),
    ctx.db.selectFrom('shop_order').select(['status', 'items_fen', 'paid_at', 'created_at', 'buyer_id'])
      .where('source_kind', '=', 'live').where('source_ref', '=', s.id).execute(),
    ctx.db.selectFrom('order_item as oi').innerJoin('shop_order as o', 'o.id', 'oi.order_id')
      .select(['oi.sku_id', 'o.buyer_id', 'oi.quantity', 'oi.line_fen', 'o.paid_at'])
      .where('o.source_kind', '=', 'live').where('o.source_ref', '=', s.id).where('o.status', '!=', 'cancelled').execute(),
    roomItemViews(ctx, s.id),
  ]);
  const placed = orders.filter((o) => o.status !== 'cancelled');
  const paid = orders.filter((o) => o.paid_at !== null);
  const audience = Math.max(stat?.unique_viewers ?? 0, stat?.viewers_peak ?? 0);
  const since = s.started_at ? Date.parse(s.started_at) : null;
  const endAt = s.ended_at ? Date.parse(s.ended_at) : now;
  const minutes = since ? Math.max(1, (endAt - since) / 60_000) : 1;
  return {
    sessionId: s.id, status: s.status,
    viewersNow: stat?.viewers_now ?? 0, viewersPeak: stat?.viewers_peak ?? 0, uniqueViewers: stat?.unique_viewers ?? 0,
    watchMinutes: Math.round((stat?.watch_seconds ?? 0) / 60), likes: stat?.likes ?? 0, comments: stat?.comments ?? 0,
    ordersPlaced: placed.length, ordersPaid: paid.length,
    placedFen: placed.reduce((a, o) => a + o.items_fen, 0),
    gmvFen: paid.reduce((a, o) => a + o.items_fen, 0),
    ordersLastMinute: placed.filter((o) => now - Date.parse(o.created_at) <= 60_000).length,
    ordersPerMinute: Math.round((placed.length / minutes) * 10) / 10,
    items: items.map((i) => {
      const lines = perItem.filter((l) => l.sku_id === i.skuId);
      const buyers = new Set(lines.map((l) => l.buyer_id)).size;
      return {
        itemId: i.itemId, roomCode: i.roomCode, title: i.title, spec: i.spec, stockLeft: i.stockLeft,
        units: lines.reduce((a, l) => a + l.quantity, 0), buyers,
        gmvFen: lines.filter((l) => l.paid_at !== null).reduce((a, l) => a + l.line_fen, 0),
        conversion: audience > 0 ? Math.round((buyers / audience) * 10_000) / 10_000 : 0,
      };
    }),
  };
}

/** Counts one more comment for the session's figures (the row exists once the hub or we made it). */
export async function bumpStat(ctx: Ctx, sessionId: string, field: 'comments' | 'likes', by: number): Promise<number> {
  const now = nowIso();
  const row = await ctx.db.insertInto('live_session_stat')
    .values({ session_id: sessionId, viewers_now: 0, viewers_peak: 0, watch_seconds: 0, unique_viewers: 0, comments: field === 'comments' ? by : 0, likes: field === 'likes' ? by : 0, updated_at: now })
    .onConflict((oc) => oc.column('session_id').doUpdateSet({ [field]: sql`${sql.ref(`live_session_stat.${field}`)} + ${by}`, updated_at: now }))
    .returning(field).executeTakeFirstOrThrow();
  return Number((row as Record<string, number>)[field]);
}

export function isBuyer(actor: Actor | null): boolean {
  return hasAnyRole(actor, ['buyer']);
}

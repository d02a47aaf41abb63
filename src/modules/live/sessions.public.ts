import type { Ctx } from '../../context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { nowIso } from '../../platform/time.js';
import type { LiveSessionTable } from './live.tables.js';
import { itemViews } from './sessions.runofshow.js';
import { canViewSession, coverUrl, reservationCounts, summaries } from './sessions.service.js';

/**
 * The buyer side before the show: the pre-announcement (预告) of one session, the 直播 tab's
 * list of sessions live now and coming up, and reservations (预约) that get one reminder when
 * the session goes live.
 */

async function loadPublic(ctx: Ctx, sessionId: string): Promise<LiveSessionTable> {
  const s = await ctx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s || !(await canViewSession(ctx, s))) throw notFound('Live session');
  return s;
}

export async function publicSession(ctx: Ctx, sessionId: string) {
  const s = await loadPublic(ctx, sessionId);
  const host = await ctx.db.selectFrom('app_user').select('name').where('id', '=', s.host_user_id).executeTakeFirst();
  const count = (await reservationCounts(ctx, [s.id])).get(s.id) ?? 0;
  const reserved = ctx.actor
    ? !!(await ctx.db.selectFrom('live_reservation').select('user_id').where('session_id', '=', s.id).where('user_id', '=', ctx.actor.userId).executeTakeFirst())
    : false;
  return {
    id: s.id, kind: s.kind, title: s.title, description: s.description, host: { id: s.host_user_id, name: host?.name ?? '' }, coverUrl: coverUrl(s),
    scheduledStart: s.scheduled_start, scheduledEnd: s.scheduled_end, status: s.status,
    platform: s.platform, externalUrl: s.external_url, externalCode: s.external_code,
    startedAt: s.started_at, endedAt: s.ended_at, hasReplay: !!s.replay_path, reservationCount: count, reserved,
    items: (await itemViews(ctx, s.id)).map((i) => ({
      roomCode: i.roomCode, productId: i.productId, skuId: i.skuId, title: i.title, spec: i.spec, unit: i.unit, imageUrl: i.imageUrl,
      listPriceFen: i.listPriceFen, livePriceFen: i.livePriceFen, stockLeft: i.stockLeft,
    })),
  };
}

/** The 直播 tab: approved hosted and external sessions live now, then those coming up (soonest first). */
export async function publicList(ctx: Ctx, q: { countyCode?: string | undefined }) {
  const base = () => {
    let b = ctx.db.selectFrom('live_session').selectAll().where('kind', '!=', 'practice').where('approval', '=', 'approved');
    if (q.countyCode) b = b.where('county_code', 'like', `${q.countyCode}%`);
    return b;
  };
  const live = await base().where('status', '=', 'live').orderBy('started_at', 'desc').limit(50).execute();
  const upcoming = await base().where('status', '=', 'scheduled').where('scheduled_end', '>', nowIso()).orderBy('scheduled_start').limit(50).execute();
  return { live: await summaries(ctx, live), upcoming: await summaries(ctx, upcoming) };
}

export async function reserve(ctx: Ctx, sessionId: string, on: boolean) {
  const s = await loadPublic(ctx, sessionId);
  const userId = ctx.actor!.userId;
  if (on) {
    if (s.kind === 'practice') throw notFound('Live session');
    if (s.status !== 'scheduled') throw new AppError(409, 'not_upcoming', s.status === 'live' ? 'The session is live now: go and watch' : 'The session is over', [], { status: s.status });
    if (s.approval !== 'approved') throw new AppError(409, 'not_approved', 'The session is not announced yet');
    await ctx.db.insertInto('live_reservation').values({ session_id: s.id, user_id: userId, created_at: nowIso(), reminded_at: null })
      .onConflict((oc) => oc.columns(['session_id', 'user_id']).doNothing()).execute();
  } else {
    await ctx.db.deleteFrom('live_reservation').where('session_id', '=', s.id).where('user_id', '=', userId).execute();
  }
  const count = (await reservationCounts(ctx, [s.id])).get(s.id) ?? 0;
  return { reserved: on, reservationCount: count };
}

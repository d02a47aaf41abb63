import type { Ctx } from '../../context.js';
import { inScope } from '../../platform/http/access.js';
import { invalid, notFound } from '../../platform/http/errors.js';
import { addDays } from '../../platform/time.js';
import { READERS, isSelf, loadProfile } from './access.js';
import { LOCAL_KINDS, type HostProfileKind } from './hosts.tables.js';

export interface Period { from: string; to: string }

/** The UTC instants that bound a period of Asia/Shanghai business dates: [from 00:00, to+1 00:00). */
export function periodInstants(p: Period): { start: string; end: string } {
  const shift = (d: string) => new Date(new Date(`${d}T00:00:00+08:00`).getTime()).toISOString();
  return { start: shift(p.from), end: shift(addDays(p.to, 1)) };
}

const MAX_DAYS = 366;
export function checkPeriod(p: Period) {
  if (p.from > p.to) throw invalid('/query/to', 'The period ends before it starts');
  if (Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`) > MAX_DAYS * 86_400_000) throw invalid('/query/from', `At most ${MAX_DAYS} days at a time`, 'period_too_long');
}

export interface HostFigures {
  hostUserId: string;
  displayName: string;
  kind: HostProfileKind | null;
  local: boolean;
  /** Real (non-practice) sessions that started in the period: on the platform and on external platforms. */
  sessions: number;
  externalSessions: number;
  hoursLive: number;
  /** Average concurrent viewers of the platform's own sessions: watch time ÷ time live. */
  avgViewers: number | null;
  peakViewers: number;
  uniqueViewers: number;
  /** Orders paid in the period that the host sold (live-room orders). */
  orders: number;
  gmvFen: number;
  refundsFen: number;
  /** What the host earned in the period (commission less reversals); an official's goes to the funds. */
  commissionFen: number;
  pledgedFen: number;
  /** Sales an external platform reported for the host's external sessions (not in the books). */
  externalOrders: number;
  externalGmvFen: number;
  /** Orders ÷ unique viewers of its own sessions; null without viewers. */
  conversion: number | null;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Figures per host for a county and period. Sessions and viewers come from live_session and
 * live_session_stat (practice sessions never count); orders and refunds from the orders of
 * the host (source_kind = live) paid in the period; commission and pledges from the ledger's
 * commission entries booked in the period.
 */
export async function hostFigures(ctx: Ctx, countyCode: string, period: Period, only?: string[]): Promise<HostFigures[]> {
  const { start, end } = periodInstants(period);
  const profiles = await ctx.db.selectFrom('host_profile').select(['host_user_id', 'display_name', 'kind']).where('county_code', '=', countyCode)
    .$if(!!only, (q) => q.where('host_user_id', 'in', only!)).execute();
  let sessionsQ = ctx.db.selectFrom('live_session').leftJoin('live_session_stat', 'live_session_stat.session_id', 'live_session.id')
    .select(['live_session.id', 'live_session.host_user_id', 'live_session.kind', 'live_session.started_at', 'live_session.ended_at', 'live_session_stat.watch_seconds', 'live_session_stat.unique_viewers', 'live_session_stat.viewers_peak'])
    .where('live_session.county_code', '=', countyCode).where('live_session.kind', '!=', 'practice').where('live_session.status', 'in', ['live', 'ended'])
    .where('live_session.started_at', '>=', start).where('live_session.started_at', '<', end);
  let ordersQ = ctx.db.selectFrom('shop_order')
    .select((eb) => ['host_user_id', eb.fn.countAll<number>().as('orders'), eb.fn.sum<number>('total_fen').as('gmv'), eb.fn.sum<number>('refunded_fen').as('refunds')])
    .where('county_code', '=', countyCode).where('host_user_id', 'is not', null).where('paid_at', 'is not', null)
    .where('biz_date', '>=', period.from).where('biz_date', '<=', period.to).groupBy('host_user_id');
  let commissionQ = ctx.db.selectFrom('ledger_posting as p').innerJoin('ledger_entry as e', 'e.id', 'p.entry_id').innerJoin('ledger_account as a', 'a.id', 'p.account_id')
    .select((eb) => ['a.party_id', eb.fn.sum<number>('p.amount_fen').as('amount')])
    .where('e.county_code', '=', countyCode).where('e.kind', '=', 'commission').where('a.kind', '=', 'host_commission_payable')
    .where('p.biz_date', '>=', period.from).where('p.biz_date', '<=', period.to).groupBy('a.party_id');
  let pledgeQ = ctx.db.selectFrom('ledger_posting as p').innerJoin('ledger_entry as e', 'e.id', 'p.entry_id').innerJoin('ledger_account as a', 'a.id', 'p.account_id')
    .innerJoin('shop_order as o', 'o.id', 'e.ref_id')
    .select((eb) => ['o.host_user_id', eb.fn.sum<number>('p.amount_fen').as('amount')])
    .where('e.county_code', '=', countyCode).where('e.kind', '=', 'commission').where('e.ref_type', '=', 'order').where('a.kind', 'in', ['charity_fund', 'development_fund'])
    .where('p.biz_date', '>=', period.from).where('p.biz_date', '<=', period.to).groupBy('o.host_user_id');
  let externalQ = ctx.db.selectFrom('live_external_sale as x').innerJoin('live_session as s', 's.id', 'x.session_id')
    .select((eb) => ['s.host_user_id', eb.fn.sum<number>('x.orders').as('orders'), eb.fn.sum<number>('x.gmv_fen').as('gmv')])
    .where('s.county_code', '=', countyCode).where('s.kind', '=', 'external').where('s.started_at', '>=', start).where('s.started_at', '<', end).groupBy('s.host_user_id');
  if (only) {
    sessionsQ = sessionsQ.where('live_session.host_user_id', 'in', only);
    ordersQ = ordersQ.where('host_user_id', 'in', only);
    commissionQ = commissionQ.where('a.party_id', 'in', only);
    pledgeQ = pledgeQ.where('o.host_user_id', 'in', only);
    externalQ = externalQ.where('s.host_user_id', 'in', only);
  }
  const [sessions, orders, commission, pledges, external] = await Promise.all([sessionsQ.execute(), ordersQ.execute(), commissionQ.execute(), pledgeQ.execute(), externalQ.execute()]);
  const ids = new Set<string>([...profiles.map((p) => p.host_user_id), ...sessions.map((s) => s.host_user_id), ...orders.map((o) => o.host_user_id!), ...commission.map((c) => c.party_id)]);
  if (only) for (const id of only) ids.add(id);
  const names = ids.size ? await ctx.db.selectFrom('app_user').select(['id', 'name']).where('id', 'in', [...ids]).execute() : [];
  const now = Date.now();
  return [...ids].map((id) => {
    const p = profiles.find((x) => x.host_user_id === id);
    const mine = sessions.filter((s) => s.host_user_id === id);
    let liveSeconds = 0, ownSeconds = 0, watch = 0, unique = 0, peak = 0;
    for (const s of mine) {
      const secs = Math.max(0, ((s.ended_at ? Date.parse(s.ended_at) : now) - Date.parse(s.started_at!)) / 1000);
      liveSeconds += secs;
      if (s.kind === 'hosted') {
        ownSeconds += secs;
        watch += Number(s.watch_seconds ?? 0);
        unique += Number(s.unique_viewers ?? 0);
        peak = Math.max(peak, Number(s.viewers_peak ?? 0));
      }
    }
    const o = orders.find((x) => x.host_user_id === id);
    const c = commission.find((x) => x.party_id === id);
    const pl = pledges.find((x) => x.host_user_id === id);
    const x = external.find((e) => e.host_user_id === id);
    const orderCount = Number(o?.orders ?? 0);
    return {
      hostUserId: id,
      displayName: p?.display_name ?? names.find((n) => n.id === id)?.name ?? id,
      kind: p?.kind ?? null,
      local: !!p && LOCAL_KINDS.includes(p.kind),
      sessions: mine.length,
      externalSessions: mine.filter((s) => s.kind === 'external').length,
      hoursLive: round(liveSeconds / 3600, 2),
      avgViewers: ownSeconds > 0 ? round(watch / ownSeconds, 1) : null,
      peakViewers: peak,
      uniqueViewers: unique,
      orders: orderCount,
      gmvFen: Number(o?.gmv ?? 0),
      refundsFen: Number(o?.refunds ?? 0),
      // Credits to the payable are negative; reversals debit it back.
      commissionFen: -Number(c?.amount ?? 0),
      pledgedFen: -Number(pl?.amount ?? 0),
      externalOrders: Number(x?.orders ?? 0),
      externalGmvFen: Number(x?.gmv ?? 0),
      conversion: unique > 0 ? round(orderCount / unique, 4) : null,
    };
  });
}

/**
 * The county's ranking for a period (by GMV, then orders), with totals: all sales of the
 * county, what hosts sold, and the share of the county's own hosts (local, returned-home
 * youth and official cadres; guests are the rest).
 */
export async function countyPerformance(ctx: Ctx, countyCode: string, period: Period) {
  checkPeriod(period);
  if (!inScope(ctx.actor, countyCode, READERS)) throw notFound('County');
  const rows = (await hostFigures(ctx, countyCode, period))
    .sort((a, b) => b.gmvFen - a.gmvFen || b.orders - a.orders || b.hoursLive - a.hoursLive || a.hostUserId.localeCompare(b.hostUserId))
    .map((r, i) => ({ rank: i + 1, ...r }));
  const all = await ctx.db.selectFrom('shop_order').select((eb) => [eb.fn.countAll<number>().as('orders'), eb.fn.sum<number>('total_fen').as('gmv')])
    .where('county_code', '=', countyCode).where('paid_at', 'is not', null).where('biz_date', '>=', period.from).where('biz_date', '<=', period.to).executeTakeFirst();
  const countyGmvFen = Number(all?.gmv ?? 0);
  const hostGmvFen = rows.reduce((s, r) => s + r.gmvFen, 0);
  const localGmvFen = rows.filter((r) => r.local).reduce((s, r) => s + r.gmvFen, 0);
  return {
    countyCode, from: period.from, to: period.to,
    totals: {
      countyOrders: Number(all?.orders ?? 0), countyGmvFen, hostGmvFen, localGmvFen,
      /** Local hosts' sales ÷ all the county's sales in the period. */
      localShareOfCounty: countyGmvFen > 0 ? round(localGmvFen / countyGmvFen, 4) : null,
      /** Local hosts' sales ÷ what all hosts sold. */
      localShareOfHosts: hostGmvFen > 0 ? round(localGmvFen / hostGmvFen, 4) : null,
      hosts: rows.length, localHosts: rows.filter((r) => r.local).length,
      sessions: rows.reduce((s, r) => s + r.sessions, 0), hoursLive: round(rows.reduce((s, r) => s + r.hoursLive, 0), 2),
      commissionFen: rows.reduce((s, r) => s + r.commissionFen, 0), pledgedFen: rows.reduce((s, r) => s + r.pledgedFen, 0),
    },
    items: rows,
  };
}

/** One host's figures for a period and its place in the county's ranking (the host's own dashboard too). */
export async function onePerformance(ctx: Ctx, hostUserId: string, period: Period) {
  checkPeriod(period);
  const p = await loadProfile(ctx, hostUserId);
  if (!p || (!isSelf(ctx, hostUserId) && !inScope(ctx.actor, p.county_code, READERS))) throw notFound('Host');
  const all = (await hostFigures(ctx, p.county_code, period))
    .sort((a, b) => b.gmvFen - a.gmvFen || b.orders - a.orders || b.hoursLive - a.hoursLive || a.hostUserId.localeCompare(b.hostUserId));
  const idx = all.findIndex((r) => r.hostUserId === hostUserId);
  const me = all[idx]!;
  // Daily GMV for the host's chart: business date → fen.
  const daily = await ctx.db.selectFrom('shop_order').select((eb) => ['biz_date', eb.fn.countAll<number>().as('orders'), eb.fn.sum<number>('total_fen').as('gmv')])
    .where('county_code', '=', p.county_code).where('host_user_id', '=', hostUserId).where('paid_at', 'is not', null)
    .where('biz_date', '>=', period.from).where('biz_date', '<=', period.to).groupBy('biz_date').orderBy('biz_date').execute();
  return {
    countyCode: p.county_code, from: period.from, to: period.to, rank: idx + 1, of: all.length, ...me,
    daily: daily.map((d) => ({ date: d.biz_date, orders: Number(d.orders), gmvFen: Number(d.gmv ?? 0) })),
  };
}

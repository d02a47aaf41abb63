import type { Ctx } from '../../context.js';
import { hasAnyRole, inScope, supplierIdsOf } from '../../platform/http/access.js';
import { invalid, notFound } from '../../platform/http/errors.js';
import { applyBasisPoints, splitByBasisPoints } from '../../platform/money.js';
import { accountStatement, type AccountKind } from '../ledger/index.js';
import { COUNTY_READERS, hostShareFor } from './policy.service.js';

/** Most lines one statement holds; a longer period is refused (ask for a shorter one). */
export const MAX_STATEMENT_LINES = 5000;

export type LineType = 'order' | 'refund' | 'commission' | 'commission_reversal' | 'payout' | 'settlement' | 'adjustment';

export interface StatementQuery {
  from: string;
  to: string;
}

function checkPeriod(q: StatementQuery) {
  if (q.from > q.to) throw invalid('/query/to', 'The period ends before it starts');
}

/** The order each posting is about, and the payout batch of each payout. */
async function enrich(ctx: Ctx, rows: { refType: string; refId: string }[], supplierId?: string) {
  const ids = (t: string) => [...new Set(rows.filter((r) => r.refType === t).map((r) => r.refId))];
  const orderOf = new Map<string, { id: string; orderNo: string }>();
  const orderIds = ids('order');
  if (orderIds.length) {
    for (const o of await ctx.db.selectFrom('shop_order').select(['id', 'order_no']).where('id', 'in', orderIds).execute()) orderOf.set(`order|${o.id}`, { id: o.id, orderNo: o.order_no });
  }
  const refundIds = ids('refund');
  if (refundIds.length) {
    const rs = await ctx.db.selectFrom('payment_refund').innerJoin('shop_order', 'shop_order.id', 'payment_refund.order_id')
      .select(['payment_refund.id as refund_id', 'shop_order.id', 'shop_order.order_no']).where('payment_refund.id', 'in', refundIds).execute();
    for (const r of rs) orderOf.set(`refund|${r.refund_id}`, { id: r.id, orderNo: r.order_no });
  }
  // A payment entry's ref is `{payment_no}-{county}`: the supplier's order of that checkout.
  const payments = ids('payment');
  if (payments.length && supplierId) {
    const nos = payments.map((p) => p.replace(/-\d{6}$/, ''));
    const os = await ctx.db.selectFrom('shop_order').innerJoin('checkout', 'checkout.id', 'shop_order.checkout_id')
      .select(['shop_order.id', 'shop_order.order_no', 'shop_order.county_code', 'checkout.payment_no'])
      .where('checkout.payment_no', 'in', nos).where('shop_order.supplier_id', '=', supplierId).execute();
    for (const o of os) orderOf.set(`payment|${o.payment_no}-${o.county_code}`, { id: o.id, orderNo: o.order_no });
  }
  const batchOf = new Map<string, string>();
  const payouts = ids('payout');
  if (payouts.length) {
    const ls = await ctx.db.selectFrom('payout_line').innerJoin('payout_batch', 'payout_batch.id', 'payout_line.batch_id')
      .select(['payout_line.id', 'payout_batch.batch_no']).where('payout_line.id', 'in', payouts).execute();
    for (const l of ls) batchOf.set(l.id, l.batch_no);
  }
  return { orderOf, batchOf };
}

function lineType(entryKind: string, memo: string): LineType {
  if (entryKind === 'payment') return 'order';
  if (entryKind === 'commission') return memo.startsWith('reversal') ? 'commission_reversal' : 'commission';
  return entryKind as LineType;
}

/** The statement of one payable account: the ledger's, with each line's order or payout batch. */
async function payableStatement(ctx: Ctx, countyCode: string, kind: AccountKind, partyId: string, q: StatementQuery, supplierId?: string) {
  const account = await ctx.db.selectFrom('ledger_account').select('id').where('county_code', '=', countyCode).where('kind', '=', kind).where('party_id', '=', partyId).executeTakeFirst();
  if (!account) {
    return { accountId: null, openingBalanceFen: 0, closingBalanceFen: 0, items: [] as ReturnType<typeof mapLine>[], totals: totalsOf([]) };
  }
  const st = await accountStatement(ctx, account.id, { from: q.from, to: q.to, limit: MAX_STATEMENT_LINES });
  if (st.nextCursor) throw invalid('/query/from', `More than ${MAX_STATEMENT_LINES} lines in this period; ask for a shorter one`, 'period_too_long');
  const { orderOf, batchOf } = await enrich(ctx, st.items, supplierId);
  const items = st.items.map((r) => mapLine(r, orderOf, batchOf));
  return { accountId: account.id, openingBalanceFen: st.openingBalanceFen, closingBalanceFen: st.closingBalanceFen, items, totals: totalsOf(items) };
}

function mapLine(r: Awaited<ReturnType<typeof accountStatement>>['items'][number], orderOf: Map<string, { id: string; orderNo: string }>, batchOf: Map<string, string>) {
  const order = orderOf.get(`${r.refType}|${r.refId}`) ?? null;
  return {
    postingId: r.id, entryId: r.entryId, type: lineType(r.entryKind, r.memo), bizDate: r.bizDate, createdAt: r.createdAt,
    orderId: order?.id ?? null, orderNo: order?.orderNo ?? null, payoutBatchNo: r.refType === 'payout' ? batchOf.get(r.refId) ?? null : null,
    memo: r.memo,
    /** Signed on the payable's side: + what the payee is owed more, − less (commission, refund, payout). */
    amountFen: -r.amountFen,
    balanceFen: r.balanceFen,
  };
}

function totalsOf(items: { type: LineType; amountFen: number }[]) {
  const sum = (types: LineType[]) => items.filter((i) => types.includes(i.type)).reduce((s, i) => s + i.amountFen, 0);
  return {
    ordersFen: sum(['order']), refundsFen: sum(['refund']), commissionFen: sum(['commission', 'commission_reversal']),
    payoutsFen: sum(['payout']), otherFen: sum(['settlement', 'adjustment']), netFen: items.reduce((s, i) => s + i.amountFen, 0),
  };
}

/**
 * A supplier's statement for a period of business dates: opening balance owed, each order
 * paid, refund, commission and fee taken, and payout, with the running balance, and the closing
 * balance (opening + net = closing). The supplier reads its own; the county's center and
 * officials read their suppliers'; anyone else gets 404.
 */
export async function supplierStatement(ctx: Ctx, supplierId: string, q: StatementQuery) {
  checkPeriod(q);
  const s = await ctx.db.selectFrom('supplier').select(['id', 'name', 'county_code']).where('id', '=', supplierId).executeTakeFirst();
  if (!s || !(supplierIdsOf(ctx.actor).includes(s.id) || inScope(ctx.actor, s.county_code, COUNTY_READERS))) throw notFound('Supplier');
  const st = await payableStatement(ctx, s.county_code, 'supplier_payable', s.id, q, s.id);
  return { party: { kind: 'supplier' as const, id: s.id, name: s.name }, countyCode: s.county_code, from: q.from, to: q.to, ...st };
}

/**
 * A host's statement in a county for a period: its commission payable (opening, each
 * commission, reversal and payout, closing) and, for an official, what its selling pledged to
 * the charity and development funds, order by order.
 */
export async function hostStatement(ctx: Ctx, hostUserId: string, countyCode: string, q: StatementQuery) {
  checkPeriod(q);
  const self = hasAnyRole(ctx.actor, ['host']) && ctx.actor!.userId === hostUserId;
  if (!self && !inScope(ctx.actor, countyCode, COUNTY_READERS)) throw notFound('Host');
  const user = await ctx.db.selectFrom('app_user').select(['id', 'name']).where('id', '=', hostUserId).executeTakeFirst();
  if (!user) throw notFound('Host');
  const policy = await ctx.db.selectFrom('host_policy').select(['kind', 'charity_bp', 'development_bp']).where('county_code', '=', countyCode).where('host_user_id', '=', hostUserId).executeTakeFirst();
  const st = await payableStatement(ctx, countyCode, 'host_commission_payable', hostUserId, q);
  const pledgeRows = await ctx.db.selectFrom('ledger_posting as p')
    .innerJoin('ledger_entry as e', 'e.id', 'p.entry_id')
    .innerJoin('ledger_account as a', 'a.id', 'p.account_id')
    .innerJoin('shop_order as o', 'o.id', 'e.ref_id')
    .select(['e.id as entry_id', 'e.memo', 'p.biz_date', 'a.kind', 'p.amount_fen', 'o.id as order_id', 'o.order_no'])
    .where('e.county_code', '=', countyCode).where('e.kind', '=', 'commission').where('e.ref_type', '=', 'order')
    .where('o.host_user_id', '=', hostUserId).where('a.kind', 'in', ['charity_fund', 'development_fund'])
    .where('p.biz_date', '>=', q.from).where('p.biz_date', '<=', q.to)
    .orderBy('p.id').limit(MAX_STATEMENT_LINES + 1).execute();
  if (pledgeRows.length > MAX_STATEMENT_LINES) throw invalid('/query/from', `More than ${MAX_STATEMENT_LINES} lines in this period; ask for a shorter one`, 'period_too_long');
  const byEntry = new Map<string, { entryId: string; orderId: string; orderNo: string; bizDate: string; reversal: boolean; charityFen: number; developmentFen: number }>();
  for (const r of pledgeRows) {
    const line = byEntry.get(r.entry_id) ?? { entryId: r.entry_id, orderId: r.order_id, orderNo: r.order_no, bizDate: r.biz_date, reversal: r.memo.startsWith('reversal'), charityFen: 0, developmentFen: 0 };
    // Fund postings are credits (< 0) when pledged, debits when a refund reverses them.
    if (r.kind === 'charity_fund') line.charityFen += -r.amount_fen; else line.developmentFen += -r.amount_fen;
    byEntry.set(r.entry_id, line);
  }
  const pledges = [...byEntry.values()];
  const charityFen = pledges.reduce((s, l) => s + l.charityFen, 0);
  const developmentFen = pledges.reduce((s, l) => s + l.developmentFen, 0);
  return {
    party: { kind: 'host' as const, id: user.id, name: user.name }, countyCode, from: q.from, to: q.to,
    hostKind: policy?.kind ?? ('regular' as const),
    pledgeSplit: policy?.kind === 'official' ? { charityBp: policy.charity_bp, developmentBp: policy.development_bp } : null,
    ...st,
    pledges: { items: pledges, charityFen, developmentFen, totalFen: charityFen + developmentFen },
  };
}

/**
 * How an order's money is split: the host's commission or an official's pledge to each fund,
 * the center's fee and what the supplier keeps. From the ledger once the order completed (less
 * what refunds reversed), projected by the host's policy before. Read by the order's buyer,
 * supplier and host, and the county's center and officials.
 */
export async function orderSplit(ctx: Ctx, orderId: string) {
  const o = await ctx.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).executeTakeFirst();
  const may = o && (o.buyer_id === ctx.actor?.userId || supplierIdsOf(ctx.actor).includes(o.supplier_id)
    || (o.host_user_id !== null && o.host_user_id === ctx.actor?.userId && hasAnyRole(ctx.actor, ['host'])) || inScope(ctx.actor, o.county_code, COUNTY_READERS));
  if (!o || !may) throw notFound('Order');
  const policy = o.host_user_id
    ? await ctx.db.selectFrom('host_policy').select(['kind', 'charity_bp', 'development_bp']).where('county_code', '=', o.county_code).where('host_user_id', '=', o.host_user_id).executeTakeFirst()
    : undefined;
  const postings = await ctx.db.selectFrom('ledger_posting as p').innerJoin('ledger_entry as e', 'e.id', 'p.entry_id').innerJoin('ledger_account as a', 'a.id', 'p.account_id')
    .select(['a.kind', 'p.amount_fen']).where('e.county_code', '=', o.county_code).where('e.kind', '=', 'commission').where('e.ref_type', '=', 'order').where('e.ref_id', '=', o.id).execute();
  const accrued = postings.length > 0;
  const credit = (k: AccountKind) => postings.filter((p) => p.kind === k).reduce((s, p) => s - p.amount_fen, 0);
  let hostCommissionFen = credit('host_commission_payable');
  let charityFen = credit('charity_fund');
  let developmentFen = credit('development_fund');
  let serviceFeeFen = credit('center_service_fee');
  if (!accrued) {
    const share = await hostShareFor(ctx, o);
    serviceFeeFen = applyBasisPoints(Math.max(0, o.items_fen - o.refunded_fen), ctx.deps.config.centerServiceFeeBp);
    if (share && 'commissionFen' in share) hostCommissionFen = share.commissionFen;
    else if (share) {
      [charityFen, developmentFen] = splitByBasisPoints(share.pledgeFen, [share.charityBp, share.developmentBp]) as [number, number];
    }
  }
  const keptFen = o.total_fen - o.refunded_fen;
  return {
    orderId: o.id, orderNo: o.order_no, status: o.status, countyCode: o.county_code, totalFen: o.total_fen, refundedFen: o.refunded_fen,
    accrued, hostUserId: o.host_user_id, hostKind: o.host_user_id ? policy?.kind ?? ('regular' as const) : null,
    pledgeSplit: policy?.kind === 'official' ? { charityBp: policy.charity_bp, developmentBp: policy.development_bp } : null,
    hostCommissionFen, charityFen, developmentFen, serviceFeeFen,
    supplierNetFen: keptFen - hostCommissionFen - charityFen - developmentFen - serviceFeeFen,
  };
}

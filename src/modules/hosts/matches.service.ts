import { sql, type ExpressionBuilder, type SqlBool, type Expression } from 'kysely';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { hasAnyRole, inScope, scopePrefixes, supplierIdsOf } from '../../platform/http/access.js';
import { AppError, conflict, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { maskPhone } from '../../platform/mask.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { CARRIERS, normalizeTrackingNo, trackingProblem, type Carrier } from '../fulfilment/carriers.js';
import { notify } from '../notifications/index.js';
import { CENTER, READERS, isSelf, loadProfile } from './access.js';
import type { HostMatchTable, HostSampleRequestTable, MatchKind, MatchStatus, SampleStatus } from './hosts.tables.js';
import { showcaseRefusal } from './showcase.service.js';

/**
 * Rows a caller may see: the center and officials by county, a supplier its own products',
 * a host its own. Column names are ours, never a client's.
 */
function visible(ctx: Ctx, table: 'host_match' | 'host_sample_request') {
  const prefixes = scopePrefixes(ctx.actor, READERS);
  const suppliers = supplierIdsOf(ctx.actor);
  const host = hasAnyRole(ctx.actor, ['host']) ? ctx.actor!.userId : null;
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    const ors: Expression<SqlBool>[] = prefixes.map((p) => eb(`${table}.county_code`, 'like', `${p}%`));
    if (suppliers.length) ors.push(eb(`${table}.supplier_id`, 'in', suppliers));
    if (host) ors.push(eb(`${table}.host_user_id`, '=', host));
    return ors.length ? eb.or(ors) : sql<SqlBool>`1 = 0`;
  };
}

// ---- matchmaking ------------------------------------------------------------------------------

function matchView(m: HostMatchTable & { product_title: string; supplier_name: string; host_name: string }) {
  return {
    id: m.id, countyCode: m.county_code, kind: m.kind, status: m.status,
    hostUserId: m.host_user_id, hostName: m.host_name, productId: m.product_id, productTitle: m.product_title,
    supplierId: m.supplier_id, supplierName: m.supplier_name, message: m.message, decisionNote: m.decision_note,
    decidedAt: m.decided_at, createdBy: m.created_by, createdAt: m.created_at, updatedAt: m.updated_at,
  };
}
export type MatchView = ReturnType<typeof matchView>;

function matchQuery(ctx: Ctx) {
  return ctx.db.selectFrom('host_match')
    .innerJoin('product', 'product.id', 'host_match.product_id')
    .innerJoin('supplier', 'supplier.id', 'host_match.supplier_id')
    .leftJoin('host_profile', 'host_profile.host_user_id', 'host_match.host_user_id')
    .innerJoin('app_user', 'app_user.id', 'host_match.host_user_id')
    .selectAll('host_match')
    .select((eb) => ['product.title as product_title', 'supplier.name as supplier_name', eb.fn.coalesce('host_profile.display_name', 'app_user.name').as('host_name')]);
}

async function getMatch(ctx: Ctx, id: string): Promise<MatchView> {
  const m = await matchQuery(ctx).where('host_match.id', '=', id).where(visible(ctx, 'host_match')).executeTakeFirst();
  if (!m) throw notFound('Matchmaking request');
  return matchView(m);
}

export async function listMatches(ctx: Ctx, q: { status?: MatchStatus | undefined; countyCode?: string | undefined; hostUserId?: string | undefined }) {
  let query = matchQuery(ctx).where(visible(ctx, 'host_match'));
  if (q.status) query = query.where('host_match.status', '=', q.status);
  if (q.countyCode) query = query.where('host_match.county_code', '=', q.countyCode);
  if (q.hostUserId) query = query.where('host_match.host_user_id', '=', q.hostUserId);
  const rows = await query.orderBy('host_match.id', 'desc').limit(500).execute();
  return { items: rows.map(matchView) };
}

/**
 * A supplier (or the center) invites a host to carry one of its products, or a host applies
 * to carry one (带货申请). The product must be showcase-able now; the host must be on the
 * product county's roster; one open request per host and product.
 */
export async function createMatch(ctx: Ctx, input: { kind: MatchKind; productId: string; hostUserId?: string | undefined; message?: string | undefined }) {
  const product = await ctx.db.selectFrom('product').select(['id', 'county_code', 'supplier_id']).where('id', '=', input.productId).executeTakeFirst();
  let hostUserId: string;
  if (input.kind === 'apply') {
    if (!hasAnyRole(ctx.actor, ['host'])) throw new AppError(403, 'forbidden', 'Only a host applies to carry a product');
    hostUserId = ctx.actor!.userId;
    if (!product || !inScope(ctx.actor, product.county_code, ['host'])) throw invalid('/body/productId', 'No such product in your county', 'unknown_product');
  } else {
    const center = !!product && inScope(ctx.actor, product.county_code, CENTER);
    const owner = !!product && supplierIdsOf(ctx.actor).includes(product.supplier_id);
    if (!product || (!center && !owner)) throw invalid('/body/productId', 'You can only invite a host to carry your own products', 'unknown_product');
    if (!input.hostUserId) throw invalid('/body/hostUserId', 'Name the host to invite');
    hostUserId = input.hostUserId;
  }
  const profile = await loadProfile(ctx, hostUserId);
  if (!profile || profile.county_code !== product.county_code) throw invalid(input.kind === 'apply' ? '/body/productId' : '/body/hostUserId', "The host must be on the roster of the product's county", 'host_not_on_roster');
  const refusal = await showcaseRefusal(ctx, product.id);
  if (refusal) throw refusal;
  const inShowcase = await ctx.db.selectFrom('host_showcase_item').select('product_id').where('host_user_id', '=', hostUserId).where('product_id', '=', product.id).executeTakeFirst();
  if (inShowcase) throw conflict('already_in_showcase', 'This product is already in the host\'s showcase');
  const id = newId('hostMatch');
  await inTransaction(ctx, async (tx) => {
    const pending = await tx.db.selectFrom('host_match').select('id').where('host_user_id', '=', hostUserId).where('product_id', '=', product.id).where('status', '=', 'pending').executeTakeFirst();
    if (pending) throw conflict('match_pending', 'A request for this host and product is already waiting for the center', { matchId: pending.id });
    const now = nowIso();
    await tx.db.insertInto('host_match').values({
      id, county_code: product.county_code, kind: input.kind, host_user_id: hostUserId, product_id: product.id, supplier_id: product.supplier_id,
      message: input.message?.trim() ?? '', status: 'pending', decision_note: '', decided_by: null, decided_at: null, created_by: ctx.actor!.userId, created_at: now, updated_at: now,
    }).execute();
    if (input.kind === 'invite') await notify(tx, [hostUserId], { kind: 'host_match_invited', title: '带货邀请', body: '有供货商邀请您带货，等待服务中心审核', refId: id, countyCode: product.county_code });
    await recordAudit(tx, { action: `host.match_${input.kind}`, targetType: 'host_match', targetId: id, countyCode: product.county_code, detail: { hostUserId, productId: product.id } });
  });
  return getMatch(ctx, id);
}

/**
 * The county's center approves (the product enters the host's showcase in the same
 * transaction, if it still may) or rejects a pending request; a second decision is 409.
 */
export async function decideMatch(ctx: Ctx, id: string, verdict: 'approve' | 'reject', note: string) {
  const m = await ctx.db.selectFrom('host_match').selectAll().where('id', '=', id).executeTakeFirst();
  if (!m || !inScope(ctx.actor, m.county_code, READERS)) throw notFound('Matchmaking request');
  if (!inScope(ctx.actor, m.county_code, CENTER)) throw new AppError(403, 'forbidden', 'The service center decides');
  if (verdict === 'reject' && !note.trim()) throw invalid('/body/note', 'Say why, so the supplier and host know');
  if (verdict === 'approve') {
    const refusal = await showcaseRefusal(ctx, m.product_id);
    if (refusal) throw refusal;
  }
  await inTransaction(ctx, async (tx) => {
    const now = nowIso();
    const res = await tx.db.updateTable('host_match').set({ status: verdict === 'approve' ? 'approved' : 'rejected', decision_note: note.trim(), decided_by: ctx.actor!.userId, decided_at: now, updated_at: now })
      .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('match_not_pending', 'This request has already been decided or withdrawn');
    if (verdict === 'approve') {
      await tx.db.insertInto('host_showcase_item').values({ county_code: m.county_code, host_user_id: m.host_user_id, product_id: m.product_id, added_at: now })
        .onConflict((oc) => oc.columns(['host_user_id', 'product_id']).doNothing()).execute();
    }
    await notify(tx, [m.host_user_id, m.created_by], {
      kind: `host_match_${verdict === 'approve' ? 'approved' : 'rejected'}`, title: verdict === 'approve' ? '带货申请已通过' : '带货申请未通过',
      body: verdict === 'approve' ? '商品已加入主播橱窗' : note.trim(), refId: id, countyCode: m.county_code,
    });
    await recordAudit(tx, { action: `host.match_${verdict === 'approve' ? 'approved' : 'rejected'}`, targetType: 'host_match', targetId: id, countyCode: m.county_code, detail: { note } });
  });
  return getMatch(ctx, id);
}

/** Whoever made the request withdraws it, or the invited host declines, while it is pending. */
export async function withdrawMatch(ctx: Ctx, id: string) {
  const m = await getMatch(ctx, id);
  const mayWithdraw = m.createdBy === ctx.actor!.userId || (m.kind === 'invite' && isSelf(ctx, m.hostUserId));
  if (!mayWithdraw) throw new AppError(403, 'forbidden', 'Only who made the request (or the invited host) can withdraw it');
  const res = await ctx.db.updateTable('host_match').set({ status: 'withdrawn', updated_at: nowIso() }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw conflict('match_not_pending', 'This request has already been decided or withdrawn');
  return getMatch(ctx, id);
}

// ---- samples (寄样) -----------------------------------------------------------------------------

/**
 * A sample's life. Each move is a conditional `WHERE status = :from`, so two racing calls move
 * it once. `return_ship` only for a sample that must go back.
 */
export const SAMPLE_TRANSITIONS: Record<'ship' | 'receive' | 'return_ship' | 'returned' | 'cancel', { from: SampleStatus[]; to: SampleStatus; by: ('host' | 'supplier' | 'center')[] }> = {
  ship: { from: ['requested'], to: 'shipped', by: ['supplier', 'center'] },
  receive: { from: ['shipped'], to: 'received', by: ['host', 'center'] },
  return_ship: { from: ['received'], to: 'return_shipped', by: ['host', 'center'] },
  returned: { from: ['return_shipped'], to: 'returned', by: ['supplier', 'center'] },
  cancel: { from: ['requested'], to: 'cancelled', by: ['host', 'supplier', 'center'] },
};
export type SampleAction = keyof typeof SAMPLE_TRANSITIONS;

function sampleView(ctx: Ctx, s: HostSampleRequestTable & { product_title: string; supplier_name: string; host_name: string }) {
  // The host, its supplier and the center need the phone to ship and call; officials see it masked.
  const full = isSelf(ctx, s.host_user_id) || supplierIdsOf(ctx.actor).includes(s.supplier_id) || inScope(ctx.actor, s.county_code, CENTER);
  return {
    id: s.id, countyCode: s.county_code, status: s.status, hostUserId: s.host_user_id, hostName: s.host_name,
    productId: s.product_id, productTitle: s.product_title, supplierId: s.supplier_id, supplierName: s.supplier_name,
    quantity: s.quantity, returnRequired: s.return_required === 1, recipientName: s.recipient_name,
    recipientPhone: full ? s.recipient_phone : maskPhone(s.recipient_phone), addressText: s.address_text, note: s.note,
    carrier: s.carrier, trackingNo: s.tracking_no, shippedAt: s.shipped_at, receivedAt: s.received_at,
    returnCarrier: s.return_carrier, returnTrackingNo: s.return_tracking_no, returnShippedAt: s.return_shipped_at, returnedAt: s.returned_at,
    cancelledAt: s.cancelled_at, createdAt: s.created_at, updatedAt: s.updated_at,
  };
}

function sampleQuery(ctx: Ctx) {
  return ctx.db.selectFrom('host_sample_request')
    .innerJoin('product', 'product.id', 'host_sample_request.product_id')
    .innerJoin('supplier', 'supplier.id', 'host_sample_request.supplier_id')
    .leftJoin('host_profile', 'host_profile.host_user_id', 'host_sample_request.host_user_id')
    .innerJoin('app_user', 'app_user.id', 'host_sample_request.host_user_id')
    .selectAll('host_sample_request')
    .select((eb) => ['product.title as product_title', 'supplier.name as supplier_name', eb.fn.coalesce('host_profile.display_name', 'app_user.name').as('host_name')]);
}

async function getSample(ctx: Ctx, id: string) {
  const s = await sampleQuery(ctx).where('host_sample_request.id', '=', id).where(visible(ctx, 'host_sample_request')).executeTakeFirst();
  if (!s) throw notFound('Sample request');
  return sampleView(ctx, s);
}

export async function listSamples(ctx: Ctx, q: { status?: SampleStatus | undefined; countyCode?: string | undefined }) {
  let query = sampleQuery(ctx).where(visible(ctx, 'host_sample_request'));
  if (q.status) query = query.where('host_sample_request.status', '=', q.status);
  if (q.countyCode) query = query.where('host_sample_request.county_code', '=', q.countyCode);
  const rows = await query.orderBy('host_sample_request.id', 'desc').limit(500).execute();
  return { items: rows.map((r) => sampleView(ctx, r)) };
}

export interface SampleInput {
  productId: string;
  quantity: number;
  returnRequired: boolean;
  recipientName: string;
  recipientPhone: string;
  addressText: string;
  note?: string | undefined;
}

/**
 * A host asks the supplier for samples of a product it carries (in its showcase) or has
 * asked to carry (a pending or approved request); at most the selection base's sample
 * quantity when the center set one.
 */
export async function requestSample(ctx: Ctx, input: SampleInput) {
  const hostUserId = ctx.actor!.userId;
  const product = await ctx.db.selectFrom('product').leftJoin('selection_item', 'selection_item.product_id', 'product.id')
    .select(['product.id', 'product.county_code', 'product.supplier_id', 'selection_item.sample_quantity']).where('product.id', '=', input.productId).executeTakeFirst();
  if (!product || !inScope(ctx.actor, product.county_code, ['host'])) throw invalid('/body/productId', 'No such product in your county', 'unknown_product');
  const [inShowcase, match] = await Promise.all([
    ctx.db.selectFrom('host_showcase_item').select('product_id').where('host_user_id', '=', hostUserId).where('product_id', '=', product.id).executeTakeFirst(),
    ctx.db.selectFrom('host_match').select('id').where('host_user_id', '=', hostUserId).where('product_id', '=', product.id).where('status', 'in', ['pending', 'approved']).executeTakeFirst(),
  ]);
  if (!inShowcase && !match) throw conflict('sample_needs_match', 'Add the product to your showcase or apply to carry it before asking for samples');
  const supplier = await ctx.db.selectFrom('supplier').select('status').where('id', '=', product.supplier_id).executeTakeFirstOrThrow();
  if (supplier.status !== 'active') throw conflict('supplier_suspended', "This product's supplier is suspended");
  if (product.sample_quantity && input.quantity > product.sample_quantity) throw invalid('/body/quantity', `The supplier offers at most ${product.sample_quantity} samples of this product`, 'too_many_samples');
  const id = newId('hostSample');
  await inTransaction(ctx, async (tx) => {
    const now = nowIso();
    await tx.db.insertInto('host_sample_request').values({
      id, county_code: product.county_code, host_user_id: hostUserId, product_id: product.id, supplier_id: product.supplier_id, quantity: input.quantity,
      return_required: input.returnRequired ? 1 : 0, recipient_name: input.recipientName.trim(), recipient_phone: input.recipientPhone, address_text: input.addressText.trim(),
      note: input.note?.trim() ?? '', status: 'requested', carrier: null, tracking_no: null, shipped_at: null, received_at: null, return_carrier: null,
      return_tracking_no: null, return_shipped_at: null, returned_at: null, cancelled_at: null, created_at: now, updated_at: now,
    }).execute();
    const supplierUsers = await tx.db.selectFrom('role_grant').select('user_id').where('role', '=', 'supplier').where('supplier_id', '=', product.supplier_id).execute();
    await notify(tx, supplierUsers.map((u) => u.user_id), { kind: 'host_sample_requested', title: '主播申请寄样', body: `${input.quantity} 份样品`, refId: id, countyCode: product.county_code });
    await recordAudit(tx, { action: 'host.sample_requested', targetType: 'host_sample', targetId: id, countyCode: product.county_code, detail: { productId: product.id, quantity: input.quantity } });
  });
  return getSample(ctx, id);
}

/** Moves a sample along SAMPLE_TRANSITIONS: shipping (either way) needs a carrier and tracking number. */
export async function moveSample(ctx: Ctx, id: string, action: SampleAction, body: { carrier?: string | undefined; trackingNo?: string | undefined }) {
  const s = await getSample(ctx, id);
  const t = SAMPLE_TRANSITIONS[action];
  const roles = new Set<string>();
  if (isSelf(ctx, s.hostUserId)) roles.add('host');
  if (supplierIdsOf(ctx.actor).includes(s.supplierId)) roles.add('supplier');
  if (inScope(ctx.actor, s.countyCode, CENTER)) roles.add('center');
  if (!t.by.some((b) => roles.has(b))) throw new AppError(403, 'forbidden', `Only the ${t.by.join(' or ')} can do this`);
  if (!t.from.includes(s.status)) throw conflict('sample_wrong_status', `A sample that is ${s.status} cannot be moved this way`, { status: s.status });
  if (action === 'return_ship' && !s.returnRequired) throw conflict('return_not_required', 'This sample does not need to go back');
  const now = nowIso();
  const set: Partial<HostSampleRequestTable> = { status: t.to, updated_at: now };
  if (action === 'ship' || action === 'return_ship') {
    const carrier = body.carrier as Carrier | undefined;
    if (!carrier || !CARRIERS.includes(carrier)) throw invalid('/body/carrier', `Choose a carrier: ${CARRIERS.join(', ')}`);
    const trackingNo = normalizeTrackingNo(body.trackingNo ?? '');
    const problem = trackingProblem(carrier, trackingNo);
    if (problem) throw invalid('/body/trackingNo', problem, 'bad_tracking_no');
    if (action === 'ship') Object.assign(set, { carrier, tracking_no: trackingNo, shipped_at: now });
    else Object.assign(set, { return_carrier: carrier, return_tracking_no: trackingNo, return_shipped_at: now });
  }
  if (action === 'receive') set.received_at = now;
  if (action === 'returned') set.returned_at = now;
  if (action === 'cancel') set.cancelled_at = now;
  await inTransaction(ctx, async (tx) => {
    const res = await tx.db.updateTable('host_sample_request').set(set).where('id', '=', id).where('status', 'in', t.from).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('sample_wrong_status', 'This sample was just moved by someone else; reload');
    await recordAudit(tx, { action: `host.sample_${action}`, targetType: 'host_sample', targetId: id, countyCode: s.countyCode });
  });
  return getSample(ctx, id);
}

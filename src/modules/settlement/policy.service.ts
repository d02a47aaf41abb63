import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { type Role, hasAnyRole, inScope } from '../../platform/http/access.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { applyBasisPoints } from '../../platform/money.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { commissionCapBp } from '../hosts/index.js';
import type { HostShare } from '../ledger/index.js';
import type { ShopOrderTable } from '../orders/orders.tables.js';
import type { Fund, HostKind, HostPolicyOverrideTable, HostPolicyTable, OverrideScope, PolicyBasis } from './settlement.tables.js';

/** Who sets policies and pays: the county's center. */
export const CENTER: readonly Role[] = ['center_admin', 'operator'];
/** Who reads a county's money: the center and the county's officials. */
export const COUNTY_READERS: readonly Role[] = ['center_admin', 'operator', 'official'];
/** The most a host may take of a line: 50 % (5,000 bp), whatever the rule. */
export const MAX_RATE_BP = 5000;

export interface OverrideInput {
  scope: OverrideScope;
  target: string;
  basis: 'rate' | 'fixed';
  rateBp?: number | undefined;
  fixedFen?: number | undefined;
}

export interface PolicyInput {
  kind: HostKind;
  basis: PolicyBasis;
  rateBp?: number | undefined;
  fixedFen?: number | undefined;
  charityBp?: number | undefined;
  developmentBp?: number | undefined;
  payee?: { name: string; bank: string; account: string } | null | undefined;
  overrides?: OverrideInput[] | undefined;
}

const maskAccount = (a: string | null) => (a ? `****${a.slice(-4)}` : null);

function checkRule(pointer: string, rateBp: number, fixedFen: number, capBp = MAX_RATE_BP) {
  if (!Number.isInteger(rateBp) || rateBp < 0) throw invalid(`${pointer}/rateBp`, 'A commission rate cannot be negative', 'negative_commission');
  if (rateBp > MAX_RATE_BP) throw invalid(`${pointer}/rateBp`, `A commission rate is at most ${MAX_RATE_BP} bp (50 %)`, 'commission_above_maximum');
  if (rateBp > capBp) throw invalid(`${pointer}/rateBp`, `A commission rate is at most the county's cap of ${capBp} bp`, 'commission_above_maximum');
  if (!Number.isSafeInteger(fixedFen) || fixedFen < 0) throw invalid(`${pointer}/fixedFen`, 'A fixed commission cannot be negative', 'negative_commission');
}

/** Refuses a fixed commission per unit above half the cheapest price of the products it applies to. */
async function checkFixedAgainstPrices(ctx: Ctx, countyCode: string, pointer: string, fixedFen: number, scope?: { scope: OverrideScope; target: string }, capBp = MAX_RATE_BP) {
  if (fixedFen === 0) return;
  let q = ctx.db.selectFrom('sku').innerJoin('product', 'product.id', 'sku.product_id')
    .select((eb) => eb.fn.min('sku.price_fen').as('min_price')).where('product.county_code', '=', countyCode).where('sku.archived_at', 'is', null);
  if (scope?.scope === 'product') q = q.where('product.id', '=', scope.target);
  if (scope?.scope === 'category') q = q.where('product.category_code', '=', scope.target);
  const row = await q.executeTakeFirst();
  const min = row?.min_price == null ? null : Number(row.min_price);
  if (min !== null && fixedFen > applyBasisPoints(min, Math.min(capBp, MAX_RATE_BP))) {
    throw invalid(`${pointer}/fixedFen`, `${fixedFen} fen per unit is above the allowed maximum: ${Math.min(capBp, MAX_RATE_BP) / 100} % of the cheapest price it applies to (${min} fen)`, 'commission_above_maximum');
  }
}

async function isHostIn(ctx: Ctx, userId: string, countyCode: string): Promise<boolean> {
  const grants = await ctx.db.selectFrom('role_grant').select('region_prefix').where('user_id', '=', userId).where('role', '=', 'host').execute();
  return grants.some((g) => countyCode.startsWith(g.region_prefix));
}

function policyView(p: HostPolicyTable | undefined, overrides: HostPolicyOverrideTable[], countyCode: string, hostUserId: string, full: boolean) {
  const kind = p?.kind ?? 'regular';
  return {
    countyCode, hostUserId, kind, basis: p?.basis ?? ('selection' as const),
    rateBp: p?.rate_bp ?? 0, fixedFen: p?.fixed_fen ?? 0,
    /** What the host itself earns of its share: nothing for an official. */
    hostEarns: kind !== 'official',
    pledge: kind === 'official' ? { charityBp: p!.charity_bp, developmentBp: p!.development_bp } : null,
    isDefault: !p,
    overrides: overrides.map((o) => ({ id: o.id, scope: o.scope, target: o.target, basis: o.basis, rateBp: o.rate_bp, fixedFen: o.fixed_fen })),
    payee: full && p?.payee_name ? { name: p.payee_name, bank: p.payee_bank ?? '', accountMasked: maskAccount(p.payee_account) } : null,
    updatedAt: p?.updated_at ?? null,
  };
}
export type PolicyView = ReturnType<typeof policyView>;

async function loadPolicy(ctx: Ctx, countyCode: string, hostUserId: string) {
  const p = await ctx.db.selectFrom('host_policy').selectAll().where('county_code', '=', countyCode).where('host_user_id', '=', hostUserId).executeTakeFirst();
  const overrides = p ? await ctx.db.selectFrom('host_policy_override').selectAll().where('county_code', '=', countyCode)
    .where('host_user_id', '=', hostUserId).orderBy('scope').orderBy('target').execute() : [];
  return { p, overrides };
}

/**
 * A host's policy in a county. An official's policy (earns nothing, its pledge split) is public;
 * a regular host's is read by the host itself and the county's center and officials.
 */
export async function getPolicy(ctx: Ctx, countyCode: string, hostUserId: string): Promise<PolicyView> {
  const { p, overrides } = await loadPolicy(ctx, countyCode, hostUserId);
  const staff = inScope(ctx.actor, countyCode, COUNTY_READERS);
  const self = hasAnyRole(ctx.actor, ['host']) && ctx.actor!.userId === hostUserId;
  if (!staff && !self && p?.kind !== 'official') throw notFound('Host policy');
  return policyView(p, overrides, countyCode, hostUserId, staff || self);
}

/** The policies a center or official reads for its county. */
export async function listPolicies(ctx: Ctx, countyCode: string) {
  if (!inScope(ctx.actor, countyCode, COUNTY_READERS)) return { countyCode, items: [] };
  const rows = await ctx.db.selectFrom('host_policy').selectAll().where('county_code', '=', countyCode).orderBy('host_user_id').execute();
  const overrides = rows.length ? await ctx.db.selectFrom('host_policy_override').selectAll().where('county_code', '=', countyCode).execute() : [];
  return { countyCode, items: rows.map((p) => policyView(p, overrides.filter((o) => o.host_user_id === p.host_user_id), countyCode, p.host_user_id, true)) };
}

/**
 * Sets (replaces) a host's policy in a county with its overrides, audited. Refused: a rate
 * above 5,000 bp or negative, a negative fixed amount or one above half the cheapest price it
 * applies to, an official without a pledge split summing to 10,000 bp (or a regular host with
 * one), an override naming a product of another county, a user who is not a host there.
 */
export async function setPolicy(ctx: Ctx, countyCode: string, hostUserId: string, input: PolicyInput): Promise<PolicyView> {
  if (!inScope(ctx.actor, countyCode, CENTER)) throw notFound('County');
  const rateBp = input.basis === 'rate' ? input.rateBp ?? 0 : 0;
  const fixedFen = input.basis === 'fixed' ? input.fixedFen ?? 0 : 0;
  if (input.basis === 'rate' && input.rateBp === undefined) throw invalid('/body/rateBp', 'A rate policy needs rateBp');
  if (input.basis === 'fixed' && input.fixedFen === undefined) throw invalid('/body/fixedFen', 'A fixed policy needs fixedFen (fen per unit)');
  // The county's cap (hosts module; 5,000 bp when the center set none) bounds every rule.
  const capBp = await commissionCapBp(ctx, countyCode);
  checkRule('/body', input.rateBp ?? rateBp, input.fixedFen ?? fixedFen, capBp);
  const charityBp = input.charityBp ?? 0;
  const developmentBp = input.developmentBp ?? 0;
  if (input.kind === 'official') {
    if (!Number.isInteger(charityBp) || !Number.isInteger(developmentBp) || charityBp < 0 || developmentBp < 0 || charityBp + developmentBp !== 10_000) {
      throw invalid('/body/charityBp', 'An official takes no commission: its share is pledged, and charityBp + developmentBp must add up to 10000', 'pledge_split_invalid');
    }
  } else if (charityBp || developmentBp) {
    throw invalid('/body/charityBp', 'Only an official host pledges its share to the funds', 'pledge_not_official');
  }
  const overrides = input.overrides ?? [];
  const seen = new Set<string>();
  for (const [i, o] of overrides.entries()) {
    const ptr = `/body/overrides/${i}`;
    if (o.basis === 'rate' && o.rateBp === undefined) throw invalid(`${ptr}/rateBp`, 'A rate override needs rateBp');
    if (o.basis === 'fixed' && o.fixedFen === undefined) throw invalid(`${ptr}/fixedFen`, 'A fixed override needs fixedFen');
    checkRule(ptr, o.basis === 'rate' ? o.rateBp ?? 0 : 0, o.basis === 'fixed' ? o.fixedFen ?? 0 : 0, capBp);
    const key = `${o.scope}|${o.target}`;
    if (seen.has(key)) throw invalid(ptr, `${o.scope} ${o.target} has two overrides`, 'duplicate_override');
    seen.add(key);
    if (o.scope === 'product') {
      const prod = await ctx.db.selectFrom('product').select('county_code').where('id', '=', o.target).executeTakeFirst();
      if (!prod || prod.county_code !== countyCode) throw invalid(`${ptr}/target`, 'No such product in this county', 'unknown_product');
    } else {
      const cat = await ctx.db.selectFrom('category').select('code').where('code', '=', o.target).executeTakeFirst();
      if (!cat) throw invalid(`${ptr}/target`, 'No such category', 'unknown_category');
    }
    if (o.basis === 'fixed') await checkFixedAgainstPrices(ctx, countyCode, `${ptr}`, o.fixedFen ?? 0, o, capBp);
  }
  if (input.basis === 'fixed') await checkFixedAgainstPrices(ctx, countyCode, '/body', fixedFen, undefined, capBp);
  if (!(await isHostIn(ctx, hostUserId, countyCode))) throw new AppError(422, 'not_a_host', 'This user is not a host in this county', [{ pointer: '/params/hostUserId', detail: 'not a host here', code: 'not_a_host' }]);

  await inTransaction(ctx, async (tx) => {
    const now = nowIso();
    const row: HostPolicyTable = {
      county_code: countyCode, host_user_id: hostUserId, kind: input.kind, basis: input.basis, rate_bp: rateBp, fixed_fen: fixedFen,
      charity_bp: input.kind === 'official' ? charityBp : 0, development_bp: input.kind === 'official' ? developmentBp : 0,
      payee_name: input.payee?.name ?? null, payee_bank: input.payee?.bank ?? null, payee_account: input.payee?.account ?? null,
      updated_by: ctx.actor?.userId ?? null, created_at: now, updated_at: now,
    };
    const { created_at: _c, county_code: _k, host_user_id: _h, ...update } = row;
    // Payee details are kept when the body leaves them out (undefined), cleared with null.
    const keepPayee = input.payee === undefined;
    await tx.db.insertInto('host_policy').values(row)
      .onConflict((oc) => oc.columns(['county_code', 'host_user_id']).doUpdateSet(keepPayee
        ? { kind: update.kind, basis: update.basis, rate_bp: update.rate_bp, fixed_fen: update.fixed_fen, charity_bp: update.charity_bp, development_bp: update.development_bp, updated_by: update.updated_by, updated_at: update.updated_at }
        : update))
      .execute();
    await tx.db.deleteFrom('host_policy_override').where('county_code', '=', countyCode).where('host_user_id', '=', hostUserId).execute();
    if (overrides.length) {
      await tx.db.insertInto('host_policy_override').values(overrides.map((o) => ({
        id: newId('hostPolicyOverride'), county_code: countyCode, host_user_id: hostUserId, scope: o.scope, target: o.target, basis: o.basis,
        rate_bp: o.basis === 'rate' ? o.rateBp ?? 0 : 0, fixed_fen: o.basis === 'fixed' ? o.fixedFen ?? 0 : 0, created_at: now,
      }))).execute();
    }
    await recordAudit(tx, {
      action: 'host_policy.set', targetType: 'host', targetId: hostUserId, countyCode,
      detail: { kind: input.kind, basis: input.basis, rateBp, fixedFen, charityBp, developmentBp, overrides: overrides.length, payeeChanged: !keepPayee },
    });
  });
  return getPolicy(ctx, countyCode, hostUserId);
}

/** Where a fund's payouts go (the charity's or the development fund's bank account); audited. */
export async function setFundPayee(ctx: Ctx, countyCode: string, fund: Fund, p: { name: string; bank: string; account: string }) {
  if (!inScope(ctx.actor, countyCode, ['center_admin'])) throw notFound('County');
  await inTransaction(ctx, async (tx) => {
    const now = nowIso();
    await tx.db.insertInto('fund_payee').values({ county_code: countyCode, fund, payee_name: p.name, payee_bank: p.bank, payee_account: p.account, updated_at: now })
      .onConflict((oc) => oc.columns(['county_code', 'fund']).doUpdateSet({ payee_name: p.name, payee_bank: p.bank, payee_account: p.account, updated_at: now }))
      .execute();
    await recordAudit(tx, { action: 'fund_payee.set', targetType: 'fund', targetId: fund, countyCode, detail: { name: p.name, bank: p.bank } });
  });
  return { countyCode, fund, name: p.name, bank: p.bank, accountMasked: maskAccount(p.account)! };
}

/**
 * The host's share of an order, as the ledger books it on completion: undefined when no host
 * sold it; a regular host's commission; or, for an official (who earns nothing), the same share
 * pledged to the charity and development funds by its split. Each line's rule is the host's
 * override for the product, else for its category, else the host's default (the selection-base
 * rate of the product when the host has no policy), capped at the county's cap (at most 50 %) of the line. Shipping is not
 * commissioned. When part of the order was refunded before completion, the share is scaled to
 * what the buyer kept, rounded down.
 */
export async function hostShareFor(ctx: Ctx, order: Pick<ShopOrderTable, 'id' | 'county_code' | 'host_user_id' | 'items_fen' | 'refunded_fen'>): Promise<HostShare | undefined> {
  if (!order.host_user_id) return undefined;
  const { p, overrides } = await loadPolicy(ctx, order.county_code, order.host_user_id);
  const lines = await ctx.db.selectFrom('order_item')
    .leftJoin('selection_item', 'selection_item.product_id', 'order_item.product_id')
    .leftJoin('product', 'product.id', 'order_item.product_id')
    .select(['order_item.line_fen', 'order_item.quantity', 'order_item.product_id', 'product.category_code', 'selection_item.commission_rate_bp'])
    .where('order_item.order_id', '=', order.id).execute();
  // The county's cap also bounds what a selection-base rate (set in the catalog) would give.
  const capBp = Math.min(MAX_RATE_BP, await commissionCapBp(ctx, order.county_code));
  let full = 0;
  for (const l of lines) {
    const rule = overrides.find((o) => o.scope === 'product' && o.target === l.product_id)
      ?? overrides.find((o) => o.scope === 'category' && o.target === l.category_code)
      ?? { basis: p?.basis ?? 'selection', rate_bp: p?.rate_bp ?? 0, fixed_fen: p?.fixed_fen ?? 0 };
    const share = rule.basis === 'selection' ? applyBasisPoints(l.line_fen, l.commission_rate_bp ?? 0)
      : rule.basis === 'rate' ? applyBasisPoints(l.line_fen, rule.rate_bp)
        : rule.fixed_fen * l.quantity;
    full += Math.min(share, applyBasisPoints(l.line_fen, capBp));
  }
  const keptFen = Math.max(0, order.items_fen - order.refunded_fen);
  const shareFen = keptFen >= order.items_fen || order.items_fen === 0 ? full : Number((BigInt(full) * BigInt(keptFen)) / BigInt(order.items_fen));
  if (p?.kind === 'official') return { pledgeFen: shareFen, charityBp: p.charity_bp, developmentBp: p.development_bp };
  return { hostUserId: order.host_user_id, commissionFen: shareFen };
}

import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { inScope } from '../../platform/http/access.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { checkListingRule } from '../catalog/index.js';
import { regionLabel } from '../regions/index.js';
import { getPolicy } from '../settlement/index.js';
import { CENTER, READERS, isHostIn, isSelf, loadProfile } from './access.js';

/**
 * Why a product may not go into a showcase (or be carried through matchmaking), or null when
 * it may: it must be in the county's selection base, on sale, and its supplier active with
 * the licences its category needs still valid.
 */
export async function showcaseRefusal(ctx: Ctx, productId: string): Promise<AppError | null> {
  const p = await ctx.db.selectFrom('product').innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .leftJoin('selection_item', 'selection_item.product_id', 'product.id')
    .select(['product.id', 'product.status', 'product.category_code', 'product.supplier_id', 'supplier.status as supplier_status', 'selection_item.id as sel_id'])
    .where('product.id', '=', productId).executeTakeFirst();
  if (!p) return new AppError(404, 'not_found', 'Product not found');
  if (!p.sel_id) return new AppError(409, 'not_in_selection', 'Only products in the selection base (选品库) can go into a showcase; ask the center to add it first');
  if (p.supplier_status !== 'active') return new AppError(409, 'supplier_suspended', "This product's supplier is suspended; it cannot be sold now");
  const listing = await checkListingRule(ctx, p.category_code, p.supplier_id);
  if (!listing.ok) return new AppError(409, 'supplier_licence_lapsed', "This product's supplier no longer holds a valid licence for it; it cannot be sold until the licence is renewed", [], { missing: listing.missing });
  if (p.status !== 'on_sale') return new AppError(409, 'product_not_on_sale', 'This product is not on sale now');
  return null;
}

/** The county of a product a caller may see (the product's county in the actor's host or staff scope). */
async function productCounty(ctx: Ctx, productId: string): Promise<string> {
  const p = await ctx.db.selectFrom('product').select('county_code').where('id', '=', productId).executeTakeFirst();
  if (!p) throw notFound('Product');
  return p.county_code;
}

/** A host's showcase may be changed by the host itself or by the center of the host's county. */
async function showcaseOwner(ctx: Ctx, hostUserId: string) {
  const profile = await loadProfile(ctx, hostUserId);
  if (isSelf(ctx, hostUserId)) return profile;
  if (profile && inScope(ctx.actor, profile.county_code, CENTER)) return profile;
  if (profile && inScope(ctx.actor, profile.county_code, READERS)) throw new AppError(403, 'forbidden', 'Only the host or the service center can change a showcase');
  throw notFound('Host');
}

/**
 * Adds a product to a host's showcase (橱窗): refused unless it is in the selection base, on
 * sale, from an active supplier with valid licences, in a county where the user is a host.
 * Adding one already there answers `added: false`.
 */
export async function addToShowcase(ctx: Ctx, hostUserId: string, productId: string) {
  await showcaseOwner(ctx, hostUserId);
  const countyCode = await productCounty(ctx, productId);
  if (!(await isHostIn(ctx, hostUserId, countyCode))) throw new AppError(409, 'not_host_in_county', "This product is from a county where this user is not a host");
  const refusal = await showcaseRefusal(ctx, productId);
  if (refusal) throw refusal;
  const added = await inTransaction(ctx, async (tx) => {
    const res = await tx.db.insertInto('host_showcase_item').values({ county_code: countyCode, host_user_id: hostUserId, product_id: productId, added_at: nowIso() })
      .onConflict((oc) => oc.columns(['host_user_id', 'product_id']).doNothing()).executeTakeFirst();
    const n = Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
    if (n) await recordAudit(tx, { action: 'host.showcase_added', targetType: 'host', targetId: hostUserId, countyCode, detail: { productId } });
    return n;
  });
  return { added, items: (await listShowcase(ctx, hostUserId)).items };
}

export async function removeFromShowcase(ctx: Ctx, hostUserId: string, productId: string) {
  await showcaseOwner(ctx, hostUserId);
  await inTransaction(ctx, async (tx) => {
    const row = await tx.db.deleteFrom('host_showcase_item').where('host_user_id', '=', hostUserId).where('product_id', '=', productId).returning('county_code').executeTakeFirst();
    if (!row) throw notFound('Showcase item');
    await recordAudit(tx, { action: 'host.showcase_removed', targetType: 'host', targetId: hostUserId, countyCode: row.county_code, detail: { productId } });
  });
  return listShowcase(ctx, hostUserId);
}

/** The showcase with each product's selling facts; `sellable` is false once it came off sale or its supplier lapsed. */
export async function listShowcase(ctx: Ctx, hostUserId: string, opts: { publicOnly?: boolean } = {}) {
  if (!opts.publicOnly) {
    const profile = await loadProfile(ctx, hostUserId);
    if (!isSelf(ctx, hostUserId) && !(profile && inScope(ctx.actor, profile.county_code, READERS))) throw notFound('Host');
  }
  const rows = await ctx.db.selectFrom('host_showcase_item as h')
    .innerJoin('product', 'product.id', 'h.product_id')
    .innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .leftJoin('selection_item', 'selection_item.product_id', 'product.id')
    .select((eb) => [
      'h.product_id', 'h.added_at', 'h.county_code', 'product.title', 'product.unit', 'product.status', 'product.cover_file_id', 'product.origin_village_code',
      'product.supplier_id', 'supplier.name as supplier_name', 'supplier.status as supplier_status', 'selection_item.commission_rate_bp', 'selection_item.suggested_price_fen',
      eb.selectFrom('sku').select((e2) => e2.fn.min('sku.price_fen').as('p')).whereRef('sku.product_id', '=', 'product.id').where('sku.archived_at', 'is', null).as('min_price_fen'),
    ])
    .where('h.host_user_id', '=', hostUserId).orderBy('h.added_at', 'desc').execute();
  const items = rows.map((r) => ({
    productId: r.product_id,
    title: r.title,
    unit: r.unit,
    coverUrl: r.cover_file_id ? `/api/v1/files/${r.cover_file_id}` : null,
    origin: regionLabel(ctx.deps.regions, r.origin_village_code, 'township'),
    supplierId: r.supplier_id,
    supplierName: r.supplier_name,
    minPriceFen: r.min_price_fen == null ? null : Number(r.min_price_fen),
    commissionRateBp: r.commission_rate_bp ?? null,
    inSelection: r.commission_rate_bp != null,
    sellable: r.status === 'on_sale' && r.supplier_status === 'active' && r.commission_rate_bp != null,
    addedAt: r.added_at,
  }));
  return { hostUserId, items: opts.publicOnly ? items.filter((i) => i.sellable).map((i) => ({ ...i, commissionRateBp: null })) : items };
}

/**
 * Whether a product is in a host's showcase and still sellable: what the live module checks
 * before a product enters the host's run-of-show.
 */
export async function isInShowcase(ctx: Ctx, hostUserId: string, productId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('host_showcase_item').select('product_id').where('host_user_id', '=', hostUserId).where('product_id', '=', productId).executeTakeFirst();
  return !!row && (await showcaseRefusal(ctx, productId)) === null;
}

/**
 * The public host page (no ID data, no phone): name, kind, township, bio, specialities,
 * linked accounts, the sellable showcase and, for an official, where its share goes.
 * Only hosts whose real name the center verified are shown.
 */
export async function publicProfile(ctx: Ctx, hostUserId: string) {
  const p = await loadProfile(ctx, hostUserId);
  if (!p || p.verification !== 'verified') throw notFound('Host');
  const [accounts, showcase, policy] = await Promise.all([
    ctx.db.selectFrom('host_external_account').select(['platform', 'handle', 'followers']).where('host_user_id', '=', hostUserId).orderBy('platform').execute(),
    listShowcase(ctx, hostUserId, { publicOnly: true }),
    getPolicy({ ...ctx, actor: null }, p.county_code, hostUserId).catch(() => null),
  ]);
  const specialities = (() => { try { return JSON.parse(p.specialities) as string[]; } catch { return []; } })();
  return {
    hostUserId, countyCode: p.county_code, countyName: regionLabel(ctx.deps.regions, p.county_code, 'county'),
    displayName: p.display_name, kind: p.kind, townshipName: regionLabel(ctx.deps.regions, p.township_code, 'township'),
    bio: p.bio, specialities,
    externalAccounts: accounts.map((a) => ({ platform: a.platform, handle: a.handle, followers: Number(a.followers) })),
    showcase: showcase.items,
    /** An official takes no commission: where its share goes, as the public pledge. */
    pledge: policy?.kind === 'official' && policy.pledge ? { charityBp: policy.pledge.charityBp, developmentBp: policy.pledge.developmentBp } : null,
  };
}

/** The county's verified hosts as anyone may see them (a directory for buyers, and for suppliers choosing whom to invite). */
export async function publicDirectory(ctx: Ctx, countyCode: string) {
  const rows = await ctx.db.selectFrom('host_profile').select(['host_user_id', 'display_name', 'kind', 'township_code', 'specialities'])
    .where('county_code', '=', countyCode).where('verification', '=', 'verified').orderBy('display_name').execute();
  const accounts = rows.length ? await ctx.db.selectFrom('host_external_account').select(['host_user_id', 'followers']).where('host_user_id', 'in', rows.map((r) => r.host_user_id)).execute() : [];
  return {
    countyCode,
    items: rows.map((r) => ({
      hostUserId: r.host_user_id, displayName: r.display_name, kind: r.kind, townshipName: regionLabel(ctx.deps.regions, r.township_code, 'township'),
      specialities: (() => { try { return JSON.parse(r.specialities) as string[]; } catch { return []; } })(),
      followers: accounts.filter((a) => a.host_user_id === r.host_user_id).reduce((n, a) => n + Number(a.followers), 0),
    })).sort((a, b) => b.followers - a.followers),
  };
}

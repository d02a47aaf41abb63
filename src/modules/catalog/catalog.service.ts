import type { FastifyRequest } from 'fastify';
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import type { Database } from '../../database.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.js';
import { type Role, inScope, scopePrefixes, supplierIdsOf } from '../../platform/http/access.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { withinScope } from '../../platform/db/scope.js';
import { lockRow } from '../../platform/db/lock.js';
import { newId } from '../../platform/ids.js';
import { bizDate, nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { inTransactionKeepingFile, putFile, readUpload, recordReceivedFile } from '../files/index.js';
import { regionLabel, requireRegionInCounty } from '../regions/index.js';
import { CENTER_ROLES, escapeLike, LICENCE_LABELS, type LicenceKind } from '../suppliers/index.js';
import type { ProductStatus, ProductTable, SkuTable } from './catalog.tables.js';
import { checkListingRule, describeMissing } from './listing-rule.js';
import { isValidGtin } from './gtin.js';

/** Stock per SKU stays within a 32-bit integer on both databases, with room to spare. */
const MAX_STOCK = 100_000_000;

/** Staff who read a county's catalog (officials only read). */
const READ_ROLES: readonly Role[] = ['center_admin', 'operator', 'official'];
/** Who browses the selection base to pick products to sell. */
const SELECTION_ROLES: readonly Role[] = ['center_admin', 'operator', 'official', 'host'];

/**
 * Product states and the moves between them. Going on sale also passes the listing rule;
 * the expiry flow takes products off sale when a needed licence lapses.
 */
export const PRODUCT_TRANSITIONS: Record<ProductStatus, readonly ProductStatus[]> = {
  draft: ['on_sale'],
  on_sale: ['off_sale'],
  off_sale: ['on_sale'],
};

const fileUrl = (fileId: string | null) => (fileId ? `/api/v1/files/${fileId}` : null);

function isOwner(ctx: Ctx, supplierId: string) {
  return supplierIdsOf(ctx.actor).includes(supplierId);
}

async function loadVisibleProduct(ctx: Ctx, productId: string): Promise<ProductTable> {
  const p = await ctx.db.selectFrom('product').selectAll().where('id', '=', productId).executeTakeFirst();
  if (!p || !(isOwner(ctx, p.supplier_id) || inScope(ctx.actor, p.county_code, READ_ROLES))) throw notFound('Product');
  return p;
}

async function loadEditableProduct(ctx: Ctx, productId: string): Promise<ProductTable> {
  const p = await loadVisibleProduct(ctx, productId);
  if (!isOwner(ctx, p.supplier_id) && !inScope(ctx.actor, p.county_code, CENTER_ROLES)) throw forbidden('Only the supplier or its center can change this product');
  return p;
}

/** The text LIKE-search runs over: lower-cased, so "Blueberry" and "blueberry" both match. */
async function refreshSearchText(ctx: Ctx, productId: string): Promise<void> {
  const p = await ctx.db.selectFrom('product')
    .innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .innerJoin('category', 'category.code', 'product.category_code')
    .leftJoin('selection_item', 'selection_item.product_id', 'product.id')
    .select(['product.title', 'product.subtitle', 'product.description', 'product.origin_village_code', 'supplier.name as supplier_name', 'category.name_zh', 'category.name_en', 'selection_item.selling_points'])
    .where('product.id', '=', productId).executeTakeFirstOrThrow();
  const points = p.selling_points ? (JSON.parse(p.selling_points) as string[]).join(' ') : '';
  const text = [p.title, p.subtitle, p.description.slice(0, 1000), p.supplier_name, p.name_zh, p.name_en, regionLabel(ctx.deps.regions, p.origin_village_code), points]
    .join(' ').toLowerCase();
  await ctx.db.updateTable('product').set({ search_text: text }).where('id', '=', productId).execute();
}

// ---- categories -----------------------------------------------------------------------

export async function listCategories(ctx: Ctx) {
  const cats = await ctx.db.selectFrom('category').selectAll().orderBy('sort').execute();
  const reqs = await ctx.db.selectFrom('category_licence_requirement').selectAll().orderBy('requirement_group').orderBy('licence_kind').execute();
  return cats.map((c) => {
    const groups = new Map<number, LicenceKind[]>();
    for (const r of reqs.filter((x) => x.category_code === c.code)) groups.set(r.requirement_group, [...(groups.get(r.requirement_group) ?? []), r.licence_kind]);
    return { code: c.code, nameZh: c.name_zh, nameEn: c.name_en, returnsPolicy: c.returns_policy, requiredLicences: [...groups.values()] };
  });
}

// ---- products ---------------------------------------------------------------------------

export interface ProductFilters {
  q?: string | undefined;
  categoryCode?: string | undefined;
  countyCode?: string | undefined;
  villageCode?: string | undefined;
  inStock?: boolean | undefined;
  preSale?: boolean | undefined;
  minPriceFen?: number | undefined;
  maxPriceFen?: number | undefined;
}

type ProductQuery = SelectQueryBuilder<Database, 'product', any>;

/**
 * The filters shared by the storefront, the selection base and the staff list. Keyword
 * search is LIKE over search_text: it finds two-character Chinese words such as 蓝莓 on
 * SQLite and PostgreSQL alike, with no tokenizer; each space-separated word must match.
 */
function applyProductFilters<Q extends ProductQuery>(q: Q, f: ProductFilters): Q {
  let out = q as ProductQuery;
  if (f.q) {
    for (const word of f.q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5)) {
      out = out.where(sql<boolean>`product.search_text like ${`%${escapeLike(word)}%`} escape '\\'`);
    }
  }
  if (f.categoryCode) out = out.where('product.category_code', '=', f.categoryCode);
  if (f.countyCode) out = out.where('product.county_code', '=', f.countyCode);
  if (f.villageCode) out = out.where('product.origin_village_code', 'like', `${escapeLike(f.villageCode)}%`);
  const skuExists = (cond: (eb: ExpressionBuilder<Database, 'sku'>) => any) =>
    (eb: ExpressionBuilder<Database, 'product'>) =>
      eb.exists(eb.selectFrom('sku').select('sku.id').whereRef('sku.product_id', '=', 'product.id').where('sku.archived_at', 'is', null).where(cond as any));
  if (f.inStock) out = out.where(skuExists((eb) => eb('sku.stock_available', '>', 0)));
  if (f.preSale) out = out.where(skuExists((eb) => eb('sku.sale_mode', '=', 'presale')));
  if (f.minPriceFen !== undefined || f.maxPriceFen !== undefined) {
    const min = f.minPriceFen ?? 0;
    const max = f.maxPriceFen ?? Number.MAX_SAFE_INTEGER;
    out = out.where(skuExists((eb) => eb.and([eb('sku.price_fen', '>=', min), eb('sku.price_fen', '<=', max)])));
  }
  return out as Q;
}

function productCardQuery(ctx: Ctx) {
  return ctx.db.selectFrom('product')
    .innerJoin('supplier', 'supplier.id', 'product.supplier_id')
    .selectAll('product')
    .select('supplier.name as supplier_name')
    .select((eb) => [
      eb.selectFrom('sku').select((s) => s.fn.min('sku.price_fen').as('p')).whereRef('sku.product_id', '=', 'product.id').where('sku.archived_at', 'is', null).as('min_price_fen'),
      eb.selectFrom('sku').select((s) => s.fn.max('sku.price_fen').as('p')).whereRef('sku.product_id', '=', 'product.id').where('sku.archived_at', 'is', null).as('max_price_fen'),
      eb.selectFrom('sku').select((s) => s.fn.sum<number>('sku.stock_available').as('s')).whereRef('sku.product_id', '=', 'product.id').where('sku.archived_at', 'is', null).as('stock_total'),
      eb.selectFrom('sku').select((s) => s.fn.countAll<number>().as('c')).whereRef('sku.product_id', '=', 'product.id').where('sku.archived_at', 'is', null).where('sku.sale_mode', '=', 'presale').as('presale_count'),
    ]);
}

type CardRow = ProductTable & { supplier_name: string; min_price_fen: number | null; max_price_fen: number | null; stock_total: number | null; presale_count: number | null };

function cardView(ctx: Ctx, r: CardRow) {
  return {
    id: r.id,
    title: r.title,
    subtitle: r.subtitle,
    unit: r.unit,
    status: r.status,
    categoryCode: r.category_code,
    countyCode: r.county_code,
    supplierId: r.supplier_id,
    supplierName: r.supplier_name,
    originVillageCode: r.origin_village_code,
    originName: regionLabel(ctx.deps.regions, r.origin_village_code),
    coverUrl: fileUrl(r.cover_file_id),
    priceFen: r.min_price_fen === null ? null : Number(r.min_price_fen),
    priceMaxFen: r.max_price_fen === null ? null : Number(r.max_price_fen),
    stockTotal: Number(r.stock_total ?? 0),
    hasPresale: Number(r.presale_count ?? 0) > 0,
    soldCount: r.sold_count,
    publishedAt: r.published_at,
  };
}

export async function listProducts(ctx: Ctx, query: ProductFilters & { status?: ProductStatus | undefined; supplierId?: string | undefined; cursor?: string | undefined; limit: number }) {
  const prefixes = scopePrefixes(ctx.actor, READ_ROLES);
  const own = supplierIdsOf(ctx.actor);
  const cursor = decodeCursor(query.cursor);
  let q = productCardQuery(ctx).where((eb) => withinScope(eb, 'product.county_code', prefixes, { column: 'product.supplier_id', ids: own }));
  q = applyProductFilters(q, query);
  if (query.status) q = q.where('product.status', '=', query.status);
  if (query.supplierId) q = q.where('product.supplier_id', '=', query.supplierId);
  if (cursor) q = q.where('product.id', '<', cursor);
  const rows = (await q.orderBy('product.id', 'desc').limit(query.limit + 1).execute()) as CardRow[];
  return toPage(rows, query.limit, (r) => cardView(ctx, r));
}

export interface ProductInput {
  supplierId: string;
  categoryCode: string;
  title: string;
  subtitle?: string | undefined;
  description?: string | undefined;
  unit: string;
  originVillageCode: string;
}

export async function createProduct(ctx: Ctx, input: ProductInput) {
  return inTransaction(ctx, async (tx) => {
    const supplier = await tx.db.selectFrom('supplier').select(['id', 'county_code', 'status']).where('id', '=', input.supplierId).executeTakeFirst();
    if (!supplier || !(isOwner(tx, supplier.id) || inScope(tx.actor, supplier.county_code, CENTER_ROLES))) {
      throw invalid('/body/supplierId', 'No such supplier among yours', 'unknown_supplier');
    }
    const category = await tx.db.selectFrom('category').select('code').where('code', '=', input.categoryCode).executeTakeFirst();
    if (!category) throw invalid('/body/categoryCode', 'No such category', 'unknown_category');
    requireRegionInCounty(tx.deps.regions, input.originVillageCode, supplier.county_code, '/body/originVillageCode');
    const id = newId('product');
    const now = nowIso();
    await tx.db.insertInto('product').values({
      id, county_code: supplier.county_code, supplier_id: supplier.id, category_code: input.categoryCode,
      title: input.title, subtitle: input.subtitle ?? '', description: input.description ?? '', unit: input.unit,
      origin_village_code: input.originVillageCode, status: 'draft', cover_file_id: null, search_text: '',
      sold_count: 0, published_at: null, created_at: now, updated_at: now,
    }).execute();
    await refreshSearchText(tx, id);
    await recordAudit(tx, { action: 'product.created', targetType: 'product', targetId: id, countyCode: supplier.county_code, detail: { title: input.title } });
    return getProduct(tx, id);
  });
}

export async function updateProduct(ctx: Ctx, productId: string, patch: Partial<Omit<ProductInput, 'supplierId'>>) {
  return inTransaction(ctx, async (tx) => {
    const p = await loadEditableProduct(tx, productId);
    if (patch.categoryCode) {
      const category = await tx.db.selectFrom('category').select('code').where('code', '=', patch.categoryCode).executeTakeFirst();
      if (!category) throw invalid('/body/categoryCode', 'No such category', 'unknown_category');
      if (p.status === 'on_sale' && patch.categoryCode !== p.category_code) {
        const check = await checkListingRule(tx, patch.categoryCode, p.supplier_id);
        if (!check.ok) throw licenceMissing(check.missing);
      }
    }
    if (patch.originVillageCode) requireRegionInCounty(tx.deps.regions, patch.originVillageCode, p.county_code, '/body/originVillageCode');
    const set: Partial<ProductTable> = { updated_at: nowIso() };
    if (patch.categoryCode !== undefined) set.category_code = patch.categoryCode;
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.subtitle !== undefined) set.subtitle = patch.subtitle;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.unit !== undefined) set.unit = patch.unit;
    if (patch.originVillageCode !== undefined) set.origin_village_code = patch.originVillageCode;
    await tx.db.updateTable('product').set(set).where('id', '=', p.id).execute();
    await refreshSearchText(tx, p.id);
    await recordAudit(tx, { action: 'product.updated', targetType: 'product', targetId: p.id, countyCode: p.county_code, detail: { fields: Object.keys(patch) } });
    return getProduct(tx, p.id);
  });
}

function licenceMissing(missing: LicenceKind[][]) {
  const text = describeMissing(missing);
  return new AppError(409, 'licence_missing', text.en, [], { missingLicences: missing, detailZh: text.zh });
}

export function skuView(s: SkuTable) {
  return {
    id: s.id, productId: s.product_id, spec: s.spec, priceFen: s.price_fen, weightG: s.weight_g, gtin: s.gtin,
    stockAvailable: s.stock_available, saleMode: s.sale_mode, shipsFrom: s.ships_from, archived: s.archived_at !== null, maxPerBuyer: s.max_per_buyer,
  };
}

export async function getProduct(ctx: Ctx, productId: string) {
  const p = await loadVisibleProduct(ctx, productId);
  const card = (await productCardQuery(ctx).where('product.id', '=', p.id).executeTakeFirstOrThrow()) as CardRow;
  const [skus, batches, images, selection, listing] = await Promise.all([
    ctx.db.selectFrom('sku').selectAll().where('product_id', '=', p.id).orderBy('id').execute(),
    ctx.db.selectFrom('batch').selectAll().where('product_id', '=', p.id).orderBy('id', 'desc').execute(),
    ctx.db.selectFrom('product_image').select(['file_id', 'sort']).where('product_id', '=', p.id).orderBy('sort').execute(),
    ctx.db.selectFrom('selection_item').selectAll().where('product_id', '=', p.id).executeTakeFirst(),
    checkListingRule(ctx, p.category_code, p.supplier_id),
  ]);
  return {
    ...cardView(ctx, card),
    description: p.description,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    images: images.map((i) => ({ fileId: i.file_id, url: fileUrl(i.file_id)! })),
    skus: skus.map(skuView),
    batches: batches.map(batchView),
    selection: selection ? selectionFields(selection) : null,
    listingCheck: { ok: listing.ok, missing: listing.missing, message: listing.ok ? null : describeMissing(listing.missing).zh },
  };
}

/** Moves a product along PRODUCT_TRANSITIONS; going on sale checks licences and SKUs first. */
export async function setProductStatus(ctx: Ctx, productId: string, to: ProductStatus) {
  return inTransaction(ctx, async (tx) => {
    const p = await loadEditableProduct(tx, productId);
    if (!PRODUCT_TRANSITIONS[p.status].includes(to)) {
      throw new AppError(409, 'invalid_transition', `A product that is ${p.status} cannot become ${to}`, [], { from: p.status, to });
    }
    if (to === 'on_sale') {
      // A suspension committing meanwhile would miss this product (it was not on sale when it
      // looked), so the supplier row is held until this commits, and read as it is after any
      // suspension that held it first.
      await lockRow(tx.db, 'supplier', p.supplier_id, 'share');
      const supplier = await tx.db.selectFrom('supplier').select('status').where('id', '=', p.supplier_id).executeTakeFirstOrThrow();
      if (supplier.status !== 'active') throw new AppError(409, 'supplier_suspended', 'The supplier is suspended; its products cannot go on sale');
      const skuCount = await tx.db.selectFrom('sku').select((eb) => eb.fn.countAll<number>().as('n')).where('product_id', '=', p.id).where('archived_at', 'is', null).executeTakeFirstOrThrow();
      if (Number(skuCount.n) === 0) throw new AppError(409, 'no_sku', 'Add at least one SKU (spec and price) before putting the product on sale');
      const check = await checkListingRule(tx, p.category_code, p.supplier_id);
      if (!check.ok) throw licenceMissing(check.missing);
    }
    const res = await tx.db.updateTable('product')
      .set({ status: to, updated_at: nowIso(), ...(to === 'on_sale' ? { published_at: nowIso() } : {}) })
      .where('id', '=', p.id).where('status', '=', p.status).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'The product changed just now; reload and try again');
    await recordAudit(tx, { action: to === 'on_sale' ? 'product.listed' : 'product.unlisted', targetType: 'product', targetId: p.id, countyCode: p.county_code });
    return getProduct(tx, p.id);
  });
}

/**
 * Takes off sale every on-sale product, of any supplier, that no longer meets the listing
 * rule. Run by the hourly housekeeping, so a run that failed halfway is healed by the next.
 */
export async function unlistAllProductsMissingLicences(ctx: Ctx): Promise<string[]> {
  const suppliers = await ctx.db.selectFrom('product').select('supplier_id').distinct().where('status', '=', 'on_sale').execute();
  const unlisted: string[] = [];
  for (const s of suppliers) unlisted.push(...(await unlistProductsMissingLicences(ctx, s.supplier_id)));
  return unlisted;
}

/** Takes off sale every on-sale product of the supplier that no longer meets the listing rule. */
export async function unlistProductsMissingLicences(ctx: Ctx, supplierId: string): Promise<string[]> {
  const products = await ctx.db.selectFrom('product').select(['id', 'category_code', 'county_code']).where('supplier_id', '=', supplierId).where('status', '=', 'on_sale').execute();
  const unlisted: string[] = [];
  for (const p of products) {
    const check = await checkListingRule(ctx, p.category_code, supplierId);
    if (check.ok) continue;
    await inTransaction(ctx, async (tx) => {
      const res = await tx.db.updateTable('product').set({ status: 'off_sale', updated_at: nowIso() }).where('id', '=', p.id).where('status', '=', 'on_sale').executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        unlisted.push(p.id);
        await recordAudit(tx, { action: 'product.unlisted', targetType: 'product', targetId: p.id, countyCode: p.county_code, actorId: null, detail: { reason: 'licence_missing', missing: check.missing } });
      }
    });
  }
  return unlisted;
}

/** Takes every on-sale product of a supplier off sale (the supplier was suspended). */
export async function unlistSupplierProducts(ctx: Ctx, supplierId: string, reason: string): Promise<string[]> {
  const rows = await ctx.db.updateTable('product').set({ status: 'off_sale', updated_at: nowIso() })
    .where('supplier_id', '=', supplierId).where('status', '=', 'on_sale').returning(['id', 'county_code']).execute();
  for (const r of rows) {
    await recordAudit(ctx, { action: 'product.unlisted', targetType: 'product', targetId: r.id, countyCode: r.county_code, detail: { reason } });
  }
  return rows.map((r) => r.id);
}

const MAX_PRODUCT_IMAGES = 9;
const imageCount = async (ctx: Ctx, productId: string) =>
  Number((await ctx.db.selectFrom('product_image').select((eb) => eb.fn.countAll<number>().as('n')).where('product_id', '=', productId).executeTakeFirstOrThrow()).n);
const tooManyImages = () => new AppError(409, 'too_many_images', `A product has at most ${MAX_PRODUCT_IMAGES} images; remove one first`);

export async function addProductImage(ctx: Ctx, productId: string, req: FastifyRequest) {
  const p = await loadEditableProduct(ctx, productId);
  // Before taking the upload in, so a full product costs no disk write; again in the transaction.
  if ((await imageCount(ctx, p.id)) >= MAX_PRODUCT_IMAGES) throw tooManyImages();
  const file = await putFile(ctx.deps, await readUpload(req, ctx.deps), 'product_image');
  return inTransactionKeepingFile(ctx, file, async (tx) => {
    // The product row first: on PostgreSQL its lock makes two uploads to one product take turns,
    // so the second counts the first's image (both counting 8 would make 10).
    await tx.db.updateTable('product').set({ updated_at: nowIso() }).where('id', '=', p.id).execute();
    const count = await imageCount(tx, p.id);
    if (count >= MAX_PRODUCT_IMAGES) throw tooManyImages();
    const fileId = await recordReceivedFile(tx, file, 'product_image', p.county_code);
    await tx.db.insertInto('product_image').values({ product_id: p.id, file_id: fileId, sort: count }).execute();
    if (!p.cover_file_id) await tx.db.updateTable('product').set({ cover_file_id: fileId }).where('id', '=', p.id).execute();
    return getProduct(tx, p.id);
  });
}

export async function removeProductImage(ctx: Ctx, productId: string, fileId: string) {
  return inTransaction(ctx, async (tx) => {
    const p = await loadEditableProduct(tx, productId);
    const res = await tx.db.deleteFrom('product_image').where('product_id', '=', p.id).where('file_id', '=', fileId).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw notFound('Image');
    if (p.cover_file_id === fileId) {
      const next = await tx.db.selectFrom('product_image').select('file_id').where('product_id', '=', p.id).orderBy('sort').executeTakeFirst();
      await tx.db.updateTable('product').set({ cover_file_id: next?.file_id ?? null }).where('id', '=', p.id).execute();
    }
    return getProduct(tx, p.id);
  });
}

// ---- SKUs and stock -----------------------------------------------------------------------

export interface SkuInput {
  spec: string;
  priceFen: number;
  weightG: number;
  gtin?: string | null | undefined;
  stock: number;
  saleMode: 'spot' | 'presale';
  shipsFrom?: string | null | undefined;
  maxPerBuyer?: number | null | undefined;
}

function checkSkuRules(input: { gtin?: string | null | undefined; saleMode?: string | undefined; shipsFrom?: string | null | undefined }) {
  if (input.gtin && !isValidGtin(input.gtin)) throw invalid('/body/gtin', 'Not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)', 'bad_gtin');
  if (input.saleMode === 'presale') {
    if (!input.shipsFrom) throw invalid('/body/shipsFrom', 'A pre-sale SKU needs the date it ships from', 'ships_from_required');
    if (input.shipsFrom <= bizDate()) throw invalid('/body/shipsFrom', 'A pre-sale ships from a future date', 'ships_from_past');
  }
}

export async function createSku(ctx: Ctx, productId: string, input: SkuInput) {
  checkSkuRules(input);
  return inTransaction(ctx, async (tx) => {
    const p = await loadEditableProduct(tx, productId);
    const id = newId('sku');
    const now = nowIso();
    await tx.db.insertInto('sku').values({
      id, product_id: p.id, county_code: p.county_code, spec: input.spec, price_fen: input.priceFen, weight_g: input.weightG,
      gtin: input.gtin ?? null, stock_available: input.stock, sale_mode: input.saleMode,
      ships_from: input.saleMode === 'presale' ? (input.shipsFrom ?? null) : null, archived_at: null, max_per_buyer: input.maxPerBuyer ?? null, created_at: now, updated_at: now,
    }).execute();
    if (input.stock > 0) {
      await tx.db.insertInto('stock_movement').values({ id: newId('stockMovement'), sku_id: id, county_code: p.county_code, delta: input.stock, stock_after: input.stock, reason: 'initial', actor_id: tx.actor?.userId ?? null, created_at: now }).execute();
    }
    await recordAudit(tx, { action: 'sku.created', targetType: 'sku', targetId: id, countyCode: p.county_code, detail: { priceFen: input.priceFen, stock: input.stock } });
    return skuView(await tx.db.selectFrom('sku').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

async function loadEditableSku(ctx: Ctx, skuId: string) {
  const s = await ctx.db.selectFrom('sku').selectAll().where('id', '=', skuId).executeTakeFirst();
  if (!s) throw notFound('SKU');
  await loadEditableProduct(ctx, s.product_id).catch((e) => {
    throw e instanceof AppError && e.status === 404 ? notFound('SKU') : e;
  });
  return s;
}

export async function updateSku(ctx: Ctx, skuId: string, patch: Partial<Omit<SkuInput, 'stock'>> & { archived?: boolean | undefined }) {
  return inTransaction(ctx, async (tx) => {
    const s = await loadEditableSku(tx, skuId);
    const saleMode = patch.saleMode ?? s.sale_mode;
    const shipsFrom = patch.shipsFrom !== undefined ? patch.shipsFrom : s.ships_from;
    checkSkuRules({ gtin: patch.gtin, saleMode: patch.saleMode !== undefined || patch.shipsFrom !== undefined ? saleMode : undefined, shipsFrom });
    const set: Partial<SkuTable> = { updated_at: nowIso() };
    if (patch.spec !== undefined) set.spec = patch.spec;
    if (patch.priceFen !== undefined) set.price_fen = patch.priceFen;
    if (patch.weightG !== undefined) set.weight_g = patch.weightG;
    if (patch.gtin !== undefined) set.gtin = patch.gtin;
    if (patch.saleMode !== undefined) set.sale_mode = patch.saleMode;
    if (patch.saleMode !== undefined || patch.shipsFrom !== undefined) set.ships_from = saleMode === 'presale' ? shipsFrom : null;
    if (patch.archived !== undefined) set.archived_at = patch.archived ? nowIso() : null;
    if (patch.maxPerBuyer !== undefined) set.max_per_buyer = patch.maxPerBuyer;
    await tx.db.updateTable('sku').set(set).where('id', '=', s.id).execute();
    await recordAudit(tx, { action: 'sku.updated', targetType: 'sku', targetId: s.id, countyCode: s.county_code, detail: { ...patch } });
    return skuView(await tx.db.selectFrom('sku').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow());
  });
}

/**
 * Changes stock by delta with one conditional update (`… where stock_available + delta >= 0`),
 * so concurrent adjustments can neither lose an update nor drive stock below zero.
 */
export async function adjustStock(ctx: Ctx, skuId: string, input: { delta: number; reason: string }) {
  return inTransaction(ctx, async (tx) => {
    const s = await loadEditableSku(tx, skuId);
    const row = await tx.db.updateTable('sku')
      .set((eb) => ({ stock_available: eb('stock_available', '+', input.delta), updated_at: nowIso() }))
      .where('id', '=', s.id)
      .where((eb) => eb.between(eb('stock_available', '+', input.delta), 0, MAX_STOCK))
      .returning('stock_available')
      .executeTakeFirst();
    if (!row) {
      const now = await tx.db.selectFrom('sku').select('stock_available').where('id', '=', s.id).executeTakeFirstOrThrow();
      if (input.delta > 0) throw new AppError(409, 'stock_limit', `Stock cannot exceed ${MAX_STOCK} per SKU (${now.stock_available} now)`, [], { available: now.stock_available });
      throw new AppError(409, 'insufficient_stock', `Stock cannot go below zero (${now.stock_available} available now)`, [], { available: now.stock_available });
    }
    await tx.db.insertInto('stock_movement').values({ id: newId('stockMovement'), sku_id: s.id, county_code: s.county_code, delta: input.delta, stock_after: row.stock_available, reason: input.reason, actor_id: tx.actor?.userId ?? null, created_at: nowIso() }).execute();
    await recordAudit(tx, { action: 'stock.adjusted', targetType: 'sku', targetId: s.id, countyCode: s.county_code, detail: { delta: input.delta, reason: input.reason, after: row.stock_available } });
    return skuView(await tx.db.selectFrom('sku').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow());
  });
}

/**
 * Stock change by the system (a return received, a reservation released), with no access
 * check: the caller has done it. Same conditional update and movement row as adjustStock.
 */
export async function changeStockAsSystem(ctx: Ctx, skuId: string, delta: number, reason: string): Promise<number> {
  const row = await ctx.db.updateTable('sku')
    .set((eb) => ({ stock_available: eb('stock_available', '+', delta), updated_at: nowIso() }))
    .where('id', '=', skuId).where((eb) => eb.between(eb('stock_available', '+', delta), 0, MAX_STOCK))
    .returning(['stock_available', 'county_code']).executeTakeFirst();
  if (!row) throw new AppError(409, delta > 0 ? 'stock_limit' : 'insufficient_stock', 'The stock change would leave stock out of range');
  await ctx.db.insertInto('stock_movement').values({ id: newId('stockMovement'), sku_id: skuId, county_code: row.county_code, delta, stock_after: row.stock_available, reason, actor_id: ctx.actor?.userId ?? null, created_at: nowIso() }).execute();
  return row.stock_available;
}

export async function listStockMovements(ctx: Ctx, skuId: string, q: { cursor?: string | undefined; limit: number }) {
  const s = await ctx.db.selectFrom('sku').select(['id', 'product_id']).where('id', '=', skuId).executeTakeFirst();
  if (!s) throw notFound('SKU');
  await loadVisibleProduct(ctx, s.product_id).catch(() => { throw notFound('SKU'); });
  const cursor = decodeCursor(q.cursor);
  let query = ctx.db.selectFrom('stock_movement').selectAll().where('sku_id', '=', skuId);
  if (cursor) query = query.where('id', '<', cursor);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  return toPage(rows, q.limit, (r) => ({ id: r.id, delta: r.delta, stockAfter: r.stock_after, reason: r.reason, actorId: r.actor_id, createdAt: r.created_at }));
}

// ---- batches ------------------------------------------------------------------------------

function batchView(b: Database['batch']) {
  return {
    id: b.id, batchNo: b.batch_no, kind: b.kind, producedOn: b.produced_on, quantity: b.quantity, quantityUnit: b.quantity_unit,
    shelfLifeDays: b.shelf_life_days, bestBefore: addDaysSafe(b.produced_on, b.shelf_life_days), note: b.note, createdAt: b.created_at,
  };
}

function addDaysSafe(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function createBatch(ctx: Ctx, productId: string, input: { batchNo: string; kind: 'harvest' | 'production'; producedOn: string; quantity: number; quantityUnit: string; shelfLifeDays: number; note?: string | undefined }) {
  if (input.producedOn > bizDate()) throw invalid('/body/producedOn', 'The harvest or production date is in the future');
  return inTransaction(ctx, async (tx) => {
    const p = await loadEditableProduct(tx, productId);
    const dup = await tx.db.selectFrom('batch').select('id').where('product_id', '=', p.id).where('batch_no', '=', input.batchNo).executeTakeFirst();
    if (dup) throw new AppError(409, 'batch_exists', 'This product already has a batch with that number', [{ pointer: '/body/batchNo', detail: 'already used' }]);
    const id = newId('batch');
    await tx.db.insertInto('batch').values({
      id, product_id: p.id, county_code: p.county_code, batch_no: input.batchNo, kind: input.kind, produced_on: input.producedOn,
      quantity: input.quantity, quantity_unit: input.quantityUnit, shelf_life_days: input.shelfLifeDays, note: input.note ?? '', created_at: nowIso(),
    }).execute();
    await recordAudit(tx, { action: 'batch.created', targetType: 'batch', targetId: id, countyCode: p.county_code, detail: { batchNo: input.batchNo } });
    return batchView(await tx.db.selectFrom('batch').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

// ---- selection base -------------------------------------------------------------------------

function selectionFields(s: Database['selection_item']) {
  return {
    id: s.id, suggestedPriceFen: s.suggested_price_fen, commissionRateBp: s.commission_rate_bp,
    sellingPoints: JSON.parse(s.selling_points) as string[], sampleQuantity: s.sample_quantity, updatedAt: s.updated_at,
  };
}

export async function listSelection(ctx: Ctx, query: ProductFilters & { cursor?: string | undefined; limit: number }) {
  const prefixes = scopePrefixes(ctx.actor, SELECTION_ROLES);
  const cursor = decodeCursor(query.cursor);
  let q = productCardQuery(ctx)
    .innerJoin('selection_item', 'selection_item.product_id', 'product.id')
    .select(['selection_item.id as sel_id', 'selection_item.suggested_price_fen', 'selection_item.commission_rate_bp', 'selection_item.selling_points', 'selection_item.sample_quantity', 'selection_item.updated_at as sel_updated_at'])
    .where('product.status', '=', 'on_sale')
    .where((eb) => withinScope(eb, 'product.county_code', prefixes));
  q = applyProductFilters(q, query);
  if (cursor) q = q.where('selection_item.id', '<', cursor);
  const rows = await q.orderBy('selection_item.id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows.map((r) => ({ ...r, product_id: r.id, id: r.sel_id })), query.limit, (r) => ({
    ...cardView(ctx, { ...(r as unknown as CardRow), id: r.product_id }),
    productId: r.product_id,
    selection: {
      id: r.sel_id, suggestedPriceFen: Number(r.suggested_price_fen), commissionRateBp: r.commission_rate_bp,
      sellingPoints: JSON.parse(r.selling_points) as string[], sampleQuantity: r.sample_quantity, updatedAt: r.sel_updated_at,
    },
  }));
  return page;
}

export async function putSelection(ctx: Ctx, productId: string, input: { suggestedPriceFen: number; commissionRateBp: number; sellingPoints: string[]; sampleQuantity: number }) {
  return inTransaction(ctx, async (tx) => {
    const p = await loadVisibleProduct(tx, productId);
    if (!inScope(tx.actor, p.county_code, CENTER_ROLES)) throw forbidden('The center curates the selection base');
    if (p.status !== 'on_sale') throw new AppError(409, 'product_not_on_sale', 'Only a product that is on sale can enter the selection base');
    const existing = await tx.db.selectFrom('selection_item').select('id').where('product_id', '=', p.id).executeTakeFirst();
    const now = nowIso();
    const values = {
      suggested_price_fen: input.suggestedPriceFen, commission_rate_bp: input.commissionRateBp,
      selling_points: JSON.stringify(input.sellingPoints), sample_quantity: input.sampleQuantity, updated_at: now,
    };
    if (existing) {
      await tx.db.updateTable('selection_item').set(values).where('id', '=', existing.id).execute();
    } else {
      await tx.db.insertInto('selection_item').values({ id: newId('selection'), product_id: p.id, county_code: p.county_code, curated_by: tx.actor!.userId, created_at: now, ...values }).execute();
    }
    await refreshSearchText(tx, p.id);
    await recordAudit(tx, { action: existing ? 'selection.updated' : 'selection.added', targetType: 'product', targetId: p.id, countyCode: p.county_code, detail: { ...input } });
    return getProduct(tx, p.id);
  });
}

export async function removeSelection(ctx: Ctx, productId: string) {
  return inTransaction(ctx, async (tx) => {
    const p = await loadVisibleProduct(tx, productId);
    if (!inScope(tx.actor, p.county_code, CENTER_ROLES)) throw forbidden('The center curates the selection base');
    const res = await tx.db.deleteFrom('selection_item').where('product_id', '=', p.id).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw notFound('Selection entry');
    await refreshSearchText(tx, p.id);
    await recordAudit(tx, { action: 'selection.removed', targetType: 'product', targetId: p.id, countyCode: p.county_code });
    return getProduct(tx, p.id);
  });
}

// ---- storefront (public) ---------------------------------------------------------------------

export async function storeList(ctx: Ctx, query: ProductFilters & { cursor?: string | undefined; limit: number }) {
  const cursor = decodeCursor(query.cursor);
  let q = productCardQuery(ctx).where('product.status', '=', 'on_sale');
  q = applyProductFilters(q, query);
  if (cursor) q = q.where('product.id', '<', cursor);
  const rows = (await q.orderBy('product.id', 'desc').limit(query.limit + 1).execute()) as CardRow[];
  return toPage(rows, query.limit, (r) => cardView(ctx, r));
}

export async function storeProduct(ctx: Ctx, productId: string) {
  const card = (await productCardQuery(ctx).where('product.id', '=', productId).where('product.status', '=', 'on_sale').executeTakeFirst()) as CardRow | undefined;
  if (!card) throw notFound('Product');
  const [p, supplier, category, skus, batches, images, licences] = await Promise.all([
    ctx.db.selectFrom('product').selectAll().where('id', '=', productId).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('supplier').select(['id', 'name', 'type', 'village_code', 'description', 'story']).where('id', '=', card.supplier_id).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('category').selectAll().where('code', '=', card.category_code).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('sku').selectAll().where('product_id', '=', productId).where('archived_at', 'is', null).orderBy('price_fen').execute(),
    ctx.db.selectFrom('batch').selectAll().where('product_id', '=', productId).orderBy('produced_on', 'desc').limit(5).execute(),
    ctx.db.selectFrom('product_image').select('file_id').where('product_id', '=', productId).orderBy('sort').execute(),
    ctx.db.selectFrom('licence').select(['kind', 'number', 'holder_name', 'scope', 'issued_on', 'expires_on'])
      .where('supplier_id', '=', card.supplier_id).where('status', '=', 'verified').where('expires_on', '>=', bizDate()).orderBy('id', 'desc').execute(),
  ]);
  return {
    ...cardView(ctx, card),
    description: p.description,
    images: images.map((i) => fileUrl(i.file_id)!),
    returnsPolicy: category.returns_policy,
    categoryName: category.name_zh,
    skus: skus.map((s) => ({ id: s.id, spec: s.spec, priceFen: s.price_fen, weightG: s.weight_g, stockAvailable: s.stock_available, saleMode: s.sale_mode, shipsFrom: s.ships_from, maxPerBuyer: s.max_per_buyer })),
    batches: batches.map(batchView),
    supplier: {
      id: supplier.id, name: supplier.name, type: supplier.type, villageName: regionLabel(ctx.deps.regions, supplier.village_code),
      description: supplier.description, story: supplier.story,
    },
    // Shown to buyers: the certificate (承诺达标合格证) and licences that back this listing.
    licences: licences.map((l) => ({ kind: l.kind, kindLabel: LICENCE_LABELS[l.kind].zh, number: l.number, holderName: l.holder_name, scope: l.scope, issuedOn: l.issued_on, expiresOn: l.expires_on })),
  };
}

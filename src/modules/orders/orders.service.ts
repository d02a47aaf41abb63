import type { Kysely } from 'kysely';
import type { Database } from '../../database.js';
import type { Ctx } from '../../context.js';
import { preparedQuery } from '../../platform/db/prepared.js';
import { inTransaction, writeAlone } from '../../context.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.js';
import { type Role, inScope, scopePrefixes, supplierIdsOf } from '../../platform/http/access.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { withinScope } from '../../platform/db/scope.js';
import { newId } from '../../platform/ids.js';
import { maskPhone } from '../../platform/mask.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { regionLabel } from '../regions/index.js';
import type { OrderItemTable, OrderStatus, ShopOrderTable } from './orders.tables.js';
import { canMove } from './transitions.js';

/** Center staff and officials read a county's orders; officials see recipients masked. */
const COUNTY_READERS: readonly Role[] = ['center_admin', 'operator', 'official'];
const CENTER: readonly Role[] = ['center_admin', 'operator'];

/**
 * Orders as their readers see them. The recipient's phone is in full only for the buyer,
 * the supplier that ships the order, and the center.
 */
export async function orderViews(ctx: Ctx, orders: ShopOrderTable[]) {
  if (orders.length === 0) return [];
  const items = await ctx.db.selectFrom('order_item').selectAll().where('order_id', 'in', orders.map((o) => o.id)).orderBy('id').execute();
  const suppliers = await ctx.db.selectFrom('supplier').select(['id', 'name']).where('id', 'in', [...new Set(orders.map((o) => o.supplier_id))]).execute();
  return buildOrderViews(ctx, orders, items, suppliers);
}

/** The same views from rows already in hand (a checkout just placed), with no further reads. */
export function buildOrderViews(ctx: Ctx, orders: ShopOrderTable[], items: OrderItemTable[], suppliers: { id: string; name: string }[]) {
  const own = supplierIdsOf(ctx.actor);
  return orders.map((o) => {
    const fullPhone = o.buyer_id === ctx.actor?.userId || own.includes(o.supplier_id) || inScope(ctx.actor, o.county_code, CENTER);
    return {
      id: o.id, orderNo: o.order_no, checkoutId: o.checkout_id, status: o.status, supplierId: o.supplier_id,
      supplierName: suppliers.find((s) => s.id === o.supplier_id)?.name ?? '', countyCode: o.county_code,
      source: { kind: o.source_kind, ref: o.source_ref },
      itemsFen: o.items_fen, shippingFen: o.shipping_fen, totalFen: o.total_fen, refundedFen: o.refunded_fen,
      recipient: { name: o.recipient_name, phone: fullPhone ? o.recipient_phone : maskPhone(o.recipient_phone), regionCode: o.region_code, address: o.address_text },
      note: o.buyer_note, carrier: o.carrier, trackingNo: o.tracking_no,
      createdAt: o.created_at, paidAt: o.paid_at, shippedAt: o.shipped_at, deliveredAt: o.delivered_at, completedAt: o.completed_at, cancelledAt: o.cancelled_at,
      items: items.filter((i) => i.order_id === o.id).map((i) => ({
        id: i.id, skuId: i.sku_id, productId: i.product_id, title: i.title, spec: i.spec, unit: i.unit, unitPriceFen: i.unit_price_fen,
        quantity: i.quantity, lineFen: i.line_fen, saleMode: i.sale_mode, shipsFrom: i.ships_from, returnsPolicy: i.returns_policy,
      })),
    };
  });
}

export interface OrderListQuery {
  /** 'mine' (as buyer, the default for buyers) or 'sell' (as supplier or center). */
  view?: 'mine' | 'sell' | undefined;
  status?: OrderStatus | undefined;
  supplierId?: string | undefined;
  countyCode?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listOrders(ctx: Ctx, q: OrderListQuery) {
  const cursor = decodeCursor(q.cursor);
  let query = ctx.db.selectFrom('shop_order').selectAll();
  if ((q.view ?? 'mine') === 'mine') {
    query = query.where('buyer_id', '=', ctx.actor!.userId);
  } else {
    const prefixes = scopePrefixes(ctx.actor, COUNTY_READERS);
    const own = supplierIdsOf(ctx.actor);
    if (!prefixes.length && !own.length) throw forbidden('Only suppliers and the center see orders to fulfil');
    query = query.where((eb) => withinScope(eb, 'county_code', prefixes, { column: 'supplier_id', ids: own }));
  }
  if (q.status) query = query.where('status', '=', q.status);
  if (q.supplierId) query = query.where('supplier_id', '=', q.supplierId);
  if (q.countyCode) query = query.where('county_code', '=', q.countyCode);
  if (cursor) query = query.where('id', '<', cursor);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = toPage(rows, q.limit, (r) => r);
  return { items: await orderViews(ctx, page.items), nextCursor: page.nextCursor };
}

/** An order its reader may see: the buyer, the supplier, or the county's center and officials. */
export async function loadVisibleOrder(ctx: Ctx, orderId: string): Promise<ShopOrderTable> {
  const o = await ctx.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).executeTakeFirst();
  const ok = o && (o.buyer_id === ctx.actor?.userId || supplierIdsOf(ctx.actor).includes(o.supplier_id) || inScope(ctx.actor, o.county_code, COUNTY_READERS));
  if (!o || !ok) throw notFound('Order');
  return o;
}

export async function getOrder(ctx: Ctx, orderId: string) {
  const o = await loadVisibleOrder(ctx, orderId);
  return (await orderViews(ctx, [o]))[0]!;
}

// ---- addresses --------------------------------------------------------------------------------

export interface AddressInput {
  recipientName: string;
  phone: string;
  regionCode: string;
  detail: string;
  isDefault?: boolean | undefined;
}

function addressView(ctx: Ctx, a: { id: string; recipient_name: string; phone: string; region_code: string; detail: string }, defaultId: string | null) {
  return {
    id: a.id, recipientName: a.recipient_name, phone: a.phone, regionCode: a.region_code,
    regionName: regionLabel(ctx.deps.regions, a.region_code, 'province'), detail: a.detail, isDefault: a.id === defaultId,
  };
}

export async function listAddresses(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('buyer_address').selectAll().where('user_id', '=', ctx.actor!.userId).where('deleted_at', 'is', null).orderBy('id', 'desc').execute();
  const def = rows.filter((r) => r.default_at).sort((a, b) => (a.default_at! < b.default_at! ? 1 : -1))[0] ?? rows[0];
  return rows.map((r) => addressView(ctx, r, def?.id ?? null));
}

function checkRegion(ctx: Ctx, code: string) {
  const r = ctx.deps.regions.get(code);
  if (!r || (r.level !== 'county' && r.level !== 'township')) throw invalid('/body/regionCode', 'Choose the county and township from the list', 'unknown_region');
}

export async function createAddress(ctx: Ctx, input: AddressInput) {
  checkRegion(ctx, input.regionCode);
  const count = await ctx.db.selectFrom('buyer_address').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', ctx.actor!.userId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  if (Number(count.n) >= 20) throw new AppError(409, 'too_many_addresses', 'At most 20 addresses; delete one first');
  const id = newId('address');
  await ctx.db.insertInto('buyer_address').values({
    id, user_id: ctx.actor!.userId, recipient_name: input.recipientName, phone: input.phone, region_code: input.regionCode,
    detail: input.detail, default_at: input.isDefault ? nowIso() : null, deleted_at: null, created_at: nowIso(),
  }).execute();
  return (await listAddresses(ctx)).find((a) => a.id === id)!;
}

export async function updateAddress(ctx: Ctx, id: string, patch: Partial<AddressInput>) {
  if (patch.regionCode) checkRegion(ctx, patch.regionCode);
  const set = {
    ...(patch.recipientName !== undefined ? { recipient_name: patch.recipientName } : {}),
    ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
    ...(patch.regionCode !== undefined ? { region_code: patch.regionCode } : {}),
    ...(patch.detail !== undefined ? { detail: patch.detail } : {}),
    ...(patch.isDefault ? { default_at: nowIso() } : {}),
  };
  // Nothing to change ({} or only isDefault: false): answer the address as it is (an UPDATE with an empty SET is not SQL).
  if (!Object.keys(set).length) {
    const address = (await listAddresses(ctx)).find((a) => a.id === id);
    if (!address) throw notFound('Address');
    return address;
  }
  const res = await ctx.db.updateTable('buyer_address').set(set)
    .where('id', '=', id).where('user_id', '=', ctx.actor!.userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Address');
  return (await listAddresses(ctx)).find((a) => a.id === id)!;
}

/** Soft delete: orders keep their own copy of the address. */
export async function deleteAddress(ctx: Ctx, id: string) {
  const res = await ctx.db.updateTable('buyer_address').set({ deleted_at: nowIso() }).where('id', '=', id).where('user_id', '=', ctx.actor!.userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Address');
}

// ---- cart ----------------------------------------------------------------------------------

/** The buyer's cart lines with what the cart page shows of each SKU, newest first. */
const cartLines = preparedQuery((db: Kysely<Database>, p: { userId: string }) => db.selectFrom('cart_item')
  .innerJoin('sku', 'sku.id', 'cart_item.sku_id')
  .innerJoin('product', 'product.id', 'sku.product_id')
  .innerJoin('supplier', 'supplier.id', 'product.supplier_id')
  .select(['cart_item.sku_id', 'cart_item.quantity', 'cart_item.added_at', 'sku.spec', 'sku.price_fen', 'sku.stock_available', 'sku.archived_at', 'sku.max_per_buyer',
    'product.id as product_id', 'product.title', 'product.unit', 'product.cover_file_id', 'product.status as product_status', 'supplier.id as supplier_id', 'supplier.name as supplier_name', 'supplier.status as supplier_status'])
  .where('cart_item.user_id', '=', p.userId).orderBy('cart_item.added_at', 'desc'));

/**
 * Puts a SKU in the buyer's cart, or sets its quantity, only if it is on sale: the check and the
 * write are one statement (a SKU not on sale, or unknown, writes no row).
 */
const putInCart = preparedQuery((db: Kysely<Database>, p: { userId: string; skuId: string; quantity: number; now: string }) => db.insertInto('cart_item')
  .columns(['user_id', 'sku_id', 'quantity', 'added_at'])
  .expression((eb) => eb.selectFrom('sku').innerJoin('product', 'product.id', 'sku.product_id')
    .select([eb.val(p.userId).as('user_id'), 'sku.id', eb.val(p.quantity).as('quantity'), eb.val(p.now).as('added_at')])
    .where('sku.id', '=', p.skuId).where('product.status', '=', 'on_sale').where('sku.archived_at', 'is', null))
  .onConflict((oc) => oc.columns(['user_id', 'sku_id']).doUpdateSet((eb) => ({ quantity: eb.ref('excluded.quantity') }))));

export async function getCart(ctx: Ctx) {
  const rows = await cartLines.all(ctx.db, { userId: ctx.actor!.userId });
  const items = rows.map((r) => ({
    skuId: r.sku_id, productId: r.product_id, title: r.title, spec: r.spec, unit: r.unit, priceFen: r.price_fen, quantity: r.quantity,
    stockAvailable: r.stock_available, maxPerBuyer: r.max_per_buyer, coverUrl: r.cover_file_id ? `/api/v1/files/${r.cover_file_id}` : null,
    supplierId: r.supplier_id, supplierName: r.supplier_name,
    available: !r.archived_at && r.product_status === 'on_sale' && r.supplier_status === 'active' && r.stock_available >= r.quantity,
  }));
  return { items, totalFen: items.filter((i) => i.available).reduce((s, i) => s + i.priceFen * i.quantity, 0) };
}

export async function setCartItem(ctx: Ctx, skuId: string, quantity: number) {
  const written = await writeAlone(ctx, (db) => putInCart.affected(db, { userId: ctx.actor!.userId, skuId, quantity, now: nowIso() }));
  if (written !== 1) throw notFound('Item');
  return getCart(ctx);
}

export async function removeCartItem(ctx: Ctx, skuId: string) {
  await writeAlone(ctx, (db) => db.deleteFrom('cart_item').where('user_id', '=', ctx.actor!.userId).where('sku_id', '=', skuId).execute());
  return getCart(ctx);
}

// ---- shipping policy -------------------------------------------------------------------------

export interface ShippingPolicyInput {
  baseFeeFen: number;
  baseWeightG: number;
  extraFeePerKgFen: number;
  freeOverFen: number | null;
  provinceFees: Record<string, { baseFeeFen: number; extraFeePerKgFen: number }>;
  excludedProvinces: string[];
}

async function loadSupplierFor(ctx: Ctx, supplierId: string, write: boolean) {
  const s = await ctx.db.selectFrom('supplier').select(['id', 'county_code']).where('id', '=', supplierId).executeTakeFirst();
  const owner = !!s && supplierIdsOf(ctx.actor).includes(s.id);
  if (!s || !(owner || inScope(ctx.actor, s.county_code, write ? CENTER : COUNTY_READERS))) throw notFound('Supplier');
  return s;
}

export async function getShippingPolicy(ctx: Ctx, supplierId: string) {
  await loadSupplierFor(ctx, supplierId, false);
  const p = await ctx.db.selectFrom('shipping_policy').selectAll().where('supplier_id', '=', supplierId).executeTakeFirst();
  if (!p) return { supplierId, baseFeeFen: 0, baseWeightG: 1000, extraFeePerKgFen: 0, freeOverFen: null, provinceFees: {}, excludedProvinces: [], updatedAt: null };
  return {
    supplierId, baseFeeFen: p.base_fee_fen, baseWeightG: p.base_weight_g, extraFeePerKgFen: p.extra_fee_per_kg_fen, freeOverFen: p.free_over_fen,
    provinceFees: JSON.parse(p.province_fees) as ShippingPolicyInput['provinceFees'], excludedProvinces: JSON.parse(p.excluded_provinces) as string[], updatedAt: p.updated_at,
  };
}

export async function putShippingPolicy(ctx: Ctx, supplierId: string, input: ShippingPolicyInput) {
  const s = await loadSupplierFor(ctx, supplierId, true);
  for (const [i, code] of input.excludedProvinces.entries()) {
    if (code.length !== 2 || !ctx.deps.regions.get(code)) throw invalid(`/body/excludedProvinces/${i}`, `Unknown province code ${code}`, 'unknown_region');
  }
  for (const code of Object.keys(input.provinceFees)) {
    if (code.length !== 2 || !ctx.deps.regions.get(code)) throw invalid(`/body/provinceFees/${code}`, `Unknown province code ${code}`, 'unknown_region');
  }
  const values = {
    county_code: s.county_code, base_fee_fen: input.baseFeeFen, base_weight_g: input.baseWeightG, extra_fee_per_kg_fen: input.extraFeePerKgFen,
    free_over_fen: input.freeOverFen, province_fees: JSON.stringify(input.provinceFees), excluded_provinces: JSON.stringify([...new Set(input.excludedProvinces)]), updated_at: nowIso(),
  };
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('shipping_policy').values({ supplier_id: s.id, ...values }).onConflict((oc) => oc.column('supplier_id').doUpdateSet(values)).execute();
    await recordAudit(tx, { action: 'shipping_policy.updated', targetType: 'supplier', targetId: s.id, countyCode: s.county_code, detail: { ...input } });
  });
  return getShippingPolicy(ctx, supplierId);
}

// ---- lifecycle -------------------------------------------------------------------------------

/**
 * Moves an order along ORDER_TRANSITIONS with one conditional update (`WHERE status = :from`),
 * so two requests racing cannot both move it. The caller has loaded the order with the right
 * access check and runs inside its transaction; `set` carries the columns the step fills in
 * (shipped_at, carrier, …). Throws 409 invalid_transition / concurrent_change.
 */
export async function transitionOrder(ctx: Ctx, order: ShopOrderTable, to: OrderStatus, set: Partial<ShopOrderTable> = {}, audit?: Record<string, unknown>) {
  if (!canMove(order.status, to)) {
    throw new AppError(409, 'invalid_transition', `An order that is ${order.status} cannot become ${to}`, [], { from: order.status, to });
  }
  const now = nowIso();
  const res = await ctx.db.updateTable('shop_order').set({ ...set, status: to, updated_at: now })
    .where('id', '=', order.id).where('status', '=', order.status).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError(409, 'concurrent_change', 'The order changed just now; reload and try again');
  await recordAudit(ctx, { action: `order.${to}`, targetType: 'order', targetId: order.id, countyCode: order.county_code, detail: { from: order.status, ...audit } });
  return { ...order, ...set, status: to, updated_at: now };
}

import type { Ctx, Deps } from '../../context.js';
import { inTransaction, systemCtx } from '../../context.js';
import { withinScope } from '../../platform/db/scope.js';
import { lockRow } from '../../platform/db/lock.js';
import { type Role, inScope, scopePrefixes, supplierIdsOf } from '../../platform/http/access.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { decodeCursor, toPage } from '../../platform/http/pagination.js';
import { applyBasisPoints } from '../../platform/money.js';
import { nowIso } from '../../platform/time.js';
import { commissionAccrued, postEntry } from '../ledger/index.js';
import { orderViews, transitionOrder, type OrderStatus } from '../orders/index.js';
import { hostShareFor } from '../settlement/index.js';
import type { ShopOrderTable } from '../orders/orders.tables.js';
import { CARRIERS, type Carrier, normalizeTrackingNo, parseCarrier, trackingProblem } from './carriers.js';
import type { CellValue } from './sheets.js';

/** Who works the order sheet: the supplier for its own orders, the center for its counties'. */
export const SHEET_ROLES = ['supplier', 'center_admin', 'operator'] as const satisfies readonly Role[];
const CENTER: readonly Role[] = ['center_admin', 'operator'];

/** The order sheet's tabs and the order status each shows. */
export const SHEET_TABS = { to_ship: 'paid', shipped: 'shipped', delivered: 'delivered', completed: 'completed' } as const satisfies Record<string, OrderStatus>;
export type SheetTab = keyof typeof SHEET_TABS;

export interface SheetFilter {
  tab?: SheetTab | undefined;
  supplierId?: string | undefined;
  countyCode?: string | undefined;
  orderNo?: string | undefined;
  /** Paid on or after / on or before these dates (Asia/Shanghai, YYYY-MM-DD). */
  paidFrom?: string | undefined;
  paidTo?: string | undefined;
}

const shanghaiStart = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();
const shanghaiEnd = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();

/** Orders the actor may work on the sheet, narrowed by the filter; nothing for anyone else. */
function sheetQuery(ctx: Ctx, f: SheetFilter) {
  const prefixes = scopePrefixes(ctx.actor, CENTER);
  const own = supplierIdsOf(ctx.actor);
  let q = ctx.db.selectFrom('shop_order').selectAll()
    .where((eb) => withinScope(eb, 'county_code', prefixes, { column: 'supplier_id', ids: own }));
  if (f.tab) q = q.where('status', '=', SHEET_TABS[f.tab]);
  if (f.supplierId) q = q.where('supplier_id', '=', f.supplierId);
  if (f.countyCode) q = q.where('county_code', '=', f.countyCode);
  if (f.orderNo) q = q.where('order_no', '=', f.orderNo);
  if (f.paidFrom) q = q.where('paid_at', '>=', shanghaiStart(f.paidFrom));
  if (f.paidTo) q = q.where('paid_at', '<', shanghaiEnd(f.paidTo));
  return q;
}

/**
 * The supplier's order sheet (or the center's, over its counties): one tab at a time. To ship
 * lists the oldest paid order first (first paid, first shipped); the other tabs newest first.
 * `counts` is how many orders each tab holds in the actor's scope, for the tab badges.
 */
export async function listSheet(ctx: Ctx, f: SheetFilter & { cursor?: string | undefined; limit: number }) {
  const tab = f.tab ?? 'to_ship';
  const cursor = decodeCursor(f.cursor);
  const oldestFirst = tab === 'to_ship';
  let q = sheetQuery(ctx, { ...f, tab });
  if (cursor) q = q.where('id', oldestFirst ? '>' : '<', cursor);
  const rows = await q.orderBy('id', oldestFirst ? 'asc' : 'desc').limit(f.limit + 1).execute();
  const page = toPage(rows, f.limit, (r) => r);
  const countRows = await sheetQuery(ctx, { ...f, tab: undefined })
    .clearSelect().select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', Object.values(SHEET_TABS)).groupBy('status').execute();
  const count = (s: OrderStatus) => Number(countRows.find((c) => c.status === s)?.n ?? 0);
  return {
    items: await orderViews(ctx, page.items), nextCursor: page.nextCursor,
    counts: { toShip: count('paid'), shipped: count('shipped'), delivered: count('delivered'), completed: count('completed') },
  };
}

/** An order the actor ships or delivers: its own supplier's, or in the center's counties. Others are 404. */
async function loadSheetOrder(ctx: Ctx, orderId: string): Promise<ShopOrderTable> {
  const o = await ctx.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!o || !(supplierIdsOf(ctx.actor).includes(o.supplier_id) || inScope(ctx.actor, o.county_code, CENTER))) throw notFound('Order');
  return o;
}

export interface ShipInput {
  carrier: Carrier;
  trackingNo: string;
}

function checkShipment(input: ShipInput, pointer = '/body'): ShipInput {
  const trackingNo = normalizeTrackingNo(input.trackingNo);
  if (!(CARRIERS as readonly string[]).includes(input.carrier)) throw invalid(`${pointer}/carrier`, `Unknown carrier ${input.carrier}`, 'unknown_carrier');
  const problem = trackingProblem(input.carrier, trackingNo);
  if (problem) throw invalid(`${pointer}/trackingNo`, problem, 'bad_tracking_no');
  return { carrier: input.carrier, trackingNo };
}

/** paid → shipped with carrier and tracking number: one conditional update in one transaction. */
async function shipLoaded(tx: Ctx, order: ShopOrderTable, s: ShipInput) {
  return transitionOrder(tx, order, 'shipped', { carrier: s.carrier, tracking_no: s.trackingNo, shipped_at: nowIso() }, { carrier: s.carrier, trackingNo: s.trackingNo });
}

export async function shipOrder(ctx: Ctx, orderId: string, input: ShipInput, pointer = '/body') {
  const s = checkShipment(input, pointer);
  const shipped = await inTransaction(ctx, async (tx) => shipLoaded(tx, await loadSheetOrder(tx, orderId), s));
  return (await orderViews(ctx, [shipped]))[0]!;
}

export interface BatchResult {
  orderId: string;
  ok: boolean;
  code: string | null;
  detail: string | null;
  status: OrderStatus | null;
}

/**
 * Ships many orders, each in its own transaction: one order's failure (already shipped, not
 * paid, not yours, a bad number) leaves the others shipped, and is reported on its line.
 */
export async function shipBatch(ctx: Ctx, items: (ShipInput & { orderId: string })[]) {
  const results: BatchResult[] = [];
  for (const [i, it] of items.entries()) {
    try {
      const o = await shipOrder(ctx, it.orderId, it, `/body/items/${i}`);
      results.push({ orderId: it.orderId, ok: true, code: null, detail: null, status: o.status });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ orderId: it.orderId, ok: false, code: err.errors[0]?.code ?? err.code, detail: err.message, status: null });
    }
  }
  return { shipped: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
}

/** shipped → delivered, by the supplier or the center (a courier-API adapter later). */
export async function markDelivered(ctx: Ctx, orderId: string) {
  const o = await inTransaction(ctx, async (tx) => transitionOrder(tx, await loadSheetOrder(tx, orderId), 'delivered', { delivered_at: nowIso() }));
  return (await orderViews(ctx, [o]))[0]!;
}

// ---- completion and commission ---------------------------------------------------------------

/**
 * What the order's completion posts, in fen: the center's service fee (CENTER_SERVICE_FEE_BP
 * of the goods amount, on what the buyer kept when part was refunded before completion) and,
 * when a host sold it, the host's share by its commission policy (settlement's `hostShareFor`:
 * a regular host's commission, or an official's pledge to the funds).
 */
export async function commissionOf(ctx: Ctx, o: ShopOrderTable) {
  const keptFen = Math.max(0, o.items_fen - o.refunded_fen);
  const serviceFeeFen = applyBasisPoints(keptFen, ctx.deps.config.centerServiceFeeBp);
  const host = await hostShareFor(ctx, o);
  const commissionFen = host && 'commissionFen' in host ? host.commissionFen : 0;
  return { serviceFeeFen, commissionFen, host };
}

/**
 * Completes a shipped or delivered order (shipped → delivered → completed) and posts its
 * commission entry in the caller's transaction. The conditional updates make sure only one of
 * two racing completions (the buyer and the job) gets here; the entry's idempotency key
 * (`commission:{orderId}`) would refuse a second posting anyway.
 *
 * The caller must have locked the order row before reading `order` (lockRow): the fee and
 * commission are worked out from its refunded amount. A partial refund committing between an
 * unlocked read and this would leave them charged on money the buyer got back, and the refund,
 * finding nothing accrued yet, would reverse none of it.
 */
async function completeLoaded(tx: Ctx, order: ShopOrderTable, via: 'buyer' | 'auto') {
  const now = nowIso();
  let o = order;
  if (o.status === 'shipped') o = await transitionOrder(tx, o, 'delivered', { delivered_at: now }, { via });
  const { serviceFeeFen, commissionFen, host } = await commissionOf(tx, o);
  const pledgeFen = host && 'pledgeFen' in host ? host.pledgeFen : undefined;
  o = await transitionOrder(tx, o, 'completed', { completed_at: now }, { via, serviceFeeFen, commissionFen, hostUserId: o.host_user_id, ...(pledgeFen !== undefined ? { pledgeFen } : {}) });
  const entry = commissionAccrued({ countyCode: o.county_code, orderId: o.id, supplierId: o.supplier_id, serviceFeeFen, host });
  if (entry) await postEntry(tx, entry);
  return o;
}

/** The buyer confirms receipt: a shipped or delivered order becomes completed, commission accrues. */
export async function confirmReceipt(ctx: Ctx, orderId: string) {
  const o = await inTransaction(ctx, async (tx) => {
    await lockRow(tx.db, 'shop_order', orderId); // see completeLoaded
    const order = await tx.db.selectFrom('shop_order').selectAll().where('id', '=', orderId).executeTakeFirst();
    if (!order || order.buyer_id !== tx.actor?.userId) throw notFound('Order');
    if (order.status !== 'shipped' && order.status !== 'delivered') {
      throw new AppError(409, 'invalid_transition', order.status === 'paid' ? 'This order has not been shipped yet' : `An order that is ${order.status} cannot be confirmed`, [], { from: order.status, to: 'completed' });
    }
    return completeLoaded(tx, order, 'buyer');
  });
  return (await orderViews(ctx, [o]))[0]!;
}

/**
 * Completes orders shipped more than AUTO_CONFIRM_DAYS ago (counted from shipping, as buyers
 * are told at checkout) that the buyer has not confirmed. Safe in several processes and
 * against a buyer confirming at the same moment: each completion is conditional, and a lost
 * race is skipped. An order whose entry is refused (its supplier already paid out) stays and
 * is logged; it is tried again on the next run.
 */
export async function autoConfirmOrders(deps: Deps, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - deps.config.autoConfirmDays * 86_400_000).toISOString();
  const due = await deps.db.selectFrom('shop_order').select('id').where('status', 'in', ['shipped', 'delivered'])
    .where('shipped_at', '<=', cutoff).orderBy('shipped_at').limit(500).execute();
  let n = 0;
  for (const { id } of due) {
    try {
      const done = await inTransaction(systemCtx(deps), async (tx) => {
        await lockRow(tx.db, 'shop_order', id); // see completeLoaded
        const o = await tx.db.selectFrom('shop_order').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        if (o.status !== 'shipped' && o.status !== 'delivered') return false;
        await completeLoaded(tx, o, 'auto');
        return true;
      });
      if (done) n++;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'concurrent_change' || err.code === 'invalid_transition')) continue;
      deps.log.error({ err, orderId: id }, 'auto-confirm failed');
    }
  }
  return n;
}

// ---- exports ---------------------------------------------------------------------------------

const MAX_EXPORT = 1000;

/** The orders an export covers: the ids chosen on the sheet, or the filter (default: to ship). */
export async function ordersForExport(ctx: Ctx, q: SheetFilter & { orderIds?: string[] | undefined }) {
  let query = q.orderIds?.length
    ? sheetQuery(ctx, { ...q, tab: q.tab }).where('id', 'in', q.orderIds)
    : sheetQuery(ctx, { ...q, tab: q.tab ?? 'to_ship' });
  query = query.orderBy('id', 'asc').limit(MAX_EXPORT + 1);
  const rows = await query.execute();
  if (rows.length > MAX_EXPORT) throw new AppError(422, 'too_many_orders', `At most ${MAX_EXPORT} orders in one export; narrow the filter`);
  return rows;
}

export async function pickListRows(ctx: Ctx, orders: ShopOrderTable[]) {
  if (!orders.length) return [];
  const items = await ctx.db.selectFrom('order_item').select(['order_id', 'sku_id', 'title', 'spec', 'unit', 'quantity']).where('order_id', 'in', orders.map((o) => o.id)).execute();
  const suppliers = await ctx.db.selectFrom('supplier').select(['id', 'name']).where('id', 'in', [...new Set(orders.map((o) => o.supplier_id))]).execute();
  const supplierOf = new Map(orders.map((o) => [o.id, suppliers.find((s) => s.id === o.supplier_id)?.name ?? '']));
  const bySku = new Map<string, { skuId: string; title: string; spec: string; unit: string; supplierName: string; quantity: number; orders: Set<string> }>();
  for (const it of items) {
    const row = bySku.get(it.sku_id) ?? { skuId: it.sku_id, title: it.title, spec: it.spec, unit: it.unit, supplierName: supplierOf.get(it.order_id) ?? '', quantity: 0, orders: new Set<string>() };
    row.quantity += it.quantity;
    row.orders.add(it.order_id);
    bySku.set(it.sku_id, row);
  }
  return [...bySku.values()]
    .sort((a, b) => a.supplierName.localeCompare(b.supplierName, 'zh') || a.title.localeCompare(b.title, 'zh') || a.spec.localeCompare(b.spec, 'zh'))
    .map((r) => ({ ...r, orderCount: r.orders.size }));
}

// ---- tracking-number import --------------------------------------------------------------------

const HEADERS = {
  orderNo: ['订单号', '订单编号', 'order number', 'order no', 'order_no', 'orderno'],
  carrier: ['快递公司', '物流公司', '快递', 'carrier'],
  trackingNo: ['快递单号', '运单号', '物流单号', 'tracking number', 'tracking no', 'tracking_no', 'trackingno'],
} as const;

export interface RowError {
  row: number;
  orderNo: string | null;
  code: string;
  reason: string;
}

function cellText(v: CellValue): { text: string } | { lost: true } {
  if (v === null) return { text: '' };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { text: String(v) } : { lost: true };
  return { text: v.trim() };
}

/**
 * Ships the orders of an uploaded sheet (order number, carrier, tracking number; the packing
 * list export is a ready template). Every row is checked first; each valid row is then shipped
 * in its own transaction, so a row is either applied whole or reported with its row number
 * (as the spreadsheet numbers it) and the reason.
 */
export async function importTracking(ctx: Ctx, sheet: CellValue[][]) {
  const headerIdx = sheet.findIndex((r) => r.some((c) => c !== null && String(c).trim() !== ''));
  if (headerIdx < 0) throw invalid('/body/file', 'The file has no rows', 'empty');
  const header = sheet[headerIdx]!.map((c) => (c === null ? '' : String(c).trim().toLowerCase()));
  const col = Object.fromEntries(Object.entries(HEADERS).map(([k, names]) => [k, header.findIndex((h) => (names as readonly string[]).includes(h))])) as Record<keyof typeof HEADERS, number>;
  const missing = Object.entries(col).filter(([, i]) => i < 0).map(([k]) => HEADERS[k as keyof typeof HEADERS][0]);
  if (missing.length) {
    throw new AppError(422, 'missing_columns', `The first row must name the columns 订单号 (order number), 快递公司 (carrier) and 快递单号 (tracking number); missing: ${missing.join(', ')}`, [], { missing });
  }

  const errors: RowError[] = [];
  const candidates: { row: number; orderNo: string; carrier: Carrier; trackingNo: string }[] = [];
  const seen = new Map<string, number>();
  let rowsRead = 0;
  for (let i = headerIdx + 1; i < sheet.length; i++) {
    const cells = sheet[i]!;
    const row = i + 1;
    if (cells.every((c) => c === null || String(c).trim() === '')) continue;
    rowsRead++;
    const no = cellText(cells[col.orderNo] ?? null);
    const car = cellText(cells[col.carrier] ?? null);
    const tr = cellText(cells[col.trackingNo] ?? null);
    const orderNo = 'text' in no ? no.text : null;
    const fail = (code: string, reason: string) => errors.push({ row, orderNo, code, reason });
    if (!('text' in no)) { fail('number_lost_digits', 'The order number was stored as a number and lost digits; format the column as text'); continue; }
    if (!no.text) { fail('missing_order_no', 'No order number'); continue; }
    if (!('text' in tr)) { fail('number_lost_digits', 'The tracking number was stored as a number and lost digits; format the column as text'); continue; }
    const carrier = 'text' in car ? parseCarrier(car.text) : null;
    if (!carrier) { fail('unknown_carrier', `Unknown carrier "${'text' in car ? car.text : ''}"; use one of ${CARRIERS.join(', ')} or its Chinese name`); continue; }
    const trackingNo = normalizeTrackingNo(tr.text);
    const problem = trackingProblem(carrier, trackingNo);
    if (problem) { fail('bad_tracking_no', problem); continue; }
    const earlier = seen.get(no.text);
    if (earlier !== undefined) { fail('duplicate_order', `The same order is on row ${earlier}`); continue; }
    seen.set(no.text, row);
    candidates.push({ row, orderNo: no.text, carrier, trackingNo });
  }

  const orders = candidates.length
    ? await sheetQuery(ctx, {}).where('order_no', 'in', candidates.map((c) => c.orderNo)).execute()
    : [];
  const shipped: { row: number; orderNo: string; orderId: string }[] = [];
  for (const c of candidates) {
    const o = orders.find((x) => x.order_no === c.orderNo);
    if (!o) { errors.push({ row: c.row, orderNo: c.orderNo, code: 'order_not_found', reason: 'No such order among yours' }); continue; }
    if (o.status !== 'paid') {
      const same = o.status === 'shipped' && o.carrier === c.carrier && o.tracking_no === c.trackingNo;
      errors.push({ row: c.row, orderNo: c.orderNo, code: same ? 'already_shipped' : 'invalid_transition', reason: same ? 'Already shipped with this tracking number' : `The order is ${o.status}, not waiting to be shipped` });
      continue;
    }
    try {
      await inTransaction(ctx, async (tx) => shipLoaded(tx, o, c));
      shipped.push({ row: c.row, orderNo: c.orderNo, orderId: o.id });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      errors.push({ row: c.row, orderNo: c.orderNo, code: err.code, reason: err.message });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { rows: rowsRead, shipped, errors };
}

import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { lockRow } from '../../platform/db/lock.js';
import { AppError, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import type { CellValue } from '../fulfilment/index.js';
import type { LiveExternalSaleTable, LiveSessionTable } from './live.tables.js';
import { loadSession } from './sessions.service.js';

/**
 * What a session did: audience figures (live_session_stat, kept by the real-time hub), orders
 * placed from the room (shop_order with source_kind 'live' and source_ref the session, counted
 * once paid), per-product conversion, and for external sessions the sales their platform
 * reported (entered by hand or imported from its XLSX/CSV export).
 */

const saleView = (r: LiveExternalSaleTable) => ({
  id: r.id, productId: r.product_id, label: r.label, orders: r.orders, units: r.units, gmvFen: r.gmv_fen, source: r.source, createdAt: r.created_at,
});

export async function sessionReport(ctx: Ctx, sessionId: string) {
  const { s } = await loadSession(ctx, sessionId, 'read');
  const stat = await ctx.db.selectFrom('live_session_stat').selectAll().where('session_id', '=', s.id).executeTakeFirst();
  const startedMs = s.started_at ? new Date(s.started_at).getTime() : null;
  const endMs = s.ended_at ? new Date(s.ended_at).getTime() : Date.now();
  const durationSec = startedMs !== null ? Math.max(0, Math.round((endMs - startedMs) / 1000)) : 0;
  const watchSeconds = Number(stat?.watch_seconds ?? 0);

  const paid = ctx.db.selectFrom('shop_order').where('source_kind', '=', 'live').where('source_ref', '=', s.id).where('paid_at', 'is not', null);
  const totals = await paid.select([
    (eb) => eb.fn.countAll<number>().as('orders'),
    (eb) => eb.fn.count<number>('buyer_id').distinct().as('buyers'),
    // GMV is the goods amount (as in the host's live figures and the per-product lines), without shipping.
    (eb) => eb.fn.coalesce(eb.fn.sum<number>('items_fen'), eb.lit(0)).as('gmv'),
    (eb) => eb.fn.coalesce(eb.fn.sum<number>('refunded_fen'), eb.lit(0)).as('refunded'),
  ]).executeTakeFirstOrThrow();
  const lines = await ctx.db.selectFrom('order_item').innerJoin('shop_order', 'shop_order.id', 'order_item.order_id')
    .where('shop_order.source_kind', '=', 'live').where('shop_order.source_ref', '=', s.id).where('shop_order.paid_at', 'is not', null)
    .select([
      'order_item.sku_id', 'order_item.product_id',
      (eb) => eb.fn.max('order_item.title').as('title'), (eb) => eb.fn.max('order_item.spec').as('spec'),
      (eb) => eb.fn.count<number>('shop_order.id').distinct().as('orders'),
      (eb) => eb.fn.count<number>('shop_order.buyer_id').distinct().as('buyers'),
      (eb) => eb.fn.sum<number>('order_item.quantity').as('units'),
      (eb) => eb.fn.sum<number>('order_item.line_fen').as('gmv'),
    ])
    .groupBy(['order_item.sku_id', 'order_item.product_id']).execute();
  const items = await ctx.db.selectFrom('live_session_item as i').innerJoin('product', 'product.id', 'i.product_id').innerJoin('sku', 'sku.id', 'i.sku_id')
    .select(['i.sku_id', 'i.product_id', 'i.room_code', 'i.position', 'product.title', 'sku.spec']).where('i.session_id', '=', s.id).orderBy('i.position').execute();
  const unique = Number(stat?.unique_viewers ?? 0);
  const products = [
    ...items.map((i) => ({ i, l: lines.find((x) => x.sku_id === i.sku_id) })),
    ...lines.filter((l) => !items.some((i) => i.sku_id === l.sku_id)).map((l) => ({ i: undefined, l })),
  ].map(({ i, l }) => {
    const buyers = Number(l?.buyers ?? 0);
    return {
      skuId: i?.sku_id ?? l!.sku_id, productId: i?.product_id ?? l!.product_id, roomCode: i?.room_code ?? null,
      title: i?.title ?? String(l?.title ?? ''), spec: i?.spec ?? String(l?.spec ?? ''),
      orders: Number(l?.orders ?? 0), buyers, units: Number(l?.units ?? 0), gmvFen: Number(l?.gmv ?? 0),
      conversion: unique > 0 ? Math.round((buyers / unique) * 10000) / 10000 : null,
    };
  });
  const sales = await ctx.db.selectFrom('live_external_sale').selectAll().where('session_id', '=', s.id).orderBy('id').execute();
  return {
    sessionId: s.id, title: s.title, kind: s.kind, status: s.status, startedAt: s.started_at, endedAt: s.ended_at,
    durationMinutes: Math.round(durationSec / 60),
    viewers: {
      peak: Number(stat?.viewers_peak ?? 0), average: durationSec > 0 ? Math.round(watchSeconds / durationSec) : 0, unique, watchMinutes: Math.round(watchSeconds / 60),
    },
    comments: Number(stat?.comments ?? 0), likes: Number(stat?.likes ?? 0),
    orders: Number(totals.orders), buyers: Number(totals.buyers), units: products.reduce((a, p) => a + p.units, 0),
    gmvFen: Number(totals.gmv), refundedFen: Number(totals.refunded), products,
    external: {
      orders: sales.reduce((a, r) => a + r.orders, 0), units: sales.reduce((a, r) => a + r.units, 0), gmvFen: sales.reduce((a, r) => a + Number(r.gmv_fen), 0),
      sales: sales.map(saleView),
    },
  };
}

// ---- external sales ----------------------------------------------------------------------------

async function loadExternal(ctx: Ctx, sessionId: string): Promise<LiveSessionTable> {
  const { s } = await loadSession(ctx, sessionId, 'manage');
  if (s.kind !== 'external') throw new AppError(409, 'not_external', 'Only external sessions have sales reported by another platform');
  if (s.status === 'cancelled') throw new AppError(409, 'session_closed', 'The session was cancelled');
  return s;
}

async function checkProduct(ctx: Ctx, s: LiveSessionTable, productId: string | null | undefined, pointer: string) {
  if (!productId) return null;
  const p = await ctx.db.selectFrom('product').select(['id', 'county_code']).where('id', '=', productId).executeTakeFirst();
  if (!p || p.county_code !== s.county_code) throw invalid(pointer, 'No such product in this county', 'unknown_product');
  return p.id;
}

export interface SaleInput { label: string; productId?: string | undefined; orders: number; units: number; gmvFen: number }

export async function addExternalSale(ctx: Ctx, sessionId: string, input: SaleInput) {
  const s = await loadExternal(ctx, sessionId);
  const productId = await checkProduct(ctx, s, input.productId, '/body/productId');
  const row: LiveExternalSaleTable = {
    id: newId('liveExternalSale'), session_id: s.id, product_id: productId, label: input.label.trim(), orders: input.orders, units: input.units,
    gmv_fen: input.gmvFen, source: 'manual', created_by: ctx.actor!.userId, created_at: nowIso(),
  };
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('live_external_sale').values(row).execute();
    await recordAudit(tx, { action: 'live.external_sale.add', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { saleId: row.id, gmvFen: row.gmv_fen } });
  });
  return saleView(row);
}

export async function deleteExternalSale(ctx: Ctx, sessionId: string, saleId: string) {
  const s = await loadExternal(ctx, sessionId);
  await inTransaction(ctx, async (tx) => {
    const res = await tx.db.deleteFrom('live_external_sale').where('id', '=', saleId).where('session_id', '=', s.id).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw notFound('External sale');
    await recordAudit(tx, { action: 'live.external_sale.delete', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { saleId } });
  });
  return { ok: true as const };
}

/** Header names accepted for each column (lower-cased), Chinese as the platforms export them first. */
const HEADERS = {
  label: ['商品', '商品名称', '商品标题', 'product', 'label', 'title'],
  orders: ['订单数', '成交订单数', '订单量', 'orders'],
  units: ['件数', '成交件数', '销量', '商品件数', 'units', 'quantity'],
  gmv: ['成交额', '成交金额', '成交金额(元)', '成交额(元)', '成交金额（元）', '成交额（元）', 'gmv', 'gmv (yuan)', 'amount'],
} as const;

type RowError = { row: number; code: string; reason: string };

/** Yuan as the sheet holds it ("1,234.50", "¥12.8", 12.8) → integer fen, without floating-point drift. */
export function yuanToFen(v: CellValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') {
    const fen = Math.round(v * 100);
    return Number.isFinite(v) && v >= 0 && Math.abs(v * 100 - fen) < 1e-6 ? fen : null;
  }
  const t = v.trim().replace(/^[¥￥]/, '').replace(/,/g, '').replace(/元$/, '').trim();
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function count(v: CellValue): number | null {
  if (v === null) return null;
  const t = typeof v === 'number' ? v : Number(v.trim().replace(/,/g, ''));
  return Number.isInteger(t) && t >= 0 && t <= 10_000_000 ? t : null;
}

/**
 * Imports the sales an external platform reported, from its XLSX or CSV export. The file is the
 * whole picture: it replaces what an earlier import brought (entries made by hand stay), so
 * importing the same file twice does not double the figures. Any bad row refuses the whole file.
 */
export async function importExternalSales(ctx: Ctx, sessionId: string, sheet: CellValue[][]) {
  const s = await loadExternal(ctx, sessionId);
  const headerIdx = sheet.findIndex((r) => r.some((c) => c !== null && String(c).trim() !== ''));
  if (headerIdx < 0) throw invalid('/body/file', 'The file has no rows', 'empty');
  const header = sheet[headerIdx]!.map((c) => (c === null ? '' : String(c).trim().toLowerCase()));
  const col = Object.fromEntries(Object.entries(HEADERS).map(([k, names]) => [k, header.findIndex((h) => (names as readonly string[]).includes(h))])) as Record<keyof typeof HEADERS, number>;
  const missing = (Object.keys(HEADERS) as (keyof typeof HEADERS)[]).filter((k) => col[k] < 0).map((k) => HEADERS[k][0]);
  if (missing.length) {
    throw new AppError(422, 'missing_columns', `The first row must name the columns 商品 (product), 订单数 (orders), 件数 (units) and 成交额 (GMV in yuan); missing: ${missing.join(', ')}`, [], { missing });
  }
  const titles = await ctx.db.selectFrom('live_session_item').innerJoin('product', 'product.id', 'live_session_item.product_id')
    .select(['product.id', 'product.title']).where('live_session_item.session_id', '=', s.id).execute();
  const errors: RowError[] = [];
  const rows: LiveExternalSaleTable[] = [];
  const now = nowIso();
  for (let i = headerIdx + 1; i < sheet.length; i++) {
    const cells = sheet[i]!;
    const row = i + 1;
    if (cells.every((c) => c === null || String(c).trim() === '')) continue;
    const label = String(cells[col.label] ?? '').trim();
    const orders = count(cells[col.orders] ?? null);
    const units = count(cells[col.units] ?? null);
    const gmv = yuanToFen(cells[col.gmv] ?? null);
    if (!label) { errors.push({ row, code: 'missing_label', reason: 'No product name' }); continue; }
    if (label.length > 100) { errors.push({ row, code: 'label_too_long', reason: 'The product name is longer than 100 characters' }); continue; }
    if (orders === null) { errors.push({ row, code: 'bad_orders', reason: 'The order count is not a whole number' }); continue; }
    if (units === null) { errors.push({ row, code: 'bad_units', reason: 'The unit count is not a whole number' }); continue; }
    if (gmv === null) { errors.push({ row, code: 'bad_gmv', reason: 'The amount is not in yuan with at most two decimals' }); continue; }
    rows.push({
      id: newId('liveExternalSale'), session_id: s.id, product_id: titles.find((t) => t.title === label)?.id ?? null, label, orders, units, gmv_fen: gmv,
      source: 'import', created_by: ctx.actor!.userId, created_at: now,
    });
  }
  if (errors.length) throw new AppError(422, 'import_rows_invalid', `${errors.length} row(s) could not be read; nothing was imported. Fix them and import again.`, [], { rows: errors });
  if (!rows.length) throw invalid('/body/file', 'The file has no sales rows under its header', 'empty');
  const replaced = await inTransaction(ctx, async (tx) => {
    // Two imports at once take turns on the session row: each then deletes what the other
    // committed, and one file, not both, is the picture (on PostgreSQL each deleted only
    // what was there before either began).
    await lockRow(tx.db, 'live_session', s.id);
    const del = await tx.db.deleteFrom('live_external_sale').where('session_id', '=', s.id).where('source', '=', 'import').executeTakeFirst();
    for (let k = 0; k < rows.length; k += 200) await tx.db.insertInto('live_external_sale').values(rows.slice(k, k + 200)).execute();
    await recordAudit(tx, { action: 'live.external_sale.import', targetType: 'live_session', targetId: s.id, countyCode: s.county_code, detail: { rows: rows.length } });
    return Number(del.numDeletedRows);
  });
  return { imported: rows.length, replaced, gmvFen: rows.reduce((a, r) => a + r.gmv_fen, 0), sales: rows.map(saleView) };
}

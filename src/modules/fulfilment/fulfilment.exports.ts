import type { Ctx } from '../../context.js';
import { bizDate } from '../../platform/time.js';
import { orderViews } from '../orders/index.js';
import { CARRIER_NAMES, type Carrier } from './carriers.js';
import { ordersForExport, pickListRows, type SheetFilter } from './fulfilment.service.js';
import { xlsxOf } from './sheets.js';

export interface ExportFile {
  data: Buffer;
  asciiName: string;
  name: string;
}

/** An instant as Asia/Shanghai wall-clock time, "2026-11-27 14:05". */
function shanghaiTime(iso: string | null): string {
  if (!iso) return '';
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const stamp = () => bizDate().replaceAll('-', '');

/** 拣货单: how many of each SKU to pick for the chosen orders. */
export async function pickListXlsx(ctx: Ctx, q: SheetFilter & { orderIds?: string[] | undefined }): Promise<ExportFile> {
  const rows = await pickListRows(ctx, await ordersForExport(ctx, q));
  const data = await xlsxOf('拣货单', [
    { header: '供货商户', width: 18, value: (r) => r.supplierName },
    { header: '商品', width: 30, value: (r) => r.title, wrap: true },
    { header: '规格', width: 18, value: (r) => r.spec },
    { header: '单位', width: 8, value: (r) => r.unit },
    { header: '数量', width: 8, value: (r) => r.quantity },
    { header: '订单数', width: 8, value: (r) => r.orderCount },
    { header: 'SKU', width: 42, value: (r) => r.skuId },
  ], rows);
  return { data, asciiName: `pick-list-${stamp()}.xlsx`, name: `拣货单-${stamp()}.xlsx` };
}

/**
 * 发货单: one row per order with the recipient (the full phone: only the supplier and the
 * center call this, and the courier needs it) and the items. Its first three columns are
 * those the tracking import reads, so a filled-in copy can be uploaded as it is.
 */
export async function packingListXlsx(ctx: Ctx, q: SheetFilter & { orderIds?: string[] | undefined }): Promise<ExportFile> {
  const views = await orderViews(ctx, await ordersForExport(ctx, q));
  const data = await xlsxOf('发货单', [
    { header: '订单号', width: 22, value: (o) => o.orderNo },
    { header: '快递公司', width: 12, value: (o) => (o.carrier ? CARRIER_NAMES[o.carrier as Carrier] ?? o.carrier : '') },
    { header: '快递单号', width: 22, value: (o) => o.trackingNo ?? '' },
    { header: '收件人', width: 10, value: (o) => o.recipient.name },
    { header: '电话', width: 14, value: (o) => o.recipient.phone },
    { header: '地址', width: 40, value: (o) => o.recipient.address, wrap: true },
    { header: '商品', width: 40, value: (o) => o.items.map((i) => `${i.title} ${i.spec} ×${i.quantity}`).join('\n'), wrap: true },
    { header: '件数', width: 6, value: (o) => o.items.reduce((s, i) => s + i.quantity, 0) },
    { header: '买家留言', width: 20, value: (o) => o.note, wrap: true },
    { header: '付款时间', width: 17, value: (o) => shanghaiTime(o.paidAt) },
    { header: '供货商户', width: 18, value: (o) => o.supplierName },
  ], views);
  return { data, asciiName: `packing-list-${stamp()}.xlsx`, name: `发货单-${stamp()}.xlsx` };
}

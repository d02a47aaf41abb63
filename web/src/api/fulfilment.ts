/**
 * Fulfilment: the order sheet (tabs with counts), shipping one or many orders, marking them
 * delivered, the pick and packing lists as XLSX, and tracking numbers imported from a sheet.
 */
import { api, download } from './client';
export { saveDownload, filenameOf, type Download } from './client';
import type { Order, OrderStatus } from './orders';
import type { PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

export const CARRIERS = ['SF', 'ZTO', 'YTO', 'YUNDA', 'STO', 'JD', 'EMS'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const SHEET_TABS = ['to_ship', 'shipped', 'delivered', 'completed'] as const;
export type SheetTab = (typeof SHEET_TABS)[number];

export interface SheetFilter {
  tab?: SheetTab | undefined;
  supplierId?: string | undefined;
  countyCode?: string | undefined;
  orderNo?: string | undefined;
  /** YYYY-MM-DD, Asia/Shanghai */
  paidFrom?: string | undefined;
  paidTo?: string | undefined;
}

export interface SheetCounts {
  toShip: number;
  shipped: number;
  delivered: number;
  completed: number;
}

export interface SheetPage {
  items: Order[];
  nextCursor: string | null;
  counts: SheetCounts;
}

export interface ShipInput {
  carrier: Carrier;
  trackingNo: string;
}

export interface ShipBatchResult {
  shipped: number;
  failed: number;
  results: { orderId: string; ok: boolean; code: string | null; detail: string | null; status: string | null }[];
}

export interface TrackingImport {
  /** Data rows read (blank rows skipped). */
  rows: number;
  shipped: { row: number; orderNo: string; orderId: string }[];
  /** `row` as the spreadsheet shows it (the header is row 1). */
  errors: { row: number; orderNo: string | null; code: string; reason: string }[];
}

export interface SellOrderQuery extends PageQuery {
  status?: OrderStatus | undefined;
  supplierId?: string | undefined;
  countyCode?: string | undefined;
}



/** Hands a fetched file to the browser as a download. */

export const fulfilmentApi = {
  sheet: (q: SheetFilter & PageQuery, signal?: AbortSignal) => api.get<SheetPage>('/fulfilment/orders', { ...q }, signal),
  ship: (orderId: string, input: ShipInput) => api.post<Order>(`/fulfilment/orders/${id(orderId)}/ship`, input),
  shipBatch: (items: (ShipInput & { orderId: string })[]) => api.post<ShipBatchResult>('/fulfilment/ship-batch', { items }),
  deliver: (orderId: string) => api.post<Order>(`/fulfilment/orders/${id(orderId)}/deliver`),
  /** Without `orderIds`, the orders the filter selects (default: the to-ship tab). */
  pickList: (filter: SheetFilter, orderIds: readonly string[] = []) => download('/fulfilment/exports/pick-list', { ...filter }, 'pick-list.xlsx', { name: 'orderIds', values: orderIds }),
  packingList: (filter: SheetFilter, orderIds: readonly string[] = []) => download('/fulfilment/exports/packing-list', { ...filter }, 'packing-list.xlsx', { name: 'orderIds', values: orderIds }),
  importTracking: (file: File) => api.upload<TrackingImport>('POST', '/fulfilment/imports/tracking', file),
};

export const sellOrdersApi = {
  list: (q: SellOrderQuery) => api.get<{ items: Order[]; nextCursor: string | null }>('/orders', { view: 'sell', ...q }),
  get: (orderId: string, signal?: AbortSignal) => api.get<Order>(`/orders/${id(orderId)}`, undefined, signal),
};

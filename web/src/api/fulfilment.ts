/**
 * Fulfilment: the order sheet (tabs with counts), shipping one or many orders, marking them
 * delivered, the pick and packing lists as XLSX, and tracking numbers imported from a sheet.
 */
import { api, ProblemError, toQueryString, type ProblemBody } from './client';
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

export interface Download {
  blob: Blob;
  filename: string;
}

/** The file name from Content-Disposition (filename* first: it carries the Chinese name). */
export function filenameOf(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!);
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1]! : fallback;
}

async function download(path: string, filter: SheetFilter, orderIds: readonly string[], fallback: string): Promise<Download> {
  let qs = toQueryString({ ...filter });
  for (const o of orderIds) qs += `${qs ? '&' : '?'}orderIds=${encodeURIComponent(o)}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${qs}`, { credentials: 'same-origin' });
  } catch (err) {
    throw new ProblemError(0, { code: 'network_error', detail: err instanceof Error ? err.message : String(err) });
  }
  if (!res.ok) {
    let body: ProblemBody = {};
    try {
      body = (await res.json()) as ProblemBody;
    } catch {
      body = { detail: res.statusText };
    }
    throw new ProblemError(res.status, body);
  }
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('content-disposition'), fallback) };
}

/** Hands a fetched file to the browser as a download. */
export function saveDownload(d: Download): void {
  const url = URL.createObjectURL(d.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = d.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const fulfilmentApi = {
  sheet: (q: SheetFilter & PageQuery, signal?: AbortSignal) => api.get<SheetPage>('/fulfilment/orders', { ...q }, signal),
  ship: (orderId: string, input: ShipInput) => api.post<Order>(`/fulfilment/orders/${id(orderId)}/ship`, input),
  shipBatch: (items: (ShipInput & { orderId: string })[]) => api.post<ShipBatchResult>('/fulfilment/ship-batch', { items }),
  deliver: (orderId: string) => api.post<Order>(`/fulfilment/orders/${id(orderId)}/deliver`),
  /** Without `orderIds`, the orders the filter selects (default: the to-ship tab). */
  pickList: (filter: SheetFilter, orderIds: readonly string[] = []) => download('/fulfilment/exports/pick-list', filter, orderIds, 'pick-list.xlsx'),
  packingList: (filter: SheetFilter, orderIds: readonly string[] = []) => download('/fulfilment/exports/packing-list', filter, orderIds, 'packing-list.xlsx'),
  importTracking: (file: File) => api.upload<TrackingImport>('POST', '/fulfilment/imports/tracking', file),
};

export const sellOrdersApi = {
  list: (q: SellOrderQuery) => api.get<{ items: Order[]; nextCursor: string | null }>('/orders', { view: 'sell', ...q }),
  get: (orderId: string, signal?: AbortSignal) => api.get<Order>(`/orders/${id(orderId)}`, undefined, signal),
};

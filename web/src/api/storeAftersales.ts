/**
 * The buyer's side of after-sales: confirm receipt, cancel a paid order before it ships (full
 * refund at once), open a refund or return case with photos, follow it, send the goods back,
 * take it to the county center. The server enforces every rule; the pages only explain them.
 */
import { api, request } from './client';
import type { Order } from './orders';
import type { Page, PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

import { CASE_STATUSES, type AftersalesCase, type CaseItem, type CaseKind, type CaseStatus } from './aftersales';

export { CASE_STATUSES, type AftersalesCase, type CaseItem, type CaseKind, type CaseStatus };
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated'];
/** Quality complaints: the only reasons a perishable ('quality_only') line accepts. */
export const QUALITY_REASONS = ['damaged', 'spoiled', 'wrong_item', 'not_as_described', 'short_weight'] as const;
export const REASON_CODES = [...QUALITY_REASONS, 'not_received', 'no_reason', 'other'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface OpenCaseInput {
  orderId: string;
  kind: 'refund_only' | 'return_and_refund';
  reasonCode: ReasonCode;
  reasonText?: string | undefined;
  items: { orderItemId: string; quantity: number }[];
  amountFen: number;
  photoIds?: string[] | undefined;
}

export const storeOrderActionsApi = {
  confirmReceipt: (orderId: string) => api.post<Order>(`/orders/${id(orderId)}/confirm-receipt`),
  /** Paid, not shipped: refunded in full at once; the answer is the case, born refunded. */
  cancelPaid: (orderId: string, reason?: string) => api.post<AftersalesCase>(`/orders/${id(orderId)}/cancel`, reason ? { reason } : {}),
};

export const storeAftersalesApi = {
  mine: (query: PageQuery & { status?: CaseStatus | undefined; orderId?: string | undefined }, signal?: AbortSignal) =>
    api.get<Page<AftersalesCase>>('/aftersales', { view: 'mine', ...query }, signal),
  get: (caseId: string, signal?: AbortSignal) => api.get<AftersalesCase>(`/aftersales/${id(caseId)}`, undefined, signal),
  uploadPhoto: (file: Blob, filename?: string) => api.upload<{ id: string; contentType: string }>('POST', '/aftersales/photos', file, filename),
  open: (input: OpenCaseInput) => request<AftersalesCase>('POST', '/aftersales', { body: input }),
  shipReturn: (caseId: string, carrier: string, trackingNo: string) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/return-shipment`, { carrier, trackingNo }),
  escalate: (caseId: string, note?: string) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/escalate`, note ? { note } : {}),
  withdraw: (caseId: string) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/withdraw`),
};

/**
 * The buyer's side of after-sales: confirm receipt, cancel a paid order before it ships (full
 * refund at once), open a refund or return case with photos, follow it, send the goods back,
 * take it to the county center. The server enforces every rule; the pages only explain them.
 */
import { api, request } from './client';
import type { Order } from './orders';
import type { Page, PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

export const CASE_STATUSES = ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated', 'refunded', 'closed', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated'];
export type CaseKind = 'cancel' | 'refund_only' | 'return_and_refund';
/** Quality complaints: the only reasons a perishable ('quality_only') line accepts. */
export const QUALITY_REASONS = ['damaged', 'spoiled', 'wrong_item', 'not_as_described', 'short_weight'] as const;
export const REASON_CODES = [...QUALITY_REASONS, 'not_received', 'no_reason', 'other'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface CaseItem {
  orderItemId: string;
  skuId: string;
  title: string;
  spec: string;
  unitPriceFen: number;
  quantity: number;
  returnsPolicy: string;
}

export interface AftersalesCase {
  id: string;
  caseNo: string;
  orderId: string;
  orderNo: string;
  buyerId: string;
  supplierId: string;
  countyCode: string;
  kind: CaseKind;
  status: CaseStatus;
  /** One of REASON_CODES, or 'buyer_cancelled' on a cancel. */
  reasonCode: string;
  reasonText: string;
  requestedFen: number;
  approvedFen: number | null;
  items: CaseItem[];
  /** Access-checked photo URLs (the session cookie is enough for an <img>). */
  photos: string[];
  rejectReason: string | null;
  returnShipment: { carrier: string; trackingNo: string; shippedAt: string | null; receivedAt: string | null } | null;
  escalation: { by: 'buyer' | 'supplier'; note: string; at: string } | null;
  decision: { outcome: 'refund' | 'reject'; note: string; by: string | null; at: string } | null;
  refund: { id: string; refundNo: string; amountFen: number; status: 'pending' | 'succeeded' | 'failed'; completedAt: string | null } | null;
  /** When the buyer may take the case to the center; null when it cannot be. */
  buyerMayEscalateAt: string | null;
  createdAt: string;
  supplierAnsweredAt: string | null;
  refundedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

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

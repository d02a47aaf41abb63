/** After-sales on the console side: the supplier's and the center's queue, answers and decisions. */
import { api } from './client';
import type { PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

export const CASE_STATUSES = ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated', 'refunded', 'closed', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseKind = 'cancel' | 'refund_only' | 'return_and_refund';

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
  reasonCode: string;
  reasonText: string;
  requestedFen: number;
  approvedFen: number | null;
  items: CaseItem[];
  /** Access-checked photo URLs (/api/v1/aftersales/:caseId/photos/:fileId), fetched with the session. */
  photos: string[];
  rejectReason: string | null;
  returnShipment: { carrier: string; trackingNo: string; shippedAt: string | null; receivedAt: string | null } | null;
  escalation: { by: 'buyer' | 'supplier'; note: string; at: string } | null;
  decision: { outcome: 'refund' | 'reject'; note: string; by: string | null; at: string } | null;
  refund: { id: string; refundNo: string; amountFen: number; status: 'pending' | 'succeeded' | 'failed'; completedAt: string | null } | null;
  buyerMayEscalateAt: string | null;
  createdAt: string;
  supplierAnsweredAt: string | null;
  refundedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

export interface CaseQuery extends PageQuery {
  status?: CaseStatus | undefined;
  orderId?: string | undefined;
}

export const aftersalesApi = {
  list: (q: CaseQuery) => api.get<{ items: AftersalesCase[]; nextCursor: string | null }>('/aftersales', { view: 'handle', ...q }),
  get: (caseId: string, signal?: AbortSignal) => api.get<AftersalesCase>(`/aftersales/${id(caseId)}`, undefined, signal),
  /** `url` is one of the case's `photos`, as the server gave it. */
  photo: (url: string, signal?: AbortSignal) => api.blob(url, signal),
  /** Without `amountFen`, the amount asked for. */
  approve: (caseId: string, amountFen?: number) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/approve`, amountFen === undefined ? {} : { amountFen }),
  reject: (caseId: string, reason: string) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/reject`, { reason }),
  receive: (caseId: string) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/receive`, {}),
  escalate: (caseId: string, note?: string) => api.post<AftersalesCase>(`/aftersales/${id(caseId)}/escalate`, note ? { note } : {}),
  /** Final and audited. */
  decide: (caseId: string, outcome: 'refund' | 'reject', note: string, amountFen?: number) =>
    api.post<AftersalesCase>(`/aftersales/${id(caseId)}/decide`, { outcome, note, ...(outcome === 'refund' && amountFen !== undefined ? { amountFen } : {}) }),
};

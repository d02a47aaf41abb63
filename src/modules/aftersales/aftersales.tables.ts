export const CASE_KINDS = ['cancel', 'refund_only', 'return_and_refund'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export const CASE_STATUSES = ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated', 'refunded', 'closed', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses in which a case is still open (the partial unique index allows one per order). */
export const OPEN_STATUSES = ['requested', 'awaiting_return', 'return_shipped', 'rejected', 'escalated'] as const satisfies readonly CaseStatus[];

/**
 * Why the buyer asks. Quality complaints are the only reasons a perishable line accepts;
 * `not_received` is for an order not delivered yet; `no_reason` is the seven-day return.
 */
export const QUALITY_REASONS = ['damaged', 'spoiled', 'wrong_item', 'not_as_described', 'short_weight'] as const;
export const REASON_CODES = [...QUALITY_REASONS, 'not_received', 'no_reason', 'other', 'buyer_cancelled'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface AftersalesCaseTable {
  id: string;
  case_no: string;
  order_id: string;
  buyer_id: string;
  supplier_id: string;
  county_code: string;
  kind: CaseKind;
  status: CaseStatus;
  reason_code: string;
  reason_text: string;
  requested_fen: number;
  approved_fen: number | null;
  refund_id: string | null;
  reject_reason: string | null;
  return_carrier: string | null;
  return_tracking_no: string | null;
  escalated_by: 'buyer' | 'supplier' | null;
  escalation_note: string | null;
  decision: 'refund' | 'reject' | null;
  decision_note: string | null;
  decided_by: string | null;
  created_at: string;
  supplier_answered_at: string | null;
  return_shipped_at: string | null;
  return_received_at: string | null;
  escalated_at: string | null;
  decided_at: string | null;
  refunded_at: string | null;
  closed_at: string | null;
  updated_at: string;
}

export interface AftersalesCaseItemTable {
  case_id: string;
  order_item_id: string;
  quantity: number;
}

export interface AftersalesPhotoTable {
  file_id: string;
  uploaded_by: string;
  case_id: string | null;
  created_at: string;
}

export interface AftersalesTables {
  aftersales_case: AftersalesCaseTable;
  aftersales_case_item: AftersalesCaseItemTable;
  aftersales_photo: AftersalesPhotoTable;
}

/** Sandbox pay-page states: created → paid | cancelled; paid → refunded once fully refunded. */
export const SANDBOX_PAYMENT_STATUSES = ['created', 'paid', 'cancelled', 'refunded'] as const;
export type SandboxPaymentStatus = (typeof SANDBOX_PAYMENT_STATUSES)[number];

export const SANDBOX_REFUND_STATUSES = ['processing', 'succeeded', 'failed'] as const;
export type SandboxRefundStatus = (typeof SANDBOX_REFUND_STATUSES)[number];

/** A payment taken by the sandbox provider: the hosted page's state. */
export interface SandboxPaymentTable {
  id: string;
  out_trade_no: string;
  amount_fen: number;
  /** Fen refunded so far (succeeded or in flight); never above amount_fen. */
  refunded_fen: number;
  description: string;
  buyer_user_id: string;
  notify_url: string;
  status: SandboxPaymentStatus;
  transaction_id: string | null;
  expires_at: string;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SandboxRefundTable {
  id: string;
  out_refund_no: string;
  payment_id: string;
  amount_fen: number;
  reason: string;
  notify_url: string;
  status: SandboxRefundStatus;
  created_at: string;
  finished_at: string | null;
}

/** Notification nonces already accepted, per provider (replay guard), with the event each carried (duplicate flag). */
export interface PaymentNonceTable {
  provider: string;
  nonce: string;
  event_id: string;
  seen_at: string;
}

export interface PaymentsTables {
  sandbox_payment: SandboxPaymentTable;
  sandbox_refund: SandboxRefundTable;
  payment_nonce: PaymentNonceTable;
}

/** Tables of the settlement module (migrations/2026-11-27T0430_settlement.ts). */

export const HOST_KINDS = ['regular', 'official'] as const;
export type HostKind = (typeof HOST_KINDS)[number];
/** selection: each product's selection-base commission rate; rate: one rate in bp; fixed: fen per unit sold. */
export const POLICY_BASES = ['selection', 'rate', 'fixed'] as const;
export type PolicyBasis = (typeof POLICY_BASES)[number];
export const OVERRIDE_SCOPES = ['product', 'category'] as const;
export type OverrideScope = (typeof OVERRIDE_SCOPES)[number];
export const FUNDS = ['charity_fund', 'development_fund'] as const;
export type Fund = (typeof FUNDS)[number];
export const PAYEE_KINDS = ['supplier', 'host', 'charity_fund', 'development_fund'] as const;
export type PayeeKind = (typeof PAYEE_KINDS)[number];
export const BATCH_STATUSES = ['open', 'paid', 'closed', 'cancelled'] as const;
/** open: lines may be paid; paid: every line paid; closed: cancelled after some lines were paid; cancelled: nothing paid. */
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const LINE_STATUSES = ['unpaid', 'paid', 'cancelled'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/** A host's commission policy in one county. No row: the selection-base rate of each product, as a regular host. */
export interface HostPolicyTable {
  county_code: string;
  host_user_id: string;
  kind: HostKind;
  basis: PolicyBasis;
  rate_bp: number;
  /** Fen per unit sold, when basis = fixed. */
  fixed_fen: number;
  /** An official's pledge split; both 0 for a regular host, summing to 10,000 for an official. */
  charity_bp: number;
  development_bp: number;
  payee_name: string | null;
  payee_bank: string | null;
  payee_account: string | null;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface HostPolicyOverrideTable {
  id: string;
  county_code: string;
  host_user_id: string;
  scope: OverrideScope;
  /** A product id, or a category code. */
  target: string;
  basis: 'rate' | 'fixed';
  rate_bp: number;
  fixed_fen: number;
  created_at: string;
}

export interface FundPayeeTable {
  county_code: string;
  fund: Fund;
  payee_name: string;
  payee_bank: string;
  payee_account: string;
  updated_at: string;
}

export interface PayoutBatchTable {
  id: string;
  batch_no: string;
  county_code: string;
  period_from: string;
  period_to: string;
  status: BatchStatus;
  total_fen: number;
  note: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface PayoutLineTable {
  id: string;
  batch_id: string;
  county_code: string;
  payee_kind: PayeeKind;
  party_id: string;
  account_id: string;
  amount_fen: number;
  /** Copied when the batch is made: the bank file pays exactly what was approved. */
  payee_name: string;
  payee_bank: string;
  payee_account: string;
  status: LineStatus;
  entry_id: string | null;
  paid_at: string | null;
  paid_by: string | null;
}

export interface SettlementTables {
  host_policy: HostPolicyTable;
  host_policy_override: HostPolicyOverrideTable;
  fund_payee: FundPayeeTable;
  payout_batch: PayoutBatchTable;
  payout_line: PayoutLineTable;
}

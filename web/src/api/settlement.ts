/** Settlement: host commission policies, fund payees, statements (对账单) and payout batches (结算单). */
import { api, download } from './client';
import type { PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

export type HostKind = 'regular' | 'official';
export type PolicyBasis = 'selection' | 'rate' | 'fixed';
export type FundKind = 'charity_fund' | 'development_fund';
export type PayeeKind = 'supplier' | 'host' | FundKind;
export type BatchStatus = 'open' | 'paid' | 'closed' | 'cancelled';
export type LineStatus = 'unpaid' | 'paid' | 'cancelled';
export type StatementLineType = 'order' | 'refund' | 'commission' | 'commission_reversal' | 'payout' | 'settlement' | 'adjustment';

export interface PledgeSplit {
  charityBp: number;
  developmentBp: number;
}

export interface PolicyOverride {
  id: string;
  scope: 'product' | 'category';
  /** A product id, or a category code. */
  target: string;
  basis: 'rate' | 'fixed';
  rateBp: number;
  fixedFen: number;
}

export interface HostPolicy {
  countyCode: string;
  hostUserId: string;
  kind: HostKind;
  basis: PolicyBasis;
  rateBp: number;
  fixedFen: number;
  /** false for an official: its whole share is pledged. */
  hostEarns: boolean;
  pledge: PledgeSplit | null;
  /** No policy set: each product's selection-base rate, as a regular host. */
  isDefault: boolean;
  overrides: PolicyOverride[];
  payee: { name: string; bank: string; accountMasked: string | null } | null;
  updatedAt: string | null;
}

export interface HostPolicyInput {
  kind: HostKind;
  basis: PolicyBasis;
  rateBp?: number | undefined;
  fixedFen?: number | undefined;
  charityBp?: number | undefined;
  developmentBp?: number | undefined;
  payee?: { name: string; bank: string; account: string } | null | undefined;
  overrides?: { scope: 'product' | 'category'; target: string; basis: 'rate' | 'fixed'; rateBp?: number | undefined; fixedFen?: number | undefined }[];
}

export interface FundPayee {
  countyCode: string;
  fund: FundKind;
  name: string;
  bank: string;
  accountMasked: string;
}

export interface StatementLine {
  postingId: string;
  entryId: string;
  type: StatementLineType;
  bizDate: string;
  createdAt: string;
  orderId: string | null;
  orderNo: string | null;
  payoutBatchNo: string | null;
  memo: string;
  /** + owed more (an order paid), − owed less (commission, refund, payout). */
  amountFen: number;
  /** What is owed after this line. */
  balanceFen: number;
}

export interface StatementTotals {
  ordersFen: number;
  refundsFen: number;
  commissionFen: number;
  payoutsFen: number;
  otherFen: number;
  netFen: number;
}

export interface PartyStatement {
  party: { kind: 'supplier' | 'host'; id: string; name: string };
  countyCode: string;
  from: string;
  to: string;
  accountId: string | null;
  openingBalanceFen: number;
  closingBalanceFen: number;
  items: StatementLine[];
  totals: StatementTotals;
}

export interface HostStatement extends PartyStatement {
  hostKind: HostKind;
  pledgeSplit: PledgeSplit | null;
  pledges: {
    items: { entryId: string; orderId: string; orderNo: string; bizDate: string; reversal: boolean; charityFen: number; developmentFen: number }[];
    charityFen: number;
    developmentFen: number;
    totalFen: number;
  };
}

export interface PayoutLine {
  id: string;
  payeeKind: PayeeKind;
  partyId: string | null;
  amountFen: number;
  payeeName: string;
  payeeBank: string;
  /** Last 4 digits; the full account is only in the bank export. */
  payeeAccountMasked: string;
  payeeDetailsMissing: boolean;
  status: LineStatus;
  entryId: string | null;
  paidAt: string | null;
  paidBy: string | null;
}

export interface PayoutBatch {
  id: string;
  batchNo: string;
  countyCode: string;
  from: string;
  to: string;
  status: BatchStatus;
  note: string;
  totalFen: number;
  paidFen: number;
  lineCount: number;
  paidCount: number;
  createdBy: string | null;
  createdAt: string;
  closedAt: string | null;
  lines: PayoutLine[];
}

export interface PayResult {
  lineId: string;
  ok: boolean;
  /** Paid before: nothing posted by this call. */
  alreadyPaid: boolean;
  code: string | null;
  detail: string | null;
  entryId: string | null;
}

export interface Period {
  from: string;
  to: string;
}


const S = '/settlement';

export const settlementApi = {
  hostPolicies: (countyCode: string) => api.get<{ countyCode: string; items: HostPolicy[] }>(`${S}/counties/${id(countyCode)}/host-policies`),
  hostPolicy: (countyCode: string, hostUserId: string) => api.get<HostPolicy>(`${S}/counties/${id(countyCode)}/hosts/${id(hostUserId)}/policy`),
  setHostPolicy: (countyCode: string, hostUserId: string, input: HostPolicyInput) => api.put<HostPolicy>(`${S}/counties/${id(countyCode)}/hosts/${id(hostUserId)}/policy`, input),
  setFundPayee: (countyCode: string, fund: FundKind, input: { name: string; bank: string; account: string }) =>
    api.put<FundPayee>(`${S}/counties/${id(countyCode)}/funds/${fund}/payee`, input),

  supplierStatement: (supplierId: string, p: Period, signal?: AbortSignal) => api.get<PartyStatement>(`${S}/statements/suppliers/${id(supplierId)}`, { ...p }, signal),
  supplierStatementXlsx: (supplierId: string, p: Period) => download(`${S}/statements/suppliers/${id(supplierId)}/export`, { ...p }, `对账单-${p.from}-${p.to}.xlsx`),
  hostStatement: (hostUserId: string, countyCode: string, p: Period, signal?: AbortSignal) =>
    api.get<HostStatement>(`${S}/statements/hosts/${id(hostUserId)}`, { countyCode, ...p }, signal),
  hostStatementXlsx: (hostUserId: string, countyCode: string, p: Period) =>
    download(`${S}/statements/hosts/${id(hostUserId)}/export`, { countyCode, ...p }, `主播对账单-${p.from}-${p.to}.xlsx`),

  batches: (q: PageQuery & { countyCode?: string | undefined }) => api.get<{ items: PayoutBatch[]; nextCursor: string | null }>(`${S}/payout-batches`, { ...q }),
  createBatch: (input: { countyCode: string; from: string; to: string; note?: string | undefined }) => api.post<PayoutBatch>(`${S}/payout-batches`, input),
  batch: (batchId: string, signal?: AbortSignal) => api.get<PayoutBatch>(`${S}/payout-batches/${id(batchId)}`, undefined, signal),
  /** The bank file (代发明细) with full accounts; the server records who downloaded it. */
  bankFile: (b: Pick<PayoutBatch, 'id' | 'batchNo'>) => download(`${S}/payout-batches/${id(b.id)}/export`, {}, `代发明细-${b.batchNo}.xlsx`),
  payAll: (batchId: string, lineIds?: string[]) =>
    api.post<{ paid: number; alreadyPaid: number; failed: number; results: PayResult[]; batch: PayoutBatch }>(`${S}/payout-batches/${id(batchId)}/pay`, lineIds ? { lineIds } : {}),
  payLine: (batchId: string, lineId: string) => api.post<{ result: PayResult; batch: PayoutBatch }>(`${S}/payout-batches/${id(batchId)}/lines/${id(lineId)}/pay`),
  cancel: (batchId: string, reason: string) => api.post<PayoutBatch>(`${S}/payout-batches/${id(batchId)}/cancel`, { reason }),
};

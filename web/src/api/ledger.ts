/** The county's double-entry books: accounts with balances, statements, entries, the trial balance. */
import { api } from './client';
import type { PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

export const ACCOUNT_KINDS = [
  'payment_clearing', 'supplier_payable', 'host_commission_payable', 'center_service_fee', 'charity_fund', 'development_fund', 'refund_clearing', 'bank',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type EntryKind = 'payment' | 'commission' | 'refund' | 'payout' | 'settlement' | 'adjustment';

export interface LedgerAccountInfo {
  id: string;
  countyCode: string;
  kind: AccountKind;
  /** Supplier id or host user id for per-party accounts. */
  partyId: string | null;
  nameZh: string;
  nameEn: string;
  normalSide: 'debit' | 'credit';
  type: 'asset' | 'liability' | 'income';
  /** Never below zero on its normal side. */
  guarded: boolean;
}

export interface LedgerAccount extends LedgerAccountInfo {
  debitFen: number;
  creditFen: number;
  /** Balance on the normal side (owed, held or earned). */
  balanceFen: number;
  postingCount: number;
}

export interface Posting {
  entryId: string;
  entryKind: EntryKind;
  refType: string;
  refId: string;
  memo: string;
  bizDate: string;
  createdAt: string;
  /** Signed: debit > 0, credit < 0. */
  amountFen: number;
  debitFen: number;
  creditFen: number;
  /** Running balance on the normal side after this line. */
  balanceFen: number;
}

export interface Statement {
  account: LedgerAccountInfo;
  from: string | null;
  to: string | null;
  openingBalanceFen: number;
  closingBalanceFen: number;
  items: Posting[];
  nextCursor: string | null;
}

export interface LedgerEntry {
  id: string;
  countyCode: string;
  kind: EntryKind;
  refType: string;
  refId: string;
  memo: string;
  bizDate: string;
  idempotencyKey: string | null;
  createdAt: string;
  createdBy: string | null;
  totalFen: number;
  postings: { id: string; accountId: string; accountKind: AccountKind; partyId: string | null; amountFen: number; side: 'debit' | 'credit' }[];
}

export interface TrialBalance {
  countyCode: string;
  asOf: string | null;
  accounts: LedgerAccount[];
  totalDebitFen: number;
  totalCreditFen: number;
  netFen: number;
  balanced: boolean;
}

export const ledgerApi = {
  accounts: (countyCode: string, kind?: AccountKind) => api.get<{ countyCode: string; items: LedgerAccount[] }>('/ledger/accounts', { countyCode, kind }),
  trialBalance: (countyCode: string, asOf?: string) => api.get<TrialBalance>('/ledger/trial-balance', { countyCode, asOf }),
  postings: (accountId: string, q: PageQuery & { from?: string | undefined; to?: string | undefined }) =>
    api.get<Statement>(`/ledger/accounts/${id(accountId)}/postings`, { ...q }),
  entry: (entryId: string, signal?: AbortSignal) => api.get<LedgerEntry>(`/ledger/entries/${id(entryId)}`, undefined, signal),
};

import type { AccountKind, EntryKind } from './ledger.chart.js';

export interface LedgerAccountTable {
  id: string;
  county_code: string;
  kind: AccountKind;
  /** Supplier id or host user id for per-party kinds; '' for the county's single account of a kind. */
  party_id: string;
  /**
   * Running balance on the normal side, kept only for guarded accounts (null for the others):
   * changed by conditional updates that refuse to go below zero, with a CHECK behind them.
   * It always equals the normal-side sum of the account's postings.
   */
  balance_fen: number | null;
  created_at: string;
}

export interface LedgerEntryTable {
  id: string;
  county_code: string;
  kind: EntryKind;
  ref_type: string;
  ref_id: string;
  memo: string;
  biz_date: string;
  /** Unique per county when set: the same business event posted twice makes one entry. */
  idempotency_key: string | null;
  created_at: string;
  created_by: string | null;
}

export interface LedgerPostingTable {
  id: string;
  entry_id: string;
  account_id: string;
  /** Copies of the entry's, so statements and scoping read one table. */
  county_code: string;
  biz_date: string;
  /** Signed integer fen: debit > 0, credit < 0, never 0. */
  amount_fen: number;
}

export interface LedgerTables {
  ledger_account: LedgerAccountTable;
  ledger_entry: LedgerEntryTable;
  ledger_posting: LedgerPostingTable;
}

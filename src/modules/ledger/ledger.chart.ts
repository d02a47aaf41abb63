/**
 * The chart of accounts: every kind of ledger account a county's books hold, in one place.
 *
 * Sign convention of postings: a debit is a positive amount, a credit a negative one, so every
 * entry sums to zero and so does the whole ledger. An account's *normal side* says which sign
 * its balance usually has: assets are debit-normal (positive), liabilities and income are
 * credit-normal (negative). Views show the balance on the normal side (owed 100 fen = 100).
 *
 * A *guarded* account must never be below zero on its normal side: the service refuses (409
 * `insufficient_balance`) any entry that would take it there, with a conditional update on
 * `ledger_account.balance_fen` and a CHECK constraint behind it. Clearing and bank accounts
 * are not guarded: they mirror outside statements (provider, bank) and a mismatch there is a
 * reconciliation finding to investigate, not something the books can refuse.
 */

export const ACCOUNT_KINDS = [
  'payment_clearing',
  'supplier_payable',
  'host_commission_payable',
  'center_service_fee',
  'charity_fund',
  'development_fund',
  'refund_clearing',
  'bank',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export type NormalSide = 'debit' | 'credit';
/** What the optional party id of an account names: a supplier id, a host's user id, or nothing. */
export type PartyKind = 'supplier' | 'host' | null;

export interface AccountDef {
  normal: NormalSide;
  party: PartyKind;
  guarded: boolean;
  /** asset | liability | income: for reports. */
  type: 'asset' | 'liability' | 'income';
  nameZh: string;
  nameEn: string;
}

export const CHART: Readonly<Record<AccountKind, AccountDef>> = {
  /**
   * Buyer payments received (待清算收款): money buyers have paid that sits at the payment
   * provider (WeChat Pay, sandbox) until the provider settles it to the center's bank account.
   * Debited when a payment is confirmed, credited when a refund goes back through the provider
   * and when the provider settles to the bank.
   */
  payment_clearing: { normal: 'debit', party: null, guarded: false, type: 'asset', nameZh: '待清算收款', nameEn: 'Buyer payments received (at provider)' },
  /**
   * Supplier payable (应付供货商), one per supplier: what the center owes a supplier for goods
   * sold. Credited by the full order amount on payment, debited by the commission and service
   * fee when they accrue, by refunds, and by payouts. Guarded: nothing is paid twice, and a
   * payout larger than what is owed is refused.
   */
  supplier_payable: { normal: 'credit', party: 'supplier', guarded: true, type: 'liability', nameZh: '应付供货商', nameEn: 'Supplier payable' },
  /**
   * Host commission payable (应付主播佣金), one per host (party = the host's user id): the
   * commission a host has earned and not yet been paid. Guarded.
   */
  host_commission_payable: { normal: 'credit', party: 'host', guarded: true, type: 'liability', nameZh: '应付主播佣金', nameEn: 'Host commission payable' },
  /**
   * Center service fee (服务中心服务费收入): the center's income, its fee on each order.
   * Reversed (debited) when a refunded order's fee is given back. Not guarded: income may be
   * corrected by adjustments.
   */
  center_service_fee: { normal: 'credit', party: null, guarded: false, type: 'income', nameZh: '服务费收入', nameEn: 'Center service fee (income)' },
  /**
   * Charity fund (公益基金): what official hosts pledged of their share (they take no
   * commission), held until the center pays it out to the charity. Guarded.
   */
  charity_fund: { normal: 'credit', party: null, guarded: true, type: 'liability', nameZh: '公益基金', nameEn: 'Charity fund' },
  /**
   * Local e-commerce development fund (电商发展基金): the other destination of an official
   * host's pledge, held for the county's e-commerce development. Guarded.
   */
  development_fund: { normal: 'credit', party: null, guarded: true, type: 'liability', nameZh: '电商发展基金', nameEn: 'Local e-commerce development fund' },
  /**
   * Refund clearing (待退款): refunds decided (taken from the supplier's payable) but not yet
   * confirmed by the provider. Cleared against payment_clearing when the provider confirms.
   * Guarded: the provider can never return more than was decided.
   */
  refund_clearing: { normal: 'credit', party: null, guarded: true, type: 'liability', nameZh: '待退款', nameEn: 'Refund clearing' },
  /**
   * Bank (银行存款): the center's settlement bank account. Debited when the provider settles,
   * credited by payouts to suppliers, hosts and funds. Not guarded (reconciled against the
   * bank statement; the center may advance a payout from its own funds).
   */
  bank: { normal: 'debit', party: null, guarded: false, type: 'asset', nameZh: '银行存款', nameEn: 'Bank (payouts)' },
};

/** The balance on an account's normal side, from the signed sum of its postings. */
export function normalBalance(kind: AccountKind, signedSumFen: number): number {
  // 0 - x rather than -x: a credit account at zero must read 0, not -0 (which compares unequal
  // with Object.is, as the ledger property test found, and is not a fen amount anyone means).
  return CHART[kind].normal === 'debit' ? signedSumFen : 0 - signedSumFen;
}

export const ENTRY_KINDS = ['payment', 'commission', 'refund', 'payout', 'settlement', 'adjustment'] as const;
/**
 * payment: a buyer's payment confirmed; commission: commission and service fee accrued (or
 * reversed); refund: a refund decided or confirmed by the provider; payout: money paid out to
 * a supplier, host or fund; settlement: the provider settled to the bank; adjustment: a
 * correction by the center.
 */
export type EntryKind = (typeof ENTRY_KINDS)[number];

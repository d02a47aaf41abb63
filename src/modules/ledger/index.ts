/**
 * The double-entry ledger: each county's books in integer fen. Flows post one balanced entry
 * per business event (built by the functions of ledger.events.ts) with `postEntry`, inside the
 * transaction of the state change it records; the routes read balances, statements, entries
 * and the trial balance.
 */
export { ledgerRoutes } from './ledger.routes.js';
export {
  postEntry, payoutSupplier, getOrCreateAccount, balances, trialBalance, accountStatement, getEntry, LEDGER_READ_ROLES,
  type EntryInput, type LineInput, type AccountRef, type EntryView,
} from './ledger.service.js';
export { paymentReceived, commissionAccrued, refundDecided, refundConfirmed, providerSettled, payout, type HostShare, type Payee } from './ledger.events.js';
export { CHART, ACCOUNT_KINDS, ENTRY_KINDS, normalBalance, type AccountKind, type EntryKind, type AccountDef } from './ledger.chart.js';
export type { LedgerTables } from './ledger.tables.js';

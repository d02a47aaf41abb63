/**
 * After-sales: a buyer cancels a paid order before it ships (refunded in full at once), or
 * opens a case — refund only, or return and refund — on lines of a shipped or delivered order;
 * the supplier approves (in full or in part) or rejects; either side may take the case to the
 * county center, whose decision is final. Refunds go back through the provider that took the
 * money, booked in the ledger, never beyond what was paid.
 */
export { aftersalesRoutes } from './aftersales.routes.js';
/** Asks the provider again for refunds still pending (same out_refund_no); for a periodic job. */
export { retryPendingRefunds, cancelOrder, openCase, getCase, moveCase } from './aftersales.service.js';
/** The declared case lifecycle and which status each action starts from. */
export { CASE_TRANSITIONS, CASE_ACTIONS, canMoveCase, canAct, type CaseAction } from './transitions.js';
export {
  CASE_KINDS, CASE_STATUSES, OPEN_STATUSES, REASON_CODES, QUALITY_REASONS, type CaseKind, type CaseStatus, type ReasonCode, type AftersalesTables,
} from './aftersales.tables.js';

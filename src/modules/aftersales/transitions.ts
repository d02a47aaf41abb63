import type { CaseStatus } from './aftersales.tables.js';

/**
 * The after-sales case lifecycle, as data: from each status, where a case may go. Every
 * change is a conditional update `… WHERE status = :from` checked against this table, so two
 * racing approvals (or an approval racing an escalation) move a case once.
 * - requested: waiting for the supplier (approve, reject) — or the buyer escalates after
 *   AFTERSALES_ESCALATE_HOURS without an answer, or the supplier hands it to the center
 * - awaiting_return: a return was approved; the buyer sends the goods back
 * - return_shipped: the buyer entered the return tracking number; the supplier confirms receipt
 *   (stock goes back and the refund starts), or either side escalates
 * - rejected: the supplier said no; the buyer escalates or withdraws
 * - escalated: the center decides (refund → refunded, reject → closed); its decision is final
 * - refunded, closed, withdrawn: final
 * A buyer's cancel of an unshipped order is created directly as refunded.
 */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  requested: ['awaiting_return', 'refunded', 'rejected', 'escalated', 'withdrawn'],
  awaiting_return: ['return_shipped', 'withdrawn'],
  return_shipped: ['refunded', 'escalated'],
  rejected: ['escalated', 'withdrawn'],
  escalated: ['refunded', 'closed'],
  refunded: [],
  closed: [],
  withdrawn: [],
};

export function canMoveCase(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

export type CaseAction = 'approve' | 'reject' | 'ship_return' | 'receive_return' | 'escalate' | 'decide' | 'withdraw';

/**
 * Which statuses each action starts from. Narrower than CASE_TRANSITIONS on purpose: both
 * the supplier's approval and the center's decision lead to `refunded`, but the supplier may
 * not approve a case the center holds, nor "receive" a return that was never shipped.
 */
export const CASE_ACTIONS: Record<CaseAction, readonly CaseStatus[]> = {
  approve: ['requested'],
  reject: ['requested'],
  ship_return: ['awaiting_return'],
  receive_return: ['return_shipped'],
  escalate: ['requested', 'return_shipped', 'rejected'],
  decide: ['escalated'],
  withdraw: ['requested', 'awaiting_return', 'rejected'],
};

export function canAct(status: CaseStatus, action: CaseAction): boolean {
  return CASE_ACTIONS[action].includes(status);
}

import type { OrderStatus } from './orders.tables.js';

/**
 * The order lifecycle, as data: from each status, where an order may go. Every status change
 * is a conditional update `… WHERE status = :from` checked against this table, so two
 * requests racing cannot both move an order, and no code path skips a step.
 * - pending_payment: waiting for the buyer's payment (stock reserved)
 * - paid → shipped → delivered → completed: the happy path
 * - cancelled: unpaid and given up (stock released)
 * - closed: paid but fully refunded
 */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'closed'],
  shipped: ['delivered', 'closed'],
  delivered: ['completed', 'closed'],
  completed: ['closed'],
  cancelled: [],
  closed: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

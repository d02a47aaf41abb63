import { AppError } from '../../platform/http/errors.js';
import { splitByBasisPoints } from '../../platform/money.js';
import type { EntryInput, LineInput } from './ledger.service.js';

/**
 * The entries each business event posts, as pure functions: the order, payment and settlement
 * flows build an entry here and post it with `postEntry` in the same transaction as the state
 * change it records. Each carries an idempotency key made of the event's own id, so a replayed
 * notification or a retried job posts nothing twice. docs/architecture.md ("Ledger") has the
 * same table in prose.
 */

function positive(name: string, fen: number): void {
  if (!Number.isSafeInteger(fen) || fen <= 0) throw new AppError(422, 'ledger_invalid_amount', `${name} must be a positive whole number of fen`);
}

function nonNegative(name: string, fen: number): void {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new AppError(422, 'ledger_invalid_amount', `${name} must be zero or a positive whole number of fen`);
}

/**
 * A buyer's payment confirmed by the provider, covering one order per supplier:
 * Dr payment_clearing (total) / Cr supplier_payable (each supplier's order amount).
 */
export function paymentReceived(e: { countyCode: string; paymentId: string; orders: { orderId: string; supplierId: string; amountFen: number }[] }): EntryInput {
  if (!e.orders.length) throw new AppError(422, 'ledger_too_few_lines', 'A payment covers at least one order');
  e.orders.forEach((o) => positive('An order amount', o.amountFen));
  const total = e.orders.reduce((s, o) => s + o.amountFen, 0);
  return {
    countyCode: e.countyCode, kind: 'payment', refType: 'payment', refId: e.paymentId, idempotencyKey: `payment:${e.paymentId}`,
    memo: `orders ${e.orders.map((o) => o.orderId).join(', ')}`,
    lines: [
      { account: { kind: 'payment_clearing' }, amountFen: total },
      ...e.orders.map((o): LineInput => ({ account: { kind: 'supplier_payable', partyId: o.supplierId }, amountFen: -o.amountFen })),
    ],
  };
}

/** Who gets the host's share of an order: a host's own commission, or an official's pledge. */
export type HostShare =
  | { hostUserId: string; commissionFen: number }
  /** An official host earns nothing; its share goes to the funds, split by basis points. */
  | { pledgeFen: number; charityBp: number; developmentBp: number };

/**
 * Commission and service fee accrued on an order (when the buyer confirms receipt), taken
 * from what the supplier is owed: Dr supplier_payable (share + fee) / Cr host_commission_payable
 * (host) or Cr charity_fund + Cr development_fund (official's pledge) / Cr center_service_fee.
 * With `reverse` (a refund of the order), the same lines with the signs flipped; a host's
 * commission already paid out cannot be reversed (its payable is guarded) and needs an
 * adjustment by the center. Returns null when there is nothing to post.
 */
export function commissionAccrued(e: {
  countyCode: string; orderId: string; supplierId: string; serviceFeeFen: number; host?: HostShare | undefined;
  reverse?: { refundId: string } | undefined;
}): EntryInput | null {
  nonNegative('The service fee', e.serviceFeeFen);
  const credits: LineInput[] = [];
  if (e.host && 'hostUserId' in e.host) {
    nonNegative('The commission', e.host.commissionFen);
    if (e.host.commissionFen) credits.push({ account: { kind: 'host_commission_payable', partyId: e.host.hostUserId }, amountFen: -e.host.commissionFen });
  } else if (e.host) {
    nonNegative('The pledge', e.host.pledgeFen);
    const [charity, development] = splitByBasisPoints(e.host.pledgeFen, [e.host.charityBp, e.host.developmentBp]);
    if (charity) credits.push({ account: { kind: 'charity_fund' }, amountFen: -charity });
    if (development) credits.push({ account: { kind: 'development_fund' }, amountFen: -development! });
  }
  if (e.serviceFeeFen) credits.push({ account: { kind: 'center_service_fee' }, amountFen: -e.serviceFeeFen });
  const total = -credits.reduce((s, l) => s + l.amountFen, 0);
  if (total === 0) return null;
  const lines: LineInput[] = [{ account: { kind: 'supplier_payable', partyId: e.supplierId }, amountFen: total }, ...credits];
  return {
    countyCode: e.countyCode, kind: 'commission', refType: 'order', refId: e.orderId,
    idempotencyKey: e.reverse ? `commission-reversal:${e.reverse.refundId}` : `commission:${e.orderId}`,
    memo: e.reverse ? `reversal for refund ${e.reverse.refundId}` : '',
    lines: e.reverse ? lines.map((l) => ({ ...l, amountFen: -l.amountFen })) : lines,
  };
}

/**
 * A refund decided (by the supplier or the center): Dr supplier_payable / Cr refund_clearing.
 * Refused when the supplier is owed less than the refund (reverse the commission first).
 */
export function refundDecided(e: { countyCode: string; refundId: string; orderId: string; supplierId: string; amountFen: number }): EntryInput {
  positive('A refund', e.amountFen);
  return {
    countyCode: e.countyCode, kind: 'refund', refType: 'refund', refId: e.refundId, idempotencyKey: `refund:${e.refundId}`,
    memo: `order ${e.orderId}`,
    lines: [
      { account: { kind: 'supplier_payable', partyId: e.supplierId }, amountFen: e.amountFen },
      { account: { kind: 'refund_clearing' }, amountFen: -e.amountFen },
    ],
  };
}

/** The provider confirms a refund went back to the buyer: Dr refund_clearing / Cr payment_clearing. */
export function refundConfirmed(e: { countyCode: string; refundId: string; amountFen: number }): EntryInput {
  positive('A refund', e.amountFen);
  return {
    countyCode: e.countyCode, kind: 'refund', refType: 'refund', refId: e.refundId, idempotencyKey: `refund-confirmed:${e.refundId}`,
    lines: [
      { account: { kind: 'refund_clearing' }, amountFen: e.amountFen },
      { account: { kind: 'payment_clearing' }, amountFen: -e.amountFen },
    ],
  };
}

/** The provider settles collected money to the center's bank: Dr bank / Cr payment_clearing. */
export function providerSettled(e: { countyCode: string; settlementId: string; amountFen: number }): EntryInput {
  positive('A settlement', e.amountFen);
  return {
    countyCode: e.countyCode, kind: 'settlement', refType: 'settlement', refId: e.settlementId, idempotencyKey: `settlement:${e.settlementId}`,
    lines: [
      { account: { kind: 'bank' }, amountFen: e.amountFen },
      { account: { kind: 'payment_clearing' }, amountFen: -e.amountFen },
    ],
  };
}

export type Payee = { supplierId: string } | { hostUserId: string } | { fund: 'charity_fund' | 'development_fund' };

/**
 * A payout by bank transfer to a supplier, a host or a fund: Dr the payable / Cr bank. The
 * payable is guarded, so a payout larger than what is owed is refused (409
 * `insufficient_balance`), and the payout's id as idempotency key means nothing is paid twice.
 */
export function payout(e: { countyCode: string; payoutId: string; to: Payee; amountFen: number }): EntryInput {
  positive('A payout', e.amountFen);
  const account: LineInput['account'] = 'supplierId' in e.to ? { kind: 'supplier_payable', partyId: e.to.supplierId }
    : 'hostUserId' in e.to ? { kind: 'host_commission_payable', partyId: e.to.hostUserId }
      : { kind: e.to.fund };
  return {
    countyCode: e.countyCode, kind: 'payout', refType: 'payout', refId: e.payoutId, idempotencyKey: `payout:${e.payoutId}`,
    lines: [
      { account, amountFen: e.amountFen },
      { account: { kind: 'bank' }, amountFen: -e.amountFen },
    ],
  };
}

/**
 * What a buyer may ask for on some lines of an order, as the server decides it (see
 * src/modules/aftersales openCase). The page uses this to offer only what will be accepted
 * and to say why; the server stays the authority and its answer is shown as it comes.
 */
import { QUALITY_REASONS, type AftersalesCase, type ReasonCode } from '../../../api/storeAftersales';
import type { Order, OrderItem } from '../../../api/orders';

const HOUR = 3_600_000;
export const PERISHABLE_HOURS = 48;
export const NO_REASON_DAYS = 7;

export type Kind = 'refund_only' | 'return_and_refund';

export interface Allowed {
  /** Not delivered yet: only a refund for goods that did not arrive. */
  beforeDelivery: boolean;
  kinds: Kind[];
  reasons: ReasonCode[];
  /** A perishable line is chosen: a quality complaint with at least one photo. */
  photoRequired: boolean;
  /** Why nothing can be asked on these lines (a window has closed), or null. */
  blocked: 'perishable_window' | null;
  /** Whether 不想要了 (seven-day no-reason) is offered, and if not, why. */
  noReason: 'ok' | 'perishable' | 'window_closed' | 'before_delivery';
}

export const isPerishable = (line: Pick<OrderItem, 'returnsPolicy'>) => line.returnsPolicy === 'quality_only';
const isQuality = (r: string) => (QUALITY_REASONS as readonly string[]).includes(r);

export function allowedFor(order: Order, lines: OrderItem[], now = Date.now()): Allowed {
  if (!order.deliveredAt) {
    return { beforeDelivery: true, kinds: ['refund_only'], reasons: ['not_received'], photoRequired: false, blocked: null, noReason: 'before_delivery' };
  }
  const since = now - Date.parse(order.deliveredAt);
  const perishable = lines.some(isPerishable);
  if (perishable && since > PERISHABLE_HOURS * HOUR) {
    return { beforeDelivery: false, kinds: [], reasons: [], photoRequired: true, blocked: 'perishable_window', noReason: 'perishable' };
  }
  const noReason: Allowed['noReason'] = perishable ? 'perishable' : since > NO_REASON_DAYS * 24 * HOUR ? 'window_closed' : 'ok';
  const reasons: ReasonCode[] = [...QUALITY_REASONS];
  if (noReason === 'ok') reasons.push('no_reason');
  if (!perishable) reasons.push('other');
  return { beforeDelivery: false, kinds: ['refund_only', 'return_and_refund'], reasons, photoRequired: perishable, blocked: null, noReason };
}

/** Kinds that go with a reason: a no-reason refund means sending the goods back. */
export function kindsFor(allowed: Allowed, reason: ReasonCode | null): Kind[] {
  if (reason === 'no_reason') return allowed.kinds.filter((k) => k === 'return_and_refund');
  return allowed.kinds;
}

export function reasonNeedsPhoto(allowed: Allowed, reason: ReasonCode | null): boolean {
  return allowed.photoRequired && (reason === null || isQuality(reason));
}

/**
 * The most the server lets the buyer ask back for these lines: what was paid for them, less
 * refunded cases that touched them, and never more than is left of the order.
 */
export function maxRefundFen(order: Order, chosen: { line: OrderItem; quantity: number }[], cases: AftersalesCase[]): number {
  const ids = new Set(chosen.map((c) => c.line.id));
  const linesFen = chosen.reduce((s, c) => s + c.line.unitPriceFen * c.quantity, 0);
  const refundedOnLines = cases
    .filter((c) => c.status === 'refunded' && c.items.some((i) => ids.has(i.orderItemId)))
    .reduce((s, c) => s + (c.approvedFen ?? 0), 0);
  return Math.max(0, Math.min(linesFen - refundedOnLines, order.totalFen - order.refundedFen));
}

/** Yuan typed by the buyer ("12.5") to fen, or null when it is not an amount. */
export function parseYuan(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,8}(\.\d{0,2})?$/.test(s)) return null;
  const [y, f = ''] = s.split('.');
  return Number(y) * 100 + Number((f + '00').slice(0, 2));
}

export function fenText(fen: number): string {
  return (fen / 100).toFixed(2);
}

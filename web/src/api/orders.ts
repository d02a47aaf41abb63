/**
 * Buying: delivery addresses, the cart, checkouts (one payment, one order per supplier) and
 * orders. Prices are never sent: the server prices every line and computes every total.
 */
import { api, request } from './client';
import type { Page, PageQuery } from './types';

const id = (s: string) => encodeURIComponent(s);

export interface Address {
  id: string;
  recipientName: string;
  /** The buyer's own addresses come back unmasked. */
  phone: string;
  /** County (6 digits) or township (9 digits). */
  regionCode: string;
  regionName: string;
  detail: string;
  isDefault: boolean;
}

export interface AddressInput {
  recipientName: string;
  phone: string;
  regionCode: string;
  detail: string;
  isDefault?: boolean | undefined;
}

export interface CartItem {
  skuId: string;
  productId: string;
  title: string;
  spec: string;
  unit: string;
  priceFen: number;
  quantity: number;
  stockAvailable: number;
  maxPerBuyer: number | null;
  coverUrl: string | null;
  supplierId: string;
  supplierName: string;
  /** On sale, supplier active, and enough stock for the quantity. */
  available: boolean;
}

export interface Cart {
  items: CartItem[];
  /** Sum of the available lines, computed by the server. */
  totalFen: number;
}

export const ORDER_STATUSES = ['pending_payment', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type CheckoutStatus = 'pending_payment' | 'paid' | 'cancelled';
export type SourceKind = 'storefront' | 'live' | 'micro_shop' | 'referral' | 'group_buy';

export interface OrderItem {
  id: string;
  skuId: string;
  productId: string;
  title: string;
  spec: string;
  unit: string;
  unitPriceFen: number;
  quantity: number;
  lineFen: number;
  saleMode: string;
  shipsFrom: string | null;
  returnsPolicy: string;
}

export interface Order {
  id: string;
  orderNo: string;
  checkoutId: string;
  status: OrderStatus;
  supplierId: string;
  supplierName: string;
  countyCode: string;
  source: { kind: SourceKind; ref: string | null };
  itemsFen: number;
  shippingFen: number;
  totalFen: number;
  refundedFen: number;
  recipient: { name: string; phone: string; regionCode: string; address: string };
  note: string;
  carrier: string | null;
  trackingNo: string | null;
  createdAt: string;
  paidAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  items: OrderItem[];
}

export interface Checkout {
  id: string;
  paymentNo: string;
  status: CheckoutStatus;
  totalFen: number;
  expiresAt: string;
  paidAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  orders: Order[];
}

export interface CheckoutInput {
  items: { skuId: string; quantity: number }[];
  addressId: string;
  note?: string | undefined;
  fromCart?: boolean | undefined;
  source?: { kind: SourceKind; ref?: string | undefined } | undefined;
}

export type PayStart =
  | { kind: 'hosted_page'; provider: string; outTradeNo: string; paymentId: string; url: string }
  | { kind: 'jsapi'; provider: string; outTradeNo: string; prepayId: string; params: Record<string, string> }
  | { kind: 'native'; provider: string; outTradeNo: string; codeUrl: string };

/** A fresh key for one intended action (works on plain http too, where randomUUID is missing). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `k-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const addressesApi = {
  list: () => api.get<{ items: Address[] }>('/me/addresses'),
  create: (input: AddressInput) => api.post<Address>('/me/addresses', input),
  update: (addressId: string, patch: Partial<AddressInput>) => api.patch<Address>(`/me/addresses/${id(addressId)}`, patch),
  remove: (addressId: string) => api.delete<{ ok: true }>(`/me/addresses/${id(addressId)}`),
};

export const cartApi = {
  get: () => api.get<Cart>('/cart'),
  set: (skuId: string, quantity: number) => api.put<Cart>(`/cart/items/${id(skuId)}`, { quantity }),
  remove: (skuId: string) => api.delete<Cart>(`/cart/items/${id(skuId)}`),
};

/** What a checkout would cost now (nothing reserved): shipping per supplier and the total. */
export interface Quote {
  totalFen: number;
  orders: { supplierId: string; supplierName: string; itemsFen: number; shippingFen: number; totalFen: number; lines: { skuId: string; unitPriceFen: number; quantity: number; lineFen: number }[] }[];
}

export const checkoutsApi = {
  quote: (input: Pick<CheckoutInput, 'items' | 'addressId'>, signal?: AbortSignal) => request<Quote>('POST', '/checkouts/quote', { body: input, ...(signal ? { signal } : {}) }),
  /** Keep `idempotencyKey` across retries of the same submit; a replay returns the first checkout. */
  place: (input: CheckoutInput, idempotencyKey: string) =>
    request<Checkout>('POST', '/checkouts', { body: input, headers: { 'idempotency-key': idempotencyKey } }),
  get: (checkoutId: string, signal?: AbortSignal) => api.get<Checkout>(`/checkouts/${id(checkoutId)}`, undefined, signal),
  pay: (checkoutId: string, idempotencyKey: string) =>
    request<PayStart>('POST', `/checkouts/${id(checkoutId)}/pay`, { headers: { 'idempotency-key': idempotencyKey } }),
  cancel: (checkoutId: string) => api.post<Checkout>(`/checkouts/${id(checkoutId)}/cancel`),
};

export const ordersApi = {
  mine: (query: PageQuery & { status?: OrderStatus | undefined }) => api.get<Page<Order>>('/orders', { view: 'mine', ...query }),
  get: (orderId: string, signal?: AbortSignal) => api.get<Order>(`/orders/${id(orderId)}`, undefined, signal),
};

export const ORDER_STATUSES = ['pending_payment', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_SOURCES = ['storefront', 'live', 'micro_shop', 'referral', 'group_buy'] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];
export type CheckoutStatus = 'pending_payment' | 'paid' | 'cancelled';

export interface BuyerAddressTable {
  id: string;
  user_id: string;
  recipient_name: string;
  phone: string;
  region_code: string;
  detail: string;
  default_at: string | null;
  deleted_at: string | null;
  created_at: string;
}

export interface CartItemTable {
  user_id: string;
  sku_id: string;
  quantity: number;
  added_at: string;
}

export interface ShippingPolicyTable {
  supplier_id: string;
  county_code: string;
  base_fee_fen: number;
  base_weight_g: number;
  extra_fee_per_kg_fen: number;
  free_over_fen: number | null;
  /** JSON {"65": {"baseFeeFen": 2000, "extraFeePerKgFen": 1000}} */
  province_fees: string;
  /** JSON ["54", "65"] */
  excluded_provinces: string;
  updated_at: string;
}

export interface CheckoutTable {
  id: string;
  buyer_id: string;
  payment_no: string;
  status: CheckoutStatus;
  total_fen: number;
  expires_at: string;
  payment_start: string | null;
  provider: string | null;
  transaction_id: string | null;
  paid_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  created_at: string;
}

export interface ShopOrderTable {
  id: string;
  order_no: string;
  checkout_id: string;
  buyer_id: string;
  supplier_id: string;
  county_code: string;
  status: OrderStatus;
  source_kind: OrderSource;
  source_ref: string | null;
  host_user_id: string | null;
  items_fen: number;
  shipping_fen: number;
  total_fen: number;
  refunded_fen: number;
  recipient_name: string;
  recipient_phone: string;
  region_code: string;
  address_text: string;
  buyer_note: string;
  carrier: string | null;
  tracking_no: string | null;
  biz_date: string;
  created_at: string;
  paid_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  updated_at: string;
}

export interface OrderItemTable {
  id: string;
  order_id: string;
  sku_id: string;
  product_id: string;
  title: string;
  spec: string;
  unit: string;
  unit_price_fen: number;
  quantity: number;
  line_fen: number;
  weight_g: number;
  sale_mode: string;
  ships_from: string | null;
  returns_policy: string;
}

export interface BuyerSkuPurchaseTable {
  user_id: string;
  sku_id: string;
  quantity: number;
}

export interface PaymentRefundTable {
  id: string;
  refund_no: string;
  checkout_id: string;
  order_id: string | null;
  county_code: string;
  amount_fen: number;
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  provider_refund_id: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface IdempotencyRecordTable {
  user_id: string;
  scope: string;
  idem_key: string;
  request_hash: string;
  result_id: string;
  created_at: string;
}

export interface OrdersTables {
  buyer_address: BuyerAddressTable;
  cart_item: CartItemTable;
  shipping_policy: ShippingPolicyTable;
  checkout: CheckoutTable;
  shop_order: ShopOrderTable;
  order_item: OrderItemTable;
  buyer_sku_purchase: BuyerSkuPurchaseTable;
  payment_refund: PaymentRefundTable;
  idempotency_record: IdempotencyRecordTable;
}

import { Type } from '@sinclair/typebox';
import { PHONE_PATTERN } from '../../platform/mask.js';
import { ORDER_SOURCES, ORDER_STATUSES } from './orders.tables.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const OrderStatusSchema = lit(ORDER_STATUSES);
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_\\-:.]+$', description: 'one fresh random key per intended action; a replay returns the first result' }),
});

export const OrderItemView = Type.Object({
  id: Type.String(), skuId: Type.String(), productId: Type.String(), title: Type.String(), spec: Type.String(), unit: Type.String(),
  unitPriceFen: Type.Integer(), quantity: Type.Integer(), lineFen: Type.Integer(), saleMode: Type.String(), shipsFrom: N(Type.String()), returnsPolicy: Type.String(),
});

export const OrderView = Type.Object({
  id: Type.String(), orderNo: Type.String(), checkoutId: Type.String(), status: OrderStatusSchema, supplierId: Type.String(), supplierName: Type.String(),
  countyCode: Type.String(), source: Type.Object({ kind: lit(ORDER_SOURCES), ref: N(Type.String()) }),
  itemsFen: Type.Integer(), shippingFen: Type.Integer(), totalFen: Type.Integer(), refundedFen: Type.Integer(),
  recipient: Type.Object({ name: Type.String(), phone: Type.String({ description: 'masked except for the buyer, the supplier and the center' }), regionCode: Type.String(), address: Type.String() }),
  note: Type.String(), carrier: N(Type.String()), trackingNo: N(Type.String()),
  createdAt: Type.String(), paidAt: N(Type.String()), shippedAt: N(Type.String()), deliveredAt: N(Type.String()), completedAt: N(Type.String()), cancelledAt: N(Type.String()),
  items: Type.Array(OrderItemView),
});

export const CheckoutView = Type.Object({
  id: Type.String(), paymentNo: Type.String(), status: lit(['pending_payment', 'paid', 'cancelled'] as const), totalFen: Type.Integer(),
  expiresAt: Type.String(), paidAt: N(Type.String()), cancelledAt: N(Type.String()), cancelReason: N(Type.String()), createdAt: Type.String(),
  orders: Type.Array(OrderView),
});

export const CheckoutBody = Type.Object({
  items: Type.Array(Type.Object({
    skuId: Type.String({ maxLength: 80 }),
    quantity: Type.Integer({ minimum: 1, maximum: 999 }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
  addressId: Type.String({ maxLength: 80 }),
  source: Type.Optional(Type.Object({ kind: lit(ORDER_SOURCES), ref: Type.Optional(Type.String({ maxLength: 80 })) }, { additionalProperties: false })),
  note: Type.Optional(Type.String({ maxLength: 200 })),
  fromCart: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, description: 'Prices are never sent: the server prices every line.' });

export const QuoteBody = Type.Pick(CheckoutBody, ['items', 'addressId'], { additionalProperties: false });
export const QuoteView = Type.Object({
  totalFen: Type.Integer(),
  orders: Type.Array(Type.Object({
    supplierId: Type.String(), supplierName: Type.String(), itemsFen: Type.Integer(), shippingFen: Type.Integer(), totalFen: Type.Integer(),
    lines: Type.Array(Type.Object({ skuId: Type.String(), unitPriceFen: Type.Integer(), quantity: Type.Integer(), lineFen: Type.Integer() })),
  })),
}, { description: 'What the checkout would cost now; nothing is reserved.' });

export const PaymentStartView = Type.Union([
  Type.Object({ kind: Type.Literal('hosted_page'), provider: Type.String(), outTradeNo: Type.String(), paymentId: Type.String(), url: Type.String() }),
  Type.Object({ kind: Type.Literal('jsapi'), provider: Type.String(), outTradeNo: Type.String(), prepayId: Type.String(), params: Type.Object({ appId: Type.String(), timeStamp: Type.String(), nonceStr: Type.String(), package: Type.String(), signType: Type.Literal('RSA'), paySign: Type.String() }) }),
  Type.Object({ kind: Type.Literal('native'), provider: Type.String(), outTradeNo: Type.String(), codeUrl: Type.String() }),
]);

export const AddressView = Type.Object({
  id: Type.String(), recipientName: Type.String(), phone: Type.String(), regionCode: Type.String(), regionName: Type.String(), detail: Type.String(), isDefault: Type.Boolean(),
});
const addressFields = {
  recipientName: Type.String({ minLength: 1, maxLength: 40 }),
  phone: Type.String({ pattern: PHONE_PATTERN }),
  regionCode: Type.String({ pattern: '^[0-9]{6}([0-9]{3})?$', description: 'county (6) or township (9) code' }),
  detail: Type.String({ minLength: 2, maxLength: 120 }),
  isDefault: Type.Optional(Type.Boolean()),
};
export const AddressBody = Type.Object(addressFields, { additionalProperties: false });
export const AddressPatchBody = Type.Partial(Type.Object(addressFields), { additionalProperties: false, minProperties: 1 });

export const CartView = Type.Object({
  items: Type.Array(Type.Object({
    skuId: Type.String(), productId: Type.String(), title: Type.String(), spec: Type.String(), unit: Type.String(), priceFen: Type.Integer(), quantity: Type.Integer(),
    stockAvailable: Type.Integer(), maxPerBuyer: N(Type.Integer()), coverUrl: N(Type.String()), supplierId: Type.String(), supplierName: Type.String(), available: Type.Boolean(),
  })),
  totalFen: Type.Integer(),
});

const Fen = Type.Integer({ minimum: 0, maximum: 100_000_000 });
export const ShippingPolicyBody = Type.Object({
  baseFeeFen: Fen,
  baseWeightG: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  extraFeePerKgFen: Fen,
  freeOverFen: N(Fen),
  provinceFees: Type.Record(Type.String({ pattern: '^[0-9]{2}$' }), Type.Object({ baseFeeFen: Fen, extraFeePerKgFen: Fen }, { additionalProperties: false }), { maxProperties: 40 }),
  excludedProvinces: Type.Array(Type.String({ pattern: '^[0-9]{2}$' }), { maxItems: 40 }),
}, { additionalProperties: false });
export const ShippingPolicyView = Type.Composite([Type.Object({ supplierId: Type.String(), updatedAt: N(Type.String()) }), ShippingPolicyBody]);

import { Type } from '@sinclair/typebox';
import { CASE_STATUSES, REASON_CODES } from './aftersales.tables.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Fen = Type.Integer({ minimum: 1, maximum: 100_000_000_00, description: 'integer fen' });
const Text = (max: number) => Type.String({ maxLength: max });

export const CaseStatusSchema = lit(CASE_STATUSES);

export const OpenCaseBody = Type.Object({
  orderId: Type.String({ maxLength: 80 }),
  kind: lit(['refund_only', 'return_and_refund'] as const),
  reasonCode: lit(REASON_CODES.filter((r) => r !== 'buyer_cancelled')),
  reasonText: Type.Optional(Text(500)),
  items: Type.Array(Type.Object({
    orderItemId: Type.String({ maxLength: 80 }),
    quantity: Type.Integer({ minimum: 1, maximum: 999 }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
  amountFen: Fen,
  photoIds: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 9 })),
}, { additionalProperties: false });

export const CancelOrderBody = Type.Object({ reason: Type.Optional(Text(200)) }, { additionalProperties: false });
export const ApproveBody = Type.Object({ amountFen: Type.Optional(Fen) }, { additionalProperties: false });
export const RejectBody = Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false });
export const ReturnShipmentBody = Type.Object({
  carrier: Type.String({ minLength: 1, maxLength: 40 }),
  trackingNo: Type.String({ pattern: '^[A-Za-z0-9-]{6,40}$' }),
}, { additionalProperties: false });
export const EscalateBody = Type.Object({ note: Type.Optional(Text(500)) }, { additionalProperties: false });
export const DecideBody = Type.Object({
  outcome: lit(['refund', 'reject'] as const),
  amountFen: Type.Optional(Fen),
  note: Type.String({ minLength: 2, maxLength: 1000, description: 'why: shown to both sides and kept in the audit log' }),
}, { additionalProperties: false });

export const PhotoView = Type.Object({ id: Type.String(), contentType: Type.String() });

export const CaseView = Type.Object({
  id: Type.String(), caseNo: Type.String(), orderId: Type.String(), orderNo: Type.String(), buyerId: Type.String(), supplierId: Type.String(),
  countyCode: Type.String(), kind: lit(['cancel', 'refund_only', 'return_and_refund'] as const), status: CaseStatusSchema,
  reasonCode: Type.String(), reasonText: Type.String(), requestedFen: Type.Integer(), approvedFen: N(Type.Integer()),
  items: Type.Array(Type.Object({
    orderItemId: Type.String(), skuId: Type.String(), title: Type.String(), spec: Type.String(), unitPriceFen: Type.Integer(), quantity: Type.Integer(), returnsPolicy: Type.String(),
  })),
  photos: Type.Array(Type.String({ description: 'URL of the photo (access-checked)' })),
  rejectReason: N(Type.String()),
  returnShipment: N(Type.Object({ carrier: Type.String(), trackingNo: Type.String(), shippedAt: N(Type.String()), receivedAt: N(Type.String()) })),
  escalation: N(Type.Object({ by: lit(['buyer', 'supplier'] as const), note: Type.String(), at: Type.String() })),
  decision: N(Type.Object({ outcome: lit(['refund', 'reject'] as const), note: Type.String(), by: N(Type.String()), at: Type.String() })),
  refund: N(Type.Object({ id: Type.String(), refundNo: Type.String(), amountFen: Type.Integer(), status: lit(['pending', 'succeeded', 'failed'] as const), completedAt: N(Type.String()) })),
  buyerMayEscalateAt: N(Type.String()),
  createdAt: Type.String(), supplierAnsweredAt: N(Type.String()), refundedAt: N(Type.String()), closedAt: N(Type.String()), updatedAt: Type.String(),
});

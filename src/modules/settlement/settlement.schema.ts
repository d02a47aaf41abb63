import { Type } from '@sinclair/typebox';
import { BATCH_STATUSES, FUNDS, HOST_KINDS, LINE_STATUSES, OVERRIDE_SCOPES, PAYEE_KINDS, POLICY_BASES } from './settlement.tables.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Fen = (description: string) => Type.Integer({ description: `integer fen: ${description}` });

export const CountyCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit county code' });
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'business date YYYY-MM-DD (Asia/Shanghai)' });
export const Period = Type.Object({ from: DateString, to: DateString });
export const FundSchema = lit(FUNDS);
export const XlsxFile = Type.String({ format: 'binary', description: 'an XLSX workbook' });

const Payee = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60 }),
  bank: Type.String({ minLength: 1, maxLength: 80 }),
  account: Type.String({ pattern: '^[0-9]{8,30}$', description: 'bank account number, digits only' }),
}, { additionalProperties: false });
export const PayeeBody = Payee;

const OverrideBody = Type.Object({
  scope: lit(OVERRIDE_SCOPES),
  target: Type.String({ minLength: 1, maxLength: 80, description: 'a product id, or a category code' }),
  basis: lit(['rate', 'fixed'] as const),
  rateBp: Type.Optional(Type.Integer({ description: 'basis points of the line, 0–5000' })),
  fixedFen: Type.Optional(Type.Integer({ description: 'fen per unit sold, ≥ 0' })),
}, { additionalProperties: false });

export const PolicyBody = Type.Object({
  kind: lit(HOST_KINDS),
  basis: lit(POLICY_BASES),
  rateBp: Type.Optional(Type.Integer({ description: 'basis points of the goods amount, 0–5000 (basis = rate)' })),
  fixedFen: Type.Optional(Type.Integer({ description: 'fen per unit sold, ≥ 0 (basis = fixed)' })),
  charityBp: Type.Optional(Type.Integer({ description: "official only: share of the pledge to the charity fund; with developmentBp adds up to 10000" })),
  developmentBp: Type.Optional(Type.Integer({ description: 'official only: share of the pledge to the local e-commerce development fund' })),
  payee: Type.Optional(Nullable(Payee)),
  overrides: Type.Optional(Type.Array(OverrideBody, { maxItems: 200 })),
}, { additionalProperties: false });

export const PolicyView = Type.Object({
  countyCode: Type.String(),
  hostUserId: Type.String(),
  kind: lit(HOST_KINDS),
  basis: lit(POLICY_BASES),
  rateBp: Type.Integer(),
  fixedFen: Type.Integer(),
  hostEarns: Type.Boolean({ description: 'false for an official: its whole share is pledged' }),
  pledge: Nullable(Type.Object({ charityBp: Type.Integer(), developmentBp: Type.Integer() })),
  isDefault: Type.Boolean({ description: 'no policy set: the selection-base rate of each product, as a regular host' }),
  overrides: Type.Array(Type.Object({ id: Type.String(), scope: lit(OVERRIDE_SCOPES), target: Type.String(), basis: lit(['rate', 'fixed'] as const), rateBp: Type.Integer(), fixedFen: Type.Integer() })),
  payee: Nullable(Type.Object({ name: Type.String(), bank: Type.String(), accountMasked: Nullable(Type.String()) })),
  updatedAt: Nullable(Type.String()),
});
export const PolicyList = Type.Object({ countyCode: Type.String(), items: Type.Array(PolicyView) });
export const FundPayeeView = Type.Object({ countyCode: Type.String(), fund: FundSchema, name: Type.String(), bank: Type.String(), accountMasked: Type.String() });

const LineType = lit(['order', 'refund', 'commission', 'commission_reversal', 'payout', 'settlement', 'adjustment'] as const);
const StatementLine = Type.Object({
  postingId: Type.String(),
  entryId: Type.String(),
  type: LineType,
  bizDate: Type.String(),
  createdAt: Type.String(),
  orderId: Nullable(Type.String()),
  orderNo: Nullable(Type.String()),
  payoutBatchNo: Nullable(Type.String()),
  memo: Type.String(),
  amountFen: Fen('+ owed more (an order paid), − owed less (commission, refund, payout)'),
  balanceFen: Fen('what is owed after this line'),
});
const Totals = Type.Object({
  ordersFen: Fen('orders paid'), refundsFen: Fen('refunds (negative)'), commissionFen: Fen('commission and fee taken, less reversals (negative)'),
  payoutsFen: Fen('paid out (negative)'), otherFen: Fen('adjustments'), netFen: Fen('closing − opening'),
});
const Party = Type.Object({ kind: lit(['supplier', 'host'] as const), id: Type.String(), name: Type.String() });
const StatementCommon = {
  party: Party,
  countyCode: Type.String(),
  from: Type.String(),
  to: Type.String(),
  accountId: Nullable(Type.String()),
  openingBalanceFen: Fen('owed before the period'),
  closingBalanceFen: Fen('owed at the end of the period'),
  items: Type.Array(StatementLine),
  totals: Totals,
};
export const SupplierStatementView = Type.Object(StatementCommon);
export const HostStatementView = Type.Object({
  ...StatementCommon,
  hostKind: lit(HOST_KINDS),
  pledgeSplit: Nullable(Type.Object({ charityBp: Type.Integer(), developmentBp: Type.Integer() })),
  pledges: Type.Object({
    items: Type.Array(Type.Object({
      entryId: Type.String(), orderId: Type.String(), orderNo: Type.String(), bizDate: Type.String(), reversal: Type.Boolean(),
      charityFen: Fen('to the charity fund (negative when reversed)'), developmentFen: Fen('to the development fund'),
    })),
    charityFen: Fen('total to the charity fund in the period'),
    developmentFen: Fen('total to the development fund in the period'),
    totalFen: Fen('total pledged'),
  }),
});

export const OrderSplitView = Type.Object({
  orderId: Type.String(), orderNo: Type.String(), status: Type.String(), countyCode: Type.String(),
  totalFen: Fen('order total'), refundedFen: Fen('refunded'),
  accrued: Type.Boolean({ description: 'true once completed and booked; before, the split is projected by the host policy' }),
  hostUserId: Nullable(Type.String()),
  hostKind: Nullable(lit(HOST_KINDS)),
  pledgeSplit: Nullable(Type.Object({ charityBp: Type.Integer(), developmentBp: Type.Integer() })),
  hostCommissionFen: Fen("the host's commission (0 for an official)"),
  charityFen: Fen("an official's pledge to the charity fund"),
  developmentFen: Fen("an official's pledge to the development fund"),
  serviceFeeFen: Fen("the center's fee"),
  supplierNetFen: Fen('what the supplier keeps'),
});

export const HostStatementQuery = Type.Object({ countyCode: CountyCode, from: DateString, to: DateString });

export const BatchBody = Type.Object({ countyCode: CountyCode, from: DateString, to: DateString, note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
const LineView = Type.Object({
  id: Type.String(), payeeKind: lit(PAYEE_KINDS), partyId: Nullable(Type.String()), amountFen: Fen('to pay'),
  payeeName: Type.String(), payeeBank: Type.String(), payeeAccountMasked: Type.String({ description: 'last 4 digits; the full account is only in the bank export' }),
  payeeDetailsMissing: Type.Boolean(), status: lit(LINE_STATUSES), entryId: Nullable(Type.String()), paidAt: Nullable(Type.String()), paidBy: Nullable(Type.String()),
});
export const BatchView = Type.Object({
  id: Type.String(), batchNo: Type.String(), countyCode: Type.String(), from: Type.String(), to: Type.String(), status: lit(BATCH_STATUSES), note: Type.String(),
  totalFen: Fen('all lines'), paidFen: Fen('lines paid'), lineCount: Type.Integer(), paidCount: Type.Integer(),
  createdBy: Nullable(Type.String()), createdAt: Type.String(), closedAt: Nullable(Type.String()),
  lines: Type.Array(LineView),
});
export const BatchPage = Type.Object({ items: Type.Array(BatchView), nextCursor: Nullable(Type.String()) });
const PayResult = Type.Object({
  lineId: Type.String(), ok: Type.Boolean(), alreadyPaid: Type.Boolean({ description: 'paid before: nothing posted by this call' }),
  code: Nullable(Type.String()), detail: Nullable(Type.String()), entryId: Nullable(Type.String()),
});
export const PayBody = Type.Object({ lineIds: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 1000 })) }, { additionalProperties: false });
export const PayBatchView = Type.Object({ paid: Type.Integer(), alreadyPaid: Type.Integer(), failed: Type.Integer(), results: Type.Array(PayResult), batch: BatchView });
export const PayLineView = Type.Object({ result: PayResult, batch: BatchView });
export const CancelBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

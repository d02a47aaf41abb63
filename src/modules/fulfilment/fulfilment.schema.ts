import { Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../../platform/http/pagination.js';
import { OrderView } from '../orders/index.js';
import { CARRIERS } from './carriers.js';
import { SHEET_TABS } from './fulfilment.service.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CarrierSchema = lit(CARRIERS);
export const SheetTabSchema = lit(Object.keys(SHEET_TABS) as (keyof typeof SHEET_TABS)[]);
const DateSchema = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, Asia/Shanghai' });

const filterFields = {
  tab: Type.Optional(SheetTabSchema),
  supplierId: Type.Optional(Type.String({ maxLength: 80 })),
  countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  orderNo: Type.Optional(Type.String({ maxLength: 40 })),
  paidFrom: Type.Optional(DateSchema),
  paidTo: Type.Optional(DateSchema),
};

export const SheetQuery = Type.Object({ ...PageQuery, ...filterFields });
export const SheetPage = Type.Composite([
  pageOf(OrderView),
  Type.Object({ counts: Type.Object({ toShip: Type.Integer(), shipped: Type.Integer(), delivered: Type.Integer(), completed: Type.Integer() }, { description: 'orders in each tab, in the caller’s scope and filters' }) }),
]);

export const ExportQuery = Type.Object({
  ...filterFields,
  orderIds: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 1000, description: 'the orders chosen on the sheet (repeat the parameter); without it, the filter (default: the to-ship tab)' })),
});

const shipFields = {
  carrier: CarrierSchema,
  trackingNo: Type.String({ minLength: 1, maxLength: 40, description: '8–30 letters and digits (spaces are dropped); SF numbers start with SF' }),
};
export const ShipBody = Type.Object(shipFields, { additionalProperties: false });
export const BatchShipBody = Type.Object({
  items: Type.Array(Type.Object({ orderId: Type.String({ maxLength: 80 }), ...shipFields }, { additionalProperties: false }), { minItems: 1, maxItems: 200 }),
}, { additionalProperties: false });
export const BatchShipView = Type.Object({
  shipped: Type.Integer(), failed: Type.Integer(),
  results: Type.Array(Type.Object({ orderId: Type.String(), ok: Type.Boolean(), code: N(Type.String()), detail: N(Type.String()), status: N(Type.String()) })),
});

export const ImportView = Type.Object({
  rows: Type.Integer({ description: 'data rows read (blank rows skipped)' }),
  shipped: Type.Array(Type.Object({ row: Type.Integer(), orderNo: Type.String(), orderId: Type.String() })),
  errors: Type.Array(Type.Object({ row: Type.Integer({ description: 'row number as the spreadsheet shows it (the header is row 1)' }), orderNo: N(Type.String()), code: Type.String(), reason: Type.String() })),
});

export const XlsxFile = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'an XLSX workbook' });

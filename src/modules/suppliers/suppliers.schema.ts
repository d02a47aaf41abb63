import { Type } from '@sinclair/typebox';
import { PHONE_PATTERN } from '../../platform/mask.js';
import { LICENCE_KINDS, LICENCE_STATUSES, SUPPLIER_TYPES } from './suppliers.tables.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const SupplierTypeSchema = lit(SUPPLIER_TYPES);
export const LicenceKindSchema = lit(LICENCE_KINDS);
export const LicenceStatusSchema = lit(LICENCE_STATUSES);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description: 'YYYY-MM-DD' });

export const LicenceView = Type.Object({
  id: Type.String(),
  supplierId: Type.String(),
  supplierName: Nullable(Type.String()),
  countyCode: Type.String(),
  kind: LicenceKindSchema,
  kindLabel: Type.String(),
  number: Type.String(),
  holderName: Type.String(),
  scope: Type.String(),
  issuedOn: Type.String(),
  expiresOn: Type.String(),
  status: LicenceStatusSchema,
  rejectReason: Nullable(Type.String()),
  hasScan: Type.Boolean(),
  scanUrl: Nullable(Type.String()),
  scanContentType: Nullable(Type.String({ description: 'image/jpeg, image/png, image/webp or application/pdf' })),
  reviewedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  expiringSoon: Type.Boolean(),
});

export const SupplierView = Type.Object({
  id: Type.String(),
  countyCode: Type.String(),
  type: SupplierTypeSchema,
  name: Type.String(),
  contactName: Type.String(),
  phone: Type.String({ description: 'masked (138****5678) except for the supplier itself and its center' }),
  villageCode: Type.String(),
  villageName: Type.String(),
  payeeName: Nullable(Type.String()),
  payeeAccount: Nullable(Type.String({ description: 'masked except for the supplier itself and its center' })),
  payeeBank: Nullable(Type.String()),
  description: Type.String(),
  story: Type.String(),
  status: lit(['active', 'suspended'] as const),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const SupplierDetail = Type.Composite([SupplierView, Type.Object({ licences: Type.Array(LicenceView) })]);

const supplierFields = {
  type: SupplierTypeSchema,
  name: Type.String({ minLength: 2, maxLength: 60 }),
  contactName: Type.String({ minLength: 1, maxLength: 40 }),
  phone: Type.String({ pattern: PHONE_PATTERN }),
  villageCode: Type.String({ pattern: '^[0-9]{9}([0-9]{3})?$', description: 'township (9) or village (12) code inside the county' }),
  payeeName: Type.Optional(Type.String({ maxLength: 60 })),
  payeeAccount: Type.Optional(Type.String({ pattern: '^[0-9]{8,30}$', description: 'bank account digits' })),
  payeeBank: Type.Optional(Type.String({ maxLength: 60 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  story: Type.Optional(Type.String({ maxLength: 5000 })),
};

export const SupplierCreateBody = Type.Object({ countyCode: Type.String({ pattern: '^[0-9]{6}$' }), ...supplierFields }, { additionalProperties: false });
/** In a patch, null clears the optional payee fields (an account closed, a bank changed). */
export const SupplierPatchBody = Type.Partial(Type.Object({
  ...supplierFields,
  payeeName: Type.Union([Type.String({ maxLength: 60 }), Type.Null()]),
  payeeAccount: Type.Union([Type.String({ pattern: '^[0-9]{8,30}$' }), Type.Null()]),
  payeeBank: Type.Union([Type.String({ maxLength: 60 }), Type.Null()]),
}), { additionalProperties: false, minProperties: 1 });
export const StatusReasonBody = Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false });

export const LicenceCreateBody = Type.Object({
  kind: LicenceKindSchema,
  number: Type.String({ maxLength: 50 }),
  holderName: Type.String({ minLength: 1, maxLength: 80 }),
  scope: Type.Optional(Type.String({ maxLength: 500, description: 'what the licence covers, or for a produce certificate the product and quantity' })),
  issuedOn: DateString,
  expiresOn: DateString,
}, { additionalProperties: false });

export const LicencePatchBody = Type.Partial(LicenceCreateBody, { additionalProperties: false, minProperties: 1 });

export const ReviewBody = Type.Object({
  verdict: lit(['verify', 'reject'] as const),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  expectedUpdatedAt: Type.Optional(Type.String({ maxLength: 40, description: 'updatedAt of the licence as the reviewer saw it; a later change refuses the review (409 stale_review)' })),
}, { additionalProperties: false });

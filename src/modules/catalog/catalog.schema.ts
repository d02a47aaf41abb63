import { Type } from '@sinclair/typebox';
import { LicenceKindSchema, SupplierTypeSchema } from '../suppliers/suppliers.schema.js';

const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Fen = Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'integer fen (1/100 yuan)' });
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const ProductStatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('on_sale'), Type.Literal('off_sale')]);

export const CategoryView = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(),
  returnsPolicy: Type.Union([Type.Literal('seven_day'), Type.Literal('quality_only')]),
  requiredLicences: Type.Array(Type.Array(LicenceKindSchema), { description: 'each inner list is one requirement; any kind in it satisfies it' }),
});

export const ProductCard = Type.Object({
  id: Type.String(), title: Type.String(), subtitle: Type.String(), unit: Type.String(), status: ProductStatusSchema,
  categoryCode: Type.String(), countyCode: Type.String(), supplierId: Type.String(), supplierName: Type.String(),
  originVillageCode: Type.String(), originName: Type.String(), coverUrl: N(Type.String()),
  priceFen: N(Type.Integer()), priceMaxFen: N(Type.Integer()), stockTotal: Type.Integer(), hasPresale: Type.Boolean(),
  soldCount: Type.Integer(), publishedAt: N(Type.String()),
});

export const SkuView = Type.Object({
  id: Type.String(), productId: Type.String(), spec: Type.String(), priceFen: Type.Integer(), weightG: Type.Integer(),
  gtin: N(Type.String()), stockAvailable: Type.Integer(), saleMode: Type.Union([Type.Literal('spot'), Type.Literal('presale')]),
  shipsFrom: N(Type.String()), archived: Type.Boolean(), maxPerBuyer: N(Type.Integer()),
});

export const BatchView = Type.Object({
  id: Type.String(), batchNo: Type.String(), kind: Type.Union([Type.Literal('harvest'), Type.Literal('production')]),
  producedOn: Type.String(), quantity: Type.Integer(), quantityUnit: Type.String(), shelfLifeDays: Type.Integer(),
  bestBefore: Type.String(), note: Type.String(), createdAt: Type.String(),
});

export const SelectionFields = Type.Object({
  id: Type.String(), suggestedPriceFen: Type.Integer(), commissionRateBp: Type.Integer({ description: 'basis points: 1500 = 15%' }),
  sellingPoints: Type.Array(Type.String()), sampleQuantity: Type.Integer(), updatedAt: Type.String(),
});

export const ProductDetail = Type.Composite([ProductCard, Type.Object({
  description: Type.String(), createdAt: Type.String(), updatedAt: Type.String(),
  images: Type.Array(Type.Object({ fileId: Type.String(), url: Type.String() })),
  skus: Type.Array(SkuView), batches: Type.Array(BatchView), selection: N(SelectionFields),
  listingCheck: Type.Object({ ok: Type.Boolean(), missing: Type.Array(Type.Array(LicenceKindSchema)), message: N(Type.String()) }),
})]);

export const SelectionCard = Type.Composite([ProductCard, Type.Object({ productId: Type.String(), selection: SelectionFields })]);

export const StoreProduct = Type.Composite([ProductCard, Type.Object({
  description: Type.String(), images: Type.Array(Type.String()), returnsPolicy: Type.Union([Type.Literal('seven_day'), Type.Literal('quality_only')]), categoryName: Type.String(),
  skus: Type.Array(Type.Object({ id: Type.String(), spec: Type.String(), priceFen: Type.Integer(), weightG: Type.Integer(), stockAvailable: Type.Integer(), saleMode: Type.String(), shipsFrom: N(Type.String()), maxPerBuyer: N(Type.Integer()) })),
  batches: Type.Array(BatchView),
  supplier: Type.Object({ id: Type.String(), name: Type.String(), type: SupplierTypeSchema, villageName: Type.String(), description: Type.String(), story: Type.String() }),
  licences: Type.Array(Type.Object({ kind: LicenceKindSchema, kindLabel: Type.String(), number: Type.String(), holderName: Type.String(), scope: Type.String(), issuedOn: Type.String(), expiresOn: Type.String() })),
})]);

export const ProductFilterQuery = {
  q: Type.Optional(Type.String({ maxLength: 40, description: 'keywords, e.g. 蓝莓' })),
  categoryCode: Type.Optional(Type.String({ maxLength: 40 })),
  countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  villageCode: Type.Optional(Type.String({ pattern: '^[0-9]{9}([0-9]{3})?$', description: 'township or village code' })),
  inStock: Type.Optional(Type.Boolean()),
  preSale: Type.Optional(Type.Boolean()),
  minPriceFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  maxPriceFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
};

const productFields = {
  categoryCode: Type.String({ minLength: 1, maxLength: 40 }),
  title: Type.String({ minLength: 2, maxLength: 60 }),
  subtitle: Type.Optional(Type.String({ maxLength: 120 })),
  description: Type.Optional(Type.String({ maxLength: 20000 })),
  unit: Type.String({ minLength: 1, maxLength: 8, description: '盒, 斤, 袋 …' }),
  originVillageCode: Type.String({ pattern: '^[0-9]{9}([0-9]{3})?$' }),
};
export const ProductCreateBody = Type.Object({ supplierId: Type.String({ maxLength: 80 }), ...productFields }, { additionalProperties: false });
export const ProductPatchBody = Type.Partial(Type.Object(productFields), { additionalProperties: false, minProperties: 1 });

const skuFields = {
  spec: Type.String({ minLength: 1, maxLength: 40, description: 'e.g. 2.5kg 礼盒' }),
  priceFen: Fen,
  weightG: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  gtin: Type.Optional(N(Type.String({ pattern: '^[0-9]{8,14}$' }))),
  saleMode: Type.Union([Type.Literal('spot'), Type.Literal('presale')]),
  shipsFrom: Type.Optional(N(DateString)),
  maxPerBuyer: Type.Optional(N(Type.Integer({ minimum: 1, maximum: 10_000, description: 'most one buyer may buy over all its orders' }))),
};
export const SkuCreateBody = Type.Object({ ...skuFields, stock: Type.Integer({ minimum: 0, maximum: 10_000_000 }) }, { additionalProperties: false });
export const SkuPatchBody = Type.Partial(Type.Object({ ...skuFields, archived: Type.Boolean() }), { additionalProperties: false, minProperties: 1 });
export const StockAdjustBody = Type.Object({
  delta: Type.Integer({ minimum: -10_000_000, maximum: 10_000_000, not: { const: 0 } }),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
}, { additionalProperties: false });

export const BatchCreateBody = Type.Object({
  batchNo: Type.String({ minLength: 1, maxLength: 40 }),
  kind: Type.Union([Type.Literal('harvest'), Type.Literal('production')]),
  producedOn: DateString,
  quantity: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  quantityUnit: Type.String({ minLength: 1, maxLength: 8 }),
  shelfLifeDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

export const SelectionBody = Type.Object({
  suggestedPriceFen: Fen,
  commissionRateBp: Type.Integer({ minimum: 0, maximum: 5000, description: 'host commission in basis points, at most 50%' }),
  sellingPoints: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 8 }),
  sampleQuantity: Type.Integer({ minimum: 0, maximum: 10000 }),
}, { additionalProperties: false });

export const ProductStatusSchemaExport = ProductStatusSchema;

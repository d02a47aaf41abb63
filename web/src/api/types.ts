/**
 * Types of the API's requests and responses, written by hand from /api/openapi.json.
 * Money is integer fen; dates are YYYY-MM-DD (Asia/Shanghai calendar); instants are ISO UTC.
 */

export const ROLES = [
  'center_admin', 'operator', 'supplier', 'host', 'trainee', 'buyer', 'group_leader', 'village_cadre', 'official',
] as const;
export type Role = (typeof ROLES)[number];

export const SUPPLIER_TYPES = ['farmer', 'cooperative', 'family_farm', 'small_workshop', 'enterprise'] as const;
export type SupplierType = (typeof SUPPLIER_TYPES)[number];
export type SupplierStatus = 'active' | 'suspended';

export const LICENCE_KINDS = ['food_business', 'food_production', 'workshop_registration', 'produce_certificate'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];
export const LICENCE_STATUSES = ['submitted', 'verified', 'rejected', 'expired'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

export const PRODUCT_STATUSES = ['draft', 'on_sale', 'off_sale'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export type SaleMode = 'spot' | 'presale';
export type BatchKind = 'harvest' | 'production';
export type ReturnsPolicy = 'seven_day' | 'quality_only';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  cursor?: string | undefined;
  limit?: number | undefined;
}

// ---- accounts ---------------------------------------------------------------------------

export interface RoleGrant {
  id: string;
  role: Role;
  /** '' = whole deployment; 2 digits a province, 4 a city, 6 a county. */
  regionPrefix: string;
  regionName: string;
  supplierId: string | null;
}

export interface MeRole extends RoleGrant {
  supplierName: string | null;
}

export interface Me {
  id: string;
  name: string;
  phone: string;
  roles: MeRole[];
}

export interface AuthResult {
  user: Me;
  csrfToken: string;
}

export interface UserSummary {
  id: string;
  name: string;
  phoneMasked: string;
  createdAt: string;
  lockedUntil: string | null;
  roles: RoleGrant[];
}

export interface Center {
  id: string;
  countyCode: string;
  name: string;
  regionName: string;
}

export interface Region {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'village';
  parentCode: string | null;
}

export interface AuditItem {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  countyCode: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  refId: string | null;
  createdAt: string;
  readAt: string | null;
}

// ---- suppliers and licences ----------------------------------------------------------------

export interface Licence {
  id: string;
  supplierId: string;
  supplierName: string | null;
  countyCode: string;
  kind: LicenceKind;
  kindLabel: string;
  number: string;
  holderName: string;
  scope: string;
  issuedOn: string;
  expiresOn: string;
  status: LicenceStatus;
  rejectReason: string | null;
  hasScan: boolean;
  scanUrl: string | null;
  scanContentType: string | null;
  reviewedAt: string | null;
  createdAt: string;
  updatedAt: string;
  expiringSoon: boolean;
}

export interface Supplier {
  id: string;
  countyCode: string;
  type: SupplierType;
  name: string;
  contactName: string;
  /** Masked (138****5678) except for the supplier itself and its center. */
  phone: string;
  villageCode: string;
  villageName: string;
  payeeName: string | null;
  payeeAccount: string | null;
  payeeBank: string | null;
  description: string;
  story: string;
  status: SupplierStatus;
  createdAt: string;
  updatedAt: string;
}

export interface SupplierDetail extends Supplier {
  licences: Licence[];
}

export interface SupplierFields {
  type: SupplierType;
  name: string;
  contactName: string;
  phone: string;
  villageCode: string;
  payeeName?: string | undefined;
  payeeAccount?: string | undefined;
  payeeBank?: string | undefined;
  description?: string | undefined;
  story?: string | undefined;
}

export interface SupplierCreate extends SupplierFields {
  countyCode: string;
}

export type SupplierPatch = Partial<SupplierFields>;

export interface LicenceCreate {
  kind: LicenceKind;
  number: string;
  holderName: string;
  scope?: string | undefined;
  issuedOn: string;
  expiresOn: string;
}

// ---- catalog -----------------------------------------------------------------------------

export interface Category {
  code: string;
  nameZh: string;
  nameEn: string;
  returnsPolicy: ReturnsPolicy;
  /** Each inner list is one requirement; any kind in it satisfies it. */
  requiredLicences: LicenceKind[][];
}

export interface ProductCard {
  id: string;
  title: string;
  subtitle: string;
  unit: string;
  status: ProductStatus;
  categoryCode: string;
  countyCode: string;
  supplierId: string;
  supplierName: string;
  originVillageCode: string;
  originName: string;
  coverUrl: string | null;
  priceFen: number | null;
  priceMaxFen: number | null;
  stockTotal: number;
  hasPresale: boolean;
  soldCount: number;
  publishedAt: string | null;
}

export interface Sku {
  id: string;
  productId: string;
  spec: string;
  priceFen: number;
  weightG: number;
  gtin: string | null;
  stockAvailable: number;
  saleMode: SaleMode;
  shipsFrom: string | null;
  archived: boolean;
}

export interface Batch {
  id: string;
  batchNo: string;
  kind: BatchKind;
  producedOn: string;
  quantity: number;
  quantityUnit: string;
  shelfLifeDays: number;
  bestBefore: string;
  note: string;
  createdAt: string;
}

export interface SelectionTerms {
  id: string;
  suggestedPriceFen: number;
  /** Basis points: 1500 = 15%. */
  commissionRateBp: number;
  sellingPoints: string[];
  sampleQuantity: number;
  updatedAt: string;
}

export interface ListingCheck {
  ok: boolean;
  missing: LicenceKind[][];
  message: string | null;
}

export interface ProductDetail extends ProductCard {
  description: string;
  createdAt: string;
  updatedAt: string;
  images: { fileId: string; url: string }[];
  skus: Sku[];
  batches: Batch[];
  selection: SelectionTerms | null;
  listingCheck: ListingCheck;
}

export interface SelectionCard extends ProductCard {
  productId: string;
  selection: SelectionTerms;
}

export interface StoreSku {
  id: string;
  spec: string;
  priceFen: number;
  weightG: number;
  stockAvailable: number;
  saleMode: SaleMode;
  shipsFrom: string | null;
  /** Most one buyer may buy of this SKU in all; null = no limit. */
  maxPerBuyer: number | null;
}

export interface StoreLicence {
  kind: LicenceKind;
  kindLabel: string;
  number: string;
  holderName: string;
  scope: string;
  issuedOn: string;
  expiresOn: string;
}

export interface StoreProduct extends ProductCard {
  description: string;
  images: string[];
  returnsPolicy: ReturnsPolicy | string;
  categoryName: string;
  skus: StoreSku[];
  batches: Batch[];
  supplier: { id: string; name: string; type: SupplierType; villageName: string; description: string; story: string };
  licences: StoreLicence[];
}

export interface ProductFilters {
  q?: string | undefined;
  categoryCode?: string | undefined;
  countyCode?: string | undefined;
  villageCode?: string | undefined;
  inStock?: boolean | undefined;
  preSale?: boolean | undefined;
  minPriceFen?: number | undefined;
  maxPriceFen?: number | undefined;
}

export interface ProductFields {
  categoryCode: string;
  title: string;
  subtitle?: string | undefined;
  description?: string | undefined;
  unit: string;
  originVillageCode: string;
}

export interface ProductCreate extends ProductFields {
  supplierId: string;
}

export interface SkuCreate {
  spec: string;
  priceFen: number;
  weightG: number;
  gtin?: string | null | undefined;
  saleMode: SaleMode;
  shipsFrom?: string | null | undefined;
  stock: number;
}

export type SkuPatch = Partial<Omit<SkuCreate, 'stock'>> & { archived?: boolean };

export interface BatchCreate {
  batchNo: string;
  kind: BatchKind;
  producedOn: string;
  quantity: number;
  quantityUnit: string;
  shelfLifeDays: number;
  note?: string | undefined;
}

export interface SelectionInput {
  suggestedPriceFen: number;
  commissionRateBp: number;
  sellingPoints: string[];
  sampleQuantity: number;
}

export interface StockMovement {
  id: string;
  delta: number;
  stockAfter: number;
  reason: string;
  actorId: string | null;
  createdAt: string;
}

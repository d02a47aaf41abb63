import type { LicenceKind } from '../suppliers/index.js';

export const PRODUCT_STATUSES = ['draft', 'on_sale', 'off_sale'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export interface CategoryTable {
  code: string;
  name_zh: string;
  name_en: string;
  sort: number;
  returns_policy: 'seven_day' | 'quality_only';
}

export interface CategoryLicenceRequirementTable {
  category_code: string;
  requirement_group: number;
  licence_kind: LicenceKind;
}

export interface ProductTable {
  id: string;
  county_code: string;
  supplier_id: string;
  category_code: string;
  title: string;
  subtitle: string;
  description: string;
  unit: string;
  origin_village_code: string;
  status: ProductStatus;
  cover_file_id: string | null;
  /** Lower-cased title, subtitle, selling points and place names, for LIKE search on both databases. */
  search_text: string;
  sold_count: number;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProductImageTable {
  product_id: string;
  file_id: string;
  sort: number;
}

export interface SkuTable {
  id: string;
  product_id: string;
  county_code: string;
  spec: string;
  price_fen: number;
  weight_g: number;
  gtin: string | null;
  stock_available: number;
  sale_mode: 'spot' | 'presale';
  ships_from: string | null;
  archived_at: string | null;
  /** Most one buyer may buy of this SKU over all its orders (null: no limit). */
  max_per_buyer: number | null;
  created_at: string;
  updated_at: string;
}

export interface StockMovementTable {
  id: string;
  sku_id: string;
  county_code: string;
  delta: number;
  stock_after: number;
  reason: string;
  actor_id: string | null;
  created_at: string;
}

export interface BatchTable {
  id: string;
  product_id: string;
  county_code: string;
  batch_no: string;
  kind: 'harvest' | 'production';
  produced_on: string;
  quantity: number;
  quantity_unit: string;
  shelf_life_days: number;
  note: string;
  created_at: string;
}

export interface SelectionItemTable {
  id: string;
  product_id: string;
  county_code: string;
  suggested_price_fen: number;
  commission_rate_bp: number;
  /** JSON array of strings. */
  selling_points: string;
  sample_quantity: number;
  curated_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface CatalogTables {
  category: CategoryTable;
  category_licence_requirement: CategoryLicenceRequirementTable;
  product: ProductTable;
  product_image: ProductImageTable;
  sku: SkuTable;
  stock_movement: StockMovementTable;
  batch: BatchTable;
  selection_item: SelectionItemTable;
}

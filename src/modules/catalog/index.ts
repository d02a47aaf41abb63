/**
 * Catalog: categories, products, SKUs and stock, batches, the selection base and the
 * public storefront. Stock changes only through conditional updates in this module.
 */
export { catalogRoutes } from './catalog.routes.js';
export { unlistProductsMissingLicences, unlistAllProductsMissingLicences, unlistSupplierProducts, changeStockAsSystem, PRODUCT_TRANSITIONS } from './catalog.service.js';
export { checkListingRule } from './listing-rule.js';
export { isValidGtin } from './gtin.js';
export type { CatalogTables } from './catalog.tables.js';

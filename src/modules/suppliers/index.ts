/**
 * Suppliers (供货商户) and their licences. The catalog asks `validLicenceKinds` before a
 * product goes on sale; the licence-expiry flow calls the jobs.
 */
export { supplierRoutes } from './suppliers.routes.js';
export {
  validLicenceKinds, expireLicences, sendExpiryReminders, escapeLike, supplierView, setSupplierStatus, getSupplier, CENTER_ROLES,
} from './suppliers.service.js';
export { StatusReasonBody, SupplierDetail } from './suppliers.schema.js';
export { LICENCE_LABELS, LICENCE_TRANSITIONS, checkLicenceNumber } from './licence-rules.js';
export { SUPPLIER_TYPES, LICENCE_KINDS, type LicenceKind, type SupplierType, type SuppliersTables } from './suppliers.tables.js';

/**
 * Fulfilment: the supplier's (and the center's) order sheet — ship one order or many with a
 * carrier and tracking number, mark delivered, pick and packing lists as XLSX, tracking numbers
 * imported from XLSX or CSV — and the end of an order: the buyer confirms receipt, or it is
 * confirmed AUTO_CONFIRM_DAYS after shipping, and the commission entry is posted in the same
 * transaction. Every status change goes through the orders module's `transitionOrder`.
 */
export { fulfilmentRoutes, startFulfilmentJobs } from './fulfilment.routes.js';
export { autoConfirmOrders, confirmReceipt, shipOrder, shipBatch, markDelivered, commissionOf, SHEET_ROLES } from './fulfilment.service.js';
export { CARRIERS, CARRIER_NAMES, parseCarrier, trackingProblem, type Carrier } from './carriers.js';
/** XLSX or CSV (UTF-8 or GB18030) into rows of cells; also used by the live module's sales import. */
export { readSheet, type CellValue } from './sheets.js';

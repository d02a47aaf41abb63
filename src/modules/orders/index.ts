/**
 * Orders: addresses, carts, shipping policies, checkouts (one payment over one order per
 * supplier) with stock reserved in the same transaction, the order lifecycle, and what a
 * payment notification does to them. Fulfilment, after-sales and settlement build on it.
 */
export { orderRoutes, startOrderJobs } from './orders.routes.js';
export { placeCheckout, cancelCheckout, expireCheckouts, handlePaymentEvent, getCheckout, retryLateRefunds, numberWithDate, onceMoreOnNumberClash, earlierCheckout, requestHash } from './checkout.service.js';
export * as checkoutQueries from './checkout.queries.js';
export { loadVisibleOrder, orderViews, getOrder, transitionOrder } from './orders.service.js';
export { ORDER_TRANSITIONS, canMove } from './transitions.js';
export { quoteShipping } from './shipping.js';
export { OrderView } from './orders.schema.js';
export { ORDER_STATUSES, ORDER_SOURCES, type OrderStatus, type OrderSource, type OrdersTables } from './orders.tables.js';

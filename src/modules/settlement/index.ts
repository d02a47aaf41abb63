/**
 * Settlement: each host's commission policy per county (regular or official; a rate, a fixed
 * amount per unit or the selection-base rate; overrides per product or category; an official
 * earns nothing and pledges its share to the charity and development funds), the share the
 * fulfilment flow books on completion (`hostShareFor`), statements per supplier and per host,
 * and payout batches exported for the bank and marked paid once.
 */
export { settlementRoutes } from './settlement.routes.js';
/** The host's share of an order by its policy, as the ledger's `commissionAccrued` takes it. */
export { hostShareFor, getPolicy, setPolicy, MAX_RATE_BP } from './policy.service.js';
export { supplierStatement, hostStatement, orderSplit } from './statements.service.js';
export { createBatch, payBatch, payOneLine, cancelBatch, getBatch } from './payouts.service.js';
export type { SettlementTables } from './settlement.tables.js';

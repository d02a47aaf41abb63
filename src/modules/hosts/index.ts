/**
 * The host roster (主播矩阵): host profiles with real-name verification (ID numbers encrypted
 * with HOST_ID_KEY, masked everywhere, revealed only through an audited call), linked external
 * accounts, the county's commission cap that host policies (settlement) must respect, the
 * showcase (橱窗) that run-of-shows draw from, supplier–host matchmaking and sample requests,
 * per-host performance and ranking, and the training → host funnel the county watches.
 */
export { hostsRoutes } from './hosts.routes.js';
/** Whether a product is in a host's showcase and still sellable (the live module's run-of-show check). */
export { isInShowcase, showcaseRefusal } from './showcase.service.js';
/** The county's commission cap in basis points (5,000 when the center set none). */
export { commissionCapBp } from './profiles.service.js';
export { hostFigures } from './performance.service.js';
export { funnelPeople, DROPOUT_REASONS, FUNNEL_STEPS } from './funnel.service.js';
export { HOST_KINDS, LOCAL_KINDS, type HostsTables, type HostProfileKind } from './hosts.tables.js';

import { runOrdersBench } from './orders-bench.js';

/** Complete buyer checkouts per second at 1, 10 and 50 buyers: `npx tsx bench/checkout.ts` (DB=postgres for PostgreSQL). */
runOrdersBench(['checkout']).catch((err) => { console.error(err); process.exit(1); });

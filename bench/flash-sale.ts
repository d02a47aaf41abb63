import { runOrdersBench } from './orders-bench.js';

/** Flash sale: one SKU with 200 units, then 1,000 SKUs: `npx tsx bench/flash-sale.ts` (DB=postgres for PostgreSQL). */
runOrdersBench(['flash-sale']).catch((err) => { console.error(err); process.exit(1); });

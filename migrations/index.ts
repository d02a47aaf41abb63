import type { Migration } from 'kysely';
import * as foundation from './2026-11-27T0100_foundation.js';
import * as ledger from './2026-11-27T0300_ledger.js';
import * as payments from './2026-11-27T0310_payments.js';
import * as orders from './2026-11-27T0400_orders.js';
import * as aftersales from './2026-11-27T0420_aftersales.js';
import * as settlement from './2026-11-27T0430_settlement.js';
import * as live from './2026-11-27T0500_live.js';
import * as liveRoom from './2026-11-27T0510_live_room.js';
import * as training from './2026-11-27T0600_training.js';
import * as hosts from './2026-11-27T0610_hosts.js';
import * as unusedCheckoutIndex from './2026-11-27T0620_unused_checkout_index.js';
import * as roleGrantOnce from './2026-11-27T0630_role_grant_once.js';

/** Every migration, in order. Names are frozen once released. */
export const migrations: Record<string, Migration> = {
  '2026-11-27T0100_foundation': foundation,
  '2026-11-27T0300_ledger': ledger,
  '2026-11-27T0310_payments': payments,
  '2026-11-27T0400_orders': orders,
  '2026-11-27T0420_aftersales': aftersales,
  '2026-11-27T0430_settlement': settlement,
  '2026-11-27T0500_live': live,
  '2026-11-27T0510_live_room': liveRoom,
  '2026-11-27T0600_training': training,
  '2026-11-27T0610_hosts': hosts,
  '2026-11-27T0620_unused_checkout_index': unusedCheckoutIndex,
  '2026-11-27T0630_role_grant_once': roleGrantOnce,
};

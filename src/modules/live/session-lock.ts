import type { Ctx } from '../../context.js';
import { lockRow } from '../../platform/db/lock.js';
import type { LiveSessionTable } from './live.tables.js';

/**
 * For a write that moves stock onto the session (an item added or restocked, a flash sale set
 * aside): holds the session row until the write commits, and answers the session as it is now.
 * Ending or cancelling locks the row first, so it either went before (the caller refuses, the
 * session being closed) or waits, then finds the new units and gives them back. Without it, on
 * PostgreSQL, units added while the session ended stayed on it with nothing to return them.
 */
export async function lockSessionForStock(tx: Ctx, sessionId: string, mode: 'share' | 'update' = 'share'): Promise<LiveSessionTable> {
  await lockRow(tx.db, 'live_session', sessionId, mode);
  return tx.db.selectFrom('live_session').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
}

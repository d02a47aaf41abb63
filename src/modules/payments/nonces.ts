import type { Kysely } from 'kysely';
import type { Writer } from '../../context.js';
import type { ProviderName } from './provider.js';
import { preparedQuery } from '../../platform/db/prepared.js';
import type { Database } from '../../database.js';

/** What remembering a notification's nonce found. */
export interface NonceCheck {
  /** False when this nonce was already accepted: the very same message again (a replay). */
  nonceFresh: boolean;
  /** True when another message already carried this event id (a redelivery). */
  eventSeen: boolean;
}

/**
 * Remembers the nonces of accepted notifications. Only messages whose signature and
 * timestamp have been checked reach it, so a forger cannot fill it.
 */
export interface NonceStore {
  remember(provider: ProviderName, nonce: string, eventId: string, at: Date): Promise<NonceCheck>;
}

/**
 * How long nonces are kept. A replay older than the 5-minute timestamp window is refused
 * by its timestamp alone; event ids are kept longer because WeChat redelivers a
 * notification for about 24 hours.
 */
export const NONCE_RETENTION_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Inserts a nonce unless it was seen; returns a row only when inserted, with `event_seen` true
 * if another nonce already carried the event id (the subquery never counts the row itself).
 */
const rememberNonce = preparedQuery((db: Kysely<Database>, p: { provider: ProviderName; nonce: string; eventId: string; seenAt: string }) =>
  db.insertInto('payment_nonce').values({ provider: p.provider, nonce: p.nonce, event_id: p.eventId, seen_at: p.seenAt })
    .onConflict((oc) => oc.columns(['provider', 'nonce']).doNothing())
    .returning((eb) => eb.exists(eb.selectFrom('payment_nonce as p').select('p.nonce')
      .where('p.provider', '=', p.provider).where('p.event_id', '=', p.eventId).where('p.nonce', '<>', p.nonce)).as('event_seen')));

/** Nonces in the `payment_nonce` table, shared by every server process; `write` runs its statements (writeAlone). */
export function dbNonceStore(write: Writer): NonceStore {
  let lastPrune = 0;
  return {
    remember: (provider, nonce, eventId, at) => write(async (db) => {
      if (at.getTime() - lastPrune > 10 * 60 * 1000) {
        lastPrune = at.getTime();
        await db.deleteFrom('payment_nonce').where('seen_at', '<', new Date(at.getTime() - NONCE_RETENTION_MS).toISOString()).execute();
      }
      // One statement: the primary key (provider, nonce) decides, so two processes racing on one
      // nonce cannot both accept it; a row comes back only when this nonce is new, and says
      // whether another message already carried the event.
      const row = await rememberNonce.first(db, { provider, nonce, eventId, seenAt: at.toISOString() });
      return { nonceFresh: row !== undefined, eventSeen: Boolean(row?.event_seen) };
    }),
  };
}

/** For unit tests. */
export function memoryNonceStore(): NonceStore & { size(): number } {
  const nonces = new Map<string, string>();
  return {
    size: () => nonces.size,
    async remember(provider, nonce, eventId) {
      const key = `${provider}\n${nonce}`;
      const eventSeen = [...nonces.entries()].some(([k, e]) => k.startsWith(`${provider}\n`) && e === eventId);
      if (nonces.has(key)) return { nonceFresh: false, eventSeen };
      nonces.set(key, eventId);
      return { nonceFresh: true, eventSeen };
    },
  };
}

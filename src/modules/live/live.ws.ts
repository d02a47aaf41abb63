import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { sql } from 'kysely';
import type { Deps } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import type { Actor } from '../../platform/http/access.js';
import { createHub, type Hub } from '../../platform/realtime/hub.js';
import { LIVE_CLOSE, liveRoom } from '../../contracts/live-events.js';
import { nowIso } from '../../platform/time.js';
import { assertCanView, loadRoomSession, type SessionRow } from './room.service.js';

/**
 * GET /api/v1/live/sessions/:sessionId/ws — one WebSocket per viewer (see docs/architecture.md,
 * "The flow of a live event"). Public: the session cookie, when there is one, says who watches.
 *
 * Admission (decided before the upgrade, answered after it with a close code so that a browser,
 * which never sees an HTTP status of a failed upgrade, knows not to retry):
 * - no such session → 4404;
 * - a practice session → only its host, its mentors and the center staff of its county; anyone
 *   else → 4404 (as if it did not exist);
 * - a signed-in viewer banned from the session (live_ban kind 'ban', not expired) → 4403, logged.
 * A plain HTTP GET (no upgrade) gets the same refusal as problem+json, or 426 when admitted.
 *
 * Every `statsMs` the viewer figures are folded into live_session_stat (viewers now and peak
 * over all processes, watch seconds added by this process, distinct viewers) and, when the
 * count changed, one process publishes a `viewers` event.
 */
export interface LiveSocketOptions {
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  statsMs?: number;
}

const SessionId = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_-]+$', description: 'session id' });

type Admission =
  | { ok: true; sessionId: string; userId: string | null; viewerKey: string }
  | { ok: false; code: number; reason: string; status: number; problem: string };

declare module 'fastify' {
  interface FastifyRequest {
    liveAdmission?: Admission;
  }
}

async function admit(deps: Deps, sessionId: string, actor: Actor | null, req: FastifyRequest): Promise<Admission> {
  const notFound: Admission = { ok: false, code: LIVE_CLOSE.notFound, reason: 'no such session', status: 404, problem: 'not_found' };
  // The same visibility as the room over HTTP: practice sessions for their host, mentors and the
  // center; a pending or rejected session for nobody but its host and the center.
  let s: SessionRow;
  try {
    s = await loadRoomSession({ deps, db: deps.db, actor, ip: req.ip }, sessionId);
    await assertCanView({ deps, db: deps.db, actor, ip: req.ip }, s);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return notFound;
    throw err;
  }
  if (actor) {
    const ban = await deps.db.selectFrom('live_ban').select(['until'])
      .where('session_id', '=', s.id).where('user_id', '=', actor.userId).where('kind', '=', 'ban')
      .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', nowIso())]))
      .executeTakeFirst();
    if (ban) {
      deps.log.warn({ reqId: req.id, sessionId: s.id, userId: actor.userId, ip: req.ip }, 'banned viewer refused at the live socket');
      return { ok: false, code: LIVE_CLOSE.forbidden, reason: 'banned', status: 403, problem: 'live_banned' };
    }
  }
  // Distinct viewers: the user, or for an anonymous viewer its address and browser.
  const viewerKey = actor ? `u:${actor.userId}` : `a:${createHash('sha256').update(`${req.ip}|${req.headers['user-agent'] ?? ''}`).digest('base64url').slice(0, 16)}`;
  return { ok: true, sessionId: s.id, userId: actor?.userId ?? null, viewerKey };
}

/** Adds this process's figures of one room to live_session_stat (conditional, additive updates). */
async function foldStats(deps: Deps, sessionId: string, f: { now: number; peak: number; watchSeconds: number; unique: number }) {
  const now = nowIso();
  await deps.db.insertInto('live_session_stat')
    .values({ session_id: sessionId, viewers_now: 0, viewers_peak: 0, watch_seconds: 0, unique_viewers: 0, comments: 0, likes: 0, updated_at: now })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
  await deps.db.updateTable('live_session_stat')
    .set({
      viewers_now: f.now,
      viewers_peak: sql<number>`case when viewers_peak < ${f.peak} then ${f.peak} else viewers_peak end`,
      watch_seconds: sql<number>`watch_seconds + ${f.watchSeconds}`,
      unique_viewers: sql<number>`case when unique_viewers < ${f.unique} then ${f.unique} else unique_viewers end`,
      updated_at: now,
    })
    .where('session_id', '=', sessionId)
    .execute();
}

export function liveSocketRoutes(deps: Deps, opts: LiveSocketOptions = {}): FastifyPluginAsyncTypebox {
  return async (app) => {
    const hub: Hub = createHub(deps.realtime, { log: deps.log, ...opts });
    /** Distinct viewer keys seen since the last fold, per room. */
    const newKeys = new Map<string, Set<string>>();

    let folding = false;
    const fold = async () => {
      if (folding) return;
      folding = true;
      try {
        for (const room of hub.rooms()) {
          const sessionId = room.slice('live:'.length);
          const local = hub.localCount(room);
          const presence = await deps.realtime.presence(room, local);
          if (presence.publish) deps.realtime.publish(room, { type: 'viewers', data: { now: presence.now, peak: presence.peak } });
          const keys = newKeys.get(room);
          newKeys.delete(room);
          const unique = await deps.realtime.distinct(room, keys ? [...keys] : []);
          const watchSeconds = hub.takeWatchSeconds(room);
          await foldStats(deps, sessionId, { now: presence.now, peak: presence.peak, watchSeconds, unique });
        }
      } catch (err) {
        deps.log.warn({ err }, 'live viewer figures not folded this time');
      } finally {
        folding = false;
      }
    };
    const timer = setInterval(() => void fold(), opts.statsMs ?? 3_000);
    timer.unref();

    app.addHook('onClose', async () => {
      clearInterval(timer);
      await hub.close();
      await fold();
    });

    app.route({
      method: 'GET',
      url: '/live/sessions/:sessionId/ws',
      config: { access: 'public' },
      schema: {
        tags: ['live'],
        summary: "A live room's event socket (WebSocket upgrade; frames per src/contracts/live-events.ts)",
        description: 'Connect with a WebSocket. First frame `hello` {serverTime, lastId, epoch}; then `{id, type, data, at}` events. Reconnect with `?after=<last id>&epoch=<epoch>` to get exactly what was missed, or a `resync` frame when too far behind. Send only `{"type":"ping","t":<ms>}` (answered by `pong`). Close codes: 4404 no such session, 4403 banned, 4408 too slow and 4409 resume (reconnect), 1001 server restarting (reconnect), 1008 malformed, 1009 oversize.',
        params: Type.Object({ sessionId: SessionId }),
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the last event id the client has' })),
          epoch: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$', description: 'the epoch from hello' })),
        }, { additionalProperties: false }),
      },
      preHandler: async (req) => {
        const { sessionId } = req.params as { sessionId: string };
        req.liveAdmission = await admit(deps, sessionId, req.actor, req);
      },
      handler: async (req, reply) => {
        const a = req.liveAdmission!;
        if (!a.ok) throw new AppError(a.status, a.problem, a.status === 404 ? 'No such live session' : 'You may not watch this live session');
        reply.header('upgrade', 'websocket');
        throw new AppError(426, 'upgrade_required', 'Open this address with a WebSocket');
      },
      wsHandler: (socket: WebSocket, req) => {
        // The upgrade's ServerResponse stays attached to the TCP socket (and through it the whole
        // request) for the socket's lifetime unless detached: a few KB per viewer for nothing.
        const tcp = req.raw.socket as unknown as { _httpMessage?: { detachSocket(s: unknown): void } | null };
        tcp._httpMessage?.detachSocket(req.raw.socket);
        const a = req.liveAdmission!;
        if (!a.ok) {
          socket.close(a.code, a.reason);
          return;
        }
        const { after, epoch } = req.query as { after?: number; epoch?: string };
        const room = liveRoom(a.sessionId);
        let keys = newKeys.get(room);
        if (!keys) newKeys.set(room, (keys = new Set()));
        keys.add(a.viewerKey);
        void hub.join(room, socket, { sessionId: a.sessionId, userId: a.userId, after: after ?? null, epoch: epoch ?? null });
      },
    });
  };
}

import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, type Deps, ctxFromRequest } from '../../context.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { notFound } from '../../platform/http/errors.js';
import { PageQuery, decodeCursor, pageOf, toPage } from '../../platform/http/pagination.js';

export type { NotificationsTables } from './notifications.tables.js';

/** In-app messages to users (licence reminders, review results). */
export async function notify(
  ctx: Ctx,
  userIds: string[],
  n: { kind: string; title: string; body: string; refId?: string; countyCode?: string | null },
): Promise<void> {
  if (userIds.length === 0) return;
  const at = nowIso();
  await ctx.db
    .insertInto('notification')
    .values([...new Set(userIds)].map((userId) => ({
      id: newId('notification'), user_id: userId, county_code: n.countyCode ?? null, kind: n.kind,
      title: n.title, body: n.body, ref_id: n.refId ?? null, created_at: at, read_at: null,
    })))
    .execute();
}

const NotificationView = Type.Object({
  id: Type.String(), kind: Type.String(), title: Type.String(), body: Type.String(),
  refId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), readAt: Type.Union([Type.String(), Type.Null()]),
});

export function notificationRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/notifications', {
      config: { access: 'user' },
      schema: {
        tags: ['notifications'], summary: 'My messages, newest first',
        querystring: Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Composite([pageOf(NotificationView), Type.Object({ unreadCount: Type.Integer() })]) },
      },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      const limit = req.query.limit ?? 20;
      const cursor = decodeCursor(req.query.cursor);
      let q = ctx.db.selectFrom('notification').selectAll().where('user_id', '=', ctx.actor!.userId);
      if (req.query.unread) q = q.where('read_at', 'is', null);
      if (cursor) q = q.where('id', '<', cursor);
      const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
      const unread = await ctx.db.selectFrom('notification').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', ctx.actor!.userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
      return {
        ...toPage(rows, limit, (r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, refId: r.ref_id, createdAt: r.created_at, readAt: r.read_at })),
        unreadCount: Number(unread.n),
      };
    });

    app.post('/notifications/:notificationId/read', {
      config: { access: 'user' },
      schema: { tags: ['notifications'], summary: 'Mark a message read', params: Type.Object({ notificationId: Type.String({ maxLength: 80 }) }), response: { 200: Type.Object({ ok: Type.Literal(true) }) } },
    }, async (req) => {
      const res = await deps.db.updateTable('notification').set({ read_at: nowIso() })
        .where('id', '=', req.params.notificationId).where('user_id', '=', req.actor!.userId).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw notFound('Notification');
      return { ok: true as const };
    });
  };
}

import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Ctx, Deps } from '../../context.js';
import { ctxFromRequest } from '../../context.js';
import { newId } from '../../platform/ids.js';
import { insertRows } from '../../platform/db/prepared.js';
import { nowIso } from '../../platform/time.js';
import { scopePrefixes } from '../../platform/http/access.js';
import { PageQuery, decodeCursor, pageOf, toPage } from '../../platform/http/pagination.js';

export type { AuditTables } from './audit.tables.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  countyCode?: string | null;
  detail?: Record<string, unknown>;
  /** Set when nobody is signed in yet (failed logins). */
  actorId?: string | null;
}

/**
 * Records who did what, when and from where. Call it inside the same transaction as the
 * change it records, so a rolled-back change leaves no audit row and vice versa.
 */
export async function recordAudit(ctx: Ctx, e: AuditEntry): Promise<void> {
  // insertRows: the statement's text is written once, not built by Kysely on every change.
  await insertRows(ctx.db, {
    audit_log: [{
      id: newId('audit'),
      at: nowIso(),
      actor_id: e.actorId !== undefined ? e.actorId : (ctx.actor?.userId ?? null),
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      county_code: e.countyCode ?? null,
      ip: ctx.ip ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    }],
  });
}

const AuditItem = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  countyCode: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

/** Center admins read the audit log of their counties; deployment admins read it all. */
export function auditRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/audit', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Audit log (who did what, when, from where)',
        querystring: Type.Object({ ...PageQuery, action: Type.Optional(Type.String({ maxLength: 60 })) }),
        response: { 200: pageOf(AuditItem) },
      },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      const prefixes = scopePrefixes(ctx.actor, ['center_admin']);
      const limit = req.query.limit ?? 20;
      const cursor = decodeCursor(req.query.cursor);
      let q = ctx.db
        .selectFrom('audit_log')
        .leftJoin('app_user', 'app_user.id', 'audit_log.actor_id')
        .select(['audit_log.id', 'at', 'actor_id', 'app_user.name as actor_name', 'action', 'target_type', 'target_id', 'county_code', 'ip', 'detail']);
      if (!prefixes.includes('')) {
        q = q.where((eb) => eb.or(prefixes.map((p) => eb('county_code', 'like', `${p}%`))));
      }
      if (req.query.action) q = q.where('action', '=', req.query.action);
      if (cursor) q = q.where('audit_log.id', '<', cursor);
      const rows = await q.orderBy('audit_log.id', 'desc').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => ({
        id: r.id, at: r.at, actorId: r.actor_id, actorName: r.actor_name, action: r.action,
        targetType: r.target_type, targetId: r.target_id, countyCode: r.county_code, ip: r.ip,
        detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
      }));
    });
  };
}

import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import type { Role } from '../../platform/http/access.js';
import { readUpload } from '../files/index.js';
import { readSheet } from '../fulfilment/index.js';
import * as svc from './sessions.service.js';
import * as ros from './sessions.runofshow.js';
import * as pub from './sessions.public.js';
import * as rep from './sessions.report.js';
import {
  AddItemBody, CancelBody, CreateSessionBody, ExternalSaleBody, ExternalSaleView, ImportView, ItemParams, ItemView, ListQuery, ApproveBody, PublicList,
  PublicSessionView, RejectBody, ReorderBody, ReportView, ReservationView, SaleParams, SessionList, SessionParams, SessionView, StreamKeyView,
  UpdateItemBody, UpdateSessionBody,
} from './sessions.schema.js';

const HOSTING = ['host', 'trainee'] as const satisfies readonly Role[];
const CENTER = ['center_admin', 'operator'] as const satisfies readonly Role[];
const MANAGE = [...HOSTING, ...CENTER] as const satisfies readonly Role[];
const CALENDAR = [...HOSTING, ...CENTER, 'official'] as const satisfies readonly Role[];
const EXTERNAL = ['host', ...CENTER] as const satisfies readonly Role[];
const tags = ['live'];
const Ok = Type.Object({ ok: Type.Literal(true) });

/** Live sessions: scheduling, run-of-show, approval, stream key, state, pre-announcement, reservations, report. */
export function liveSessionRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- sessions --------------------------------------------------------------------------------
    app.post('/live/sessions', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Schedule a session (hosted, external, or practice — a trainee may schedule practice only); hosted and practice get a stream key', body: CreateSessionBody, response: { 201: SessionView } },
    }, async (req, reply) => reply.status(201).send(await svc.createSession(ctxFromRequest(deps, req), req.body)));

    app.get('/live/sessions', {
      config: { access: CALENDAR },
      schema: { tags, summary: "The calendar: the center's counties' sessions, a host's own (and practice it mentors), by start date in Asia/Shanghai", querystring: ListQuery, response: { 200: SessionList } },
    }, async (req) => svc.listSessions(ctxFromRequest(deps, req), req.query));

    app.get('/live/sessions/:sessionId', {
      config: { access: 'user' },
      schema: { tags, summary: 'A session with its run-of-show, for its host, its county (center, officials) and practice mentors', params: SessionParams, response: { 200: SessionView } },
    }, async (req) => svc.getSession(ctxFromRequest(deps, req), req.params.sessionId));

    app.patch('/live/sessions/:sessionId', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Change a session that has not started; a change sends a hosted or external session back for approval', params: SessionParams, body: UpdateSessionBody, response: { 200: SessionView } },
    }, async (req) => svc.updateSession(ctxFromRequest(deps, req), req.params.sessionId, req.body));

    app.put('/live/sessions/:sessionId/cover', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Upload the cover image (multipart field "file": JPEG, PNG or WebP)', params: SessionParams, consumes: ['multipart/form-data'], response: { 200: SessionView } },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      await svc.loadSession(ctx, req.params.sessionId, 'host');
      return svc.setCover(ctx, req.params.sessionId, await readUpload(req, deps));
    });

    app.get('/live/sessions/:sessionId/cover', {
      config: { access: 'public' },
      schema: { tags, summary: "A session's cover image: public for announced sessions, practice covers only to those who may see the session", params: SessionParams },
    }, async (req, reply) => svc.sendCover(ctxFromRequest(deps, req), reply, req.params.sessionId));

    // ---- run-of-show -----------------------------------------------------------------------------
    app.post('/live/sessions/:sessionId/items', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Add a SKU from my showcase to the run-of-show with its live price; the stock given is set aside from the SKU', params: SessionParams, body: AddItemBody, response: { 201: ItemView } },
    }, async (req, reply) => reply.status(201).send(await ros.addItem(ctxFromRequest(deps, req), req.params.sessionId, req.body)));

    app.patch('/live/sessions/:sessionId/items/:itemId', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Change a line: live price, unsold stock set aside (the difference goes to or from the SKU), slot, talking points', params: ItemParams, body: UpdateItemBody, response: { 200: ItemView } },
    }, async (req) => ros.updateItem(ctxFromRequest(deps, req), req.params.sessionId, req.params.itemId, req.body));

    app.delete('/live/sessions/:sessionId/items/:itemId', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Remove a line before the show (its stock goes back; room codes close up)', params: ItemParams, response: { 200: Type.Array(ItemView) } },
    }, async (req) => ros.removeItem(ctxFromRequest(deps, req), req.params.sessionId, req.params.itemId));

    app.put('/live/sessions/:sessionId/items/order', {
      config: { access: HOSTING },
      schema: { tags, summary: 'Reorder the run-of-show (every item, once); room codes follow the order until the session goes live', params: SessionParams, body: ReorderBody, response: { 200: Type.Array(ItemView) } },
    }, async (req) => ros.reorderItems(ctxFromRequest(deps, req), req.params.sessionId, req.body.itemIds));

    // ---- approval --------------------------------------------------------------------------------
    app.post('/live/sessions/:sessionId/approve', {
      config: { access: CENTER },
      schema: { tags, summary: 'Approve a hosted or external session of my county (needed before it may go live)', params: SessionParams, body: ApproveBody, response: { 200: SessionView } },
    }, async (req) => svc.decideApproval(ctxFromRequest(deps, req), req.params.sessionId, 'approved', req.body.note ?? '', req.body.expectedUpdatedAt));

    app.post('/live/sessions/:sessionId/reject', {
      config: { access: CENTER },
      schema: { tags, summary: 'Reject a session with a note the host reads; the host may change it and it comes back for approval', params: SessionParams, body: RejectBody, response: { 200: SessionView } },
    }, async (req) => svc.decideApproval(ctxFromRequest(deps, req), req.params.sessionId, 'rejected', req.body.note, req.body.expectedUpdatedAt));

    // ---- stream key ------------------------------------------------------------------------------
    app.get('/live/sessions/:sessionId/stream-key', {
      config: { access: MANAGE },
      schema: { tags, summary: 'The stream key and ingest URL (the host and its center only; every read is audited)', params: SessionParams, response: { 200: StreamKeyView } },
    }, async (req, reply) => { reply.header('cache-control', 'no-store'); return svc.getStreamKey(ctxFromRequest(deps, req), req.params.sessionId); });

    app.post('/live/sessions/:sessionId/stream-key/rotate', {
      config: { access: MANAGE },
      schema: { tags, summary: 'A new stream key; the old one is revoked at once', params: SessionParams, response: { 200: StreamKeyView } },
    }, async (req, reply) => { reply.header('cache-control', 'no-store'); return svc.rotateStreamKey(ctxFromRequest(deps, req), req.params.sessionId); });

    // ---- state -----------------------------------------------------------------------------------
    app.post('/live/sessions/:sessionId/go-live', {
      config: { access: HOSTING },
      schema: { tags, summary: `Go live (approved, from ${svc.GO_LIVE_EARLY_MINUTES} minutes before the start); everyone who reserved is told once`, params: SessionParams, response: { 200: SessionView } },
    }, async (req) => svc.goLive(ctxFromRequest(deps, req), req.params.sessionId));

    app.post('/live/sessions/:sessionId/end', {
      config: { access: MANAGE },
      schema: { tags, summary: 'End a live session; unsold set-aside stock goes back to the SKUs', params: SessionParams, response: { 200: SessionView } },
    }, async (req) => svc.endSession(ctxFromRequest(deps, req), req.params.sessionId));

    app.post('/live/sessions/:sessionId/cancel', {
      config: { access: MANAGE },
      schema: { tags, summary: 'Cancel a session that has not started; stock goes back, reservations are told', params: SessionParams, body: CancelBody, response: { 200: SessionView } },
    }, async (req) => svc.cancelSession(ctxFromRequest(deps, req), req.params.sessionId, req.body.reason?.trim() ?? ''));

    // ---- records ---------------------------------------------------------------------------------
    app.get('/live/sessions/:sessionId/report', {
      config: { access: 'user' },
      schema: { tags, summary: 'Viewers, watch time, comments, likes, orders and GMV (paid), per-product conversion, imported external sales', params: SessionParams, response: { 200: ReportView } },
    }, async (req) => rep.sessionReport(ctxFromRequest(deps, req), req.params.sessionId));

    app.post('/live/sessions/:sessionId/external-sales', {
      config: { access: EXTERNAL },
      schema: { tags, summary: 'Record sales an external platform reported for the session (by hand)', params: SessionParams, body: ExternalSaleBody, response: { 201: ExternalSaleView } },
    }, async (req, reply) => reply.status(201).send(await rep.addExternalSale(ctxFromRequest(deps, req), req.params.sessionId, req.body)));

    app.post('/live/sessions/:sessionId/external-sales/import', {
      config: { access: EXTERNAL },
      schema: {
        tags, summary: 'Import the platform’s sales export (XLSX or CSV; columns 商品, 订单数, 件数, 成交额 in yuan; multipart field "file"); replaces the previous import, any bad row refuses the file',
        params: SessionParams, consumes: ['multipart/form-data'], response: { 200: ImportView },
      },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      await svc.loadSession(ctx, req.params.sessionId, 'manage');
      return rep.importExternalSales(ctx, req.params.sessionId, await readSheet(await readUpload(req, deps)));
    });

    app.delete('/live/sessions/:sessionId/external-sales/:saleId', {
      config: { access: EXTERNAL },
      schema: { tags, summary: 'Delete one recorded external sale', params: SaleParams, response: { 200: Ok } },
    }, async (req) => rep.deleteExternalSale(ctxFromRequest(deps, req), req.params.sessionId, req.params.saleId));

    // ---- buyers ----------------------------------------------------------------------------------
    app.get('/live/public/sessions', {
      config: { access: 'public' },
      schema: { tags, summary: 'The 直播 tab: sessions live now and coming up', querystring: Type.Object({ countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{2,6}$' })) }), response: { 200: PublicList } },
    }, async (req) => pub.publicList(ctxFromRequest(deps, req), req.query));

    app.get('/live/public/sessions/:sessionId', {
      config: { access: 'public' },
      schema: { tags, summary: 'The pre-announcement (预告): host, cover, time, run-of-show with live prices, reservations', params: SessionParams, response: { 200: PublicSessionView } },
    }, async (req) => pub.publicSession(ctxFromRequest(deps, req), req.params.sessionId));

    app.put('/live/sessions/:sessionId/reservation', {
      config: { access: 'user' },
      schema: { tags, summary: 'Reserve (预约): one reminder when the session goes live', params: SessionParams, response: { 200: ReservationView } },
    }, async (req) => pub.reserve(ctxFromRequest(deps, req), req.params.sessionId, true));

    app.delete('/live/sessions/:sessionId/reservation', {
      config: { access: 'user' },
      schema: { tags, summary: 'Take back my reservation', params: SessionParams, response: { 200: ReservationView } },
    }, async (req) => pub.reserve(ctxFromRequest(deps, req), req.params.sessionId, false));
  };
}

import { Type, type TString } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import { PageQuery, pageOf } from '../../platform/http/pagination.js';
import { readUpload } from '../files/index.js';
import * as svc from './aftersales.service.js';
import {
  ApproveBody, CancelOrderBody, CaseStatusSchema, CaseView, DecideBody, EscalateBody, OpenCaseBody, PhotoView, RejectBody, ReturnShipmentBody,
} from './aftersales.schema.js';

const BUYER = ['buyer'] as const;
const SUPPLIER = ['supplier'] as const;
const CENTER = ['center_admin', 'operator'] as const;
const READERS = ['buyer', 'supplier', 'center_admin', 'operator', 'official'] as const;
const Id = <K extends string>(name: K) => Type.Object({ [name]: Type.String({ maxLength: 80 }) } as Record<K, TString>);

export function aftersalesRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/orders/:orderId/cancel', {
      config: { access: BUYER },
      schema: {
        tags: ['after-sales'], summary: 'Cancel my paid order before it ships: refunded in full at once, stock goes back',
        params: Id('orderId'), body: CancelOrderBody, response: { 200: CaseView },
      },
    }, async (req) => svc.cancelOrder(ctxFromRequest(deps, req), req.params.orderId, req.body.reason ?? ''));

    app.post('/aftersales/photos', {
      config: { access: BUYER },
      schema: {
        tags: ['after-sales'], summary: 'Upload a photo for an after-sales request (multipart field "file": JPEG, PNG or WebP)',
        consumes: ['multipart/form-data'], response: { 201: PhotoView },
      },
    }, async (req, reply) => {
      const data = await readUpload(req, deps);
      reply.status(201);
      return svc.uploadPhoto(ctxFromRequest(deps, req), data);
    });

    app.post('/aftersales', {
      config: { access: BUYER },
      schema: { tags: ['after-sales'], summary: 'Ask for a refund, or a return and refund, on lines of my order', body: OpenCaseBody, response: { 201: CaseView } },
    }, async (req, reply) => { reply.status(201); return svc.openCase(ctxFromRequest(deps, req), req.body); });

    app.get('/aftersales', {
      config: { access: READERS },
      schema: {
        tags: ['after-sales'], summary: 'After-sales cases: mine as a buyer (view=mine), or to handle as supplier or center (view=handle)',
        querystring: Type.Object({ ...PageQuery, view: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('handle')])), status: Type.Optional(CaseStatusSchema), orderId: Type.Optional(Type.String({ maxLength: 80 })) }),
        response: { 200: pageOf(CaseView) },
      },
    }, async (req) => svc.listCases(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));

    app.get('/aftersales/:caseId', {
      config: { access: READERS },
      schema: { tags: ['after-sales'], summary: 'One after-sales case', params: Id('caseId'), response: { 200: CaseView } },
    }, async (req) => svc.getCase(ctxFromRequest(deps, req), req.params.caseId));

    app.get('/aftersales/:caseId/photos/:fileId', {
      config: { access: READERS },
      schema: { tags: ['after-sales'], summary: 'A photo of an after-sales case', params: Type.Object({ caseId: Type.String({ maxLength: 80 }), fileId: Type.String({ maxLength: 80 }) }) },
    }, async (req, reply) => svc.sendPhoto(ctxFromRequest(deps, req), reply, req.params.caseId, req.params.fileId));

    app.post('/aftersales/:caseId/approve', {
      config: { access: SUPPLIER },
      schema: { tags: ['after-sales'], summary: 'Approve in full or in part (a refund-only case is refunded at once; a return waits for the goods)', params: Id('caseId'), body: ApproveBody, response: { 200: CaseView } },
    }, async (req) => svc.approveCase(ctxFromRequest(deps, req), req.params.caseId, req.body));

    app.post('/aftersales/:caseId/reject', {
      config: { access: SUPPLIER },
      schema: { tags: ['after-sales'], summary: 'Reject with a reason (the buyer may take it to the center)', params: Id('caseId'), body: RejectBody, response: { 200: CaseView } },
    }, async (req) => svc.rejectCase(ctxFromRequest(deps, req), req.params.caseId, req.body));

    app.post('/aftersales/:caseId/return-shipment', {
      config: { access: BUYER },
      schema: { tags: ['after-sales'], summary: 'Enter the tracking number of the goods sent back', params: Id('caseId'), body: ReturnShipmentBody, response: { 200: CaseView } },
    }, async (req) => svc.shipReturn(ctxFromRequest(deps, req), req.params.caseId, req.body));

    app.post('/aftersales/:caseId/receive', {
      config: { access: SUPPLIER },
      schema: { tags: ['after-sales'], summary: 'Confirm the returned goods arrived: they go back into stock and the refund starts', params: Id('caseId'), body: Type.Object({}, { additionalProperties: false }), response: { 200: CaseView } },
    }, async (req) => svc.receiveReturn(ctxFromRequest(deps, req), req.params.caseId));

    app.post('/aftersales/:caseId/escalate', {
      config: { access: ['buyer', 'supplier'] },
      schema: { tags: ['after-sales'], summary: 'Take the case to the county center', params: Id('caseId'), body: EscalateBody, response: { 200: CaseView } },
    }, async (req) => svc.escalateCase(ctxFromRequest(deps, req), req.params.caseId, req.body));

    app.post('/aftersales/:caseId/decide', {
      config: { access: CENTER },
      schema: { tags: ['after-sales'], summary: 'The center decides an escalated case (final, audited)', params: Id('caseId'), body: DecideBody, response: { 200: CaseView } },
    }, async (req) => svc.decideCase(ctxFromRequest(deps, req), req.params.caseId, req.body));

    app.post('/aftersales/:caseId/withdraw', {
      config: { access: BUYER },
      schema: { tags: ['after-sales'], summary: 'Withdraw my request', params: Id('caseId'), body: Type.Object({}, { additionalProperties: false }), response: { 200: CaseView } },
    }, async (req) => svc.withdrawCase(ctxFromRequest(deps, req), req.params.caseId));
  };
}

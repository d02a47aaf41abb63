import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import { PageQuery, pageOf } from '../../platform/http/pagination.js';
import { isValidDate } from '../../platform/time.js';
import { invalid } from '../../platform/http/errors.js';
import * as svc from './suppliers.service.js';
import {
  LicenceCreateBody, LicenceKindSchema, LicencePatchBody, LicenceStatusSchema, LicenceView, ReviewBody,
  SupplierCreateBody, SupplierDetail, SupplierPatchBody, SupplierTypeSchema, SupplierView,
} from './suppliers.schema.js';

const SupplierParams = Type.Object({ supplierId: Type.String({ maxLength: 80 }) });
const LicenceParams = Type.Object({ licenceId: Type.String({ maxLength: 80 }) });
const READERS = ['center_admin', 'operator', 'official', 'supplier'] as const;
const EDITORS = ['center_admin', 'operator', 'supplier'] as const;
const CENTER = ['center_admin', 'operator'] as const;

function checkDates(body: { issuedOn?: string | undefined; expiresOn?: string | undefined }) {
  if (body.issuedOn !== undefined && !isValidDate(body.issuedOn)) throw invalid('/body/issuedOn', 'Not a calendar date');
  if (body.expiresOn !== undefined && !isValidDate(body.expiresOn)) throw invalid('/body/expiresOn', 'Not a calendar date');
}

export function supplierRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/suppliers', {
      config: { access: READERS },
      schema: {
        tags: ['suppliers'], summary: 'Suppliers of my counties (a supplier sees only itself)',
        querystring: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ maxLength: 40 })), type: Type.Optional(SupplierTypeSchema), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])), countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })) }),
        response: { 200: pageOf(SupplierView) },
      },
    }, async (req) => svc.listSuppliers(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));

    app.post('/suppliers', {
      config: { access: CENTER },
      schema: { tags: ['suppliers'], summary: 'Bring a supplier on board', body: SupplierCreateBody, response: { 201: SupplierDetail } },
    }, async (req, reply) => {
      reply.status(201);
      return svc.createSupplier(ctxFromRequest(deps, req), req.body);
    });

    app.get('/suppliers/:supplierId', {
      config: { access: READERS },
      schema: { tags: ['suppliers'], summary: 'One supplier with its licences', params: SupplierParams, response: { 200: SupplierDetail } },
    }, async (req) => svc.getSupplier(ctxFromRequest(deps, req), req.params.supplierId));

    app.patch('/suppliers/:supplierId', {
      config: { access: EDITORS },
      schema: { tags: ['suppliers'], summary: 'Change a supplier (name and type by the center only; suspension has its own route)', params: SupplierParams, body: SupplierPatchBody, response: { 200: SupplierDetail } },
    }, async (req) => svc.updateSupplier(ctxFromRequest(deps, req), req.params.supplierId, req.body));

    app.post('/suppliers/:supplierId/licences', {
      config: { access: EDITORS },
      schema: { tags: ['licences'], summary: 'Submit a licence or certificate for review', params: SupplierParams, body: LicenceCreateBody, response: { 201: LicenceView } },
    }, async (req, reply) => {
      checkDates(req.body);
      reply.status(201);
      return svc.createLicence(ctxFromRequest(deps, req), req.params.supplierId, req.body);
    });

    app.get('/licences', {
      config: { access: READERS },
      schema: {
        tags: ['licences'], summary: 'Licences: the review queue (?status=submitted) and the expiry list (?expiringWithinDays=30)',
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(LicenceStatusSchema), kind: Type.Optional(LicenceKindSchema), supplierId: Type.Optional(Type.String({ maxLength: 80 })), expiringWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })) }),
        response: { 200: pageOf(LicenceView) },
      },
    }, async (req) => svc.listLicences(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));

    app.get('/licences/:licenceId', {
      config: { access: READERS },
      schema: { tags: ['licences'], summary: 'One licence', params: LicenceParams, response: { 200: LicenceView } },
    }, async (req) => svc.getLicence(ctxFromRequest(deps, req), req.params.licenceId));

    app.patch('/licences/:licenceId', {
      config: { access: EDITORS },
      schema: { tags: ['licences'], summary: 'Correct a licence under review or rejected (a rejected one is resubmitted)', params: LicenceParams, body: LicencePatchBody, response: { 200: LicenceView } },
    }, async (req) => {
      checkDates(req.body);
      return svc.updateLicence(ctxFromRequest(deps, req), req.params.licenceId, req.body);
    });

    app.put('/licences/:licenceId/scan', {
      config: { access: EDITORS },
      schema: {
        tags: ['licences'], summary: 'Upload the scanned licence (multipart field "file": JPEG, PNG, WebP or PDF)',
        params: LicenceParams, consumes: ['multipart/form-data'], response: { 200: LicenceView },
      },
    }, async (req) => svc.uploadLicenceScan(ctxFromRequest(deps, req), req.params.licenceId, req));

    app.get('/licences/:licenceId/scan', {
      config: { access: READERS },
      schema: { tags: ['licences'], summary: 'The scanned licence (audited)', params: LicenceParams },
    }, async (req, reply) => svc.sendLicenceScan(ctxFromRequest(deps, req), req.params.licenceId, reply));

    app.post('/licences/:licenceId/review', {
      config: { access: CENTER },
      schema: { tags: ['licences'], summary: 'Verify or reject (with a reason) a submitted licence', params: LicenceParams, body: ReviewBody, response: { 200: LicenceView } },
    }, async (req) => svc.reviewLicence(ctxFromRequest(deps, req), req.params.licenceId, req.body));
  };
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import type { Role } from '../../platform/http/access.js';
import * as funnel from './funnel.service.js';
import { funnelXlsx } from './funnel.exports.js';
import { XLSX_TYPE, checkDates, sendFile } from './hosts.exports.js';
import { XlsxFile } from './hosts.schema.js';
import { FollowupBody, FollowupView, FunnelPeopleQuery, FunnelPeopleView, FunnelQuery, FunnelView } from './funnel.schema.js';

const CENTER = ['center_admin', 'operator'] as const satisfies readonly Role[];
const READERS = ['center_admin', 'operator', 'official'] as const satisfies readonly Role[];
const tags = ['hosts'];

/** The training → host funnel (reads the training module's tables). */
export function funnelRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- the funnel -----------------------------------------------------------------------------
    app.get('/host-funnel', {
      config: { access: READERS },
      schema: { tags, summary: 'enrolled → attended ≥ 80 % → certified → first real live session → selling after 30 and 90 days; by cohort, township, age band and gender; dropout reasons', querystring: FunnelQuery, response: { 200: FunnelView } },
    }, async (req) => { checkDates(req.query); return funnel.funnel(ctxFromRequest(deps, req), req.query); });

    app.get('/host-funnel/export', {
      config: { access: READERS },
      schema: { tags, summary: 'The funnel as XLSX (one sheet per grouping, and the dropout reasons)', querystring: FunnelQuery, produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => { checkDates(req.query); return sendFile(reply, await funnelXlsx(ctxFromRequest(deps, req), req.query)); });

    app.get('/host-funnel/people', {
      config: { access: READERS },
      schema: { tags, summary: 'The people in the funnel, where each stopped and their last follow-up (phones in full for the center)', querystring: FunnelPeopleQuery, response: { 200: FunnelPeopleView } },
    }, async (req) => { checkDates(req.query); return funnel.funnelPeopleView(ctxFromRequest(deps, req), req.query); });

    app.post('/host-funnel/followups', {
      config: { access: CENTER },
      schema: { tags, summary: 'Record a follow-up call: where the person stopped and why (a coded reason); audited', body: FollowupBody, response: { 201: FollowupView } },
    }, async (req, reply) => reply.status(201).send(await funnel.recordFollowup(ctxFromRequest(deps, req), req.body)));
  };
}

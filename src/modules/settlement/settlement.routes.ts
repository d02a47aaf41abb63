import { Type, type TString } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { type Deps, ctxFromRequest } from '../../context.js';
import { invalid } from '../../platform/http/errors.js';
import { PageQuery } from '../../platform/http/pagination.js';
import { isValidDate } from '../../platform/time.js';
import type { Role } from '../../platform/http/access.js';
import * as policy from './policy.service.js';
import * as payouts from './payouts.service.js';
import * as statements from './statements.service.js';
import { type ExportFile, XLSX_TYPE, attachmentHeader, hostStatementXlsx, payoutBatchXlsx, supplierStatementXlsx } from './settlement.exports.js';
import {
  BatchBody, BatchPage, BatchView, CancelBody, CountyCode, FundPayeeView, FundSchema, HostStatementQuery, HostStatementView, OrderSplitView,
  PayBatchView, PayBody, PayLineView, PayeeBody, Period, PolicyBody, PolicyList, PolicyView, SupplierStatementView, XlsxFile,
} from './settlement.schema.js';

const CENTER = ['center_admin', 'operator'] as const satisfies readonly Role[];
const READERS = ['center_admin', 'operator', 'official'] as const satisfies readonly Role[];
const SUPPLIER_STATEMENT = [...READERS, 'supplier'] as const satisfies readonly Role[];
const HOST_STATEMENT = [...READERS, 'host'] as const satisfies readonly Role[];
const ORDER_SPLIT = ['buyer', 'supplier', 'host', ...READERS] as const satisfies readonly Role[];
const Id = (s: string) => Type.String({ maxLength: 80, description: s });
const params = <K extends string>(...names: K[]) => Type.Object(Object.fromEntries(names.map((n) => [n, n === 'countyCode' ? CountyCode : Id(n)])) as Record<K, TString>);

function checkPeriod(q: { from: string; to: string }) {
  if (!isValidDate(q.from)) throw invalid('/query/from', 'Not a calendar date');
  if (!isValidDate(q.to)) throw invalid('/query/to', 'Not a calendar date');
}

function sendFile(reply: FastifyReply, f: ExportFile) {
  return reply.type(XLSX_TYPE).header('content-disposition', attachmentHeader(f.asciiName, f.name)).header('cache-control', 'no-store').send(f.data);
}

export function settlementRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- host commission policies ------------------------------------------------------------
    app.get('/settlement/counties/:countyCode/host-policies', {
      config: { access: READERS },
      schema: { tags: ['settlement'], summary: "The county's host commission policies (another county's read as empty)", params: params('countyCode'), response: { 200: PolicyList } },
    }, async (req) => policy.listPolicies(ctxFromRequest(deps, req), req.params.countyCode));

    app.get('/settlement/counties/:countyCode/hosts/:hostUserId/policy', {
      config: { access: 'public' },
      schema: {
        tags: ['settlement'], summary: "A host's commission policy: an official's (earns nothing, its pledge split) is public; a regular host's is read by the host and the county",
        params: params('countyCode', 'hostUserId'), response: { 200: PolicyView },
      },
    }, async (req) => policy.getPolicy(ctxFromRequest(deps, req), req.params.countyCode, req.params.hostUserId));

    app.put('/settlement/counties/:countyCode/hosts/:hostUserId/policy', {
      config: { access: CENTER },
      schema: {
        tags: ['settlement'], summary: "Set a host's commission policy (regular or official, default rule, overrides per product or category, payee); audited",
        params: params('countyCode', 'hostUserId'), body: PolicyBody, response: { 200: PolicyView },
      },
    }, async (req) => policy.setPolicy(ctxFromRequest(deps, req), req.params.countyCode, req.params.hostUserId, req.body));

    app.put('/settlement/counties/:countyCode/funds/:fund/payee', {
      config: { access: ['center_admin'] },
      schema: {
        tags: ['settlement'], summary: "Where a fund's payouts go (bank account of the charity or the development fund); audited",
        params: Type.Object({ countyCode: CountyCode, fund: FundSchema }), body: PayeeBody, response: { 200: FundPayeeView },
      },
    }, async (req) => policy.setFundPayee(ctxFromRequest(deps, req), req.params.countyCode, req.params.fund, req.body));

    // ---- statements ----------------------------------------------------------------------------
    app.get('/settlement/statements/suppliers/:supplierId', {
      config: { access: SUPPLIER_STATEMENT },
      schema: { tags: ['settlement'], summary: "A supplier's statement for a period: opening, each order, refund, commission and payout, closing", params: params('supplierId'), querystring: Period, response: { 200: SupplierStatementView } },
    }, async (req) => { checkPeriod(req.query); return statements.supplierStatement(ctxFromRequest(deps, req), req.params.supplierId, req.query); });

    app.get('/settlement/statements/suppliers/:supplierId/export', {
      config: { access: SUPPLIER_STATEMENT },
      schema: { tags: ['settlement'], summary: "A supplier's statement as XLSX (对账单)", params: params('supplierId'), querystring: Period, produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => { checkPeriod(req.query); return sendFile(reply, await supplierStatementXlsx(ctxFromRequest(deps, req), req.params.supplierId, req.query)); });

    app.get('/settlement/statements/hosts/:hostUserId', {
      config: { access: HOST_STATEMENT },
      schema: { tags: ['settlement'], summary: "A host's statement in a county for a period: commission lines and an official's pledges to the funds", params: params('hostUserId'), querystring: HostStatementQuery, response: { 200: HostStatementView } },
    }, async (req) => { checkPeriod(req.query); return statements.hostStatement(ctxFromRequest(deps, req), req.params.hostUserId, req.query.countyCode, req.query); });

    app.get('/settlement/statements/hosts/:hostUserId/export', {
      config: { access: HOST_STATEMENT },
      schema: { tags: ['settlement'], summary: "A host's statement as XLSX (主播对账单)", params: params('hostUserId'), querystring: HostStatementQuery, produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => { checkPeriod(req.query); return sendFile(reply, await hostStatementXlsx(ctxFromRequest(deps, req), req.params.hostUserId, req.query.countyCode, req.query)); });

    app.get('/settlement/orders/:orderId/split', {
      config: { access: ORDER_SPLIT },
      schema: { tags: ['settlement'], summary: "How an order's money is split: host commission or an official's pledge, the center's fee, the supplier's net", params: params('orderId'), response: { 200: OrderSplitView } },
    }, async (req) => statements.orderSplit(ctxFromRequest(deps, req), req.params.orderId));

    // ---- payout batches --------------------------------------------------------------------------
    app.post('/settlement/payout-batches', {
      config: { access: CENTER },
      schema: { tags: ['settlement'], summary: 'Make the county’s payout batch for a period: one line per supplier, host and fund owed money', body: BatchBody, response: { 201: BatchView } },
    }, async (req, reply) => {
      if (!isValidDate(req.body.from)) throw invalid('/body/from', 'Not a calendar date');
      if (!isValidDate(req.body.to)) throw invalid('/body/to', 'Not a calendar date');
      return reply.status(201).send(await payouts.createBatch(ctxFromRequest(deps, req), req.body));
    });

    app.get('/settlement/payout-batches', {
      config: { access: READERS },
      schema: { tags: ['settlement'], summary: 'Payout batches of my counties, newest first (without lines)', querystring: Type.Object({ ...PageQuery, countyCode: Type.Optional(CountyCode) }), response: { 200: BatchPage } },
    }, async (req) => payouts.listBatches(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));

    app.get('/settlement/payout-batches/:batchId', {
      config: { access: READERS },
      schema: { tags: ['settlement'], summary: 'A payout batch with its lines (accounts masked)', params: params('batchId'), response: { 200: BatchView } },
    }, async (req) => payouts.getBatch(ctxFromRequest(deps, req), req.params.batchId));

    app.get('/settlement/payout-batches/:batchId/export', {
      config: { access: CENTER },
      schema: { tags: ['settlement'], summary: 'The bank file (代发明细) as XLSX, with full accounts: an audited sensitive read', params: params('batchId'), produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => sendFile(reply, await payoutBatchXlsx(ctxFromRequest(deps, req), req.params.batchId)));

    app.post('/settlement/payout-batches/:batchId/pay', {
      config: { access: CENTER },
      schema: { tags: ['settlement'], summary: 'Mark lines paid (default: all unpaid), each once; results per line', params: params('batchId'), body: PayBody, response: { 200: PayBatchView } },
    }, async (req) => payouts.payBatch(ctxFromRequest(deps, req), req.params.batchId, req.body.lineIds));

    app.post('/settlement/payout-batches/:batchId/lines/:lineId/pay', {
      config: { access: CENTER },
      schema: { tags: ['settlement'], summary: 'Mark one line paid; 409 payee_balance_too_low when the payee is owed less than the line now', params: params('batchId', 'lineId'), response: { 200: PayLineView } },
    }, async (req) => payouts.payOneLine(ctxFromRequest(deps, req), req.params.batchId, req.params.lineId));

    app.post('/settlement/payout-batches/:batchId/cancel', {
      config: { access: CENTER },
      schema: { tags: ['settlement'], summary: 'Cancel an open batch: its unpaid lines are cancelled, paid ones stay paid', params: params('batchId'), body: CancelBody, response: { 200: BatchView } },
    }, async (req) => payouts.cancelBatch(ctxFromRequest(deps, req), req.params.batchId, req.body.reason));
  };
}

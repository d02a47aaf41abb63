import { Type, type TString } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { type Deps, ctxFromRequest } from '../../context.js';
import { readUpload } from '../files/index.js';
import { OrderView } from '../orders/index.js';
import * as svc from './fulfilment.service.js';
import { type ExportFile, packingListXlsx, pickListXlsx } from './fulfilment.exports.js';
import { BatchShipBody, BatchShipView, ExportQuery, ImportView, SheetPage, SheetQuery, ShipBody, XlsxFile } from './fulfilment.schema.js';
import { XLSX_TYPE, attachmentHeader, readSheet } from './sheets.js';

const SHEET = svc.SHEET_ROLES;
const Id = <K extends string>(name: K) => Type.Object({ [name]: Type.String({ maxLength: 80 }) } as Record<K, TString>);

function sendFile(reply: FastifyReply, f: ExportFile) {
  return reply.type(XLSX_TYPE).header('content-disposition', attachmentHeader(f.asciiName, f.name)).header('cache-control', 'no-store').send(f.data);
}

export function fulfilmentRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/fulfilment/orders', {
      config: { access: SHEET },
      schema: {
        tags: ['fulfilment'], summary: 'The order sheet: orders to ship (oldest first), shipped, delivered or completed, for a supplier or the center',
        querystring: SheetQuery, response: { 200: SheetPage },
      },
    }, async (req) => svc.listSheet(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));

    app.post('/fulfilment/orders/:orderId/ship', {
      config: { access: SHEET },
      schema: { tags: ['fulfilment'], summary: 'Ship a paid order with a carrier and tracking number', params: Id('orderId'), body: ShipBody, response: { 200: OrderView } },
    }, async (req) => svc.shipOrder(ctxFromRequest(deps, req), req.params.orderId, req.body));

    app.post('/fulfilment/ship-batch', {
      config: { access: SHEET },
      schema: {
        tags: ['fulfilment'], summary: 'Ship many orders; each is shipped whole or not at all, and the answer says which failed and why',
        body: BatchShipBody, response: { 200: BatchShipView },
      },
    }, async (req) => svc.shipBatch(ctxFromRequest(deps, req), req.body.items));

    app.post('/fulfilment/orders/:orderId/deliver', {
      config: { access: SHEET },
      schema: { tags: ['fulfilment'], summary: 'Mark a shipped order delivered', params: Id('orderId'), response: { 200: OrderView } },
    }, async (req) => svc.markDelivered(ctxFromRequest(deps, req), req.params.orderId));

    app.post('/orders/:orderId/confirm-receipt', {
      config: { access: ['buyer'] },
      schema: { tags: ['fulfilment'], summary: 'Confirm I received my order: it completes, and the host’s commission and the center’s fee accrue', params: Id('orderId'), response: { 200: OrderView } },
    }, async (req) => svc.confirmReceipt(ctxFromRequest(deps, req), req.params.orderId));

    app.get('/fulfilment/exports/pick-list', {
      config: { access: SHEET },
      schema: { tags: ['fulfilment'], summary: 'Pick list (拣货单) as XLSX: quantity of each SKU over the chosen orders', querystring: ExportQuery, produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => sendFile(reply, await pickListXlsx(ctxFromRequest(deps, req), req.query)));

    app.get('/fulfilment/exports/packing-list', {
      config: { access: SHEET },
      schema: { tags: ['fulfilment'], summary: 'Packing list (发货单) as XLSX: one row per order with recipient and items; fill in carrier and tracking number and import it back', querystring: ExportQuery, produces: [XLSX_TYPE], response: { 200: XlsxFile } },
    }, async (req, reply) => sendFile(reply, await packingListXlsx(ctxFromRequest(deps, req), req.query)));

    app.post('/fulfilment/imports/tracking', {
      config: { access: SHEET },
      schema: {
        tags: ['fulfilment'], summary: 'Ship orders from an XLSX or CSV (columns 订单号/order number, 快递公司/carrier, 快递单号/tracking number; multipart field "file"); errors per row',
        consumes: ['multipart/form-data'], response: { 200: ImportView },
      },
    }, async (req) => {
      const ctx = ctxFromRequest(deps, req);
      return svc.importTracking(ctx, await readSheet(await readUpload(req, deps)));
    });
  };
}

/** Auto-confirms receipt of orders shipped AUTO_CONFIRM_DAYS ago, every ten minutes in every process. */
export function startFulfilmentJobs(deps: Deps): () => void {
  const timer = setInterval(() => {
    svc.autoConfirmOrders(deps).then((n) => { if (n) deps.log.info({ completed: n }, 'orders auto-confirmed'); })
      .catch((err) => deps.log.error({ err }, 'auto-confirm failed'));
  }, 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SANDBOX_PAYMENT_STATUSES } from './payments.tables.js';
import { pickLang, renderSandboxPage } from './sandbox-page.js';
import type { SandboxProvider } from './sandbox.js';

const Params = Type.Object({ paymentId: Type.String({ maxLength: 80 }) });
const SandboxPaymentView = Type.Object({
  id: Type.String(),
  outTradeNo: Type.String(),
  amountFen: Type.Integer(),
  refundedFen: Type.Integer(),
  description: Type.String(),
  status: Type.Union(SANDBOX_PAYMENT_STATUSES.map((s) => Type.Literal(s))),
  expiresAt: Type.String(),
  paidAt: Type.Union([Type.String(), Type.Null()]),
});
const ConfirmBody = Type.Object({
  simulate: Type.Optional(Type.Union(['normal', 'duplicate', 'late', 'out_of_order'].map((s) => Type.Literal(s)), {
    description: 'Test knob for the notification: sent twice (a redelivery), late, or held until the next event of this payment',
  })),
}, { additionalProperties: false });

/**
 * The sandbox's hosted pay page and its two buttons. Registered only when the sandbox is the
 * payment provider. Each payment belongs to one buyer: anyone else gets a 404.
 */
export function sandboxPayRoutes(sandbox: SandboxProvider): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onClose', async () => sandbox.stop());

    app.get('/sandbox-pay/:paymentId', {
      config: { access: 'user' },
      schema: {
        tags: ['payments'], summary: 'Sandbox hosted pay page (HTML, zh/en)', params: Params,
        querystring: Type.Object({
          lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
          returnTo: Type.Optional(Type.String({ maxLength: 500, pattern: '^/(?![/\\\\])[^\\s]*$', description: 'A path on this site to go back to after paying' })),
        }),
        response: { 200: Type.String({ description: 'text/html' }) },
      },
    }, async (req, reply) => {
      const view = await sandbox.view(req.params.paymentId, req.actor!.userId);
      const html = renderSandboxPage(view, {
        lang: pickLang(req.query.lang, req.headers['accept-language']), csrfToken: req.csrfToken!,
        expired: new Date(view.expiresAt).getTime() <= Date.now(), returnTo: req.query.returnTo,
      });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    });

    app.get('/sandbox-pay/:paymentId/status', {
      config: { access: 'user' },
      schema: { tags: ['payments'], summary: 'A sandbox payment as its buyer sees it', params: Params, response: { 200: SandboxPaymentView } },
    }, async (req) => sandbox.view(req.params.paymentId, req.actor!.userId));

    app.post('/sandbox-pay/:paymentId/confirm', {
      config: { access: 'user' },
      schema: { tags: ['payments'], summary: 'Pay a sandbox payment (its signed notification follows asynchronously)', params: Params, body: ConfirmBody, response: { 200: SandboxPaymentView } },
    }, async (req) => sandbox.confirm(req.params.paymentId, req.actor!.userId, req.body.simulate as Parameters<SandboxProvider['confirm']>[2]));

    app.post('/sandbox-pay/:paymentId/cancel', {
      config: { access: 'user' },
      schema: { tags: ['payments'], summary: 'Give up a sandbox payment', params: Params, body: Type.Object({}, { additionalProperties: false }), response: { 200: SandboxPaymentView } },
    }, async (req) => sandbox.cancel(req.params.paymentId, req.actor!.userId));
  };
}

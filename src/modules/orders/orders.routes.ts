import { Type, type TString } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Deps, ctxFromRequest } from '../../context.js';
import { PageQuery, pageOf } from '../../platform/http/pagination.js';
import { sendProblem } from '../../platform/http/errors.js';
import { paymentsFor, PaymentNotificationError, PaymentProviderError } from '../payments/index.js';
import * as checkout from './checkout.service.js';
import * as svc from './orders.service.js';
import {
  AddressBody, AddressPatchBody, AddressView, CartView, CheckoutBody, CheckoutView, IdempotencyHeaders, OrderStatusSchema, OrderView, QuoteBody, QuoteView,
  PaymentStartView, ShippingPolicyBody, ShippingPolicyView,
} from './orders.schema.js';

const BUYER = ['buyer'] as const;
const Id = <K extends string>(name: K) => Type.Object({ [name]: Type.String({ maxLength: 80 }) } as Record<K, TString>);
const Ok = Type.Object({ ok: Type.Literal(true) });

export function orderRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  const payments = paymentsFor(deps);
  // The sandbox hands its notifications over in-process; they take the same path as WeChat's.
  payments.onNotification(async (raw) => {
    const event = await payments.provider.parseNotification(raw.rawBody, raw.headers);
    await checkout.handlePaymentEvent(deps, event);
  });

  return async (app) => {
    // ---- addresses
    app.get('/me/addresses', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'My delivery addresses (the default first)', response: { 200: Type.Object({ items: Type.Array(AddressView) }) } },
    }, async (req) => ({ items: await svc.listAddresses(ctxFromRequest(deps, req)) }));
    app.post('/me/addresses', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'Add a delivery address', body: AddressBody, response: { 201: AddressView } },
    }, async (req, reply) => { reply.status(201); return svc.createAddress(ctxFromRequest(deps, req), req.body); });
    app.patch('/me/addresses/:addressId', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'Change an address or make it the default', params: Id('addressId'), body: AddressPatchBody, response: { 200: AddressView } },
    }, async (req) => svc.updateAddress(ctxFromRequest(deps, req), req.params.addressId, req.body));
    app.delete('/me/addresses/:addressId', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'Delete an address (orders keep their copy)', params: Id('addressId'), response: { 200: Ok } },
    }, async (req) => { await svc.deleteAddress(ctxFromRequest(deps, req), req.params.addressId); return { ok: true as const }; });

    // ---- cart
    app.get('/cart', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'My cart with current prices and stock', response: { 200: CartView } },
    }, async (req) => svc.getCart(ctxFromRequest(deps, req)));
    app.put('/cart/items/:skuId', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'Put an item in the cart, or change its quantity', params: Id('skuId'), body: Type.Object({ quantity: Type.Integer({ minimum: 1, maximum: 999 }) }, { additionalProperties: false }), response: { 200: CartView } },
    }, async (req) => svc.setCartItem(ctxFromRequest(deps, req), req.params.skuId, req.body.quantity));
    app.delete('/cart/items/:skuId', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'Take an item out of the cart', params: Id('skuId'), response: { 200: CartView } },
    }, async (req) => svc.removeCartItem(ctxFromRequest(deps, req), req.params.skuId));

    // ---- checkout and payment
    app.post('/checkouts', {
      config: { access: BUYER },
      schema: {
        tags: ['buying'], summary: 'Place a checkout: one order per supplier, stock reserved, to be paid in time (Idempotency-Key required)',
        headers: IdempotencyHeaders, body: CheckoutBody, response: { 201: CheckoutView, 200: CheckoutView },
      },
    }, async (req, reply) => {
      const result = await checkout.placeCheckout(ctxFromRequest(deps, req), req.body, req.headers['idempotency-key']);
      reply.status(result.replayed ? 200 : 201).header('idempotent-replayed', String(result.replayed));
      return result.checkout;
    });
    app.post('/checkouts/quote', {
      config: { access: BUYER },
      schema: {
        tags: ['buying'], summary: 'What a checkout would cost (shipping per supplier, total), with the same refusals as placing it; reserves nothing',
        body: QuoteBody, response: { 200: QuoteView },
      },
    }, async (req) => checkout.quoteCheckout(ctxFromRequest(deps, req), req.body));
    app.get('/checkouts/:checkoutId', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'One of my checkouts with its orders', params: Id('checkoutId'), response: { 200: CheckoutView } },
    }, async (req) => checkout.getCheckout(ctxFromRequest(deps, req), req.params.checkoutId));
    app.post('/checkouts/:checkoutId/pay', {
      config: { access: BUYER },
      schema: {
        tags: ['buying'], summary: 'Start paying (a second call returns the same start)', params: Id('checkoutId'), headers: IdempotencyHeaders,
        response: { 200: PaymentStartView },
      },
    }, async (req) => checkout.startCheckoutPayment(ctxFromRequest(deps, req), req.params.checkoutId));
    app.post('/checkouts/:checkoutId/cancel', {
      config: { access: BUYER },
      schema: { tags: ['buying'], summary: 'Cancel an unpaid checkout (stock goes back)', params: Id('checkoutId'), response: { 200: CheckoutView } },
    }, async (req) => checkout.cancelOwnCheckout(ctxFromRequest(deps, req), req.params.checkoutId));

    // ---- orders
    app.get('/orders', {
      config: { access: ['buyer', 'supplier', 'center_admin', 'operator', 'official'] },
      schema: {
        tags: ['orders'], summary: 'Orders: mine as a buyer (view=mine), or to fulfil/oversee as supplier or center (view=sell)',
        querystring: Type.Object({ ...PageQuery, view: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('sell')])), status: Type.Optional(OrderStatusSchema), supplierId: Type.Optional(Type.String({ maxLength: 80 })), countyCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })) }),
        response: { 200: pageOf(OrderView) },
      },
    }, async (req) => svc.listOrders(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));
    app.get('/orders/:orderId', {
      config: { access: ['buyer', 'supplier', 'center_admin', 'operator', 'official'] },
      schema: { tags: ['orders'], summary: 'One order', params: Id('orderId'), response: { 200: OrderView } },
    }, async (req) => svc.getOrder(ctxFromRequest(deps, req), req.params.orderId));

    // ---- refunds the provider could not make
    const RefundView = Type.Object({
      id: Type.String(), refundNo: Type.String(), checkoutId: Type.String(), orderId: Type.Union([Type.String(), Type.Null()]), countyCode: Type.String(),
      amountFen: Type.Integer(), reason: Type.String(), status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
      paymentNo: Type.String(), createdAt: Type.String(), completedAt: Type.Union([Type.String(), Type.Null()]),
    });
    app.get('/refunds', {
      config: { access: ['center_admin', 'operator', 'official'] },
      schema: {
        tags: ['payments'], summary: 'Refunds of my counties (status=failed: the ones to try again)',
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')])) }),
        response: { 200: pageOf(RefundView) },
      },
    }, async (req) => checkout.listRefunds(ctxFromRequest(deps, req), { ...req.query, limit: req.query.limit ?? 20 }));
    app.post('/refunds/:refundId/retry', {
      config: { access: ['center_admin', 'operator'] },
      schema: {
        tags: ['payments'], summary: 'Try a failed refund again (same amount, new refund number)', params: Id('refundId'),
        response: { 200: Type.Object({ id: Type.String(), refundNo: Type.String(), status: Type.Literal('pending') }) },
      },
    }, async (req) => checkout.retryFailedRefund(ctxFromRequest(deps, req), req.params.refundId));

    // ---- shipping policy
    app.get('/suppliers/:supplierId/shipping-policy', {
      config: { access: ['center_admin', 'operator', 'official', 'supplier'] },
      schema: { tags: ['orders'], summary: 'A supplier’s shipping fees and the provinces it does not deliver to', params: Id('supplierId'), response: { 200: ShippingPolicyView } },
    }, async (req) => svc.getShippingPolicy(ctxFromRequest(deps, req), req.params.supplierId));
    app.put('/suppliers/:supplierId/shipping-policy', {
      config: { access: ['center_admin', 'operator', 'supplier'] },
      schema: { tags: ['orders'], summary: 'Set a supplier’s shipping fees', params: Id('supplierId'), body: ShippingPolicyBody, response: { 200: ShippingPolicyView } },
    }, async (req) => svc.putShippingPolicy(ctxFromRequest(deps, req), req.params.supplierId, req.body));

    // ---- provider notifications (WeChat posts here; the body must be verified exactly as sent)
    await app.register(async (notify) => {
      notify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      notify.post('/payments/notify/:provider', {
        config: { access: 'public' },
        schema: { tags: ['payments'], summary: 'Asynchronous payment and refund notifications from the provider (signed)', params: Type.Object({ provider: Type.String({ maxLength: 20 }) }) },
      }, async (req, reply) => {
        const { provider } = req.params as { provider: string };
        if (provider !== payments.provider.name) return sendProblem(reply, req, 404, 'not_found', 'Unknown payment provider');
        try {
          const event = await payments.provider.parseNotification(String(req.body ?? ''), req.headers);
          await checkout.handlePaymentEvent(deps, event);
          return reply.status(204).send();
        } catch (err) {
          if (err instanceof PaymentNotificationError) {
            req.log.warn({ code: err.code }, 'payment notification refused');
            return sendProblem(reply, req, 401, 'bad_notification', `Notification refused: ${err.code}`);
          }
          // Verifying needed the provider (a platform-certificate download) and it failed: the
          // provider retries the notification later, so answer "not now" rather than 500.
          if (err instanceof PaymentProviderError) {
            req.log.error({ code: err.code, err }, 'payment notification could not be verified');
            return sendProblem(reply, req, 503, 'provider_unavailable', `Notification could not be verified now: ${err.code}`);
          }
          throw err;
        }
      });
    });
  };
}

/** Cancels unpaid checkouts whose time ran out, every 15 seconds in every process. */
export function startOrderJobs(deps: Deps): () => void {
  const timer = setInterval(() => {
    checkout.expireCheckouts(deps).then((n) => { if (n) deps.log.info({ cancelled: n }, 'unpaid checkouts cancelled'); })
      .catch((err) => deps.log.error({ err }, 'checkout expiry failed'));
  }, 15_000);
  timer.unref();
  return () => clearInterval(timer);
}

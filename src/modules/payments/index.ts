/**
 * Payments: the provider layer the orders module calls to take and return money. It owns
 * the notification nonce guard (`payment_nonce`) and the sandbox's pay-page state
 * (`sandbox_payment`, `sandbox_refund`); orders, ledger entries and the notify route that
 * acts on events belong to the orders module.
 *
 * Use: `const { provider } = paymentsFor(deps)`; `provider.startPayment(…)`; in the notify
 * route (and in the sink registered with `onNotification`), `provider.parseNotification(raw, headers)`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { systemCtx, writeAlone, type Deps, type Writer } from '../../context.js';
import { dbNonceStore } from './nonces.js';
import type { NotificationSink, PaymentProvider } from './provider.js';
import { sandboxProvider, type SandboxProvider } from './sandbox.js';
import { sandboxPayRoutes as sandboxRoutes } from './sandbox.routes.js';
import { wechatPayProvider } from './wechat.js';

export type {
  PaymentProvider, PaymentEvent, PaymentStart, PaymentStatus, PaymentState, RefundInput, RefundStatus, RefundState,
  StartPaymentInput, JsapiPayParams, NotificationSink, RawNotification, NotificationHeaders, ProviderName, PayScene,
  SandboxSimulation, NotificationErrorCode,
} from './provider.js';
export { PaymentNotificationError, PaymentProviderError, OUT_TRADE_NO, OUT_REFUND_NO } from './provider.js';
export type { SandboxProvider, SandboxPaymentView } from './sandbox.js';
export type { PaymentsTables } from './payments.tables.js';

/** The configured provider of one running app, and the sandbox when that is the provider. */
export interface Payments {
  /** The provider every payment and refund goes through. */
  provider: PaymentProvider;
  /** Set when PAYMENT_PROVIDER=sandbox: the hosted page's service and test hooks. */
  sandbox: SandboxProvider | null;
  /**
   * Registers where provider notifications are handed over in-process (the sandbox delivers
   * to it; WeChat posts to the orders module's notify route, which should call the same code).
   */
  onNotification(sink: NotificationSink | null): void;
}

const built = new WeakMap<Deps, Payments>();

/** One Payments per app (per Deps), made on first use from the configuration. */
export function paymentsFor(deps: Deps): Payments {
  const existing = built.get(deps);
  if (existing) return existing;
  // The providers' own single writes join SQLite's group commit (see writeAlone). They are
  // never called inside a transaction (providers are called after commit), so the system
  // context's database is the right one.
  const write: Writer = (fn) => writeAlone(systemCtx(deps), fn);
  const nonceStore = dbNonceStore(write);
  const c = deps.config;
  let payments: Payments;
  if (c.paymentProvider === 'wechat' && c.wechatPay) {
    const w = c.wechatPay;
    const provider = wechatPayProvider({
      mchId: w.mchId, appId: w.appId, mchSerial: w.mchSerial, mchPrivateKey: w.mchPrivateKeyPem, apiV3Key: w.apiV3Key,
      platformPublicKey: w.platformPublicKeyPem, platformSerial: w.platformSerial, nonceStore,
      extraPlatformKeys: w.nextPlatformKey ? [{ serial: w.nextPlatformKey.serial, key: w.nextPlatformKey.pem }] : [],
      downloadCertificates: w.downloadCertificates ?? false,
    });
    payments = { provider, sandbox: null, onNotification: () => {} };
  } else {
    const sandbox = sandboxProvider({
      db: deps.db, write, secret: c.sandboxPay.secret, nonceStore, notifyDelayMs: c.sandboxPay.notifyDelayMs, log: deps.log,
    });
    payments = { provider: sandbox, sandbox, onNotification: (sink) => sandbox.setSink(sink) };
  }
  built.set(deps, payments);
  return payments;
}

/** The sandbox pay-page routes; registers nothing unless the sandbox is the provider. */
export function sandboxPayRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { sandbox } = paymentsFor(deps);
    if (sandbox) await app.register(sandboxRoutes(sandbox));
  };
}

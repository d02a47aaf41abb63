import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.js';
import type { Writer } from '../../context.js';
import { newId } from '../../platform/ids.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import type { NonceStore } from './nonces.js';
import type { SandboxPaymentTable } from './payments.tables.js';
import {
  checkRefundInput, checkStartInput, headerValue, PaymentNotificationError, PaymentProviderError,
  type NotificationHeaders, type NotificationSink, type PaymentEvent, type PaymentProvider, type PaymentState,
  type PaymentStatus, type RawNotification, type RefundStatus, type SandboxSimulation,
} from './provider.js';

/**
 * The sandbox provider: money that is not real, moved by a page the platform hosts itself,
 * and announced the way a real provider does it, by an asynchronous signed notification.
 * Its notification checks mirror WeChat's: HMAC-SHA256 over "TIMESTAMP\nNONCE\nBODY\n"
 * with the sandbox secret, a 5-minute timestamp window and a nonce seen only once.
 */

export const SANDBOX_HEADERS = {
  timestamp: 'sandboxpay-timestamp',
  nonce: 'sandboxpay-nonce',
  signature: 'sandboxpay-signature',
  eventId: 'sandboxpay-event-id',
} as const;
export const SANDBOX_TIMESTAMP_WINDOW_SEC = 5 * 60;

export function sandboxSignature(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${body}\n`, 'utf8').digest('base64');
}

/** The body of a sandbox notification (snake_case, like a provider's wire format). */
export type SandboxNotificationBody =
  | { id: string; event_type: 'TRANSACTION.SUCCESS'; create_time: string; resource: { out_trade_no: string; transaction_id: string; amount_fen: number; paid_at: string } }
  | {
      id: string; event_type: 'REFUND.SUCCESS' | 'REFUND.FAILED'; create_time: string;
      resource: { out_trade_no: string; transaction_id: string; out_refund_no: string; refund_id: string; refund_fen: number; total_fen: number; at: string };
    };

/** Signs a body into the headers the sandbox sends (tests use it to forge and replay). */
export function signSandboxNotification(secret: string, body: string, eventId: string, at: Date, nonce = randomBytes(16).toString('hex')): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    'content-type': 'application/json',
    [SANDBOX_HEADERS.timestamp]: timestamp,
    [SANDBOX_HEADERS.nonce]: nonce,
    [SANDBOX_HEADERS.signature]: sandboxSignature(secret, timestamp, nonce, body),
    [SANDBOX_HEADERS.eventId]: eventId,
  };
}

export interface SandboxOptions {
  db: Kysely<Database>;
  /** Runs its writes (the app passes writeAlone). */
  write: Writer;
  /** HMAC key of the notifications. */
  secret: string;
  nonceStore: NonceStore;
  /** How long after a confirm or refund the notification is sent. */
  notifyDelayMs: number;
  /** The 'late' knob's delay (default: 20 × notifyDelayMs). */
  lateDelayMs?: number;
  /** Waits before each retry when the sink fails (WeChat retries for a day; the sandbox a few times). */
  retryDelaysMs?: number[];
  /** Where the hosted page lives. */
  pageUrl?: (paymentId: string) => string;
  /** Used when no sink is registered and the notify URL is absolute. */
  fetch?: typeof fetch;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  now?: () => Date;
}

/** What the hosted page and its JSON route show. */
export interface SandboxPaymentView {
  id: string;
  outTradeNo: string;
  amountFen: number;
  refundedFen: number;
  description: string;
  status: SandboxPaymentTable['status'];
  expiresAt: string;
  paidAt: string | null;
}

export interface SandboxProvider extends PaymentProvider {
  readonly name: 'sandbox';
  /** Where notifications go; the orders module registers one. null removes it. */
  setSink(sink: NotificationSink | null): void;
  /** The page's view of a payment, for its buyer only (another user gets a 404). */
  view(paymentId: string, buyerUserId: string): Promise<SandboxPaymentView>;
  /** The buyer pays on the hosted page: created → paid, then the notification goes out. */
  confirm(paymentId: string, buyerUserId: string, simulate?: SandboxSimulation): Promise<SandboxPaymentView>;
  /** The buyer gives up on the hosted page: created → cancelled (no notification, as with WeChat). */
  cancel(paymentId: string, buyerUserId: string): Promise<SandboxPaymentView>;
  /** Resolves once no notification is waiting or being delivered (tests and shutdown). */
  idle(): Promise<void>;
  /** Drops every pending notification (app shutdown). */
  stop(): void;
}

const toView = (r: SandboxPaymentTable): SandboxPaymentView => ({
  id: r.id, outTradeNo: r.out_trade_no, amountFen: Number(r.amount_fen), refundedFen: Number(r.refunded_fen), description: r.description,
  status: r.status, expiresAt: r.expires_at, paidAt: r.paid_at,
});

const PAYMENT_STATES: Record<SandboxPaymentTable['status'], PaymentState> = { created: 'pending', paid: 'paid', cancelled: 'closed', refunded: 'refunded' };

export function sandboxProvider(opts: SandboxOptions): SandboxProvider {
  const db = opts.db;
  const write = opts.write;
  const now = opts.now ?? (() => new Date());
  const lateDelayMs = opts.lateDelayMs ?? opts.notifyDelayMs * 20;
  const retryDelays = opts.retryDelaysMs ?? [opts.notifyDelayMs, 5 * opts.notifyDelayMs, 25 * opts.notifyDelayMs].map((d) => Math.max(d, 100));
  const pageUrl = opts.pageUrl ?? ((id: string) => `/api/v1/sandbox-pay/${id}`);
  let sink: NotificationSink | null = null;
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];
  /** Notifications held back by the 'out_of_order' knob, per payment, until its next event. */
  const held = new Map<string, { body: SandboxNotificationBody; notifyUrl: string }[]>();

  function settle() {
    if (timers.size === 0 && inFlight === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  }

  function later(ms: number, fn: () => Promise<void>) {
    const t = setTimeout(() => {
      timers.delete(t);
      inFlight++;
      fn().catch(() => {}).finally(() => { inFlight--; settle(); });
    }, ms);
    timers.add(t);
  }

  async function deliverOnce(n: RawNotification): Promise<void> {
    if (sink) return sink(n);
    if (/^https?:\/\//.test(n.notifyUrl)) {
      const res = await (opts.fetch ?? fetch)(n.notifyUrl, { method: 'POST', headers: n.headers, body: n.rawBody, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`notify URL answered ${res.status}`);
      return;
    }
    opts.log?.warn({ notifyUrl: n.notifyUrl }, 'sandbox payment notification dropped: no sink registered');
  }

  /** Signs at send time (a fresh timestamp and nonce per attempt, as WeChat does) and retries on failure. */
  function send(body: SandboxNotificationBody, notifyUrl: string, delayMs: number, attempt = 0) {
    later(delayMs, async () => {
      const rawBody = JSON.stringify(body);
      try {
        await deliverOnce({ provider: 'sandbox', notifyUrl, rawBody, headers: signSandboxNotification(opts.secret, rawBody, body.id, now()) });
      } catch (err) {
        if (attempt < retryDelays.length) send(body, notifyUrl, retryDelays[attempt]!, attempt + 1);
        else opts.log?.error({ err, eventId: body.id }, 'sandbox payment notification not accepted after retries');
      }
    });
  }

  /** Queues the notification of an event according to the test knob. */
  function emit(paymentId: string, body: SandboxNotificationBody, notifyUrl: string, simulate: SandboxSimulation = 'normal') {
    if (simulate === 'out_of_order') {
      held.set(paymentId, [...(held.get(paymentId) ?? []), { body, notifyUrl }]);
      return;
    }
    const delay = simulate === 'late' ? lateDelayMs : opts.notifyDelayMs;
    send(body, notifyUrl, delay);
    if (simulate === 'duplicate') send(body, notifyUrl, delay + Math.max(opts.notifyDelayMs, 10));
    // Whatever was held for this payment now follows this event, so the sink sees them out of order.
    const waiting = held.get(paymentId);
    if (waiting) {
      held.delete(paymentId);
      waiting.forEach((h, i) => send(h.body, h.notifyUrl, delay + (i + 1) * Math.max(opts.notifyDelayMs, 10)));
    }
  }

  async function ownPayment(paymentId: string, buyerUserId: string): Promise<SandboxPaymentTable> {
    const row = await db.selectFrom('sandbox_payment').selectAll().where('id', '=', paymentId).executeTakeFirst();
    // Someone else's payment answers as if it did not exist.
    if (!row || row.buyer_user_id !== buyerUserId) throw notFound('Payment');
    return row;
  }

  function refuseState(row: SandboxPaymentTable): never {
    if (row.status === 'paid' || row.status === 'refunded') throw conflict('payment_already_paid', 'This payment has already been paid');
    if (row.status === 'cancelled') throw conflict('payment_cancelled', 'This payment was cancelled');
    throw conflict('payment_expired', 'This payment has expired');
  }

  async function refundStatus(outRefundNo: string): Promise<RefundStatus> {
    const r = await db.selectFrom('sandbox_refund').innerJoin('sandbox_payment', 'sandbox_payment.id', 'sandbox_refund.payment_id')
      .select(['sandbox_refund.id', 'sandbox_refund.out_refund_no', 'sandbox_refund.amount_fen', 'sandbox_refund.status', 'sandbox_refund.finished_at', 'sandbox_payment.out_trade_no', 'sandbox_payment.amount_fen as total_fen'])
      .where('sandbox_refund.out_refund_no', '=', outRefundNo).executeTakeFirst();
    if (!r) throw new PaymentProviderError('REFUND_NOT_EXIST', `no sandbox refund ${outRefundNo}`, 404, false);
    return {
      outRefundNo: r.out_refund_no, outTradeNo: r.out_trade_no, refundId: r.id, state: r.status, refundFen: Number(r.amount_fen), totalFen: Number(r.total_fen),
      succeededAt: r.status === 'succeeded' ? r.finished_at : null, raw: r.status.toUpperCase(),
    };
  }

  /** The refund settles after the delay: its row and the payment change, then the notification goes out. */
  function settleRefund(refundId: string, fail: boolean, simulate: SandboxSimulation | undefined) {
    later(opts.notifyDelayMs, async () => {
      const at = now().toISOString();
      const done = await db.transaction().execute(async (trx) => {
        const upd = await trx.updateTable('sandbox_refund').set({ status: fail ? 'failed' : 'succeeded', finished_at: at })
          .where('id', '=', refundId).where('status', '=', 'processing').executeTakeFirst();
        if (Number(upd.numUpdatedRows) !== 1) return null;
        const r = await trx.selectFrom('sandbox_refund').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
        if (fail) {
          // The money did not go back: release what the refund had reserved.
          await trx.updateTable('sandbox_payment').set((eb) => ({ refunded_fen: eb('refunded_fen', '-', Number(r.amount_fen)), updated_at: at }))
            .where('id', '=', r.payment_id).execute();
        } else {
          await trx.updateTable('sandbox_payment').set({ status: 'refunded', updated_at: at })
            .where('id', '=', r.payment_id).where('status', '=', 'paid').whereRef('refunded_fen', '=', 'amount_fen').execute();
        }
        const p = await trx.selectFrom('sandbox_payment').selectAll().where('id', '=', r.payment_id).executeTakeFirstOrThrow();
        return { r, p };
      });
      if (!done) return;
      const { r, p } = done;
      emit(p.id, {
        id: `EV-${randomUUID()}`, event_type: fail ? 'REFUND.FAILED' : 'REFUND.SUCCESS', create_time: at,
        resource: { out_trade_no: p.out_trade_no, transaction_id: p.transaction_id ?? '', out_refund_no: r.out_refund_no, refund_id: r.id, refund_fen: Number(r.amount_fen), total_fen: Number(p.amount_fen), at },
      }, r.notify_url, simulate);
      // The 'normal' emit above schedules its own delay; a refund notification therefore arrives 2 × notifyDelayMs after the refund starts.
    });
  }

  const badFormat = (why: string) => new PaymentNotificationError('unknown_format', why);

  return {
    name: 'sandbox',

    setSink(s) { sink = s; },

    async startPayment(input) {
      checkStartInput(input);
      const t = now().toISOString();
      const id = newId('sandboxPayment');
      // The new payment first: out_trade_no is unique, so a second start inserts nothing and
      // only then is the first one read (one statement for the common case, not two).
      const inserted = await write((db) => db.insertInto('sandbox_payment').values({
        id, out_trade_no: input.outTradeNo, amount_fen: input.amountFen, refunded_fen: 0, description: input.description, buyer_user_id: input.buyer.userId,
        notify_url: input.notifyUrl, status: 'created', transaction_id: null, expires_at: input.expiresAt.toISOString(), paid_at: null, created_at: t, updated_at: t,
      }).onConflict((oc) => oc.column('out_trade_no').doNothing()).executeTakeFirst());
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) {
        const existing = await db.selectFrom('sandbox_payment').selectAll().where('out_trade_no', '=', input.outTradeNo).executeTakeFirstOrThrow();
        // Starting the same payable again (a retry) returns the same page, like a repeated WeChat prepay.
        if (existing.status !== 'created' || Number(existing.amount_fen) !== input.amountFen || existing.buyer_user_id !== input.buyer.userId) {
          throw new PaymentProviderError('OUT_TRADE_NO_USED', `out_trade_no ${input.outTradeNo} is already used`, 400, false);
        }
        return { kind: 'hosted_page', provider: 'sandbox', outTradeNo: input.outTradeNo, paymentId: existing.id, url: pageUrl(existing.id) };
      }
      return { kind: 'hosted_page', provider: 'sandbox', outTradeNo: input.outTradeNo, paymentId: id, url: pageUrl(id) };
    },

    async view(paymentId, buyerUserId) {
      return toView(await ownPayment(paymentId, buyerUserId));
    },

    async confirm(paymentId, buyerUserId, simulate = 'normal') {
      const row = await ownPayment(paymentId, buyerUserId);
      const at = now();
      if (row.status !== 'created' || new Date(row.expires_at).getTime() <= at.getTime()) refuseState(row);
      const transactionId = `SBX${at.getTime()}${randomBytes(6).toString('hex')}`;
      const paidAt = at.toISOString();
      // Conditional on the state, so two taps (or two tabs) pay once and notify once.
      const upd = await write((db) => db.updateTable('sandbox_payment').set({ status: 'paid', transaction_id: transactionId, paid_at: paidAt, updated_at: paidAt })
        .where('id', '=', paymentId).where('status', '=', 'created').executeTakeFirst());
      if (Number(upd.numUpdatedRows) !== 1) refuseState(await ownPayment(paymentId, buyerUserId));
      emit(paymentId, {
        id: `EV-${randomUUID()}`, event_type: 'TRANSACTION.SUCCESS', create_time: paidAt,
        resource: { out_trade_no: row.out_trade_no, transaction_id: transactionId, amount_fen: Number(row.amount_fen), paid_at: paidAt },
      }, row.notify_url, simulate);
      // The row as the update left it (no read back: the update was conditional on the state read).
      return toView({ ...row, status: 'paid', transaction_id: transactionId, paid_at: paidAt, updated_at: paidAt });
    },

    async cancel(paymentId, buyerUserId) {
      const row = await ownPayment(paymentId, buyerUserId);
      const t = now().toISOString();
      const upd = await write((db) => db.updateTable('sandbox_payment').set({ status: 'cancelled', updated_at: t })
        .where('id', '=', paymentId).where('status', '=', 'created').executeTakeFirst());
      if (Number(upd.numUpdatedRows) !== 1) refuseState(row);
      return toView(await ownPayment(paymentId, buyerUserId));
    },

    async parseNotification(rawBody, headers: NotificationHeaders): Promise<PaymentEvent> {
      const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
      const timestamp = headerValue(headers, SANDBOX_HEADERS.timestamp);
      const nonce = headerValue(headers, SANDBOX_HEADERS.nonce);
      const signature = headerValue(headers, SANDBOX_HEADERS.signature);
      if (!timestamp || !nonce || !signature) throw new PaymentNotificationError('missing_headers', 'Sandboxpay-Timestamp, -Nonce and -Signature are required');
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now().getTime() / 1000 - Number(timestamp)) > SANDBOX_TIMESTAMP_WINDOW_SEC) {
        throw new PaymentNotificationError('stale_timestamp', 'the timestamp is more than 5 minutes away from now');
      }
      const want = Buffer.from(sandboxSignature(opts.secret, timestamp, nonce, body));
      const got = Buffer.from(signature);
      if (want.length !== got.length || !timingSafeEqual(want, got)) throw new PaymentNotificationError('bad_signature', 'the signature does not match the sandbox secret');
      let n: SandboxNotificationBody;
      try {
        n = JSON.parse(body);
      } catch {
        throw badFormat('the notification body is not JSON');
      }
      if (!n || typeof n.id !== 'string' || !n.resource || typeof n.resource.out_trade_no !== 'string') throw badFormat('the notification lacks id or resource');
      const headerEvent = headerValue(headers, SANDBOX_HEADERS.eventId);
      if (headerEvent !== undefined && headerEvent !== n.id) throw badFormat('the event id header does not match the body');
      let event: PaymentEvent;
      if (n.event_type === 'TRANSACTION.SUCCESS') {
        const r = n.resource;
        if (!Number.isSafeInteger(r.amount_fen) || typeof r.transaction_id !== 'string' || typeof r.paid_at !== 'string') throw badFormat('incomplete payment resource');
        event = { kind: 'paid', eventId: n.id, provider: 'sandbox', outTradeNo: r.out_trade_no, transactionId: r.transaction_id, amountFen: r.amount_fen, paidAt: r.paid_at, duplicate: false };
      } else if (n.event_type === 'REFUND.SUCCESS' || n.event_type === 'REFUND.FAILED') {
        const r = n.resource;
        if (!Number.isSafeInteger(r.refund_fen) || !Number.isSafeInteger(r.total_fen) || typeof r.out_refund_no !== 'string') throw badFormat('incomplete refund resource');
        event = {
          kind: n.event_type === 'REFUND.SUCCESS' ? 'refund_succeeded' : 'refund_failed', eventId: n.id, provider: 'sandbox', outTradeNo: r.out_trade_no,
          outRefundNo: r.out_refund_no, refundId: r.refund_id, transactionId: r.transaction_id, refundFen: r.refund_fen, totalFen: r.total_fen, at: r.at,
          raw: n.event_type.slice('REFUND.'.length), duplicate: false,
        };
      } else {
        throw badFormat(`unknown event_type ${String((n as { event_type?: unknown }).event_type)}`);
      }
      const seen = await opts.nonceStore.remember('sandbox', nonce, n.id, now());
      if (!seen.nonceFresh) throw new PaymentNotificationError('replayed_nonce', 'this notification nonce was already accepted');
      return { ...event, duplicate: seen.eventSeen };
    },

    async queryPayment(outTradeNo): Promise<PaymentStatus> {
      const r = await db.selectFrom('sandbox_payment').selectAll().where('out_trade_no', '=', outTradeNo).executeTakeFirst();
      if (!r) throw new PaymentProviderError('ORDER_NOT_EXIST', `no sandbox payment ${outTradeNo}`, 404, false);
      const expired = r.status === 'created' && new Date(r.expires_at).getTime() <= now().getTime();
      return {
        outTradeNo, state: expired ? 'closed' : PAYMENT_STATES[r.status], transactionId: r.transaction_id, amountFen: Number(r.amount_fen), paidAt: r.paid_at,
        raw: expired ? 'expired' : r.status,
      };
    },

    async closePayment(outTradeNo) {
      const r = await db.selectFrom('sandbox_payment').select(['status']).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
      if (!r) throw new PaymentProviderError('ORDER_NOT_EXIST', `no sandbox payment ${outTradeNo}`, 404, false);
      const upd = await db.updateTable('sandbox_payment').set({ status: 'cancelled', updated_at: now().toISOString() })
        .where('out_trade_no', '=', outTradeNo).where('status', '=', 'created').executeTakeFirst();
      if (Number(upd.numUpdatedRows) !== 1 && r.status !== 'cancelled') throw new PaymentProviderError('ORDERPAID', 'the payment is already paid; refund it instead', 400, false);
    },

    async startRefund(input) {
      checkRefundInput(input);
      const existing = await db.selectFrom('sandbox_refund').select('id').where('out_refund_no', '=', input.outRefundNo).executeTakeFirst();
      // The same out_refund_no again is a retry of the same refund, as with WeChat.
      if (existing) return refundStatus(input.outRefundNo);
      const p = await db.selectFrom('sandbox_payment').selectAll().where('out_trade_no', '=', input.outTradeNo).executeTakeFirst();
      if (!p || (input.transactionId && p.transaction_id !== input.transactionId)) throw new PaymentProviderError('ORDER_NOT_EXIST', `no sandbox payment ${input.outTradeNo}`, 404, false);
      if (p.status !== 'paid') throw new PaymentProviderError('TRADE_STATE_ERROR', `the payment is ${p.status}, not paid`, 400, false);
      if (input.totalFen !== Number(p.amount_fen)) throw new PaymentProviderError('INVALID_REQUEST', 'totalFen is not the amount of the payment', 400, false);
      const id = newId('sandboxRefund');
      const t = now().toISOString();
      const ok = await db.transaction().execute(async (trx) => {
        // Reserve the amount by a conditional update, so concurrent refunds can never exceed the payment.
        const upd = await trx.updateTable('sandbox_payment').set((eb) => ({ refunded_fen: eb('refunded_fen', '+', input.refundFen), updated_at: t }))
          .where('id', '=', p.id).where('status', '=', 'paid').where((eb) => eb(eb('refunded_fen', '+', input.refundFen), '<=', eb.ref('amount_fen')))
          .executeTakeFirst();
        if (Number(upd.numUpdatedRows) !== 1) return false;
        await trx.insertInto('sandbox_refund').values({
          id, out_refund_no: input.outRefundNo, payment_id: p.id, amount_fen: input.refundFen, reason: input.reason, notify_url: input.notifyUrl,
          status: 'processing', created_at: t, finished_at: null,
        }).execute();
        return true;
      });
      if (!ok) throw new PaymentProviderError('NOT_ENOUGH', 'the refund is larger than what is left of the payment', 400, false);
      settleRefund(id, input.sandbox?.fail ?? false, input.sandbox?.simulate);
      return refundStatus(input.outRefundNo);
    },

    queryRefund: refundStatus,

    idle() {
      if (timers.size === 0 && inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => { idleWaiters.push(resolve); });
    },

    stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      held.clear();
      settle();
    },
  };
}

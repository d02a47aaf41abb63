import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { makeUser, type MadeUser } from '../../../test/factories.js';
import { paymentsFor, PaymentNotificationError, type PaymentEvent, type RawNotification, type SandboxProvider } from './index.js';
import { signSandboxNotification } from './sandbox.js';

const SECRET = 'test-sandbox-secret-0123456789';
const NOTIFY_URL = '/api/v1/payments/notify/sandbox';

let t: TestApp;
let sandbox: SandboxProvider;
let buyer: MadeUser;
let other: MadeUser;

/** The test sink: what the orders module will do with each delivery, minus the orders. */
const received: RawNotification[] = [];
const events: PaymentEvent[] = [];
const refusals: PaymentNotificationError[] = [];
let failNext = 0;

beforeAll(async () => {
  t = await createTestApp({ sandboxPay: { secret: SECRET, notifyDelayMs: 20 } });
  const payments = paymentsFor(t.deps);
  sandbox = payments.sandbox!;
  payments.onNotification(async (n) => {
    received.push(n);
    if (failNext > 0) {
      failNext--;
      throw new Error('handler down');
    }
    try {
      events.push(await payments.provider.parseNotification(n.rawBody, n.headers));
    } catch (err) {
      if (err instanceof PaymentNotificationError) refusals.push(err);
      else throw err;
    }
  });
  buyer = await makeUser(t, [{ role: 'buyer' }], '买家甲');
  other = await makeUser(t, [{ role: 'buyer' }], '买家乙');
});
afterAll(async () => { await t?.close(); });
beforeEach(() => { received.length = 0; events.length = 0; refusals.length = 0; failNext = 0; });

const outTradeNo = () => `P${randomBytes(8).toString('hex')}`;
async function start(amountFen = 5990, opts: { expiresInMs?: number; userId?: string } = {}) {
  const s = await sandbox.startPayment({
    outTradeNo: outTradeNo(), amountFen, description: '靖宇蓝莓 2斤装', buyer: { userId: opts.userId ?? buyer.id },
    notifyUrl: NOTIFY_URL, expiresAt: new Date(Date.now() + (opts.expiresInMs ?? 15 * 60_000)),
  });
  if (s.kind !== 'hosted_page') throw new Error('expected a hosted page');
  return s;
}

describe('sandbox pay page', () => {
  it('pay page → confirm → one signed notification per event at the sink', async () => {
    const s = await start();
    expect(s.url).toBe(`/api/v1/sandbox-pay/${s.paymentId}`);
    const page = await buyer.client.get(s.url);
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
    expect(page.body).toContain('¥59.90');
    expect(page.body).toContain('确认支付');
    expect(page.body).toContain('取消');
    expect((await buyer.client.get(`${s.url}?lang=en`)).body).toContain('Confirm payment');
    expect((await buyer.client.request('GET', s.url, undefined, { 'accept-language': 'en-US,en;q=0.9' })).body).toContain('Cancel');

    const res = await buyer.client.post(`${s.url}/confirm`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: s.paymentId, status: 'paid', amountFen: 5990 });
    expect(received).toHaveLength(0); // asynchronous: nothing yet
    await sandbox.idle();
    expect(received).toHaveLength(1);
    expect(received[0]!.notifyUrl).toBe(NOTIFY_URL);
    expect(Object.keys(received[0]!.headers)).toEqual(expect.arrayContaining(['sandboxpay-timestamp', 'sandboxpay-nonce', 'sandboxpay-signature', 'sandboxpay-event-id']));
    expect(events).toEqual([{
      kind: 'paid', eventId: expect.stringMatching(/^EV-/), provider: 'sandbox', outTradeNo: s.outTradeNo, transactionId: expect.stringMatching(/^SBX/),
      amountFen: 5990, paidAt: res.body.paidAt, duplicate: false,
    }]);
    expect(await sandbox.queryPayment(s.outTradeNo)).toMatchObject({ state: 'paid', amountFen: 5990, transactionId: (events[0] as { transactionId: string }).transactionId });

    // Paying again is refused and sends nothing more.
    expectProblem(await buyer.client.post(`${s.url}/confirm`, {}), 409, 'payment_already_paid');
    await sandbox.idle();
    expect(received).toHaveLength(1);
    expect((await buyer.client.get(`${s.url}/status`)).body.status).toBe('paid');
  });

  it('two confirms at once pay once and notify once', async () => {
    const s = await start();
    const results = await Promise.all([1, 2, 3, 4].map(() => buyer.client.post(`${s.url}/confirm`, {})));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    await sandbox.idle();
    expect(events).toHaveLength(1);
  });

  it('a duplicate notification is verified but flagged as a replay', async () => {
    const s = await start();
    expect((await buyer.client.post(`${s.url}/confirm`, { simulate: 'duplicate' })).status).toBe(200);
    await sandbox.idle();
    expect(received).toHaveLength(2);
    expect(events.map((e) => [e.kind, e.eventId, e.duplicate])).toEqual([['paid', events[0]!.eventId, false], ['paid', events[0]!.eventId, true]]);
    expect(refusals).toHaveLength(0);
  });

  it('refuses a forged signature, a stale timestamp and a replayed nonce', async () => {
    const s = await start();
    await buyer.client.post(`${s.url}/confirm`, {});
    await sandbox.idle();
    const n = received[0]!;
    const provider = paymentsFor(t.deps).provider;
    const codeOf = (body: string, headers: Record<string, string>) =>
      provider.parseNotification(body, headers).then(() => 'accepted', (e: unknown) => (e as PaymentNotificationError).code);

    expect(await codeOf(n.rawBody, n.headers)).toBe('replayed_nonce');
    const forged = n.rawBody.replace('"amount_fen":5990', '"amount_fen":1');
    expect(await codeOf(forged, { ...n.headers })).toBe('bad_signature');
    expect(await codeOf(forged, signSandboxNotification('someone-elses-secret-123', forged, JSON.parse(forged).id, new Date()))).toBe('bad_signature');
    expect(await codeOf(n.rawBody, signSandboxNotification(SECRET, n.rawBody, JSON.parse(n.rawBody).id, new Date(Date.now() - 6 * 60_000)))).toBe('stale_timestamp');
    // A fresh, correctly signed copy of the same event is a redelivery, not a forgery.
    expect(await provider.parseNotification(n.rawBody, signSandboxNotification(SECRET, n.rawBody, JSON.parse(n.rawBody).id, new Date()))).toMatchObject({ duplicate: true });
  });

  it('another buyer can neither open nor confirm nor cancel someone else\'s payment; anonymous callers must sign in', async () => {
    const s = await start();
    expectProblem(await other.client.get(s.url), 404, 'not_found');
    expectProblem(await other.client.get(`${s.url}/status`), 404, 'not_found');
    expectProblem(await other.client.post(`${s.url}/confirm`, {}), 404, 'not_found');
    expectProblem(await other.client.post(`${s.url}/cancel`, {}), 404, 'not_found');
    expectProblem(await t.client().get(s.url), 401, 'unauthenticated');
    expectProblem(await buyer.client.request('POST', `${s.url}/confirm`, {}, { 'x-csrf-token': 'wrong' }), 403, 'csrf_failed');
    expect((await buyer.client.get(`${s.url}/status`)).body.status).toBe('created');
    await sandbox.idle();
    expect(received).toHaveLength(0);
  });

  it('cancel closes the payment; an expired one cannot be paid', async () => {
    const s = await start();
    expect((await buyer.client.post(`${s.url}/cancel`, {})).body.status).toBe('cancelled');
    expectProblem(await buyer.client.post(`${s.url}/confirm`, {}), 409, 'payment_cancelled');
    expect((await sandbox.queryPayment(s.outTradeNo)).state).toBe('closed');

    const e = await start(100, { expiresInMs: -1000 });
    expectProblem(await buyer.client.post(`${e.url}/confirm`, {}), 409, 'payment_expired');
    expect((await buyer.client.get(e.url)).body).toContain('支付已过期');
    expect((await sandbox.queryPayment(e.outTradeNo)).state).toBe('closed');
    await sandbox.idle();
    expect(received).toHaveLength(0);
  });

  it('rejects unknown test knobs and extra fields', async () => {
    const s = await start();
    expectProblem(await buyer.client.post(`${s.url}/confirm`, { simulate: 'explode' }), 400, 'validation_failed');
    expectProblem(await buyer.client.post(`${s.url}/confirm`, { amountFen: 1 }), 400, 'validation_failed');
  });
});

describe('sandbox refunds and delivery knobs', () => {
  async function paid(amountFen = 5990, simulate?: string) {
    const s = await start(amountFen);
    const r = await buyer.client.post(`${s.url}/confirm`, simulate ? { simulate } : {});
    expect(r.status).toBe(200);
    return s;
  }

  it('refunds in parts, never more than was paid, and reports each refund by notification', async () => {
    const s = await paid();
    await sandbox.idle();
    const tx = (events[0] as { transactionId: string }).transactionId;
    const r1 = await sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}1`, outTradeNo: s.outTradeNo, transactionId: tx, refundFen: 2000, totalFen: 5990, reason: '坏果', notifyUrl: NOTIFY_URL });
    expect(r1).toMatchObject({ state: 'processing', refundFen: 2000, totalFen: 5990 });
    // A retry with the same refund number is the same refund.
    expect((await sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}1`, outTradeNo: s.outTradeNo, refundFen: 2000, totalFen: 5990, reason: '坏果', notifyUrl: NOTIFY_URL })).refundId).toBe(r1.refundId);
    await expect(sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}2`, outTradeNo: s.outTradeNo, refundFen: 4000, totalFen: 5990, reason: '', notifyUrl: NOTIFY_URL })).rejects.toMatchObject({ code: 'NOT_ENOUGH' });
    await expect(sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}2`, outTradeNo: s.outTradeNo, refundFen: 6000, totalFen: 5990, reason: '', notifyUrl: NOTIFY_URL })).rejects.toMatchObject({ code: 'invalid_request' });
    await sandbox.idle();
    expect(events.at(-1)).toMatchObject({ kind: 'refund_succeeded', outTradeNo: s.outTradeNo, outRefundNo: `R${s.outTradeNo}1`, refundFen: 2000, totalFen: 5990, transactionId: tx });
    expect(await sandbox.queryRefund(`R${s.outTradeNo}1`)).toMatchObject({ state: 'succeeded', succeededAt: expect.any(String) });

    await sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}3`, outTradeNo: s.outTradeNo, refundFen: 3990, totalFen: 5990, reason: '', notifyUrl: NOTIFY_URL });
    await sandbox.idle();
    expect((await sandbox.queryPayment(s.outTradeNo)).state).toBe('refunded');
    expect((await buyer.client.get(`${s.url}/status`)).body).toMatchObject({ status: 'refunded', refundedFen: 5990 });
  });

  it('concurrent refunds never exceed the payment', async () => {
    const s = await paid(1000);
    await sandbox.idle();
    const tries = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}c${i}`, outTradeNo: s.outTradeNo, refundFen: 400, totalFen: 1000, reason: '', notifyUrl: NOTIFY_URL })));
    expect(tries.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    await sandbox.idle();
    expect((await buyer.client.get(`${s.url}/status`)).body.refundedFen).toBe(800);
  });

  it('a failed refund is reported and gives its amount back to what can be refunded', async () => {
    const s = await paid(1000);
    await sandbox.idle();
    await sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}f`, outTradeNo: s.outTradeNo, refundFen: 1000, totalFen: 1000, reason: '', notifyUrl: NOTIFY_URL, sandbox: { fail: true } });
    await sandbox.idle();
    expect(events.at(-1)).toMatchObject({ kind: 'refund_failed', raw: 'FAILED', refundFen: 1000 });
    expect((await buyer.client.get(`${s.url}/status`)).body).toMatchObject({ status: 'paid', refundedFen: 0 });
  });

  it('out of order: the refund notification arrives before the payment\'s', async () => {
    const s = await paid(1000, 'out_of_order');
    await sandbox.idle();
    expect(received).toHaveLength(0); // held back
    const tx = (await sandbox.queryPayment(s.outTradeNo)).transactionId!;
    await sandbox.startRefund({ outRefundNo: `R${s.outTradeNo}o`, outTradeNo: s.outTradeNo, transactionId: tx, refundFen: 1000, totalFen: 1000, reason: '', notifyUrl: NOTIFY_URL });
    await sandbox.idle();
    expect(events.map((e) => e.kind)).toEqual(['refund_succeeded', 'paid']);
  });

  it('late: the notification comes well after the usual delay', async () => {
    const s = await paid(1000, 'late');
    await new Promise((r) => setTimeout(r, 100)); // several times the 20 ms delay
    expect(received).toHaveLength(0);
    await sandbox.idle(); // the late one (20 × 20 ms)
    expect(events).toMatchObject([{ kind: 'paid', outTradeNo: s.outTradeNo }]);
  });

  it('retries when the handler fails, re-signed each time', async () => {
    failNext = 1;
    const s = await paid(1000);
    await sandbox.idle();
    expect(received).toHaveLength(2);
    expect(received[0]!.headers['sandboxpay-nonce']).not.toBe(received[1]!.headers['sandboxpay-nonce']);
    expect(events).toMatchObject([{ kind: 'paid', outTradeNo: s.outTradeNo, duplicate: false }]);
  });

  it('starting the same payable again returns the same page; a different amount is refused', async () => {
    const s = await start(1000);
    const again = await sandbox.startPayment({ outTradeNo: s.outTradeNo, amountFen: 1000, description: 'x', buyer: { userId: buyer.id }, notifyUrl: NOTIFY_URL, expiresAt: new Date(Date.now() + 60_000) });
    expect(again).toMatchObject({ paymentId: s.paymentId });
    await expect(sandbox.startPayment({ outTradeNo: s.outTradeNo, amountFen: 999, description: 'x', buyer: { userId: buyer.id }, notifyUrl: NOTIFY_URL, expiresAt: new Date(Date.now() + 60_000) }))
      .rejects.toMatchObject({ code: 'OUT_TRADE_NO_USED' });
  });
});

describe('with WeChat Pay as the provider', () => {
  it('registers no sandbox routes', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const w = await createTestApp({
      paymentProvider: 'wechat',
      wechatPay: {
        mchId: '1900009191', appId: 'wxd678efh567hg6787', mchSerial: 'ABCDEF01', apiV3Key: 'a7cde1ZJB1kG2e7VfTc4bCnA8uJ4s5Qm', platformSerial: 'PUB_KEY_ID_1',
        mchPrivateKeyPem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, platformPublicKeyPem: k.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      },
    });
    try {
      expect(w.routes.filter((r) => r.url.includes('sandbox-pay'))).toEqual([]);
      expect(paymentsFor(w.deps).provider.name).toBe('wechat');
      expect(paymentsFor(w.deps).sandbox).toBeNull();
    } finally {
      await w.close();
    }
  });
});

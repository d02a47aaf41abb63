import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryNonceStore } from './nonces.js';
import { PaymentNotificationError, PaymentProviderError, type PaymentProvider } from './provider.js';
import {
  beijingRfc3339, buildAuthorization, decryptResource, encryptResource, parseAuthorization, requestSignMessage,
  responseSignMessage, rsaSign, rsaVerify, wechatPayProvider,
} from './wechat.js';

// Fresh RSA-2048 keys stand in for the merchant API key and the WeChat Pay platform key.
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }) as string;

const MCH_ID = '1900009191';
const APP_ID = 'wxd678efh567hg6787';
const MCH_SERIAL = '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C';
const PLATFORM_SERIAL = 'PUB_KEY_ID_0114232134912410000000000000';
const API_V3_KEY = 'a7cde1ZJB1kG2e7VfTc4bCnA8uJ4s5Qm'; // 32 bytes
const NOW = new Date('2026-11-27T03:10:00Z');
const NOW_SEC = String(NOW.getTime() / 1000);

interface Seen { url: string; method: string; headers: Record<string, string>; body: string }

/** A stand-in for api.mch.weixin.qq.com: records each request, answers signed by the platform key. */
function fakeWechat(reply: (req: Seen) => { status: number; body?: unknown; sign?: 'platform' | 'stranger' | 'none'; timestamp?: string }) {
  const seen: Seen[] = [];
  let n = 0;
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const req: Seen = { url, method: String(init.method), headers: init.headers as Record<string, string>, body: String(init.body ?? '') };
    seen.push(req);
    const r = reply(req);
    const text = r.body === undefined ? '' : JSON.stringify(r.body);
    const ts = r.timestamp ?? NOW_SEC;
    const nonce = `resp-nonce-${++n}`;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req-${n}` };
    if (r.sign !== 'none') {
      headers['wechatpay-timestamp'] = ts;
      headers['wechatpay-nonce'] = nonce;
      headers['wechatpay-serial'] = PLATFORM_SERIAL;
      headers['wechatpay-signature'] = rsaSign(responseSignMessage(ts, nonce, text), r.sign === 'stranger' ? stranger.privateKey : platform.privateKey);
    }
    return new Response(r.status === 204 ? null : text, { status: r.status, headers });
  }) as unknown as typeof fetch;
  return { seen, fetchImpl };
}

function provider(fetchImpl: typeof fetch = fakeWechat(() => ({ status: 500 })).fetchImpl, over: Partial<Parameters<typeof wechatPayProvider>[0]> = {}) {
  const store = memoryNonceStore();
  const p = wechatPayProvider({
    mchId: MCH_ID, appId: APP_ID, mchSerial: MCH_SERIAL, mchPrivateKey: pem(merchant.privateKey, 'pkcs8'), apiV3Key: API_V3_KEY,
    platformPublicKey: pem(platform.publicKey, 'spki'), platformSerial: PLATFORM_SERIAL, nonceStore: store, fetch: fetchImpl,
    now: () => NOW, nonce: () => '593BEC0C930BF1AFEB40B4A08C8FB242', ...over,
  });
  return { p, store };
}

/** Builds a notification the way WeChat does: encrypted resource, then the whole body signed by the platform key. */
function notification(opts: {
  eventId?: string; eventType?: string; resource: Record<string, unknown>; apiV3Key?: string; timestamp?: string; nonce?: string;
  serial?: string; key?: KeyObject; originalType?: string;
}) {
  const resource = encryptResource(opts.apiV3Key ?? API_V3_KEY, JSON.stringify(opts.resource), 'fdasflkja484', opts.originalType ?? 'transaction', opts.originalType ?? 'transaction');
  const body = JSON.stringify({
    id: opts.eventId ?? 'EV-2018022511223320873', create_time: '2026-11-27T11:09:58+08:00', resource_type: 'encrypt-resource',
    event_type: opts.eventType ?? 'TRANSACTION.SUCCESS', summary: '支付成功', resource,
  });
  const timestamp = opts.timestamp ?? NOW_SEC;
  const nonce = opts.nonce ?? 'fdasfjihihihlkja484w';
  const headers = {
    'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-serial': opts.serial ?? PLATFORM_SERIAL,
    'wechatpay-signature': rsaSign(responseSignMessage(timestamp, nonce, body), opts.key ?? platform.privateKey),
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  };
  return { body, headers };
}

const PAID_RESOURCE = {
  mchid: MCH_ID, appid: APP_ID, out_trade_no: 'P20261127000001', transaction_id: '4200001234202611271234567890', trade_type: 'JSAPI',
  trade_state: 'SUCCESS', trade_state_desc: '支付成功', bank_type: 'CMC', attach: '', success_time: '2026-11-27T11:09:57+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, amount: { total: 5990, payer_total: 5990, currency: 'CNY', payer_currency: 'CNY' },
};
const REFUND_RESOURCE = {
  mchid: MCH_ID, out_trade_no: 'P20261127000001', transaction_id: '4200001234202611271234567890', out_refund_no: 'R20261127000001',
  refund_id: '50000000382019052709732678859', refund_status: 'SUCCESS', success_time: '2026-11-27T13:29:35+08:00',
  user_received_account: '招商银行信用卡0403', amount: { total: 5990, refund: 1990, payer_total: 5990, payer_refund: 1990 },
};

async function refused(p: PaymentProvider, n: { body: string; headers: Record<string, string> }, code: string) {
  const err = await p.parseNotification(n.body, n.headers).then(() => null, (e: unknown) => e);
  expect(err, code).toBeInstanceOf(PaymentNotificationError);
  expect((err as PaymentNotificationError).code).toBe(code);
}

describe('WeChat Pay v3 request signing', () => {
  it('builds the documented message and an Authorization header that verifies with the merchant public key', () => {
    expect(requestSignMessage('get', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', ''))
      .toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    const body = '{"mchid":"1900009191"}';
    const header = buildAuthorization({ mchId: MCH_ID, serialNo: MCH_SERIAL, privateKey: merchant.privateKey }, { method: 'POST', url: '/v3/pay/transactions/jsapi', body, timestamp: '1554208460', nonce: 'N1' });
    expect(header).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="N1",signature="[A-Za-z0-9+/=]{344}",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"$/);
    const a = parseAuthorization(header)!;
    expect(rsaVerify(`POST\n/v3/pay/transactions/jsapi\n1554208460\nN1\n${body}\n`, a.signature, merchant.publicKey)).toBe(true);
    expect(rsaVerify(`POST\n/v3/pay/transactions/jsapi\n1554208460\nN1\n${body} \n`, a.signature, merchant.publicKey)).toBe(false);
    expect(rsaVerify(`POST\n/v3/pay/transactions/jsapi\n1554208460\nN1\n${body}\n`, a.signature, stranger.publicKey)).toBe(false);
  });

  it('sends a JSAPI prepay signed over the exact bytes it posts, and returns wx.requestPayment params signed with the merchant key', async () => {
    const w = fakeWechat(() => ({ status: 200, body: { prepay_id: 'wx201410272009395522657a690389285100' } }));
    const { p } = provider(w.fetchImpl);
    const start = await p.startPayment({
      outTradeNo: 'P20261127000001', amountFen: 5990, description: '靖宇蓝莓 2斤装', buyer: { userId: 'usr_1', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      notifyUrl: 'https://shop.example.cn/api/v1/payments/notify/wechat', expiresAt: new Date('2026-11-27T03:25:00Z'),
    });
    const req = w.seen[0]!;
    expect(req.url).toBe('https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi');
    expect(JSON.parse(req.body)).toEqual({
      appid: APP_ID, mchid: MCH_ID, description: '靖宇蓝莓 2斤装', out_trade_no: 'P20261127000001', time_expire: '2026-11-27T11:25:00+08:00',
      notify_url: 'https://shop.example.cn/api/v1/payments/notify/wechat', amount: { total: 5990, currency: 'CNY' }, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    });
    const a = parseAuthorization(req.headers.authorization!)!;
    expect(a).toMatchObject({ mchid: MCH_ID, serial_no: MCH_SERIAL, timestamp: NOW_SEC, nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242' });
    expect(rsaVerify(requestSignMessage('POST', '/v3/pay/transactions/jsapi', a.timestamp, a.nonce_str, req.body), a.signature, merchant.publicKey)).toBe(true);

    expect(start.kind).toBe('jsapi');
    if (start.kind !== 'jsapi') return;
    expect(start.prepayId).toBe('wx201410272009395522657a690389285100');
    const q = start.params;
    expect(q).toMatchObject({ appId: APP_ID, timeStamp: NOW_SEC, package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA' });
    expect(rsaVerify(`${q.appId}\n${q.timeStamp}\n${q.nonceStr}\n${q.package}\n`, q.paySign, merchant.publicKey)).toBe(true);
  });

  it('a Native prepay returns the code_url, and a JSAPI payment without openid is refused before calling out', async () => {
    const w = fakeWechat(() => ({ status: 200, body: { code_url: 'weixin://wxpay/bizpayurl?pr=p4lpSuKzz' } }));
    const { p } = provider(w.fetchImpl);
    const base = { outTradeNo: 'P20261127000002', amountFen: 100, description: 'x', buyer: { userId: 'usr_1' }, notifyUrl: 'https://a/n', expiresAt: NOW };
    expect(await p.startPayment(base)).toMatchObject({ kind: 'native', codeUrl: 'weixin://wxpay/bizpayurl?pr=p4lpSuKzz' });
    expect(w.seen[0]!.url).toMatch(/\/v3\/pay\/transactions\/native$/);
    expect(JSON.parse(w.seen[0]!.body).payer).toBeUndefined();
    await expect(p.startPayment({ ...base, scene: 'jsapi' })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(p.startPayment({ ...base, outTradeNo: 'pay_0193a6f0-0000-7000-8000-000000000000' })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(p.startPayment({ ...base, amountFen: 12.5 })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(w.seen).toHaveLength(1);
  });

  it('formats time_expire in Beijing time', () => {
    expect(beijingRfc3339(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-28T00:30:00+08:00');
  });
});

describe('WeChat Pay v3 notifications', () => {
  it('verifies and decrypts a payment notification into a paid event', async () => {
    const { p } = provider();
    const n = notification({ resource: PAID_RESOURCE });
    expect(await p.parseNotification(n.body, n.headers)).toEqual({
      kind: 'paid', eventId: 'EV-2018022511223320873', provider: 'wechat', outTradeNo: 'P20261127000001',
      transactionId: '4200001234202611271234567890', amountFen: 5990, paidAt: '2026-11-27T03:09:57.000Z', duplicate: false,
    });
  });

  it('accepts a Buffer body and mixed-case header names', async () => {
    const { p } = provider();
    const n = notification({ resource: PAID_RESOURCE });
    const headers = Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.replace(/(^|-)w/g, (m) => m.toUpperCase()), v]));
    expect((await p.parseNotification(Buffer.from(n.body), headers)).kind).toBe('paid');
  });

  it('parses refund success and refund failure (CLOSED / ABNORMAL)', async () => {
    const { p } = provider();
    const ok = notification({ eventId: 'EV-R1', eventType: 'REFUND.SUCCESS', resource: REFUND_RESOURCE, originalType: 'refund', nonce: 'r1' });
    expect(await p.parseNotification(ok.body, ok.headers)).toEqual({
      kind: 'refund_succeeded', eventId: 'EV-R1', provider: 'wechat', outTradeNo: 'P20261127000001', outRefundNo: 'R20261127000001',
      refundId: '50000000382019052709732678859', transactionId: '4200001234202611271234567890', refundFen: 1990, totalFen: 5990,
      at: '2026-11-27T05:29:35.000Z', raw: 'SUCCESS', duplicate: false,
    });
    const closed = notification({ eventId: 'EV-R2', eventType: 'REFUND.CLOSED', resource: { ...REFUND_RESOURCE, refund_status: 'CLOSED', success_time: undefined }, originalType: 'refund', nonce: 'r2' });
    expect(await p.parseNotification(closed.body, closed.headers)).toMatchObject({ kind: 'refund_failed', raw: 'CLOSED', at: '2026-11-27T03:09:58.000Z' });
  });

  it('refuses a tampered body, a wrong serial, a foreign signer, an old or future timestamp, and missing headers', async () => {
    const { p, store } = provider();
    const n = notification({ resource: PAID_RESOURCE });
    await refused(p, { body: n.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" '), headers: n.headers }, 'bad_signature');
    await refused(p, { body: n.body, headers: { ...n.headers, 'wechatpay-serial': 'PUB_KEY_ID_OTHER' } }, 'wrong_serial');
    await refused(p, notification({ resource: PAID_RESOURCE, key: stranger.privateKey }), 'bad_signature');
    await refused(p, notification({ resource: PAID_RESOURCE, timestamp: String(Number(NOW_SEC) - 301) }), 'stale_timestamp');
    await refused(p, notification({ resource: PAID_RESOURCE, timestamp: String(Number(NOW_SEC) + 301) }), 'stale_timestamp');
    const { 'wechatpay-signature': _s, ...noSig } = n.headers;
    await refused(p, { body: n.body, headers: noSig }, 'missing_headers');
    // WeChat's signature probe (a deliberately wrong signature) must fail too.
    await refused(p, { body: n.body, headers: { ...n.headers, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/AAAA' } }, 'bad_signature');
    expect(store.size()).toBe(0); // nothing refused reached the nonce store
    expect((await p.parseNotification(n.body, n.headers)).kind).toBe('paid'); // the untouched one still passes
  });

  it('accepts a timestamp just inside the 5-minute window', async () => {
    const { p } = provider();
    expect((await p.parseNotification(...Object.values(notification({ resource: PAID_RESOURCE, timestamp: String(Number(NOW_SEC) - 299) })) as [string, Record<string, string>])).kind).toBe('paid');
  });

  it('refuses a resource encrypted with another APIv3 key, a truncated tag, a flipped ciphertext byte and changed associated data', async () => {
    const { p } = provider();
    await refused(p, notification({ resource: PAID_RESOURCE, apiV3Key: 'b'.repeat(32) }), 'decrypt_failed');
    const resource = encryptResource(API_V3_KEY, JSON.stringify(PAID_RESOURCE), 'fdasflkja484', 'transaction');
    const raw = Buffer.from(resource.ciphertext, 'base64');
    expect(() => decryptResource(API_V3_KEY, { ...resource, ciphertext: raw.subarray(0, raw.length - 4).toString('base64') })).toThrow(PaymentNotificationError);
    expect(() => decryptResource(API_V3_KEY, { ...resource, ciphertext: raw.subarray(0, 12).toString('base64') })).toThrow(/too short/);
    const flipped = Buffer.from(raw); flipped[3] = flipped[3]! ^ 1;
    expect(() => decryptResource(API_V3_KEY, { ...resource, ciphertext: flipped.toString('base64') })).toThrow(PaymentNotificationError);
    expect(() => decryptResource(API_V3_KEY, { ...resource, associated_data: 'refund' })).toThrow(PaymentNotificationError);
    expect(JSON.parse(decryptResource(API_V3_KEY, resource))).toEqual(PAID_RESOURCE);
  });

  it('refuses a replayed nonce, and flags a redelivery of the same event with a fresh nonce as a duplicate', async () => {
    const { p } = provider();
    const n = notification({ resource: PAID_RESOURCE, nonce: 'nonce-1' });
    expect((await p.parseNotification(n.body, n.headers)).duplicate).toBe(false);
    await refused(p, n, 'replayed_nonce');
    const again = notification({ resource: PAID_RESOURCE, nonce: 'nonce-2' });
    expect(await p.parseNotification(again.body, again.headers)).toMatchObject({ kind: 'paid', duplicate: true });
  });

  it('refuses unknown formats: other event types, another merchant, a failed trade, non-JSON', async () => {
    const { p } = provider();
    await refused(p, notification({ eventType: 'TRANSACTION.CLOSED', resource: PAID_RESOURCE, nonce: 'u1' }), 'unknown_format');
    await refused(p, notification({ resource: { ...PAID_RESOURCE, mchid: '1230000109' }, nonce: 'u2' }), 'unknown_format');
    await refused(p, notification({ resource: { ...PAID_RESOURCE, trade_state: 'PAYERROR' }, nonce: 'u3' }), 'unknown_format');
    const ts = NOW_SEC;
    const body = 'not json';
    await refused(p, { body, headers: { 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'u4', 'wechatpay-serial': PLATFORM_SERIAL, 'wechatpay-signature': rsaSign(responseSignMessage(ts, 'u4', body), platform.privateKey) } }, 'unknown_format');
  });
});

describe('WeChat Pay v3 calls', () => {
  it('starts a refund and parses its answer; queries a refund and a payment; closes a payment', async () => {
    const w = fakeWechat((req) => {
      if (req.url.endsWith('/v3/refund/domestic/refunds')) {
        return { status: 200, body: { refund_id: '50000000382019052709732678859', out_refund_no: 'R20261127000001', transaction_id: '4200001234202611271234567890', out_trade_no: 'P20261127000001', channel: 'ORIGINAL', user_received_account: '招商银行信用卡0403', create_time: '2026-11-27T13:29:30+08:00', status: 'PROCESSING', amount: { total: 5990, refund: 1990, payer_total: 5990, payer_refund: 1990, currency: 'CNY' } } };
      }
      if (req.url.includes('/v3/refund/domestic/refunds/')) {
        return { status: 200, body: { refund_id: '50000000382019052709732678859', out_refund_no: 'R20261127000001', out_trade_no: 'P20261127000001', status: 'SUCCESS', success_time: '2026-11-27T13:29:35+08:00', amount: { total: 5990, refund: 1990 } } };
      }
      if (req.url.endsWith('/close')) return { status: 204 };
      return { status: 200, body: { mchid: MCH_ID, out_trade_no: 'P20261127000001', transaction_id: '4200001234202611271234567890', trade_state: 'SUCCESS', success_time: '2026-11-27T11:09:57+08:00', amount: { total: 5990, payer_total: 5990, currency: 'CNY' } } };
    });
    const { p } = provider(w.fetchImpl);
    const r = await p.startRefund({ outRefundNo: 'R20261127000001', outTradeNo: 'P20261127000001', transactionId: '4200001234202611271234567890', refundFen: 1990, totalFen: 5990, reason: '坏果', notifyUrl: 'https://a/n' });
    expect(JSON.parse(w.seen[0]!.body)).toEqual({ transaction_id: '4200001234202611271234567890', out_refund_no: 'R20261127000001', reason: '坏果', notify_url: 'https://a/n', amount: { refund: 1990, total: 5990, currency: 'CNY' } });
    const a = parseAuthorization(w.seen[0]!.headers.authorization!)!;
    expect(rsaVerify(requestSignMessage('POST', '/v3/refund/domestic/refunds', a.timestamp, a.nonce_str, w.seen[0]!.body), a.signature, merchant.publicKey)).toBe(true);
    expect(r).toEqual({ outRefundNo: 'R20261127000001', outTradeNo: 'P20261127000001', refundId: '50000000382019052709732678859', state: 'processing', refundFen: 1990, totalFen: 5990, succeededAt: null, raw: 'PROCESSING' });

    expect(await p.queryRefund('R20261127000001')).toMatchObject({ state: 'succeeded', succeededAt: '2026-11-27T05:29:35.000Z' });
    expect(w.seen[1]).toMatchObject({ method: 'GET', url: 'https://api.mch.weixin.qq.com/v3/refund/domestic/refunds/R20261127000001', body: '' });

    expect(await p.queryPayment('P20261127000001')).toEqual({ outTradeNo: 'P20261127000001', state: 'paid', transactionId: '4200001234202611271234567890', amountFen: 5990, paidAt: '2026-11-27T03:09:57.000Z', raw: 'SUCCESS' });
    const q = w.seen[2]!;
    expect(q.url).toBe(`https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/P20261127000001?mchid=${MCH_ID}`);
    const qa = parseAuthorization(q.headers.authorization!)!;
    // A GET signs the path with its query string and an empty body.
    expect(rsaVerify(`GET\n/v3/pay/transactions/out-trade-no/P20261127000001?mchid=${MCH_ID}\n${qa.timestamp}\n${qa.nonce_str}\n\n`, qa.signature, merchant.publicKey)).toBe(true);

    await p.closePayment('P20261127000001');
    expect(w.seen[3]).toMatchObject({ method: 'POST', url: 'https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/P20261127000001/close', body: `{"mchid":"${MCH_ID}"}` });
  });

  it('refuses a refund larger than the payment before calling out', async () => {
    const w = fakeWechat(() => ({ status: 200, body: {} }));
    const { p } = provider(w.fetchImpl);
    await expect(p.startRefund({ outRefundNo: 'R1', outTradeNo: 'P20261127000001', refundFen: 6000, totalFen: 5990, reason: '', notifyUrl: 'https://a/n' })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(p.startRefund({ outRefundNo: 'R1', outTradeNo: 'P20261127000001', refundFen: 0, totalFen: 5990, reason: '', notifyUrl: 'https://a/n' })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(w.seen).toHaveLength(0);
  });

  it('turns {code, message} error answers into typed errors, retryable for 5xx and rate limits', async () => {
    const cases: [number, unknown, string, boolean][] = [
      [400, { code: 'PARAM_ERROR', message: '参数错误' }, 'PARAM_ERROR', false],
      [403, { code: 'NOTENOUGH', message: '基本账户余额不足' }, 'NOTENOUGH', false],
      [400, { code: 'ORDERPAID', message: '该订单已支付' }, 'ORDERPAID', false],
      [404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }, 'ORDER_NOT_EXIST', false],
      [429, { code: 'FREQUENCY_LIMITED', message: '频率超限' }, 'FREQUENCY_LIMITED', true],
      [500, { code: 'SYSTEM_ERROR', message: '系统错误' }, 'SYSTEM_ERROR', true],
      [502, 'Bad Gateway', 'http_502', true],
    ];
    for (const [status, body, code, retryable] of cases) {
      const { p } = provider(fakeWechat(() => ({ status, body })).fetchImpl);
      const err = await p.queryPayment('P20261127000001').then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(PaymentProviderError);
      expect(err).toMatchObject({ code, status, retryable });
    }
  });

  it('does not trust an answer that is unsigned, signed by someone else, or stale; and says when WeChat is unreachable', async () => {
    const body = { mchid: MCH_ID, out_trade_no: 'P20261127000001', trade_state: 'NOTPAY', amount: { total: 1 } };
    for (const reply of [{ status: 200, body, sign: 'none' as const }, { status: 200, body, sign: 'stranger' as const }, { status: 200, body, timestamp: String(Number(NOW_SEC) - 600) }]) {
      const { p } = provider(fakeWechat(() => reply).fetchImpl);
      await expect(p.queryPayment('P20261127000001')).rejects.toMatchObject({ code: 'bad_response_signature' });
    }
    const { p } = provider((async () => { throw new TypeError('fetch failed'); }) as unknown as typeof fetch);
    await expect(p.queryPayment('P20261127000001')).rejects.toMatchObject({ code: 'unreachable', status: 0, retryable: true });
  });

  it('accepts both keys as KeyObjects as well as PEM text', async () => {
    const { p } = provider(fakeWechat(() => ({ status: 200, body: { trade_state: 'NOTPAY', amount: { total: 1 } } })).fetchImpl, { platformPublicKey: platform.publicKey, mchPrivateKey: merchant.privateKey });
    expect((await p.queryPayment('P20261127000001')).state).toBe('pending');
  });
});

describe('WeChat Pay v3 platform-key rotation', () => {
  const next = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const NEXT_SERIAL = 'PUB_KEY_ID_0114232134912410000000000001';
  // A real X.509 certificate made once with openssl (testdata/), standing in for a downloaded platform certificate.
  const certPem = readFileSync(new URL('./testdata/wechat-platform-cert.pem', import.meta.url), 'utf8');
  const certKey = createPrivateKey(readFileSync(new URL('./testdata/wechat-platform-cert.key.pem', import.meta.url), 'utf8'));
  const CERT_SERIAL = '04D7D197E90E0D9B40A7AB15B4E439306C90744C';

  it('trusts the current and the next key during a rotation, each by its own serial, and nothing else', async () => {
    const { p } = provider(undefined, { extraPlatformKeys: [{ serial: NEXT_SERIAL, key: pem(next.publicKey, 'spki') }] });
    expect((await p.parseNotification(...Object.values(notification({ resource: PAID_RESOURCE, nonce: 'n-old' })) as [string, Record<string, string>])).kind).toBe('paid');
    const signedByNext = notification({ resource: PAID_RESOURCE, serial: NEXT_SERIAL, key: next.privateKey, nonce: 'n-next', eventId: 'EV-next' });
    expect((await p.parseNotification(signedByNext.body, signedByNext.headers)).kind).toBe('paid');
    // The next key's signature under the old serial (or the other way round) does not pass.
    await refused(p, notification({ resource: PAID_RESOURCE, serial: PLATFORM_SERIAL, key: next.privateKey, nonce: 'n-x' }), 'bad_signature');
    await refused(p, notification({ resource: PAID_RESOURCE, serial: 'PUB_KEY_ID_UNKNOWN', key: next.privateKey, nonce: 'n-y' }), 'wrong_serial');
    // Without the next key configured, its notifications are refused.
    const { p: old } = provider();
    await refused(old, notification({ resource: PAID_RESOURCE, serial: NEXT_SERIAL, key: next.privateKey, nonce: 'n-z' }), 'wrong_serial');
  });

  /** A /v3/certificates answer: each certificate AEAD-encrypted with the APIv3 key, the answer signed by `signer`. */
  function certificatesFetch(opts: { signer?: KeyObject; signerSerial?: string; expire?: string; apiV3Key?: string } = {}) {
    const calls: string[] = [];
    const fetchImpl = (async (url: string) => {
      calls.push(url);
      const body = JSON.stringify({
        data: [{
          serial_no: CERT_SERIAL, effective_time: '2026-01-01T00:00:00+08:00', expire_time: opts.expire ?? '2031-01-01T00:00:00+08:00',
          encrypt_certificate: encryptResource(opts.apiV3Key ?? API_V3_KEY, certPem, '61f9fcd2ab2a', 'certificate', 'certificate'),
        }],
      });
      const nonce = `cert-nonce-${calls.length}`;
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': 'application/json', 'wechatpay-timestamp': NOW_SEC, 'wechatpay-nonce': nonce, 'wechatpay-serial': opts.signerSerial ?? CERT_SERIAL,
          'wechatpay-signature': rsaSign(responseSignMessage(NOW_SEC, nonce, body), opts.signer ?? certKey),
        },
      });
    }) as unknown as typeof fetch;
    return { calls, fetchImpl };
  }

  it('certificate mode: a notification under an unknown serial downloads the certificates once, then verifies with the new one', async () => {
    const wx = certificatesFetch();
    const { p } = provider(wx.fetchImpl, { downloadCertificates: true });
    // The configured key still works; the first message also triggers the first download (nothing fetched yet).
    expect((await p.parseNotification(...Object.values(notification({ resource: PAID_RESOURCE, nonce: 'c-1' })) as [string, Record<string, string>])).kind).toBe('paid');
    expect(wx.calls).toEqual(['https://api.mch.weixin.qq.com/v3/certificates']);
    const byCert = notification({ resource: PAID_RESOURCE, serial: CERT_SERIAL, key: certKey, nonce: 'c-2', eventId: 'EV-cert' });
    expect((await p.parseNotification(byCert.body, byCert.headers)).kind).toBe('paid');
    expect(wx.calls).toHaveLength(1); // known now: no second download
    // A forged message under the new serial is still refused.
    await refused(p, notification({ resource: PAID_RESOURCE, serial: CERT_SERIAL, key: stranger.privateKey, nonce: 'c-3' }), 'bad_signature');
  });

  it('certificate mode: expired certificates, certificates that do not decrypt and answers signed by someone else are not trusted', async () => {
    // The answer is signed with the configured key, so the download itself is trusted; its one certificate has expired.
    const expired = certificatesFetch({ expire: '2026-01-01T00:00:00+08:00', signer: platform.privateKey, signerSerial: PLATFORM_SERIAL });
    const { p: p1 } = provider(expired.fetchImpl, { downloadCertificates: true });
    await refused(p1, notification({ resource: PAID_RESOURCE, serial: CERT_SERIAL, key: certKey, nonce: 'e-1' }), 'wrong_serial');

    const wrongKey = certificatesFetch({ apiV3Key: 'Z'.repeat(32) });
    const { p: p2 } = provider(wrongKey.fetchImpl, { downloadCertificates: true });
    const e2 = await p2.parseNotification(...Object.values(notification({ resource: PAID_RESOURCE, serial: CERT_SERIAL, key: certKey, nonce: 'e-2' })) as [string, Record<string, string>]).then(() => null, (e: unknown) => e);
    expect(e2).toBeInstanceOf(PaymentProviderError);
    expect((e2 as PaymentProviderError).code).toBe('bad_certificate');

    const forged = certificatesFetch({ signer: stranger.privateKey });
    const { p: p3 } = provider(forged.fetchImpl, { downloadCertificates: true });
    const e3 = await p3.parseNotification(...Object.values(notification({ resource: PAID_RESOURCE, serial: CERT_SERIAL, key: certKey, nonce: 'e-3' })) as [string, Record<string, string>]).then(() => null, (e: unknown) => e);
    expect((e3 as PaymentProviderError).code).toBe('bad_response_signature');
    // While downloads fail, more messages under unknown serials within the minute set off no new download.
    for (const nonce of ['e-4', 'e-5', 'e-6']) {
      await p3.parseNotification(...Object.values(notification({ resource: PAID_RESOURCE, serial: CERT_SERIAL, key: certKey, nonce })) as [string, Record<string, string>]).catch(() => null);
    }
    expect(forged.calls).toHaveLength(1);
  });
});

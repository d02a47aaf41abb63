import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { NonceStore } from './nonces.js';
import {
  checkRefundInput, checkStartInput, headerValue, PaymentNotificationError, PaymentProviderError,
  type JsapiPayParams, type NotificationHeaders, type PaymentEvent, type PaymentProvider, type PaymentState,
  type PaymentStatus, type RefundState, type RefundStatus,
} from './provider.js';

/**
 * WeChat Pay API v3 (直连商户), spoken with node:crypto only:
 * - requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`,
 *   the signature being SHA256withRSA (PKCS#1 v1.5) by the merchant API key over
 *   "METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n" (URL = path and query, without the host);
 * - responses and notifications carry Wechatpay-Timestamp/-Nonce/-Signature/-Serial and are
 *   verified with the platform certificate or platform public key over "TIMESTAMP\nNONCE\nBODY\n";
 * - a notification's `resource` is AEAD_AES_256_GCM encrypted with the APIv3 key (32 bytes),
 *   the 16-byte tag appended to the base64 ciphertext.
 *
 * Platform keys rotate. Several may be configured at once (the current one and the next, for
 * the overlap WeChat announces), picked by Wechatpay-Serial. In the older certificate mode the
 * provider can also download the platform certificates (GET /v3/certificates, each one
 * AEAD-encrypted with the APIv3 key) when a message names a serial it does not know, and
 * every 12 hours; expired certificates are dropped.
 */

export const WECHAT_AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** Responses and notifications older (or further ahead) than this are refused. */
export const WECHAT_TIMESTAMP_WINDOW_SEC = 5 * 60;
const GCM_TAG_BYTES = 16;

/** "METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n": what the merchant signs. */
export function requestSignMessage(method: string, url: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** "TIMESTAMP\nNONCE\nBODY\n": what WeChat signs in responses and notifications. */
export function responseSignMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** SHA256withRSA, base64. */
export function rsaSign(message: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64');
}

export function rsaVerify(message: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export interface AuthorizationParts {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

/** The Authorization header for one request. */
export function buildAuthorization(
  a: { mchId: string; serialNo: string; privateKey: KeyObject },
  req: { method: string; url: string; body: string; timestamp: string; nonce: string },
): string {
  const signature = rsaSign(requestSignMessage(req.method, req.url, req.timestamp, req.nonce, req.body), a.privateKey);
  return `${WECHAT_AUTH_SCHEMA} mchid="${a.mchId}",nonce_str="${req.nonce}",signature="${signature}",timestamp="${req.timestamp}",serial_no="${a.serialNo}"`;
}

/** Splits an Authorization header back into its parts (what WeChat's gateway does; tests use it). */
export function parseAuthorization(header: string): AuthorizationParts | null {
  if (!header.startsWith(`${WECHAT_AUTH_SCHEMA} `)) return null;
  const parts: Record<string, string> = {};
  for (const m of header.slice(WECHAT_AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) parts[m[1]!] = m[2]!;
  const keys = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
  return keys.every((k) => typeof parts[k] === 'string') ? (parts as unknown as AuthorizationParts) : null;
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
  original_type?: string;
}

/**
 * AEAD_AES_256_GCM decryption of a notification resource. The tag length is pinned to 16
 * bytes: without it Node accepts a tag cut down to 4 bytes, which weakens the check.
 */
export function decryptResource(apiV3Key: string, r: EncryptedResource): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new PaymentNotificationError('decrypt_failed', 'the APIv3 key must be 32 bytes');
  if (r.algorithm !== 'AEAD_AES_256_GCM') throw new PaymentNotificationError('unknown_format', `unknown resource algorithm ${r.algorithm}`);
  const data = Buffer.from(r.ciphertext, 'base64');
  if (data.length <= GCM_TAG_BYTES) throw new PaymentNotificationError('decrypt_failed', 'the resource ciphertext is too short');
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(r.nonce, 'utf8'), { authTagLength: GCM_TAG_BYTES });
    d.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
    d.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
    return Buffer.concat([d.update(data.subarray(0, data.length - GCM_TAG_BYTES)), d.final()]).toString('utf8');
  } catch {
    throw new PaymentNotificationError('decrypt_failed', 'the resource does not decrypt with the APIv3 key (wrong key or tampered)');
  }
}

/** The inverse of {@link decryptResource}: how WeChat builds a resource (used by tests and tools). */
export function encryptResource(apiV3Key: string, plaintext: string, nonce: string, associatedData: string, originalType = 'transaction'): EncryptedResource {
  const c = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), { authTagLength: GCM_TAG_BYTES });
  c.setAAD(Buffer.from(associatedData, 'utf8'));
  const enc = Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: enc.toString('base64'), nonce, associated_data: associatedData, original_type: originalType };
}

/** The parameters `wx.requestPayment` takes, paySign = SHA256withRSA over "appId\ntimeStamp\nnonceStr\npackage\n". */
export function jsapiPayParams(appId: string, prepayId: string, privateKey: KeyObject, timeStamp: string, nonceStr: string): JsapiPayParams {
  const pkg = `prepay_id=${prepayId}`;
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: rsaSign(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, privateKey) };
}

/** Reads a PEM public key, or the public key of a PEM X.509 certificate (the older platform-certificate mode). */
export function loadPublicKey(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  if (pem.includes('BEGIN CERTIFICATE')) return new X509Certificate(pem).publicKey;
  return createPublicKey(pem);
}

export function loadPrivateKey(pem: string | KeyObject): KeyObject {
  return typeof pem === 'string' ? createPrivateKey(pem) : pem;
}

/** RFC 3339 in Beijing time, the way WeChat writes time_expire ("2026-11-27T18:30:00+08:00"). */
export function beijingRfc3339(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Cuts to at most n characters (not UTF-16 units), so a Chinese description is never split mid-character. */
function cut(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length > n ? chars.slice(0, n).join('') : s;
}

function isoOrNull(s: unknown): string | null {
  if (typeof s !== 'string' || !s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const TRADE_STATES: Record<string, PaymentState> = {
  SUCCESS: 'paid', REFUND: 'refunded', NOTPAY: 'pending', USERPAYING: 'pending', CLOSED: 'closed', REVOKED: 'closed', PAYERROR: 'failed',
};
const REFUND_STATES: Record<string, RefundState> = { SUCCESS: 'succeeded', PROCESSING: 'processing', CLOSED: 'failed', ABNORMAL: 'failed' };
/** WeChat codes worth retrying with the same out_trade_no / out_refund_no. */
const RETRYABLE_CODES = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'FREQUENCY_LIMITED', 'BANK_ERROR', 'BANKERROR']);

export interface WechatPayOptions {
  mchId: string;
  appId: string;
  /** Serial number of the merchant API certificate (goes in serial_no). */
  mchSerial: string;
  /** The merchant API private key (apiclient_key.pem, PKCS#8). */
  mchPrivateKey: string | KeyObject;
  /** APIv3 key, 32 characters. */
  apiV3Key: string;
  /** WeChat Pay platform public key (or platform certificate) and its id/serial (Wechatpay-Serial). */
  platformPublicKey: string | KeyObject;
  platformSerial: string;
  /** More platform keys trusted beside the first, e.g. the next one during a rotation. */
  extraPlatformKeys?: { serial: string; key: string | KeyObject }[];
  /** Certificate mode: fetch platform certificates from /v3/certificates on an unknown serial and every 12 h. */
  downloadCertificates?: boolean;
  nonceStore: NonceStore;
  baseUrl?: string;
  /** Injected in tests; the network is outside the machine. */
  fetch?: typeof fetch;
  now?: () => Date;
  nonce?: () => string;
  timeoutMs?: number;
}

/** How often downloaded certificates are refreshed, and how soon an unknown serial may trigger another download. */
const CERT_REFRESH_MS = 12 * 3600_000;
const CERT_RETRY_MS = 60_000;

interface WxCertificateList {
  data?: { serial_no?: string; effective_time?: string; expire_time?: string; encrypt_certificate?: EncryptedResource }[];
}

interface WxTransaction {
  mchid?: string; appid?: string; out_trade_no?: string; transaction_id?: string; trade_state?: string;
  success_time?: string; amount?: { total?: number; payer_total?: number };
}
interface WxRefund {
  mchid?: string; out_trade_no?: string; transaction_id?: string; out_refund_no?: string; refund_id?: string;
  status?: string; refund_status?: string; success_time?: string; create_time?: string;
  amount?: { total?: number; refund?: number };
}

/** The WeChat Pay API v3 provider. */
export function wechatPayProvider(opts: WechatPayOptions): PaymentProvider {
  const privateKey = loadPrivateKey(opts.mchPrivateKey);
  // Trusted platform keys by serial; downloaded certificates carry their expiry.
  const platformKeys = new Map<string, { key: KeyObject; expiresAt: number | null }>();
  platformKeys.set(opts.platformSerial, { key: loadPublicKey(opts.platformPublicKey), expiresAt: null });
  for (const k of opts.extraPlatformKeys ?? []) platformKeys.set(k.serial, { key: loadPublicKey(k.key), expiresAt: null });
  let lastDownload = 0;
  let downloading: Promise<void> | null = null;
  const doFetch = opts.fetch ?? fetch;
  const baseUrl = (opts.baseUrl ?? 'https://api.mch.weixin.qq.com').replace(/\/$/, '');
  const now = opts.now ?? (() => new Date());
  const newNonce = opts.nonce ?? (() => randomBytes(16).toString('hex').toUpperCase());
  const unix = () => String(Math.floor(now().getTime() / 1000));

  /** The trusted key for a serial, downloading the certificates first if that may help. */
  async function keyFor(serial: string): Promise<KeyObject | null> {
    const t = now().getTime();
    if (opts.downloadCertificates) {
      const known = platformKeys.has(serial);
      if ((!known && t - lastDownload > CERT_RETRY_MS) || t - lastDownload > CERT_REFRESH_MS) {
        downloading ??= downloadCertificates().finally(() => { downloading = null; });
        try {
          await downloading;
        } catch (err) {
          if (!known) throw err;
          // A failed refresh keeps the keys we have; the next message tries again.
        }
      }
    }
    const k = platformKeys.get(serial);
    if (!k || (k.expiresAt !== null && k.expiresAt <= t)) return null;
    return k.key;
  }

  /** Header checks shared by responses and notifications; returns the verified timestamp and nonce. */
  async function verifySigned(headers: NotificationHeaders, body: string, keyOf: (serial: string) => Promise<KeyObject | null> = keyFor): Promise<{ nonce: string }> {
    const timestamp = headerValue(headers, 'Wechatpay-Timestamp');
    const nonce = headerValue(headers, 'Wechatpay-Nonce');
    const signature = headerValue(headers, 'Wechatpay-Signature');
    const serial = headerValue(headers, 'Wechatpay-Serial');
    if (!timestamp || !nonce || !signature || !serial) throw new PaymentNotificationError('missing_headers', 'Wechatpay-Timestamp, -Nonce, -Signature and -Serial are required');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now().getTime() / 1000 - Number(timestamp)) > WECHAT_TIMESTAMP_WINDOW_SEC) {
      throw new PaymentNotificationError('stale_timestamp', 'the timestamp is more than 5 minutes away from now');
    }
    const key = await keyOf(serial);
    if (!key) throw new PaymentNotificationError('wrong_serial', `signed with ${serial}, which is not a trusted platform key (${[...platformKeys.keys()].join(', ')})`);
    if (!rsaVerify(responseSignMessage(timestamp, nonce, body), signature, key)) throw new PaymentNotificationError('bad_signature', 'the signature does not verify with the platform key');
    return { nonce };
  }

  /**
   * GET /v3/certificates. Each certificate is AEAD-encrypted with the APIv3 key, which only
   * WeChat and the merchant know, so a certificate that decrypts is WeChat's; the answer's own
   * signature must then verify with one of the certificates it carries (or one we trust).
   */
  async function downloadCertificates(): Promise<void> {
    // Counted from the attempt, not the success: while WeChat is unreachable, forged messages
    // naming unknown serials must not each set off a new outbound call.
    lastDownload = now().getTime();
    const fresh = new Map<string, { key: KeyObject; expiresAt: number | null }>();
    await call<WxCertificateList>('GET', '/v3/certificates', undefined, async (list) => {
      for (const c of list?.data ?? []) {
        if (!c.serial_no || !c.encrypt_certificate) continue;
        let pemText: string;
        try {
          pemText = decryptResource(opts.apiV3Key, c.encrypt_certificate);
        } catch {
          throw new PaymentProviderError('bad_certificate', `platform certificate ${c.serial_no} does not decrypt with the APIv3 key`, 200, false);
        }
        const cert = new X509Certificate(pemText);
        const expiresAt = Date.parse(c.expire_time ?? cert.validTo);
        if (Number.isNaN(expiresAt) || expiresAt <= now().getTime()) continue;
        fresh.set(c.serial_no, { key: cert.publicKey, expiresAt });
      }
      return async (serial: string) => fresh.get(serial)?.key ?? platformKeys.get(serial)?.key ?? null;
    });
    for (const [serial, k] of fresh) platformKeys.set(serial, k);
    for (const [serial, k] of platformKeys) if (k.expiresAt !== null && k.expiresAt <= now().getTime()) platformKeys.delete(serial);
  }

  /**
   * One signed request. `trustFrom` lets an answer supply the keys that verify it (the
   * certificate download); otherwise the trusted platform keys do.
   */
  async function call<T>(
    method: 'GET' | 'POST', path: string, payload?: unknown,
    trustFrom?: (parsed: T | null) => Promise<(serial: string) => Promise<KeyObject | null>>,
  ): Promise<T | null> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const authorization = buildAuthorization({ mchId: opts.mchId, serialNo: opts.mchSerial, privateKey }, { method, url: path, body, timestamp: unix(), nonce: newNonce() });
    const headers: Record<string, string> = { accept: 'application/json', authorization, 'user-agent': 'fengshou-payments/1' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, { method, headers, ...(payload !== undefined ? { body } : {}), signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new PaymentProviderError('unreachable', `WeChat Pay unreachable: ${(err as Error).message}`, 0, true);
    }
    const text = await res.text();
    if (!res.ok) {
      let code = `http_${res.status}`;
      let message = text.slice(0, 200);
      try {
        const e = JSON.parse(text) as { code?: unknown; message?: unknown };
        if (typeof e.code === 'string') code = e.code;
        if (typeof e.message === 'string') message = e.message;
      } catch { /* not JSON: keep the status */ }
      throw new PaymentProviderError(code, `WeChat Pay refused ${method} ${path.split('?')[0]}: ${message}`, res.status, res.status >= 500 || res.status === 429 || RETRYABLE_CODES.has(code));
    }
    let parsed: T | null = null;
    if (text) {
      try {
        parsed = JSON.parse(text) as T;
      } catch {
        if (!trustFrom) parsed = null;
        else throw new PaymentProviderError('bad_response', 'WeChat Pay answered with something that is not JSON', res.status, false);
      }
    }
    try {
      await verifySigned(Object.fromEntries(res.headers.entries()), text, trustFrom ? await trustFrom(parsed) : keyFor);
    } catch (err) {
      if (err instanceof PaymentProviderError) throw err;
      throw new PaymentProviderError('bad_response_signature', `WeChat Pay response not trusted: ${(err as Error).message}`, res.status, false);
    }
    if (!text) return null;
    if (parsed === null) throw new PaymentProviderError('bad_response', 'WeChat Pay answered with something that is not JSON', res.status, false);
    return parsed;
  }

  function toPaymentStatus(t: WxTransaction, outTradeNo: string): PaymentStatus {
    const raw = t.trade_state ?? '';
    return {
      outTradeNo: t.out_trade_no ?? outTradeNo,
      state: TRADE_STATES[raw] ?? 'pending',
      transactionId: t.transaction_id ?? null,
      amountFen: t.amount?.total ?? 0,
      paidAt: isoOrNull(t.success_time),
      raw,
    };
  }

  function toRefundStatus(r: WxRefund, outRefundNo: string): RefundStatus {
    const raw = r.status ?? r.refund_status ?? '';
    return {
      outRefundNo: r.out_refund_no ?? outRefundNo,
      outTradeNo: r.out_trade_no ?? '',
      refundId: r.refund_id ?? '',
      state: REFUND_STATES[raw] ?? 'processing',
      refundFen: r.amount?.refund ?? 0,
      totalFen: r.amount?.total ?? 0,
      succeededAt: raw === 'SUCCESS' ? isoOrNull(r.success_time) : null,
      raw,
    };
  }

  const badFormat = (why: string) => new PaymentNotificationError('unknown_format', why);
  const isInt = (n: unknown): n is number => Number.isSafeInteger(n);

  return {
    name: 'wechat',

    async startPayment(input) {
      checkStartInput(input);
      const scene = input.scene ?? (input.buyer.openid ? 'jsapi' : 'native');
      if (scene === 'jsapi' && !input.buyer.openid) throw new PaymentProviderError('invalid_request', 'a JSAPI payment needs the buyer openid', 0, false);
      const body = {
        appid: opts.appId,
        mchid: opts.mchId,
        description: cut(input.description, 127),
        out_trade_no: input.outTradeNo,
        time_expire: beijingRfc3339(input.expiresAt),
        notify_url: input.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        ...(scene === 'jsapi' ? { payer: { openid: input.buyer.openid } } : {}),
      };
      if (scene === 'jsapi') {
        const r = await call<{ prepay_id?: string }>('POST', '/v3/pay/transactions/jsapi', body);
        if (!r?.prepay_id) throw new PaymentProviderError('bad_response', 'no prepay_id in the JSAPI answer', 200, false);
        return { kind: 'jsapi', provider: 'wechat', outTradeNo: input.outTradeNo, prepayId: r.prepay_id, params: jsapiPayParams(opts.appId, r.prepay_id, privateKey, unix(), newNonce()) };
      }
      const r = await call<{ code_url?: string }>('POST', '/v3/pay/transactions/native', body);
      if (!r?.code_url) throw new PaymentProviderError('bad_response', 'no code_url in the Native answer', 200, false);
      return { kind: 'native', provider: 'wechat', outTradeNo: input.outTradeNo, codeUrl: r.code_url };
    },

    async parseNotification(rawBody, headers) {
      const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
      const { nonce } = await verifySigned(headers, body);
      let n: { id?: unknown; event_type?: unknown; resource_type?: unknown; create_time?: unknown; resource?: EncryptedResource };
      try {
        n = JSON.parse(body);
      } catch {
        throw badFormat('the notification body is not JSON');
      }
      if (typeof n.id !== 'string' || typeof n.event_type !== 'string' || !n.resource || typeof n.resource.ciphertext !== 'string' || typeof n.resource.nonce !== 'string') {
        throw badFormat('the notification lacks id, event_type or resource');
      }
      let plain: WxTransaction & WxRefund;
      try {
        plain = JSON.parse(decryptResource(opts.apiV3Key, n.resource));
      } catch (err) {
        if (err instanceof PaymentNotificationError) throw err;
        throw badFormat('the decrypted resource is not JSON');
      }
      if (plain.mchid !== undefined && plain.mchid !== opts.mchId) throw badFormat(`the resource is for merchant ${plain.mchid}`);
      const eventType = n.event_type;
      let event: PaymentEvent;
      if (eventType === 'TRANSACTION.SUCCESS') {
        if (plain.trade_state !== 'SUCCESS' || !plain.out_trade_no || !plain.transaction_id || !isInt(plain.amount?.total)) throw badFormat('incomplete transaction resource');
        event = {
          kind: 'paid', eventId: n.id, provider: 'wechat', outTradeNo: plain.out_trade_no, transactionId: plain.transaction_id,
          amountFen: plain.amount.total, paidAt: isoOrNull(plain.success_time) ?? now().toISOString(), duplicate: false,
        };
      } else if (eventType === 'REFUND.SUCCESS' || eventType === 'REFUND.ABNORMAL' || eventType === 'REFUND.CLOSED') {
        if (!plain.out_trade_no || !plain.out_refund_no || !plain.refund_id || !isInt(plain.amount?.refund) || !isInt(plain.amount?.total)) throw badFormat('incomplete refund resource');
        event = {
          kind: eventType === 'REFUND.SUCCESS' ? 'refund_succeeded' : 'refund_failed', eventId: n.id, provider: 'wechat',
          outTradeNo: plain.out_trade_no, outRefundNo: plain.out_refund_no, refundId: plain.refund_id, transactionId: plain.transaction_id ?? '',
          refundFen: plain.amount.refund, totalFen: plain.amount.total,
          at: isoOrNull(plain.success_time) ?? isoOrNull(n.create_time) ?? now().toISOString(),
          raw: plain.refund_status ?? eventType.slice('REFUND.'.length), duplicate: false,
        };
      } else {
        throw badFormat(`unknown event_type ${eventType}`);
      }
      const seen = await opts.nonceStore.remember('wechat', nonce, n.id, now());
      if (!seen.nonceFresh) throw new PaymentNotificationError('replayed_nonce', 'this notification nonce was already accepted');
      return { ...event, duplicate: seen.eventSeen };
    },

    async queryPayment(outTradeNo) {
      const t = await call<WxTransaction>('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(opts.mchId)}`);
      return toPaymentStatus(t ?? {}, outTradeNo);
    },

    async closePayment(outTradeNo) {
      await call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: opts.mchId });
    },

    async startRefund(input) {
      checkRefundInput(input);
      const r = await call<WxRefund>('POST', '/v3/refund/domestic/refunds', {
        ...(input.transactionId ? { transaction_id: input.transactionId } : { out_trade_no: input.outTradeNo }),
        out_refund_no: input.outRefundNo,
        reason: cut(input.reason, 80),
        notify_url: input.notifyUrl,
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      });
      return toRefundStatus(r ?? {}, input.outRefundNo);
    },

    async queryRefund(outRefundNo) {
      const r = await call<WxRefund>('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
      return toRefundStatus(r ?? {}, outRefundNo);
    },
  };
}

import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';

/** What we send by SMS. Gateways in China only send pre-approved templates, so messages are typed. */
export type SmsMessage = { template: 'login_code'; params: { code: string } };

/** Sends a templated text message to a mainland mobile number. */
export interface SmsProvider {
  readonly name: string;
  send(phone: string, message: SmsMessage): Promise<void>;
}

export class SmsError extends Error {
  constructor(message: string, readonly providerCode?: string) {
    super(message);
  }
}

/** The Chinese text a template stands for (the development provider shows it; gateways hold their own copy). */
export function renderSms(message: SmsMessage): string {
  switch (message.template) {
    case 'login_code':
      return `【丰收】您的登录验证码是 ${message.params.code}，5分钟内有效。如非本人操作请忽略。`;
  }
}

/**
 * Development provider: writes the message to the log instead of sending it, and keeps the
 * last few in memory so a developer (or a test) can read the code it would have sent.
 */
export function devSmsProvider(log: FastifyBaseLogger): SmsProvider & { outbox: { phone: string; text: string; at: string }[] } {
  const outbox: { phone: string; text: string; at: string }[] = [];
  return {
    name: 'dev-log',
    outbox,
    async send(phone, message) {
      const text = renderSms(message);
      outbox.push({ phone, text, at: new Date().toISOString() });
      if (outbox.length > 100) outbox.shift();
      log.info({ sms: { phone, text } }, 'SMS (development provider, not sent)');
    },
  };
}

/** RFC 3986 encoding as Alibaba Cloud's POP signature wants it (space %20, * %2A, ~ kept). */
export function popEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Alibaba Cloud RPC signature v1: HMAC-SHA1 over "GET&%2F&" + the encoded sorted query, keyed by secret + "&". */
export function aliyunRpcSignature(params: Record<string, string>, secret: string, method = 'GET'): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${popEncode(k)}=${popEncode(params[k]!)}`)
    .join('&');
  const stringToSign = `${method}&${popEncode('/')}&${popEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}

export interface AliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templates: Record<SmsMessage['template'], string>;
  endpoint?: string;
  /** Injected in tests; the network is outside the machine. */
  fetch?: typeof fetch;
  now?: () => Date;
  nonce?: () => string;
}

/** Alibaba Cloud SMS (dysmsapi SendSms, API version 2017-05-25). */
export function aliyunSmsProvider(opts: AliyunSmsOptions): SmsProvider {
  const doFetch = opts.fetch ?? fetch;
  const endpoint = opts.endpoint ?? 'https://dysmsapi.aliyuncs.com/';
  return {
    name: 'aliyun',
    async send(phone, message) {
      const params: Record<string, string> = {
        AccessKeyId: opts.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        PhoneNumbers: phone,
        RegionId: 'cn-hangzhou',
        SignName: opts.signName,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: opts.nonce?.() ?? randomUUID(),
        SignatureVersion: '1.0',
        TemplateCode: opts.templates[message.template],
        TemplateParam: JSON.stringify(message.params),
        Timestamp: (opts.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
      };
      const signature = aliyunRpcSignature(params, opts.accessKeySecret);
      const query = Object.entries({ Signature: signature, ...params }).map(([k, v]) => `${popEncode(k)}=${popEncode(v)}`).join('&');
      let res: Response;
      try {
        res = await doFetch(`${endpoint}?${query}`, { method: 'GET', signal: AbortSignal.timeout(10_000) });
      } catch (err) {
        throw new SmsError(`SMS gateway unreachable: ${(err as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as { Code?: string; Message?: string };
      if (!res.ok || body.Code !== 'OK') throw new SmsError(`SMS gateway refused: ${body.Code ?? res.status} ${body.Message ?? ''}`.trim(), body.Code);
    },
  };
}

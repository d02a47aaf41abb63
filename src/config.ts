import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';
import fs from 'node:fs';
import { createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';

/** Environment variables the platform reads, validated once at start-up. */
const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  COOKIE_SECURE: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  SESSION_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 1024, maximum: 1048576, default: 19456 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  LOCKOUT_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
  RATE_LIMIT_LOGIN_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
  RATE_LIMIT_SMS_PER_HOUR: Type.Integer({ minimum: 1, default: 5 }),
  UPLOAD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 5 * 1024 * 1024 }),
  VIDEO_UPLOAD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 200 * 1024 * 1024, description: 'largest lesson or assignment video (training)' }),
  REGIONS_DB: Type.Optional(Type.String({ minLength: 1 })),
  SEED_DEMO: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_SCHEMA: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', description: 'PostgreSQL schema to run in (default public)' })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'the address buyers and payment providers reach this server at' })),
  ORDER_PAYMENT_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
  AUTO_CONFIRM_DAYS: Type.Integer({ minimum: 1, maximum: 60, default: 10 }),
  CENTER_SERVICE_FEE_BP: Type.Integer({ minimum: 0, maximum: 5000, default: 0 }),
  AFTERSALES_ESCALATE_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 48, description: 'hours without a supplier answer after which a buyer may take an after-sales case to the center' }),
  FLASH_SALE_LEAD_SECONDS: Type.Integer({ minimum: 3, maximum: 60, default: 10, description: 'how far ahead a flash sale start is announced, so slow streams see the same countdown' }),
  LIVE_SENSITIVE_WORDS: Type.Optional(Type.String({ maxLength: 20000, description: 'extra words the live-comment filter holds back, separated by commas or new lines' })),
  LIVE_MAX_PER_BUYER: Type.Integer({ minimum: 1, maximum: 999, default: 20, description: 'units one buyer may take of one run-of-show item in a session (flash sales have their own limit)' }),
  LIVE_COMMENTS_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 600, default: 20, description: 'comments one viewer may post in one live room per minute' }),
  RTMP_PUBLIC_URL: Type.String({ pattern: '^rtmps?://[^\\s]+$', default: 'rtmp://localhost:1935/live', description: 'the RTMP ingest address hosts paste into OBS, without the stream key' }),
  MEDIA_SERVER: Type.Union([Type.Literal('builtin'), Type.Literal('external'), Type.Literal('off')], { default: 'builtin', description: 'live video: the built-in RTMP server, an external media server (SRS, nginx-http-flv, a cloud service), or none' }),
  MEDIA_RTMP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 1935, description: 'built-in RTMP ingest port (0 = any free port)' }),
  MEDIA_RTMP_BIND: Type.String({ minLength: 1, default: '0.0.0.0', description: 'address the built-in RTMP ingest listens on' }),
  MEDIA_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8000, description: 'built-in HTTP-FLV port, bound to 127.0.0.1 only (0 = any free port)' }),
  RECORDINGS_DIR: Type.Optional(Type.String({ minLength: 1, description: 'where hosted sessions are recorded for replay (default DATA_DIR/recordings)' })),
  MEDIA_RECORD: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  MEDIA_HLS: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true', description: 'built-in: also keep a live HLS copy for players without Media Source Extensions (older iPhones)' }),
  MEDIA_STALL_SECONDS: Type.Integer({ minimum: 1, maximum: 60, default: 3, description: 'no video for this long counts as offline' }),
  MEDIA_INGEST_URL_TEMPLATE: Type.Optional(Type.String({ pattern: '\\{key\\}', description: 'external: what hosts push to, e.g. rtmp://srs.example.cn/live/{key}' })),
  MEDIA_PLAYBACK_URL_TEMPLATE: Type.Optional(Type.String({ pattern: '^https?://.*\\{key\\}', description: 'external: where this server reads HTTP-FLV from, e.g. http://10.0.0.5:8080/live/{key}.flv' })),
  MEDIA_HOOK_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'external: the secret the media server sends with its publish callbacks (?token=)' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis for live rooms shared by several server processes (ids, replay, fan-out); unset: one process, in-memory' })),
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', default: 'fengshou', description: 'prefix of the Redis keys and channel (several deployments may share one Redis)' }),
  TRUST_PROXY: Type.String({ default: 'false', description: "'false', a hop count, or proxy addresses/CIDRs separated by commas" }),
  SMS_PROVIDER: Type.Union([Type.Literal('dev'), Type.Literal('aliyun')], { default: 'dev' }),
  ALIYUN_SMS_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  ALIYUN_SMS_ACCESS_KEY_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  ALIYUN_SMS_SIGN_NAME: Type.Optional(Type.String({ minLength: 1 })),
  ALIYUN_SMS_TEMPLATE_LOGIN: Type.Optional(Type.String({ minLength: 1 })),
  PAYMENT_PROVIDER: Type.Union([Type.Literal('sandbox'), Type.Literal('wechat')], { default: 'sandbox' }),
  SANDBOX_PAY_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  SANDBOX_PAY_NOTIFY_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600000, default: 1000 }),
  WECHAT_MCH_ID: Type.Optional(Type.String({ pattern: '^[0-9]{8,12}$' })),
  WECHAT_APP_ID: Type.Optional(Type.String({ pattern: '^wx[0-9a-zA-Z]{16}$' })),
  WECHAT_MCH_SERIAL: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{8,64}$' })),
  WECHAT_MCH_PRIVATE_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  WECHAT_API_V3_KEY: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{32}$', description: '32 ASCII characters' })),
  WECHAT_PLATFORM_PUBLIC_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  WECHAT_PLATFORM_SERIAL: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  WECHAT_PLATFORM_NEXT_PUBLIC_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'during a platform-key rotation: the next key, trusted beside the current one' })),
  WECHAT_PLATFORM_NEXT_SERIAL: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  WECHAT_PLATFORM_CERT_DOWNLOAD: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false', description: 'certificate mode: download platform certificates from /v3/certificates' }),
  HOST_ID_KEY: Type.Optional(Type.String({ pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$', description: "32 random bytes as 64 hex characters or base64 (openssl rand -hex 32): encrypts hosts' ID numbers" })),
  NODE_ENV: Type.Optional(Type.String()),
});

const ALIYUN_KEYS = ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_TEMPLATE_LOGIN'] as const;
const WECHAT_KEYS = ['WECHAT_MCH_ID', 'WECHAT_APP_ID', 'WECHAT_MCH_SERIAL', 'WECHAT_MCH_PRIVATE_KEY_FILE', 'WECHAT_API_V3_KEY', 'WECHAT_PLATFORM_PUBLIC_KEY_FILE', 'WECHAT_PLATFORM_SERIAL'] as const;

/** Reads a PEM key file and checks that it parses, so a bad key stops start-up instead of the first payment. */
function readKeyFile(name: string, file: string, kind: 'private' | 'public'): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${name}=${JSON.stringify(file)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    if (kind === 'private') createPrivateKey(pem);
    else if (pem.includes('BEGIN CERTIFICATE')) new X509Certificate(pem);
    else createPublicKey(pem);
  } catch {
    throw new ConfigError(`Invalid configuration:\n  ${name}=${JSON.stringify(file)}: not a PEM ${kind === 'private' ? 'private key' : 'public key or certificate'}`);
  }
  return pem;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Absent means the embedded SQLite database in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
  /** PostgreSQL schema the tables live in; undefined = public. */
  readonly databaseSchema: string | undefined;
  readonly uploadsDir: string;
  readonly logLevel: string;
  readonly cookieSecure: boolean;
  readonly sessionDays: number;
  readonly argon2MemoryKib: number;
  readonly loginMaxFailures: number;
  readonly lockoutMinutes: number;
  readonly rateLimitLoginPerMinute: number;
  readonly rateLimitSmsPerHour: number;
  readonly uploadMaxBytes: number;
  /** Largest lesson or assignment video (training). */
  readonly videoUploadMaxBytes: number;
  readonly regionsDb: string | undefined;
  readonly seedDemo: boolean;
  readonly webDir: string | undefined;
  /**
   * Which X-Forwarded-For hops to believe. false (the default) uses the socket address, so a
   * client cannot forge its address to dodge rate limits or falsify the audit log.
   */
  readonly trustProxy: boolean | number | string;
  /** Redis for live rooms across processes; undefined: the in-process bus. */
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  /** Where this server is reached from outside (payment notify URLs); default http://localhost:PORT. */
  readonly publicUrl: string;
  /** How long an unpaid checkout holds its stock before it is cancelled. */
  readonly orderPaymentMinutes: number;
  /** Days after shipping when an order the buyer has not confirmed is completed for them. */
  readonly autoConfirmDays: number;
  /** The center's service fee on each completed order, in basis points of the goods amount. */
  readonly centerServiceFeeBp: number;
  /** Hours a supplier has to answer an after-sales case before the buyer may escalate it. */
  readonly aftersalesEscalateHours: number;
  /** Live room: seconds between a flash sale's start and the instant it opens (a start may ask for 3–60). */
  readonly flashSaleLeadSeconds: number;
  /** Live room: words held back by the comment filter on top of the built-in list. */
  readonly liveSensitiveWords: readonly string[];
  /** Live room: units one buyer may take of one run-of-show item in a session. */
  readonly liveMaxPerBuyer: number;
  /** Live room: comments per viewer per room per minute. */
  readonly liveCommentsPerMinute: number;
  /** The RTMP ingest address shown to hosts (rtmp://host:1935/live); the stream key is appended. */
  readonly rtmpPublicUrl: string;
  /** Live video (src/modules/live/video): which media server, its ports, recordings and the external templates. */
  readonly media: {
    server: 'builtin' | 'external' | 'off';
    rtmpPort: number; rtmpBind: string; httpPort: number;
    recordingsDir: string; record: boolean; stallSeconds: number;
    hls: boolean;
    ingestUrlTemplate: string | undefined; playbackUrlTemplate: string | undefined; hookToken: string | undefined;
  };
  /** Absent: the development provider that logs codes instead of sending them. */
  readonly aliyunSms: { accessKeyId: string; accessKeySecret: string; signName: string; templateLogin: string } | undefined;
  /** Which payment provider takes the money: the built-in sandbox (default) or WeChat Pay. */
  readonly paymentProvider: 'sandbox' | 'wechat';
  /** Sandbox notifications: HMAC key (random per process when unset) and how long after a confirm they are sent. */
  readonly sandboxPay: { secret: string; notifyDelayMs: number };
  /** WeChat Pay API v3 merchant settings, with the key files already read; present when PAYMENT_PROVIDER=wechat. */
  readonly wechatPay: {
    mchId: string; appId: string; mchSerial: string; mchPrivateKeyPem: string; apiV3Key: string; platformPublicKeyPem: string; platformSerial: string;
    /** The next platform key during a rotation (both are trusted until the old one is removed). */
    nextPlatformKey?: { serial: string; pem: string } | undefined;
    downloadCertificates?: boolean | undefined;
  } | undefined;
  /** AES-256-GCM key for hosts' ID numbers (HOST_ID_KEY; a fixed development key outside production). */
  readonly hostIdKey: Buffer;
}

/** The development key for host ID numbers: public, never used in production. */
const DEV_HOST_ID_KEY = Buffer.from('fengshou-dev-host-id-key-not-secret!!').subarray(0, 32);

/** HOST_ID_KEY: required when NODE_ENV=production; elsewhere the development key, so a dev database stays readable. */
function hostIdKey(value: string | undefined, nodeEnv: string | undefined): Buffer {
  if (!value) {
    if (nodeEnv === 'production') {
      throw new ConfigError('Invalid configuration:\n  HOST_ID_KEY is required in production: 32 random bytes as 64 hex characters, e.g. HOST_ID_KEY=$(openssl rand -hex 32). Keep it with the backups: without it the stored ID numbers cannot be read.');
    }
    return DEV_HOST_ID_KEY;
  }
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64');
}

export class ConfigError extends Error {}

/** Reads the environment into a frozen Config, or throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  const errors = [...Value.Errors(EnvSchema, converted)];
  if (errors.length > 0) {
    // Never echo a secret back into a terminal or a log: name the variable, hide its value.
    const shown = (name: string) => (/SECRET|KEY|PASSWORD|TOKEN/.test(name) ? '[hidden]' : JSON.stringify((raw as Record<string, unknown>)[name]));
    const lines = errors.map((e) => `  ${e.path.slice(1)}=${shown(e.path.slice(1))}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const e = converted as Static<typeof EnvSchema>;
  if (e.SMS_PROVIDER === 'aliyun') {
    const missing = ALIYUN_KEYS.filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  SMS_PROVIDER=aliyun needs ${missing.join(', ')}`);
  }
  if (e.MEDIA_SERVER === 'external') {
    const missing = (['MEDIA_INGEST_URL_TEMPLATE', 'MEDIA_PLAYBACK_URL_TEMPLATE', 'MEDIA_HOOK_TOKEN'] as const).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  MEDIA_SERVER=external needs ${missing.join(', ')}`);
  }
  if (e.PAYMENT_PROVIDER === 'wechat') {
    const missing = WECHAT_KEYS.filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  PAYMENT_PROVIDER=wechat needs ${missing.join(', ')}`);
    if (Boolean(e.WECHAT_PLATFORM_NEXT_PUBLIC_KEY_FILE) !== Boolean(e.WECHAT_PLATFORM_NEXT_SERIAL)) {
      throw new ConfigError('Invalid configuration:\n  WECHAT_PLATFORM_NEXT_PUBLIC_KEY_FILE and WECHAT_PLATFORM_NEXT_SERIAL go together');
    }
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sqlitePath: path.join(dataDir, 'fengshou.db'),
    databaseSchema: e.DATABASE_SCHEMA,
    uploadsDir: path.join(dataDir, 'uploads'),
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.COOKIE_SECURE === 'true',
    sessionDays: e.SESSION_DAYS,
    argon2MemoryKib: e.ARGON2_MEMORY_KIB,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    lockoutMinutes: e.LOCKOUT_MINUTES,
    rateLimitLoginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
    rateLimitSmsPerHour: e.RATE_LIMIT_SMS_PER_HOUR,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    videoUploadMaxBytes: e.VIDEO_UPLOAD_MAX_BYTES,
    regionsDb: e.REGIONS_DB,
    seedDemo: e.SEED_DEMO === 'true',
    webDir: e.WEB_DIR,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    orderPaymentMinutes: e.ORDER_PAYMENT_MINUTES,
    autoConfirmDays: e.AUTO_CONFIRM_DAYS,
    centerServiceFeeBp: e.CENTER_SERVICE_FEE_BP,
    aftersalesEscalateHours: e.AFTERSALES_ESCALATE_HOURS,
    flashSaleLeadSeconds: e.FLASH_SALE_LEAD_SECONDS,
    liveSensitiveWords: (e.LIVE_SENSITIVE_WORDS ?? '').split(/[,，\n]/).map((w) => w.trim()).filter(Boolean),
    liveMaxPerBuyer: e.LIVE_MAX_PER_BUYER,
    liveCommentsPerMinute: e.LIVE_COMMENTS_PER_MINUTE,
    rtmpPublicUrl: e.RTMP_PUBLIC_URL.replace(/\/$/, ''),
    media: {
      server: e.MEDIA_SERVER, rtmpPort: e.MEDIA_RTMP_PORT, rtmpBind: e.MEDIA_RTMP_BIND, httpPort: e.MEDIA_HTTP_PORT,
      recordingsDir: path.resolve(e.RECORDINGS_DIR ?? path.join(dataDir, 'recordings')), record: e.MEDIA_RECORD === 'true', stallSeconds: e.MEDIA_STALL_SECONDS,
      hls: e.MEDIA_HLS === 'true',
      ingestUrlTemplate: e.MEDIA_INGEST_URL_TEMPLATE, playbackUrlTemplate: e.MEDIA_PLAYBACK_URL_TEMPLATE, hookToken: e.MEDIA_HOOK_TOKEN,
    },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    trustProxy: e.TRUST_PROXY === 'false' ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    aliyunSms: e.SMS_PROVIDER === 'aliyun'
      ? { accessKeyId: e.ALIYUN_SMS_ACCESS_KEY_ID!, accessKeySecret: e.ALIYUN_SMS_ACCESS_KEY_SECRET!, signName: e.ALIYUN_SMS_SIGN_NAME!, templateLogin: e.ALIYUN_SMS_TEMPLATE_LOGIN! }
      : undefined,
    paymentProvider: e.PAYMENT_PROVIDER,
    sandboxPay: { secret: e.SANDBOX_PAY_SECRET ?? randomBytes(32).toString('base64url'), notifyDelayMs: e.SANDBOX_PAY_NOTIFY_DELAY_MS },
    wechatPay: e.PAYMENT_PROVIDER === 'wechat'
      ? {
          mchId: e.WECHAT_MCH_ID!, appId: e.WECHAT_APP_ID!, mchSerial: e.WECHAT_MCH_SERIAL!, apiV3Key: e.WECHAT_API_V3_KEY!, platformSerial: e.WECHAT_PLATFORM_SERIAL!,
          mchPrivateKeyPem: readKeyFile('WECHAT_MCH_PRIVATE_KEY_FILE', e.WECHAT_MCH_PRIVATE_KEY_FILE!, 'private'),
          platformPublicKeyPem: readKeyFile('WECHAT_PLATFORM_PUBLIC_KEY_FILE', e.WECHAT_PLATFORM_PUBLIC_KEY_FILE!, 'public'),
          nextPlatformKey: e.WECHAT_PLATFORM_NEXT_PUBLIC_KEY_FILE && e.WECHAT_PLATFORM_NEXT_SERIAL
            ? { serial: e.WECHAT_PLATFORM_NEXT_SERIAL, pem: readKeyFile('WECHAT_PLATFORM_NEXT_PUBLIC_KEY_FILE', e.WECHAT_PLATFORM_NEXT_PUBLIC_KEY_FILE, 'public') }
            : undefined,
          downloadCertificates: e.WECHAT_PLATFORM_CERT_DOWNLOAD === 'true',
        }
      : undefined,
    hostIdKey: hostIdKey(e.HOST_ID_KEY, e.NODE_ENV),
    ...overrides,
  });
}

import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';

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
  REGIONS_DB: Type.Optional(Type.String({ minLength: 1 })),
  SEED_DEMO: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
  TRUST_PROXY: Type.String({ default: 'false', description: "'false', a hop count, or proxy addresses/CIDRs separated by commas" }),
  SMS_PROVIDER: Type.Union([Type.Literal('dev'), Type.Literal('aliyun')], { default: 'dev' }),
  ALIYUN_SMS_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  ALIYUN_SMS_ACCESS_KEY_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  ALIYUN_SMS_SIGN_NAME: Type.Optional(Type.String({ minLength: 1 })),
  ALIYUN_SMS_TEMPLATE_LOGIN: Type.Optional(Type.String({ minLength: 1 })),
});

const ALIYUN_KEYS = ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_TEMPLATE_LOGIN'] as const;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Absent means the embedded SQLite database in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly sqlitePath: string;
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
  readonly regionsDb: string | undefined;
  readonly seedDemo: boolean;
  readonly webDir: string | undefined;
  /**
   * Which X-Forwarded-For hops to believe. false (the default) uses the socket address, so a
   * client cannot forge its address to dodge rate limits or falsify the audit log.
   */
  readonly trustProxy: boolean | number | string;
  /** Absent: the development provider that logs codes instead of sending them. */
  readonly aliyunSms: { accessKeyId: string; accessKeySecret: string; signName: string; templateLogin: string } | undefined;
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
    const lines = errors.map((e) => `  ${e.path.slice(1)}=${JSON.stringify((raw as Record<string, unknown>)[e.path.slice(1)])}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const e = converted as Static<typeof EnvSchema>;
  if (e.SMS_PROVIDER === 'aliyun') {
    const missing = ALIYUN_KEYS.filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  SMS_PROVIDER=aliyun needs ${missing.join(', ')}`);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sqlitePath: path.join(dataDir, 'fengshou.db'),
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
    regionsDb: e.REGIONS_DB,
    seedDemo: e.SEED_DEMO === 'true',
    webDir: e.WEB_DIR,
    trustProxy: e.TRUST_PROXY === 'false' ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    aliyunSms: e.SMS_PROVIDER === 'aliyun'
      ? { accessKeyId: e.ALIYUN_SMS_ACCESS_KEY_ID!, accessKeySecret: e.ALIYUN_SMS_ACCESS_KEY_SECRET!, signName: e.ALIYUN_SMS_SIGN_NAME!, templateLogin: e.ALIYUN_SMS_TEMPLATE_LOGIN! }
      : undefined,
    ...overrides,
  });
}

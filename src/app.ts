import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { Database } from './database.js';
import type { Deps } from './context.js';
import { connectDb, ping, type DbHandle } from './platform/db/connect.js';
import { migrateToLatest, pendingMigrations } from './platform/db/migrate.js';
import { groupCommit } from './platform/db/group-commit.js';
import { installErrorHandling, sendProblem } from './platform/http/errors.js';
import { installValidators } from './platform/http/validation.js';
import { installAccessControl, type Access } from './platform/http/access.js';
import { localDiskStorage } from './platform/storage.js';
import { redactUrl } from './platform/mask.js';
import { accountRoutes, aliyunSmsProvider, devSmsProvider, listenForSessionChanges, resolveSession, type SmsProvider } from './modules/accounts/index.js';
import { auditRoutes } from './modules/audit/index.js';
import { regionRoutes, openRegionSource, type RegionSource } from './modules/regions/index.js';
import { fileRoutes, startUploadSweep } from './modules/files/index.js';
import { supplierRoutes } from './modules/suppliers/index.js';
import { startLicenceJobs } from './flows/licence-expiry.js';
import { startRefundRetryJob } from './flows/refund-retry.js';
import { supplierStatusRoutes } from './flows/supplier-status.js';
import { orderRoutes, startOrderJobs } from './modules/orders/index.js';
import { catalogRoutes } from './modules/catalog/index.js';
import { notificationRoutes } from './modules/notifications/index.js';
import { sandboxPayRoutes } from './modules/payments/index.js';
import { ledgerRoutes } from './modules/ledger/index.js';
import { aftersalesRoutes } from './modules/aftersales/index.js';
import { fulfilmentRoutes, startFulfilmentJobs } from './modules/fulfilment/index.js';
import { settlementRoutes } from './modules/settlement/index.js';
import { trainingRoutes } from './modules/training/index.js';
import { hostsRoutes } from './modules/hosts/index.js';
import { liveRoomRoutes } from './modules/live/room.routes.js';
import { liveSessionRoutes, startLiveSessionJobs } from './modules/live/index.js';
import { inProcessRealtime } from './platform/realtime/index.js';
import { redisRealtime } from './platform/realtime/redis.js';
import { createMediaServer, startVideo, stopVideo, videoRoutes } from './modules/live/video/index.js';
import websocket from '@fastify/websocket';
import { LIVE_CLOSE, LIVE_MAX_INBOUND_BYTES } from './contracts/live-events.js';
import { liveSocketRoutes, type LiveSocketOptions } from './modules/live/live.ws.js';

export interface BuildOptions {
  sms?: SmsProvider;
  regions?: RegionSource;
  /** PostgreSQL schema (tests isolate each file in its own). */
  pgSchema?: string;
  /** Background jobs (licence expiry, order expiry, the upload sweep…); off in most tests, which call the jobs directly. */
  jobs?: boolean;
  logger?: boolean;
  /** Live-room socket knobs (tests make heartbeats and stats fast). */
  live?: LiveSocketOptions;
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
}

export interface Built {
  app: FastifyInstance;
  /** Every route registered, with its declared access (the route × role test walks these). */
  routes: RouteInfo[];
  deps: Deps;
  dbHandle: DbHandle<Database>;
  close: () => Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Finds the built web app: dist/web next to the compiled server, or at the project root. */
function findWebDir(config: Config): string | null {
  const candidates = [config.webDir, path.resolve(here, '../../web'), path.resolve(here, '../dist/web'), path.resolve('dist/web')];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, 'index.html'))) return c;
  return null;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<Built> {
  const app = Fastify({
    logger: opts.logger === false ? false : {
      level: config.logLevel,
      redact: { paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.newPassword', '*.currentPassword'], censor: '[redacted]' },
      // URLs may carry a phone number (?phone=…): logs keep it masked like every other view.
      // …and secrets in query strings (the media server's publish callback carries ?token=) stay out of them.
      serializers: {
        req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
          method: req.method, url: redactUrl(req.url), host: req.hostname, remoteAddress: req.ip,
        }),
      },
    },
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
    trustProxy: typeof config.trustProxy === 'number'
      ? ((hops: number) => (_address: string, hop: number) => hop < hops)(config.trustProxy)
      : typeof config.trustProxy === 'string' ? config.trustProxy.split(',').map((a) => a.trim()) : config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installValidators(app);

  const pgSchema = opts.pgSchema ?? config.databaseSchema;
  const dbHandle = await connectDb<Database>({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, ...(pgSchema ? { pgSchema } : {}) });
  // On PostgreSQL the bookkeeping lives in the schema we run in (public unless told otherwise).
  const migrationSchema = dbHandle.dialect === 'postgres' ? (pgSchema ?? 'public') : undefined;
  await migrateToLatest(dbHandle.db, migrationSchema);

  const regions = opts.regions ?? openRegionSource(config.regionsDb);
  // Live rooms: through Redis when several processes must share them, else in this process.
  const realtime = config.redisUrl
    ? await redisRealtime({ url: config.redisUrl, prefix: config.redisPrefix, log: app.log, ...(opts.live?.statsMs ? { presenceMs: opts.live.statsMs } : {}) })
    : inProcessRealtime();
  const deps: Deps = {
    config,
    db: dbHandle.db,
    dialect: dbHandle.dialect,
    storage: localDiskStorage(config.uploadsDir),
    sms: opts.sms ?? (config.aliyunSms
      ? aliyunSmsProvider({ ...config.aliyunSms, templates: { login_code: config.aliyunSms.templateLogin } })
      : devSmsProvider(app.log)),
    regions,
    log: app.log,
    // SQLite has one writer: grouping commits costs nothing in concurrency and saves an fsync
    // per transaction. PostgreSQL runs transactions side by side, each on its own connection.
    transact: dbHandle.dialect === 'sqlite' ? groupCommit(dbHandle.db) : (fn) => dbHandle.db.transaction().execute(fn),
    media: await createMediaServer(config, app.log),
    realtime,
  };
  // A sign-out or a role taken away in another process applies here at once (session-cache.ts).
  listenForSessionChanges(deps);

  const routes: RouteInfo[] = [];
  // Describe each route's access in the OpenAPI document; runs before swagger's own hook.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.access });
    const access = route.config?.access;
    if (access === undefined || !route.schema) return;
    const who = access === 'public' ? 'Anyone' : access === 'user' ? 'Any signed-in user' : `Roles: ${access.join(', ')}`;
    route.schema = { ...route.schema, description: `${route.schema.description ?? ''}\n\n**Access:** ${who}`.trim(), 'x-access': access } as typeof route.schema;
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Fengshou 丰收 API', version: '1', description: 'County live-stream commerce platform. Errors are RFC 9457 problem+json with a stable `code`. State-changing calls by a signed-in user need the `x-csrf-token` header from /api/v1/auth/me.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'fs_session' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  // Live-room sockets (src/modules/live/live.ws.ts): small inbound frames only; on shutdown every
  // viewer is told 1001 so its client reconnects (to another process, or this one restarted).
  await app.register(websocket, {
    options: { maxPayload: LIVE_MAX_INBOUND_BYTES, perMessageDeflate: false },
    errorHandler: (err, socket, req) => {
      req.log.warn({ err: err.message, code: (err as { code?: string }).code }, 'websocket error');
      if (socket.readyState === socket.OPEN) socket.terminate();
    },
    preClose: function (done) {
      for (const client of this.websocketServer.clients) client.close(LIVE_CLOSE.goingAway, 'server restarting');
      this.websocketServer.close(() => done());
    },
  });

  installErrorHandling(app);
  installAccessControl(app, (token) => resolveSession(deps, token));

  // Hooks on every request that wait on nothing take a callback rather than being async: a
  // promise per hook per request showed in the flash-sale profile.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id); // the same id is in the logs and in problem bodies
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'SAMEORIGIN');
    done(null, payload);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (req, reply) => {
    try {
      await ping(deps.db);
      const pending = await pendingMigrations(deps.db, migrationSchema);
      if (pending.length) return sendProblem(reply, req, 503, 'migrations_pending', `Pending migrations: ${pending.join(', ')}`);
      return { status: 'ready', database: deps.dialect };
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      return sendProblem(reply, req, 503, 'database_unreachable', 'The database cannot be reached');
    }
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    await api.register(accountRoutes(deps));
    await api.register(regionRoutes(deps));
    await api.register(auditRoutes(deps));
    await api.register(notificationRoutes(deps));
    await api.register(fileRoutes(deps));
    await api.register(supplierRoutes(deps));
    await api.register(supplierStatusRoutes(deps));
    await api.register(orderRoutes(deps));
    await api.register(catalogRoutes(deps));
    await api.register(sandboxPayRoutes(deps));
    await api.register(ledgerRoutes(deps));
    await api.register(aftersalesRoutes(deps));
    await api.register(fulfilmentRoutes(deps));
    await api.register(settlementRoutes(deps));
    await api.register(trainingRoutes(deps));
    await api.register(hostsRoutes(deps));
    await api.register(videoRoutes(deps));
    await api.register(liveRoomRoutes(deps));
    await api.register(liveSessionRoutes(deps));
    await api.register(liveSocketRoutes(deps, opts.live));
  }, { prefix: '/api/v1' });

  const webDir = findWebDir(config);
  if (webDir) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false });
    const indexHtml = fs.readFileSync(path.join(webDir, 'index.html'));
    // Client-side routes (/, /admin/…, /p/…) all load the single-page app.
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const url = req.url.split('?')[0]!;
      if (url.startsWith('/api/')) return sendProblem(reply, req, 404, 'not_found', `No route for ${req.method} ${url}`);
      const file = path.join(webDir, path.normalize(url));
      if (file.startsWith(webDir) && url !== '/' && fs.existsSync(file) && fs.statSync(file).isFile()) return reply.sendFile(path.relative(webDir, file));
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    });
  }

  const stoppers = opts.jobs ? [startLicenceJobs(deps), startOrderJobs(deps), startFulfilmentJobs(deps), startRefundRetryJob(deps), startLiveSessionJobs(deps), startUploadSweep(deps)] : [];
  const stopJobs = () => stoppers.forEach((stop) => stop());
  // Live video: the media server (built-in RTMP ingest, external callbacks, or off) and the replay job.
  await startVideo(deps);

  return {
    app,
    routes,
    deps,
    dbHandle,
    close: async () => {
      stopJobs();
      await stopVideo(deps);
      await app.close();
      await deps.realtime.close();
      await dbHandle.close();
      if (!opts.regions) regions.close();
    },
  };
}

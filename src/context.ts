import type { Kysely, Transaction } from 'kysely';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './database.js';
import type { Dialect } from './platform/db/connect.js';
import type { TransactionRunner } from './platform/db/group-commit.js';
import type { Actor } from './platform/http/access.js';
import type { Storage } from './platform/storage.js';
import type { Realtime } from './platform/realtime/index.js';
import type { MediaServer } from './modules/live/video/media-server.js';
import type { SmsProvider } from './modules/accounts/sms.js';
import type { RegionSource } from './modules/regions/regions.source.js';

/** Long-lived things a service may need, built once in buildApp. */
export interface Deps {
  config: Config;
  db: Kysely<Database>;
  dialect: Dialect;
  storage: Storage;
  sms: SmsProvider;
  regions: RegionSource;
  log: FastifyBaseLogger;
  /** Runs a top-level write transaction: grouped commits on SQLite, one transaction each on PostgreSQL. */
  transact: TransactionRunner<Database>;
  /** Live-room events to WebSocket viewers (in-process, or across processes through Redis). */
  realtime: Realtime;
  /** Live video ingest and playback (src/modules/live/video): built-in, external or off. */
  media: MediaServer;
}

/** The first argument of every service function: who is asking, and through which connection. */
export interface Ctx {
  deps: Deps;
  db: Kysely<Database> | Transaction<Database>;
  actor: Actor | null;
  ip: string | null;
  /** Set inside inTransaction: work to run once its transaction has committed (see afterCommit). */
  committed?: (() => void)[];
}

export function ctxFromRequest(deps: Deps, req: FastifyRequest): Ctx {
  return { deps, db: deps.db, actor: req.actor, ip: req.ip };
}

/** A context for jobs and scripts that act as the system itself. */
export function systemCtx(deps: Deps): Ctx {
  return { deps, db: deps.db, actor: null, ip: null };
}

/** Runs a write on the database (see writeAlone). */
export type Writer = <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/**
 * Runs a write that needs no transaction of its own (one statement, or a few that may land
 * apart), durable when it returns. On SQLite it joins the group commit: an autocommitted
 * statement pays an fsync of its own and holds the event loop while it does (a complete
 * checkout had five of them). On PostgreSQL it runs as it is, without BEGIN and COMMIT round
 * trips. Inside a transaction it is part of that transaction.
 */
export function writeAlone<T>(ctx: Ctx, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction || ctx.deps.dialect !== 'sqlite') return fn(ctx.db);
  return ctx.deps.transact((trx) => fn(trx));
}

/** Runs fn in one transaction; nested calls join the outer one. */
export async function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  let committed: (() => void)[] = [];
  // On SQLite a job of a group commit resolves only after the batch's COMMIT, and a job that
  // threw rejects here (its savepoint rolled back): its hooks are dropped with it. The list is
  // made afresh by each run of fn, so a runner that tried again would drop a failed run's.
  const result = await ctx.deps.transact((trx) => fn({ ...ctx, db: trx, committed: (committed = []) }));
  for (const hook of committed) {
    // The write is committed whatever a hook does: its failure is logged, not the caller's.
    try { hook(); } catch (err) { ctx.deps.log.error({ err }, 'an after-commit hook failed'); }
  }
  return result;
}

/**
 * Runs fn once what ctx has written is committed: at once outside a transaction, after the
 * COMMIT inside one, never if it rolls back. For what must not outlive a rollback, such as a
 * process-wide cache of rows the transaction wrote or read.
 */
export function afterCommit(ctx: Ctx, fn: () => void): void {
  if (!ctx.db.isTransaction) return fn();
  if (!ctx.committed) throw new Error('afterCommit: a transaction not opened by inTransaction');
  ctx.committed.push(fn);
}

import { Kysely, PostgresDialect, SqliteDialect, PostgresAdapter, sql, type PostgresPool, type PostgresPoolClient, type Transaction } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import fs from 'node:fs';
import path from 'node:path';

export type Dialect = 'sqlite' | 'postgres';

export interface DbHandle<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  close: () => Promise<void>;
}

/**
 * PostgreSQL returns int8 as string and timestamptz as Date by default, while SQLite gives
 * numbers and text. We make pg return what SQLite returns, so one set of row types is true
 * for both drivers: bigint fen fits well inside Number.MAX_SAFE_INTEGER.
 */
function configurePgTypes(): void {
  pg.types.setTypeParser(20, (v) => Number(v)); // int8
  pg.types.setTypeParser(1700, (v) => Number(v)); // numeric
  pg.types.setTypeParser(1184, (v) => new Date(v).toISOString()); // timestamptz
  pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString()); // timestamp
  pg.types.setTypeParser(1082, (v) => v); // date stays YYYY-MM-DD
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests give each file its own). */
  pgSchema?: string;
  poolSize?: number;
}

export async function connectDb<DB>(opts: ConnectOptions): Promise<DbHandle<DB>> {
  if (opts.databaseUrl) {
    configurePgTypes();
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    // Fail fast with a clear error instead of on the first request.
    const client = await pool.connect();
    client.release();
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: namingHotStatements(pool) }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = opts.sqlitePath ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  configureSqlite(sqlite);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    close: () => db.destroy(),
  };
}

/**
 * The settings every connection to the app's SQLite database runs with (the app's own, and the
 * benchmark floor's raw connection, which must measure the same thing).
 */
export function configureSqlite(sqlite: SqliteDatabase.Database): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the buyer hears "ordered", even if the machine loses
  // power (NORMAL in WAL mode survives a process crash but not a power cut).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint the WAL into the database every ~40 MB instead of SQLite's 4 MB. A checkpoint
  // runs inside the COMMIT that crosses the mark, on the event loop, and copies every page
  // the WAL holds; an order batch rewrites the same hot pages (the SKU rows, the ends of
  // the indexes) again and again, so a longer interval copies each of them once instead of
  // ten times. Measured: the group commit's COMMIT time fell by a quarter and orders/s rose
  // about 15 % (docs/benchmarks.md, fifth pass). Durability is unchanged: a commit is in the
  // WAL, synced, before it returns.
  sqlite.pragma(`wal_autocheckpoint = ${SQLITE_CHECKPOINT_PAGES}`);
  // A WAL that grew past the mark (a long reader, such as a backup, holds checkpoints back) is
  // cut back to 64 MB when it is next reset, rather than keeping its largest size on disk.
  sqlite.pragma(`journal_size_limit = ${SQLITE_WAL_LIMIT_BYTES}`);
  // Keep temporary files in memory. The one that matters is the sub-journal: every job of a
  // group commit runs in a savepoint (group-commit.ts), and SQLite copies each page a job first
  // touches into it, so that the job alone can be rolled back. On a file that copy was a write
  // system call per page: the inserts of an order cost 2–3 times as much (the shop_order row
  // 57 → 23 µs), orders/s rose 27 % without it (docs/benchmarks.md, sixth pass). Durability is
  // untouched: a sub-journal only serves a rollback inside a transaction that is still open.
  sqlite.pragma('temp_store = MEMORY');
}

/** WAL pages between automatic checkpoints (10,000 × 4 KiB ≈ 40 MB; SQLite's default is 1,000). */
export const SQLITE_CHECKPOINT_PAGES = 10_000;
/** The size a reset WAL file is cut back to. */
export const SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/** A statement sent this many times on a pool is given a name (see namingHotStatements). */
const HOT_AFTER = 3;
/** At most this many named statements per pool, and this many texts counted. */
const MAX_NAMED = 1000;
const MAX_COUNTED = 10_000;
/**
 * Longer texts are never named nor counted: a batch of checkouts (orders/checkout-batch.ts) is
 * one long statement whose text changes with every batch, and counting them would keep
 * megabytes of text, and naming them a large plan per connection.
 */
const MAX_NAMED_TEXT = 8000;
/** `select *`, `"t".*`, `returning *`: result columns that follow the table's. */
const RETURNS_STAR = /\bselect\s+\*|\.\*|\breturning\s+\*/i;

/**
 * PostgreSQL parses and plans every unnamed statement it is sent, and its server shares this
 * machine's cores with us. Our statements come from a few hundred shapes (values are always
 * bound), so a shape sent a few times is given a name: each connection then parses and plans
 * it once and afterwards only binds values. Only statements with parameters are named
 * (DDL and multi-statement scripts are sent without), and the named shapes are bounded, so a
 * long-lived connection holds a bounded set.
 *
 * A named statement whose result columns a migration changes fails ("cached plan must not
 * change result type"). During a rolling upgrade the old processes keep their connections
 * while the new one adds columns, so statements that return `*` are never named (their
 * columns are the table's), and a text that fails that way anyway loses its name and is
 * prepared afresh under a new one. (Behind a pooler in transaction mode, such as PgBouncer's,
 * named statements need its prepared-statement support.)
 */
function namingHotStatements(pool: pg.Pool): PostgresPool {
  const counts = new Map<string, number>();
  const names = new Map<string, string>();
  let made = 0;
  const nameOf = (text: string): string | undefined => {
    const name = names.get(text);
    if (name || made >= MAX_NAMED || text.length > MAX_NAMED_TEXT) return name;
    if (RETURNS_STAR.test(text)) return undefined;
    const n = (counts.get(text) ?? 0) + 1;
    if (n < HOT_AFTER) {
      // Full: start counting afresh rather than never naming a shape again.
      if (!counts.has(text) && counts.size >= MAX_COUNTED) counts.clear();
      counts.set(text, n);
      return undefined;
    }
    counts.delete(text);
    const fresh = `fs${made++}`;
    names.set(text, fresh);
    return fresh;
  };
  // A plan made before a migration changed its result: the text is counted afresh and, when hot
  // again, gets a new name, which each connection prepares against the table as it is now.
  const stale = (text: string, err: unknown) => {
    if ((err as { code?: unknown }).code === '0A000') names.delete(text);
    throw err;
  };
  // Kysely keeps its connection state by client object: one wrapper per pg client.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = {
          // We never stream rows, so Kysely only ever sends text and values (no cursor).
          query: ((text: string, values?: unknown[]) => {
            const name = values?.length ? nameOf(text) : undefined;
            return name ? client.query({ name, text, values }).catch((err: unknown) => stale(text, err)) : client.query(text, values);
          }) as unknown as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(destroy),
        };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * Kysely prepares every query afresh; on SQLite preparing costs about as much as running
 * a small statement. Our queries are built from a few hundred shapes, so prepared statements
 * are kept by their SQL text (values are bound per call, so reuse is safe; we never stream
 * rows, which would keep a statement busy).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 2000) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
}

export function dialectOf(db: Kysely<any> | Transaction<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

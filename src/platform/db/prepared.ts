import { PostgresAdapter, type Compilable, type CompiledQuery, type Kysely, type QueryResult, type Transaction } from 'kysely';

/**
 * A query built and compiled once per dialect, then run with new values on every call.
 *
 * Kysely builds an immutable operation tree and compiles it to SQL on each call. On the order
 * path that cost more CPU than SQLite did running the statements (a profile of the flash-sale
 * bench: ~20 % in building and compiling). A hot query is written here once, with named
 * placeholders where the values go; its SQL is compiled the first time it runs on a dialect
 * and then only the values are bound.
 *
 *   const skuStock = preparedQuery((db, p: { id: string }) =>
 *     db.selectFrom('sku').select('stock_available').where('id', '=', p.id));
 *   const row = await skuStock.first(ctx.db, { id });
 *
 * A placeholder must stand for a value Kysely binds as a parameter, never for one it looks at
 * while building: not a list for `in` (its length shapes the SQL), not a value that may be
 * null in a comparison (`= null` and `is null` are different SQL). Those stay constants in
 * the builder, or the query stays an ordinary Kysely query.
 */
export function preparedQuery<DB, P extends Record<string, unknown>, O>(build: (db: Kysely<DB>, p: P) => Compilable<O>) {
  interface Shape { sql: string; query: CompiledQuery['query']; slots: ({ name: string } | { value: unknown })[] }
  const byDialect = new Map<string, Shape>();

  function bind(db: Kysely<DB> | Transaction<DB>, values: P): CompiledQuery<O> {
    const dialect = db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
    let shape = byDialect.get(dialect);
    if (!shape) {
      const placeholders = new Proxy({}, { get: (_t, name) => `${MARK}${String(name)}` }) as P;
      const compiled = build(db, placeholders).compile();
      shape = {
        sql: compiled.sql,
        query: compiled.query,
        slots: compiled.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? { name: v.slice(MARK.length) } : { value: v })),
      };
      byDialect.set(dialect, shape);
    }
    const parameters = shape.slots.map((s) => {
      if (!('name' in s)) return s.value;
      const v = values[s.name];
      if (v === undefined) throw new Error(`preparedQuery: no value for :${s.name}`);
      return v;
    });
    // The query id only matters to plugins that keep per-query state; we use none.
    return { sql: shape.sql, query: shape.query, parameters, queryId: NO_QUERY_ID } as CompiledQuery<O>;
  }

  const run = (db: Kysely<DB> | Transaction<DB>, values: P): Promise<QueryResult<O>> => db.executeQuery(bind(db, values));
  return {
    /** All rows. */
    all: async (db: Kysely<DB> | Transaction<DB>, values: P): Promise<O[]> => (await run(db, values)).rows,
    /** The first row, or undefined. */
    first: async (db: Kysely<DB> | Transaction<DB>, values: P): Promise<O | undefined> => (await run(db, values)).rows[0],
    /** Rows written (insert, update, delete without `returning`). */
    affected: async (db: Kysely<DB> | Transaction<DB>, values: P): Promise<number> => Number((await run(db, values)).numAffectedRows ?? 0n),
  };
}

const MARK = '\u0000param:';
const NO_QUERY_ID = Object.freeze({ queryId: 'prepared' });

/**
 * A prepared insert of one whole row into `table`: the row object itself carries the values.
 * `columns` names every column once (a `Record` so that the compiler catches a missing one).
 */
export function preparedInsert<DB, T extends keyof DB & string>(table: T, columns: Record<keyof DB[T] & string, true>) {
  const names = Object.keys(columns);
  const q = preparedQuery((db: Kysely<DB>, p: Record<string, unknown>) =>
    (db as Kysely<any>).insertInto(table).values(Object.fromEntries(names.map((c) => [c, p[c]]))));
  // The row's type is checked here, at the call, rather than inside the builder.
  return (db: Kysely<DB> | Transaction<DB>, row: DB[T]): Promise<number> => q.affected(db, row as Record<string, unknown>);
}

import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type Transaction } from 'kysely';
import { dialectOf } from './connect.js';

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
    const dialect = dialectOf(db);
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

/**
 * `insert into "t" ("a", "b") values ` and its one-row SQLite form, written once per table and
 * column list (the names are checked then), not on every checkout.
 */
const shapes = new Map<string, { head: string; oneRow: string }>();
function insertShape(table: string, columns: string[]) {
  const key = `${table}(${columns.join(',')})`;
  let shape = shapes.get(key);
  if (!shape) {
    for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new Error(`insertRows: not a plain identifier: ${name}`);
    const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
    shape = { head, oneRow: `${head}(${columns.map(() => '?').join(', ')})` };
    shapes.set(key, shape);
  }
  return shape;
}

const MARK = '\u0000param:';
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const NO_QUERY_ID = Object.freeze({ queryId: 'prepared' });

/**
 * A column value the statement works out itself instead of a bound value: an SQL expression
 * over the statement's own leading `with` clauses (PostgreSQL only; see insertRows). Only code
 * makes one; a value parsed from a request body can never be an instance of this class.
 */
export class StatementValue {
  constructor(readonly sql: string) {}
}

/** `with` clauses written before insertRows' own, with their bound values ($1… in their SQL). */
export interface LeadingClauses {
  clauses: { name: string; sql: string }[];
  parameters: unknown[];
}

/**
 * Inserts whole rows into several tables as one step: on PostgreSQL one statement (data-modifying
 * `with` clauses), so a checkout's rows cost one round trip instead of one per table; on
 * SQLite, which has no such clauses and no round trips, one statement per row. The SQL is
 * written here rather than built by Kysely (it has one shape per table and row count, and
 * SQLite's prepared statements are cached by their text, see connect.ts). Every row of a table
 * must have the same columns, none undefined; names must be plain identifiers (they are written
 * into the SQL, so a row built from a request body could never smuggle one in). Foreign keys
 * between the rows hold: PostgreSQL checks them at the end of the statement. In what order
 * PostgreSQL writes the tables is its own; a unique clash anywhere fails the whole statement.
 *
 * On PostgreSQL `lead` puts more `with` clauses first (an update, say), and a row value may be a
 * StatementValue reading them; the statement then stands alone, atomic without a transaction.
 */
export async function insertRows<DB>(db: Kysely<DB> | Transaction<DB>, tables: { [T in keyof DB & string]?: DB[T][] }, lead?: LeadingClauses): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  if (lead && !postgres) throw new Error('insertRows: leading clauses need PostgreSQL');
  // Every table is checked before anything is written (SQLite writes row by row).
  const checked = (Object.entries(tables) as [string, Record<string, unknown>[] | undefined][]).filter(([, rows]) => rows?.length).map(([table, rows]) => {
    const columns = Object.keys(rows![0]!);
    const shape = insertShape(table, columns);
    for (const row of rows!) {
      if (Object.keys(row).length !== columns.length || columns.some((c) => row[c] === undefined)) throw new Error(`insertRows: rows of ${table} differ in their columns`);
      if (!postgres && columns.some((c) => row[c] instanceof StatementValue)) throw new Error('insertRows: a StatementValue needs PostgreSQL');
    }
    return { rows: rows!, columns, ...shape };
  });
  if (lead && !checked.length) throw new Error('insertRows: leading clauses need rows after them');
  const parts: string[] = [];
  const parameters: unknown[] = lead ? [...lead.parameters] : [];
  for (const { rows, columns, head, oneRow } of checked) {
    if (!postgres) {
      for (const row of rows) await db.executeQuery(CompiledQuery.raw(oneRow, columns.map((c) => row[c])));
      continue;
    }
    const tuples = rows.map((row) => `(${columns.map((c) => {
      const v = row[c];
      if (v instanceof StatementValue) return v.sql;
      parameters.push(v);
      return `$${parameters.length}`;
    }).join(', ')})`);
    parts.push(head + tuples.join(', '));
  }
  if (!parts.length) return;
  const last = parts.pop()!;
  const clauses = [
    ...(lead?.clauses ?? []).map((c) => {
      if (!IDENTIFIER.test(c.name)) throw new Error(`insertRows: not a plain identifier: ${c.name}`);
      return `"${c.name}" as (${c.sql})`;
    }),
    ...parts.map((p, i) => `rows_${i} as (${p})`),
  ];
  const text = clauses.length ? `with ${clauses.join(', ')} ${last}` : last;
  await db.executeQuery(CompiledQuery.raw(text, parameters));
}

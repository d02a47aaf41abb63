import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';

/**
 * The WHERE clause of county scoping: the row's county starts with one of the actor's region
 * prefixes, or (for suppliers) the row belongs to one of the actor's own suppliers. With
 * neither, nothing matches. Column names are written by our own code, never by clients.
 */
export function withinScope(
  eb: ExpressionBuilder<any, any>,
  countyColumn: string,
  prefixes: string[],
  own?: { column: string; ids: string[] },
): Expression<SqlBool> {
  const ors: Expression<SqlBool>[] = prefixes.map((p) => eb(countyColumn, 'like', `${p}%`));
  if (own && own.ids.length) ors.push(eb(own.column, 'in', own.ids));
  // A literal false: SQLite cannot bind a JavaScript boolean as a parameter.
  return ors.length ? eb.or(ors) : sql<SqlBool>`1 = 0`;
}

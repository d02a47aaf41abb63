import { Type, type TSchema } from '@sinclair/typebox';
import { AppError } from './errors.js';

/** Query fields every list accepts. */
export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null at the end' }),
  });
}

/**
 * Cursors are opaque to clients: base64url of the last id seen. Ids are UUIDv7, so
 * `id < cursor` in descending order pages newest-first and stays stable under inserts.
 */
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]+_[0-9a-f-]{36}$/.test(id)) {
    throw new AppError(400, 'validation_failed', 'The cursor is not valid', [{ pointer: '/query/cursor', detail: 'not a cursor from this API' }]);
  }
  return id;
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** Takes limit+1 rows fetched, returns the page and the cursor for the next one. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (r: R) => T) {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: more && last ? encodeCursor(last.id) : null };
}

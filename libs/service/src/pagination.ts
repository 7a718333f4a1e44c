import { z } from 'zod';
import { HttpError } from './http-error';

/**
 * Every list pages the same way: `?limit=&cursor=` in, `{<items>, nextCursor}` out. The cursor
 * is opaque to clients (the sort key of the last item, encoded), so the order can change
 * without breaking them.
 */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Items per page (1-500)'),
  cursor: z.string().max(2000).optional().describe('The nextCursor of the previous page'),
};

export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key a cursor holds; null for the first page. A cursor that is not ours is a 400. */
export function decodeCursor(cursor: string | undefined, length: number, valid: (key: string[]) => boolean = () => true): string[] | null {
  if (cursor === undefined) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length && key.every((k) => typeof k === 'string' && !k.includes('\u0000')) && valid(key)) return key;
  } catch {
    // not base64url JSON: refused below
  }
  throw new HttpError('validation_failed', 'cursor: not a cursor from this list; pass the nextCursor of the previous page', {
    issues: [{ path: 'cursor', message: 'not a cursor from this list' }],
  });
}

/** Splits a page fetched with limit + 1 rows into the page and the cursor of the next one. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

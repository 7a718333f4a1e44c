import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('cursor pagination', () => {
  it('round-trips a sort key through an opaque cursor', () => {
    const cursor = encodeCursor(['2026-11-26T10:00:00.000Z', 'run-1']);
    expect(cursor).not.toContain('run-1');
    expect(decodeCursor(cursor, 2)).toEqual(['2026-11-26T10:00:00.000Z', 'run-1']);
    expect(decodeCursor(undefined, 2)).toBeNull();
  });

  it('refuses a cursor that is not one of ours with a 400 naming the cursor', () => {
    expect(() => decodeCursor('garbage!', 1)).toThrow(expect.objectContaining({ status: 400, code: 'validation_failed' }));
    expect(() => decodeCursor(encodeCursor(['a', 'b']), 1)).toThrow(/cursor/);
  });

  it('gives a next cursor only when there is a next page', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, 2, (r) => [r.id])).toEqual({ items: rows.slice(0, 2), nextCursor: encodeCursor(['b']) });
    expect(toPage(rows, 3, (r) => [r.id])).toEqual({ items: rows, nextCursor: null });
  });
});

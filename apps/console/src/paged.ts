import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from './api/api-error';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list read a page at a time with the API's cursor: the first page when shown, the next when
 * asked for, never the whole list at once (a tenant may have a thousand subscriptions). An answer
 * that comes after the list was reloaded is dropped.
 */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<Page<T>>, key: string) {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const fetchPage = useCallback(async (cursor: string | undefined) => {
    const mine = cursor === undefined ? ++generation.current : generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await loader.current(cursor);
      if (mine !== generation.current) return;
      setItems((shown) => (cursor === undefined ? page.items : [...shown, ...page.items]));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      if (mine === generation.current) setError(asApiError(failure));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void fetchPage(undefined);
  }, [fetchPage, key]);

  return {
    items,
    setItems,
    loading,
    error,
    hasMore: nextCursor !== null,
    reload: () => fetchPage(undefined),
    loadMore: () => (nextCursor === null ? Promise.resolve() : fetchPage(nextCursor)),
  };
}

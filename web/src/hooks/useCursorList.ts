import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../api/types.js";

export interface CursorList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
  /** Replace one item in place after an edit, without refetching the list. */
  update(match: (item: T) => boolean, next: T): void;
}

/**
 * "Load more" over a cursor-paginated endpoint. `key` identifies the query (filters): when it changes
 * the list starts over, and answers to an older query are dropped.
 */
export function useCursorList<T>(
  key: string,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [generation, setGeneration] = useState(0);
  const current = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((token: number, after: string | undefined) => {
    setLoading(true);
    setError(undefined);
    fetchRef
      .current(after)
      .then((page) => {
        if (current.current !== token) {
          return;
        }
        setItems((prev) => (after === undefined ? page.items : [...prev, ...page.items]));
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => {
        if (current.current === token) {
          setError(e);
        }
      })
      .finally(() => {
        if (current.current === token) {
          setLoading(false);
        }
      });
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: key and generation are the reload triggers
  useEffect(() => {
    const token = current.current + 1;
    current.current = token;
    setItems([]);
    setCursor(null);
    load(token, undefined);
  }, [key, generation, load]);

  const loadMore = useCallback(() => {
    if (cursor) {
      load(current.current, cursor);
    }
  }, [cursor, load]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((match: (item: T) => boolean, next: T) => {
    setItems((prev) => prev.map((item) => (match(item) ? next : item)));
  }, []);

  return { items, loading, error, hasMore: cursor !== null, loadMore, reload, update };
}

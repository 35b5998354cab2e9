import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Data<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Load `fetcher`'s data when `key` changes, and again every `refreshMs` while set (live
 * refresh). A slow answer for an old key never overwrites the new one, and the old key's data
 * is not shown once the key has changed.
 */
export function useData<T>(key: string, fetcher: () => Promise<T>, refreshMs?: number): Data<T> {
  // Kept with the key it answers, so a page never shows the last key's data under the new one.
  const [loaded, setLoaded] = useState<{ key: string; value: T } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(key);
  latest.current = key;
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    let live = true;
    setLoading(true);
    fetcherRef.current().then(
      (value) => {
        if (!live || latest.current !== key) return;
        setLoaded({ key, value });
        setError(undefined);
        setLoading(false);
      },
      (failure: Error) => {
        if (!live || latest.current !== key) return;
        setError(failure.message);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, key]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: loaded?.key === key ? loaded.value : undefined, error, loading, reload };
}

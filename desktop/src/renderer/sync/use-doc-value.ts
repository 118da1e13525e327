// Reads a value out of a Y.Doc for React: recomputed only after the document
// changes, so components re-render on real changes and never read stale data.
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';

export function useDocValue<T>(doc: Y.Doc | null, read: () => T, empty: T): T {
  const cache = useRef<{ doc: Y.Doc | null; read: () => T; version: number; value: T } | null>(null);
  const version = useRef(0);

  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!doc) return () => {};
      const handler = () => {
        version.current += 1;
        onChange();
      };
      doc.on('update', handler);
      return () => doc.off('update', handler);
    },
    [doc],
  );

  const getSnapshot = () => {
    if (!doc) return empty;
    const c = cache.current;
    if (c && c.doc === doc && c.read === read && c.version === version.current) return c.value;
    const value = read();
    cache.current = { doc, read, version: version.current, value };
    return value;
  };

  return useSyncExternalStore(subscribe, getSnapshot);
}

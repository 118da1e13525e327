// Reads a value out of a Y.Doc for React: recomputed only after the document
// changes, so components re-render on real changes and never read stale data.
// Changes are counted per document from the first read on, by one listener of
// its own, so a change that lands between a render and React's subscription
// is not missed.
import { useCallback, useRef, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';

const changeCounts = new WeakMap<Y.Doc, { n: number }>();

function changesOf(doc: Y.Doc): { n: number } {
  let count = changeCounts.get(doc);
  if (!count) {
    const fresh = { n: 0 };
    doc.on('update', () => {
      fresh.n += 1;
    });
    changeCounts.set(doc, fresh);
    count = fresh;
  }
  return count;
}

export function useDocValue<T>(doc: Y.Doc | null, read: () => T, empty: T): T {
  const cache = useRef<{ doc: Y.Doc; read: () => T; seen: number; value: T } | null>(null);

  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!doc) return () => {};
      doc.on('update', onChange);
      return () => doc.off('update', onChange);
    },
    [doc],
  );

  const getSnapshot = () => {
    if (!doc) return empty;
    const seen = changesOf(doc).n;
    const c = cache.current;
    if (c && c.doc === doc && c.read === read && c.seen === seen) return c.value;
    const value = read();
    cache.current = { doc, read, seen, value };
    return value;
  };

  return useSyncExternalStore(subscribe, getSnapshot);
}

// Keeps a Y.Doc's local copy in a DocStore: loads what is stored, then writes
// every change made afterwards (local or from the server), batched, and folds
// the log into one state now and then so loading stays fast.
import * as Y from 'yjs';
import type { DocStore } from '../../platform/common/platform.js';

const FROM_STORE = Symbol('doc-store');

export interface PersistenceOptions {
  /** Batch writes this long (ms); agent output arrives every ~50 ms. */
  flushDelayMs?: number;
  /** Replace the log with one state after this many appended batches. */
  compactAfter?: number;
  onError?: (error: unknown) => void;
}

export interface DocPersistence {
  /** Resolves once everything written so far is stored. */
  flush: () => Promise<void>;
  destroy: () => Promise<void>;
}

/** Applies the stored copy of `name` to `doc`; returns how many updates were read. */
export async function loadStoredDoc(doc: Y.Doc, name: string, store: DocStore): Promise<number> {
  return applyStoredUpdates(doc, await store.load(name));
}

/** Applies updates read from the store (marked as such, so they are not written back). */
export function applyStoredUpdates(doc: Y.Doc, updates: Uint8Array[]): number {
  if (updates.length) {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update, FROM_STORE);
    }, FROM_STORE);
  }
  return updates.length;
}

export function persistDoc(
  doc: Y.Doc,
  name: string,
  store: DocStore,
  options: PersistenceOptions = {},
): DocPersistence {
  const { flushDelayMs = 100, compactAfter = 100, onError = () => {} } = options;
  let pending: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let appended = 0;
  let chain: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    timer = null;
    if (!pending.length) return chain;
    const batch = pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending);
    pending = [];
    appended += 1;
    const compact = appended >= compactAfter;
    if (compact) appended = 0;
    chain = chain
      .then(() => (compact ? store.replace(name, Y.encodeStateAsUpdate(doc)) : store.append(name, batch)))
      .catch(onError);
    return chain;
  };

  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === FROM_STORE) return;
    pending.push(update);
    timer ??= setTimeout(() => void write(), flushDelayMs);
  };
  doc.on('update', onUpdate);

  return {
    flush: () => {
      if (timer) clearTimeout(timer);
      return write();
    },
    destroy: async () => {
      doc.off('update', onUpdate);
      if (timer) clearTimeout(timer);
      await write();
    },
  };
}

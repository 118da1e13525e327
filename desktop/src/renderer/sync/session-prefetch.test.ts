import { SessionDoc, sessionDocName, type TranscriptEntry } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AccountStorage, DocStore } from '../../platform/common/platform.js';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { DocHub } from './doc-hub.js';
import { prefetchOnIntent, SessionPrefetch } from './session-prefetch.js';
import { writeTail } from './transcript-tail.js';

/** The account's real (in-memory) store, counting the reads each document gets. */
function countingStore(docs: DocStore) {
  const reads = new Map<string, number>();
  const store: DocStore = Object.create(docs) as DocStore;
  store.load = (name) => {
    reads.set(name, (reads.get(name) ?? 0) + 1);
    return docs.load(name);
  };
  return { store, reads: (name: string) => reads.get(name) ?? 0 };
}

const entry = (i: number): TranscriptEntry => ({
  kind: 'user',
  id: `u${i}`,
  createdAt: i,
  turnId: null,
  authorId: 'me',
  text: `message ${i}`,
  attachments: [],
});

let storage: AccountStorage;
let hub: DocHub | null = null;
let stop: (() => void) | null = null;
afterEach(async () => {
  stop?.();
  stop = null;
  await hub?.destroy();
  hub = null;
  location.hash = '';
});

async function setUp() {
  storage = await new MemoryPlatform().openAccountStorage(`k${Math.random()}`);
  const doc = new SessionDoc(new Y.Doc()).init();
  doc.enqueue({ id: 'q1', authorId: 'me', createdAt: 1, text: 'stored question', attachments: [] });
  await storage.docs.append(sessionDocName('s1'), Y.encodeStateAsUpdate(doc.doc));
  await writeTail(storage.viewCache!, 's1', [entry(1), entry(2)]);
  const counting = countingStore(storage.docs);
  hub = new DocHub({ syncUrl: 'ws://127.0.0.1:9', token: 't', store: counting.store, connect: false });
  return { prefetch: new SessionPrefetch(hub, storage.viewCache), reads: counting.reads };
}

describe('opening a session early', () => {
  it('reads the document once when prefetched, and opens it from that read', async () => {
    const { prefetch, reads } = await setUp();
    prefetch.start('s1');
    prefetch.start('s1');
    expect(reads(sessionDocName('s1'))).toBe(1);
    const opened = hub!.acquire(sessionDocName('s1'));
    await opened.doc.loaded;
    expect(reads(sessionDocName('s1'))).toBe(1);
    expect(new SessionDoc(opened.doc.doc).queue().map((q) => q.text)).toEqual(['stored question']);
    expect((await prefetch.tail('s1'))?.entries.map((e) => e.id)).toEqual(['u1', 'u2']);
    opened.release();
  });

  it('reads again when nothing was prefetched, or when the document is already open', async () => {
    const { prefetch, reads } = await setUp();
    const opened = hub!.acquire(sessionDocName('s1'));
    await opened.doc.loaded;
    prefetch.start('s1');
    expect(reads(sessionDocName('s1'))).toBe(1);
    expect((await prefetch.tail('s1'))?.total).toBe(2);
    expect(await prefetch.tail('missing')).toBeNull();
    opened.release();
  });

  it('starts reading when a link to the session is pressed and when the address moves to it', async () => {
    const { prefetch, reads } = await setUp();
    stop = prefetchOnIntent(prefetch, (hash) => /^#\/s\/(\w+)$/.exec(hash)?.[1] ?? null);
    const link = document.createElement('a');
    link.href = '#/s/s1';
    link.innerHTML = '<span>Session one</span>';
    document.body.append(link);
    link.firstElementChild!.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0 }));
    expect(reads(sessionDocName('s1'))).toBe(1);
    link.remove();

    await storage.docs.append(sessionDocName('s2'), new Uint8Array([0, 0]));
    location.hash = '#/s/s2';
    await new Promise((r) => window.addEventListener('hashchange', r, { once: true }));
    expect(reads(sessionDocName('s2'))).toBe(1);
  });
});

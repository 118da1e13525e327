import { SessionDoc, sessionDocName, type UserMessage } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AccountStorage, DocStore } from '../../platform/common/platform.js';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { DocHub } from './doc-hub.js';
import { HELD_TAILS, prefetchOnIntent, SessionPrefetch } from './session-prefetch.js';
import { TAIL_LENGTH, TAIL_MAX_CHARS, tailOf, writeTail } from './transcript-tail.js';

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

const entry = (i: number): UserMessage => ({
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
  await writeTail(storage.viewCache!, 's1', tailOf([entry(1), entry(2)]));
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

  it('holds the ends of likely sessions in memory, so they are there for the first render', async () => {
    const { prefetch } = await setUp();
    expect(prefetch.peek('s1')).toBeNull();
    await prefetch.holdTails(['s1', 'never-opened']);
    expect(prefetch.peek('s1')?.entries.map((e) => e.id)).toEqual(['u1', 'u2']);
    expect(prefetch.peek('never-opened')).toBeNull();

    // Saving keeps memory and the device in step; forgetting drops both.
    await prefetch.save('s1', [entry(1), entry(2), entry(3)]);
    expect(prefetch.peek('s1')?.total).toBe(3);
    expect(JSON.parse((await storage.viewCache!.get('tail:s1'))!)).toMatchObject({ total: 3 });
    await prefetch.forget('s1');
    expect(prefetch.peek('s1')).toBeNull();
    expect(await storage.viewCache!.get('tail:s1')).toBeNull();
  });

  it('keeps where the reader left off with the tail, and keeps nothing for a session whose access is gone', async () => {
    const { prefetch } = await setUp();
    await prefetch.leave('s1', [entry(1), entry(2), entry(3)], { entryId: 'u2', offset: 12 });
    expect(prefetch.peek('s1')?.place).toEqual({ entryId: 'u2', offset: 12 });
    // A later save of the transcript keeps the place; a fresh read from the device has it too.
    await prefetch.save('s1', [entry(1), entry(2), entry(3), entry(4)]);
    const fresh = new SessionPrefetch(hub!, storage.viewCache);
    expect(await fresh.tail('s1')).toMatchObject({ total: 4, place: { entryId: 'u2', offset: 12 } });
    // Back at the newest entry: no place.
    await prefetch.leave('s1', null, null);
    expect((await new SessionPrefetch(hub!, storage.viewCache).tail('s1'))?.place).toBeUndefined();

    await prefetch.forget('s1');
    await prefetch.leave('s1', [entry(1)], { entryId: 'u1', offset: 0 });
    await prefetch.save('s1', [entry(1)]);
    expect(await storage.viewCache!.get('tail:s1')).toBeNull();
    expect(prefetch.peek('s1')).toBeNull();
  });

  it('holds at most a bounded number of tails, dropping the least recently used', async () => {
    const { prefetch } = await setUp();
    for (let i = 0; i <= HELD_TAILS; i += 1) await prefetch.save(`s${i}`, [entry(i)]);
    expect(prefetch.peek('s0')).toBeNull();
    expect(prefetch.peek(`s${HELD_TAILS}`)).not.toBeNull();
  });
});

describe('the end of a transcript', () => {
  it('keeps the newest entries, in order, within the entry and size limits', () => {
    const many = Array.from({ length: 100 }, (_, i) => entry(i));
    const tail = tailOf(many);
    expect(tail.total).toBe(100);
    expect(tail.entries.map((e) => e.id)).toEqual(many.slice(-TAIL_LENGTH).map((e) => e.id));

    const huge = { ...entry(100), text: 'x'.repeat(TAIL_MAX_CHARS - 100) };
    const bounded = tailOf([...many, huge, entry(101)]).entries;
    expect(bounded.slice(-2).map((e) => e.id)).toEqual(['u100', 'u101']);
    expect(bounded.length).toBeLessThan(TAIL_LENGTH);
    const chars = (entries: UserMessage[]) => entries.reduce((n, e) => n + e.text.length, 0);
    expect(chars(bounded as UserMessage[])).toBeLessThanOrEqual(TAIL_MAX_CHARS);
    // The next older entry would not have fitted.
    expect(chars([many[99 - bounded.length + 2]!, ...(bounded as UserMessage[])])).toBeGreaterThan(
      TAIL_MAX_CHARS,
    );
    expect(tailOf([{ ...huge, text: 'x'.repeat(TAIL_MAX_CHARS + 1) }]).entries).toEqual([]);
  });
});

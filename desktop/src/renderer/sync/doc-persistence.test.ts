import { SessionDoc } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { loadStoredDoc, persistDoc } from './doc-persistence.js';

describe('doc persistence', () => {
  it('stores every change in batches and loads the same document back', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const doc = new Y.Doc();
    const persistence = persistDoc(doc, 'session/x', storage.docs, { flushDelayMs: 10 });
    const session = new SessionDoc(doc).init();
    const writer = session.startAgentMessage('a1', null, 1);
    for (let i = 0; i < 50; i += 1) writer.append(`chunk ${i} `);
    writer.finish();
    await persistence.flush();
    // Fifty streamed chunks became far fewer stored batches.
    expect((await storage.docs.load('session/x')).length).toBeLessThan(10);

    const copy = new Y.Doc();
    await loadStoredDoc(copy, 'session/x', storage.docs);
    expect(new SessionDoc(copy).transcript()).toEqual(session.transcript());
    await persistence.destroy();
  });

  it('folds the log into one state after many batches', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const doc = new Y.Doc();
    const persistence = persistDoc(doc, 'session/y', storage.docs, { flushDelayMs: 1, compactAfter: 5 });
    const session = new SessionDoc(doc).init();
    for (let i = 0; i < 12; i += 1) {
      session.addNotice({ id: `n${i}`, turnId: null, level: 'info', text: `notice ${i}`, now: i });
      await persistence.flush();
    }
    expect((await storage.docs.load('session/y')).length).toBeLessThan(6);
    const copy = new Y.Doc();
    await loadStoredDoc(copy, 'session/y', storage.docs);
    expect(new SessionDoc(copy).transcript()).toHaveLength(12);
    await persistence.destroy();
  });

  it('does not store again what it loaded', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const source = new Y.Doc();
    new SessionDoc(source).init().addNotice({ id: 'n', turnId: null, level: 'info', text: 'hi', now: 1 });
    await storage.docs.append('session/z', Y.encodeStateAsUpdate(source));
    const doc = new Y.Doc();
    await loadStoredDoc(doc, 'session/z', storage.docs);
    const persistence = persistDoc(doc, 'session/z', storage.docs, { flushDelayMs: 1 });
    await persistence.flush();
    expect(await storage.docs.load('session/z')).toHaveLength(1);
    await persistence.destroy();
  });
});

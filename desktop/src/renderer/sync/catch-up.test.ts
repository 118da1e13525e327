import { SessionDoc, type CatchUpResponse } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { catchUpDocs } from './catch-up.js';

// The server's side of catch-up, as the sync server computes it: the update
// that brings a document from the caller's state vector to the server's state.
function serverWith(docs: Record<string, Y.Doc>, readable: (name: string) => boolean) {
  const seen: string[][] = [];
  return {
    seen,
    catchUp: async (body: { docs: { name: string; stateVector: string }[] }): Promise<CatchUpResponse> => {
      seen.push(body.docs.map((d) => d.name));
      const out: CatchUpResponse = { docs: [], denied: [] };
      for (const d of body.docs) {
        const doc = docs[d.name];
        if (!doc || !readable(d.name)) {
          out.denied.push(d.name);
          continue;
        }
        const vector = d.stateVector ? base64ToBytes(d.stateVector) : undefined;
        out.docs.push({ name: d.name, update: bytesToBase64(Y.encodeStateAsUpdate(doc, vector)) });
      }
      return out;
    },
  };
}

async function loadDoc(
  store: Awaited<ReturnType<MemoryPlatform['openAccountStorage']>>['docs'],
  name: string,
) {
  const doc = new Y.Doc();
  for (const u of await store.load(name)) Y.applyUpdate(doc, u);
  return new SessionDoc(doc);
}

describe('catchUpDocs', () => {
  it('fetches documents never stored here and only what is missing of those that are', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const a = new Y.Doc();
    new SessionDoc(a).init().addNotice({ id: 'n1', turnId: null, level: 'info', text: 'first', now: 1 });
    const b = new Y.Doc();
    new SessionDoc(b).init().addNotice({ id: 'n2', turnId: null, level: 'info', text: 'b only', now: 1 });
    // This device already has the first notice of a.
    await storage.docs.append('session/a', Y.encodeStateAsUpdate(a));
    new SessionDoc(a).addNotice({ id: 'n3', turnId: null, level: 'info', text: 'second', now: 2 });

    const server = serverWith({ 'session/a': a, 'session/b': b }, () => true);
    const result = await catchUpDocs({ store: storage.docs, catchUp: server.catchUp }, [
      'session/a',
      'session/b',
    ]);

    expect(result.updated.sort()).toEqual(['session/a', 'session/b']);
    expect((await loadDoc(storage.docs, 'session/a')).transcript().map((e) => e.id)).toEqual(['n1', 'n3']);
    expect((await loadDoc(storage.docs, 'session/b')).transcript().map((e) => e.id)).toEqual(['n2']);

    // Asking again brings nothing new and stores nothing.
    const again = await catchUpDocs({ store: storage.docs, catchUp: server.catchUp }, [
      'session/a',
      'session/b',
    ]);
    expect(again.updated).toEqual([]);
  });

  it('removes the local copy of a document the account may no longer read', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const secret = new Y.Doc();
    new SessionDoc(secret).init();
    await storage.docs.append('session/secret', Y.encodeStateAsUpdate(secret));
    const server = serverWith({ 'session/secret': secret }, () => false);
    const result = await catchUpDocs({ store: storage.docs, catchUp: server.catchUp }, ['session/secret']);
    expect(result.denied).toEqual(['session/secret']);
    expect(await storage.docs.load('session/secret')).toEqual([]);
  });

  it('asks in batches of at most 500 documents', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const server = serverWith({}, () => true);
    const names = Array.from({ length: 1_201 }, (_, i) => `session/s${i}`);
    await catchUpDocs({ store: storage.docs, catchUp: server.catchUp }, names);
    expect(server.seen.map((b) => b.length)).toEqual([500, 500, 201]);
  });
});

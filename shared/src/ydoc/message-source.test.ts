import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SessionDoc } from './session-doc.js';
import { parseSource } from './session-entries.js';

describe('a message’s source', () => {
  it('goes with the message from the queue into the transcript, on every replica', () => {
    const server = new SessionDoc(new Y.Doc()).init();
    server.enqueue({
      id: 'm1',
      authorId: 'owner',
      createdAt: 5,
      text: 'Webhook payload',
      attachments: [],
      source: { kind: 'trigger', name: 'Failed deploys' },
    });
    const taken = server.beginTurn('t1', 6);
    expect(taken?.source).toEqual({ kind: 'trigger', name: 'Failed deploys' });

    const replica = new SessionDoc(new Y.Doc());
    Y.applyUpdate(replica.doc, Y.encodeStateAsUpdate(server.doc));
    const [entry] = replica.transcript();
    expect(entry).toMatchObject({ kind: 'user', source: { kind: 'trigger', name: 'Failed deploys' } });
  });

  it('is believed only when well formed; anything else reads as a person’s message', () => {
    expect(parseSource({ kind: 'slack', name: '#ops' })).toEqual({ kind: 'slack', name: '#ops' });
    expect(parseSource({ kind: 'admin', name: 'System' })).toBeNull();
    expect(parseSource({ kind: 'trigger' })).toBeNull();
    expect(parseSource('trigger')).toBeNull();
  });
});

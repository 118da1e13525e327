// A queued message edited while the runner takes it: two replicas racing, as
// the composer and the runner do over the sync server.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SessionDoc } from './session-doc.js';

function replicas() {
  const runner = new Y.Doc();
  const composer = new Y.Doc();
  return { runner: new SessionDoc(runner).init(), composer: new SessionDoc(composer).init() };
}

function exchange(a: SessionDoc, b: SessionDoc): void {
  const fromA = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc));
  const fromB = Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc));
  Y.applyUpdate(b.doc, fromA);
  Y.applyUpdate(a.doc, fromB);
}

/** A small deterministic generator, so a failing round can be replayed. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('editing a queued message while the runner takes it', () => {
  it('answers the message once, with the text it had when the runner took it', () => {
    const { runner, composer } = replicas();
    composer.enqueue({ id: 'm1', authorId: 'u1', createdAt: 1, text: 'original', attachments: [] });
    exchange(runner, composer);

    const taken = runner.beginTurn('t1', 2);
    expect(composer.editQueued('m1', 'edited')).toBe(true);
    exchange(runner, composer);
    runner.endTurn();

    expect(runner.beginTurn('t2', 3)).toBeNull();
    expect(taken?.text).toBe('original');
    for (const side of [runner, composer]) {
      exchange(runner, composer);
      expect(side.transcript().filter((e) => e.kind === 'user')).toEqual([
        expect.objectContaining({ id: 'm1', text: 'original', turnId: 't1' }),
      ]);
      expect(side.queue()).toEqual([]);
    }
  });

  it('never runs two turns for one message, over many random interleavings', () => {
    for (let round = 0; round < 300; round++) {
      const random = prng(round + 1);
      const { runner, composer } = replicas();
      const ids = ['a', 'b', 'c', 'd'];
      for (const [i, id] of ids.entries()) {
        composer.enqueue({ id, authorId: 'u1', createdAt: i, text: `${id}0`, attachments: [] });
      }
      exchange(runner, composer);
      const turns: string[] = [];
      const sentTexts = new Map<string, string>();
      for (let step = 0; step < 40; step++) {
        const r = random();
        if (r < 0.35) {
          const message = runner.beginTurn(`t${round}-${step}`, step);
          if (message) {
            turns.push(message.id);
            sentTexts.set(message.id, message.text);
            runner.endTurn();
          }
        } else if (r < 0.75) {
          const id = ids[Math.floor(random() * ids.length)]!;
          composer.editQueued(id, `${id}${step}`);
        } else {
          exchange(runner, composer);
        }
      }
      exchange(runner, composer);
      for (;;) {
        const message = runner.beginTurn(`t${round}-end`, 99);
        if (!message) break;
        turns.push(message.id);
        sentTexts.set(message.id, message.text);
        runner.endTurn();
      }
      exchange(runner, composer);
      expect([...turns].sort(), `round ${round}`).toEqual(ids);
      const users = runner.transcript().filter((e) => e.kind === 'user');
      expect(users.map((e) => e.id).sort(), `round ${round}`).toEqual(ids);
      for (const entry of users) expect(entry.text).toBe(sentTexts.get(entry.id));
      expect(composer.queue()).toEqual([]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EnvironmentInput } from '../domain.js';
import { SessionDoc } from './session-doc.js';

function conversation() {
  const runner = new SessionDoc(new Y.Doc()).init();
  runner.enqueue({ id: 'm1', authorId: 'u1', createdAt: 1, text: 'build it', attachments: [] });
  runner.beginTurn('t1', 2);
  const tool = runner.startToolCall({ id: 'c1', turnId: 't1', name: 'run_command', input: '{}', now: 3 });
  tool.append('compiling\n');
  const answer = runner.startAgentMessage('a1', 't1', 4);
  answer.append('Working');
  return { runner, tool, answer };
}

describe('reading a transcript again', () => {
  it('gives back the same entries when nothing changed, and a new one only for what did', () => {
    const { runner, answer } = conversation();
    const first = runner.transcript();
    const again = runner.transcript();
    expect(again).not.toBe(first);
    again.forEach((entry, i) => expect(entry).toBe(first[i]));

    answer.append(' on it');
    const after = runner.transcript();
    expect(after[0]).toBe(first[0]);
    expect(after[1]).toBe(first[1]);
    expect(after[2]).not.toBe(first[2]);
    expect(after[2]).toMatchObject({ kind: 'agent', text: 'Working on it', done: false });
    answer.finish();
    expect(runner.transcript()[2]).toMatchObject({ done: true });
  });

  it('sees what another replica wrote, also from inside an observer and inside a transaction', () => {
    const { runner, tool } = conversation();
    const viewer = new Y.Doc();
    Y.applyUpdate(viewer, Y.encodeStateAsUpdate(runner.doc));
    const view = new SessionDoc(viewer);
    expect(view.transcript()[1]).toMatchObject({ kind: 'tool', output: 'compiling\n' });

    const seenByObserver: string[] = [];
    view.observe(() => {
      const entry = view.transcript()[1];
      if (entry?.kind === 'tool') seenByObserver.push(entry.output);
    });
    const before = Y.encodeStateVector(runner.doc);
    tool.append('done\n');
    tool.finish({ status: 'done', exitCode: 0, durationMs: 5 });
    Y.applyUpdate(viewer, Y.encodeStateAsUpdate(runner.doc, before));
    expect(seenByObserver.at(-1)).toBe('compiling\ndone\n');
    expect(view.transcript()[1]).toMatchObject({ output: 'compiling\ndone\n', status: 'done', exitCode: 0 });

    // Read in the middle of a transaction: what was just written is there.
    runner.doc.transact(() => {
      runner.startAgentMessage('a2', 't1', 5).append('More');
      expect(runner.transcript().at(-1)).toMatchObject({ id: 'a2', text: 'More' });
    });
  });

  it('hands out entries that cannot be changed by accident', () => {
    const { runner } = conversation();
    const entry = runner.transcript()[0]!;
    expect(Object.isFrozen(entry)).toBe(true);
    expect(() => Object.assign(entry, { text: 'changed' })).toThrow(TypeError);
  });
});

describe('an Environment proposal', () => {
  it('reads back as the draft the runner wrote, and one whose draft is no Environment is not shown', () => {
    const runner = new SessionDoc(new Y.Doc()).init();
    const draft = EnvironmentInput.parse({ name: 'Shop', image: 'node:22-bookworm', scope: 'personal' });
    runner.addEnvironmentProposal({ id: 'p1', turnId: 't1', text: 'From .nvmrc', draft, now: 5 });
    // A peer on an older or newer schema wrote something that is not a draft.
    runner.doc.transact(() =>
      runner.doc
        .getArray('messages')
        .push([{ kind: 'environment_proposal', id: 'p2', createdAt: 6, turnId: null, draft: { name: '' } }]),
    );
    expect(runner.transcript()).toEqual([
      { kind: 'environment_proposal', id: 'p1', createdAt: 5, turnId: 't1', text: 'From .nvmrc', draft },
    ]);
  });
});

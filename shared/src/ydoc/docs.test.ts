import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SessionDoc } from './session-doc.js';
import { UserDoc } from './user-doc.js';

/** Two replicas wired together the way a sync server relays updates. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array, origin) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'));
  b.on('update', (u: Uint8Array, origin) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'));
  return { a, b };
}

/** Two replicas that edit apart (offline) and exchange state afterwards. */
function exchange(a: Y.Doc, b: Y.Doc) {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

describe('session documents', () => {
  it('carry a queued message into a turn and stream the reply to another replica', () => {
    const { a, b } = pair();
    const owner = new SessionDoc(a).init();
    const runner = new SessionDoc(b);
    owner.enqueue({ id: 'm1', authorId: 'u1', createdAt: 1, text: 'ls /workspace', attachments: [] });
    expect(runner.queue().map((m) => m.text)).toEqual(['ls /workspace']);

    const started = runner.beginTurn('t1', 2);
    expect(started?.text).toBe('ls /workspace');
    const tool = runner.startToolCall({
      id: 'c1',
      turnId: 't1',
      name: 'run_command',
      input: '{"command":"ls"}',
      now: 3,
    });
    tool.append('README.md\n');
    tool.append('src\n');
    tool.finish({ status: 'done', exitCode: 0, durationMs: 12 });
    const reply = runner.startAgentMessage('a1', 't1', 4);
    reply.append('There are ');
    reply.append('two entries.');
    reply.finish();
    runner.endTurn();

    const seen = owner.snapshot();
    expect(seen.schemaVersion).toBe(1);
    expect(seen.queue).toEqual([]);
    expect(seen.turn.state).toBe('idle');
    expect(seen.transcript).toEqual([
      {
        kind: 'user',
        id: 'm1',
        createdAt: 1,
        turnId: 't1',
        authorId: 'u1',
        text: 'ls /workspace',
        attachments: [],
      },
      {
        kind: 'tool',
        id: 'c1',
        createdAt: 3,
        turnId: 't1',
        name: 'run_command',
        input: '{"command":"ls"}',
        output: 'README.md\nsrc\n',
        status: 'done',
        exitCode: 0,
        durationMs: 12,
      },
      { kind: 'agent', id: 'a1', createdAt: 4, turnId: 't1', text: 'There are two entries.', done: true },
    ]);
    expect(runner.snapshot()).toEqual(seen);
  });

  it('converge when messages are queued on two replicas at once', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    new SessionDoc(a).enqueue({ id: 'x', authorId: 'u', createdAt: 1, text: 'from a', attachments: [] });
    new SessionDoc(b).enqueue({ id: 'y', authorId: 'u', createdAt: 1, text: 'from b', attachments: [] });
    exchange(a, b);
    expect(new SessionDoc(a).queue()).toEqual(new SessionDoc(b).queue());
    expect(new SessionDoc(a).queue()).toHaveLength(2);
  });

  it('let the owner edit and remove queued messages and ask to stop a running turn', () => {
    const { a, b } = pair();
    const owner = new SessionDoc(a);
    const runner = new SessionDoc(b);
    owner.enqueue({ id: 'm1', authorId: 'u', createdAt: 1, text: 'first', attachments: [] });
    runner.beginTurn('t1', 1);
    owner.enqueue({ id: 'm2', authorId: 'u', createdAt: 2, text: 'secnod', attachments: [] });
    owner.enqueue({ id: 'm3', authorId: 'u', createdAt: 3, text: 'third', attachments: [] });
    expect(owner.editQueued('m2', 'second')).toBe(true);
    expect(owner.removeQueued('m3')).toBe(true);
    owner.requestStop();
    expect(runner.queue().map((m) => m.text)).toEqual(['second']);
    expect(runner.turn()).toMatchObject({ state: 'running', turnId: 't1', stopRequested: true });
  });

  it('mark an interrupted turn', () => {
    const doc = new SessionDoc(new Y.Doc());
    doc.enqueue({ id: 'm1', authorId: 'u', createdAt: 1, text: 'sleep 100', attachments: [] });
    doc.beginTurn('t1', 1);
    doc.startToolCall({ id: 'c1', turnId: 't1', name: 'run_command', input: '{}', now: 2 });
    doc.markInterrupted('t1');
    expect(doc.transcript()[1]).toMatchObject({ kind: 'tool', status: 'interrupted' });
  });

  it('ignore attachment references that are not well formed', () => {
    const doc = new SessionDoc(new Y.Doc());
    doc.enqueue({
      id: 'm1',
      authorId: 'u',
      createdAt: 1,
      text: 'x',
      attachments: [{ id: '../../etc/passwd', name: 'x', kind: 'file', mediaType: 'text/plain', size: 1 }],
    });
    expect(doc.queue()[0]?.attachments).toEqual([]);
  });

  it('show the Environment status written by the runner', () => {
    const { a, b } = pair();
    new SessionDoc(b).setEnvironment('paused', 'Paused after 20 minutes idle.', 5);
    expect(new SessionDoc(a).environment()).toEqual({
      status: 'paused',
      detail: 'Paused after 20 minutes idle.',
      updatedAt: 5,
    });
  });
});

describe('user documents', () => {
  it('keep pins in order and within folders across replicas', () => {
    const { a, b } = pair();
    const phone = new UserDoc(a).init();
    const laptop = new UserDoc(b);
    phone.pin('s1');
    phone.pin('s2');
    laptop.pin('s3', { folderId: null, beforeSessionId: 's1' });
    laptop.createFolder('f1', 'Infra');
    phone.movePin('s2', { folderId: 'f1' });
    expect(laptop.pins().map((p) => [p.sessionId, p.folderId])).toEqual([
      ['s3', null],
      ['s1', null],
      ['s2', 'f1'],
    ]);
    expect(phone.snapshot()).toEqual(laptop.snapshot());
  });

  it('merge pins, folders and drafts made apart', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const online = new UserDoc(a).init();
    online.pin('s1');
    exchange(a, b);
    const offline = new UserDoc(b);
    offline.pin('s2');
    offline.createFolder('f1', 'Later');
    offline.setDraft('s1', 'half a thought');
    online.pin('s3');
    online.collapseAllFolders();
    exchange(a, b);
    expect(online.snapshot()).toEqual(offline.snapshot());
    expect(
      online
        .pins()
        .map((p) => p.sessionId)
        .sort(),
    ).toEqual(['s1', 's2', 's3']);
    expect(online.draft('s1')).toBe('half a thought');
  });

  it('move the pins of a deleted folder to the top level', () => {
    const doc = new UserDoc(new Y.Doc());
    doc.createFolder('f1', 'Tmp');
    doc.pin('s1', { folderId: 'f1' });
    doc.deleteFolder('f1');
    expect(doc.pins()).toMatchObject([{ sessionId: 's1', folderId: null }]);
    expect(doc.folders()).toEqual([]);
  });

  it('collapse all folders, rename and reorder them', () => {
    const doc = new UserDoc(new Y.Doc());
    doc.createFolder('f1', 'One');
    doc.createFolder('f2', 'Two');
    doc.renameFolder('f1', 'First');
    doc.moveFolder('f2', 'f1');
    doc.collapseAllFolders();
    expect(doc.folders().map((f) => [f.name, f.collapsed])).toEqual([
      ['Two', true],
      ['First', true],
    ]);
  });

  it('list recent sessions most recent first, bounded', () => {
    const doc = new UserDoc(new Y.Doc());
    for (let i = 0; i < 60; i++) doc.markOpened(`s${i}`, i);
    doc.markOpened('s3', 100);
    const recent = doc.recent();
    expect(recent).toHaveLength(50);
    expect(recent[0]).toEqual({ sessionId: 's3', openedAt: 100 });
  });

  it('drop empty drafts', () => {
    const doc = new UserDoc(new Y.Doc());
    doc.setDraft('s1', 'x');
    doc.setDraft('s1', '');
    expect(doc.snapshot().drafts).toEqual({});
  });
});

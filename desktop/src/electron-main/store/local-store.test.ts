import { SessionDoc, type SessionListItem } from '@orrery/shared';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { COMPACT_AFTER, LocalStore, toFtsQuery } from './local-store.js';

let dir: string;
let store: LocalStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-local-'));
  store = new LocalStore(path.join(dir, 'account.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function replay(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

function session(id: string, title: string, updatedAt: number, archived = false): SessionListItem {
  return {
    id,
    orgId: 'o',
    ownerId: 'u',
    expertId: 'e',
    environmentId: null,
    title,
    visibility: 'private',
    archived,
    origin: 'manual',
    triggerId: null,
    createdAt: updatedAt,
    updatedAt,
    clock: updatedAt,
    ownerName: 'Ada',
    expertName: 'Shell',
    access: 'owner',
  };
}

describe('documents in the local store', () => {
  it('keep every appended update and compact the log into a snapshot without losing any', () => {
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => store.appendDoc('user/u1', u));
    for (let i = 0; i < COMPACT_AFTER + 10; i++) doc.getArray<number>('a').push([i]);
    const stored = store.loadDoc('user/u1');
    expect(stored.length).toBeLessThan(20);
    expect(replay(stored).getArray('a').toArray()).toEqual(doc.getArray('a').toArray());
  });

  it('replace a document with one state, and forget removed ones', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 'v');
    store.appendDoc('session/s1', Y.encodeStateAsUpdate(doc));
    store.replaceDoc('session/s1', Y.encodeStateAsUpdate(doc));
    expect(store.loadDoc('session/s1')).toHaveLength(1);
    expect(store.docNames()).toEqual(['session/s1']);
    store.removeDoc('session/s1');
    expect(store.loadDoc('session/s1')).toEqual([]);
  });

  it('keep every committed update when the writing process is killed with SIGKILL', async () => {
    const dbPath = path.join(dir, 'crash.sqlite');
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'crash-writer.ts'),
        dbPath,
        'doc',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acknowledged = -1;
    let buffered = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) acknowledged = Number(line);
        if (acknowledged >= 1500 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const reopened = new LocalStore(dbPath);
    try {
      const text = replay(reopened.loadDoc('doc')).getText('t').toJSON();
      const written = text.split(',').filter(Boolean).map(Number);
      expect(written.length).toBeGreaterThanOrEqual(acknowledged + 1);
      expect(written.slice(0, acknowledged + 1)).toEqual(
        Array.from({ length: acknowledged + 1 }, (_, i) => i),
      );
    } finally {
      reopened.close();
    }
  });
});

describe('the cached session list', () => {
  it('lists most recent first, searches titles and filters archived ones', () => {
    store.saveSessionList(
      [session('a', 'Fix login', 1), session('b', 'Add cart', 3), session('c', 'Old login work', 2, true)],
      7,
      100,
    );
    expect(store.listSessions().map((s) => s.id)).toEqual(['b', 'c', 'a']);
    expect(store.listSessions({ q: 'login' }).map((s) => s.id)).toEqual(['c', 'a']);
    expect(store.listSessions({ archived: true }).map((s) => s.id)).toEqual(['c']);
    expect(store.sessionListMeta()).toEqual({ clock: 7, savedAt: 100 });
  });

  it('applies changes since a clock: upserts and removals', () => {
    store.saveSessionList([session('a', 'A', 1), session('b', 'B', 2)], 2, 0);
    store.applySessionChanges([session('a', 'A renamed', 5)], ['b'], 5);
    expect(store.listSessions().map((s) => [s.id, s.title])).toEqual([['a', 'A renamed']]);
    expect(store.sessionListMeta()?.clock).toBe(5);
  });

  it('treats % and _ in a title search literally', () => {
    store.saveSessionList([session('a', '100% done', 1), session('b', '100 items', 2)], 1, 0);
    expect(store.listSessions({ q: '100%' }).map((s) => s.id)).toEqual(['a']);
  });
});

describe('full-text search over cached messages', () => {
  function writeSession(id: string, texts: string[]) {
    const doc = new Y.Doc();
    const s = new SessionDoc(doc);
    texts.forEach((t, i) =>
      s.enqueue({ id: `${id}-m${i}`, authorId: 'u', createdAt: i, text: t, attachments: [] }),
    );
    while (s.beginTurn(`t${Math.random()}`, 0)) {
      /* move every queued message into the transcript */
    }
    store.appendDoc(`session/${id}`, Y.encodeStateAsUpdate(doc));
  }

  it('finds messages by word prefix with a snippet, across sessions', () => {
    writeSession('s1', ['the deployment pipeline is failing on staging', 'unrelated']);
    writeSession('s2', ['please deploy the hotfix']);
    store.indexSession('s1');
    store.indexSession('s2');
    const hits = store.search('deploy');
    expect(hits.map((h) => h.sessionId).sort()).toEqual(['s1', 's2']);
    expect(hits.find((h) => h.sessionId === 's1')?.snippet).toContain('«deployment»');
  });

  it('reindexes only when the document changed, and forgets removed sessions', () => {
    writeSession('s1', ['alpha']);
    expect(store.indexSession('s1')).toBe(1);
    expect(store.indexSession('s1')).toBe(0);
    store.removeDoc('session/s1');
    expect(store.search('alpha')).toEqual([]);
  });

  it('never lets user input become query syntax', () => {
    expect(toFtsQuery('foo" OR bar* NEAR(')).toBe('"foo"* "OR"* "bar"* "NEAR"*');
    writeSession('s1', ['foo bar']);
    store.indexSession('s1');
    expect(() => store.search('") AND (')).not.toThrow();
    expect(store.search('foo" OR')).toEqual([]);
  });
});

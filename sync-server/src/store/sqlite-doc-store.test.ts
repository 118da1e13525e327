import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from './db.js';
import { SqliteDocStore } from './sqlite-doc-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-docstore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite document store', () => {
  it('commits appends of one event-loop turn together, and answers each only once it is committed', async () => {
    const file = path.join(dir, 'a.sqlite');
    const db = openDb(file);
    const store = new SqliteDocStore(db);
    const other = new Database(file, { readonly: true });
    const count = () => (other.prepare('SELECT COUNT(*) AS n FROM doc_updates').get() as { n: number }).n;
    const appends = Array.from({ length: 50 }, (_, i) =>
      store.append(`session/${i % 3}`, new Uint8Array([i])),
    );
    // The first commits at once; the other 49 wait for the turn's shared commit.
    expect(count()).toBe(1);
    const seqs = await Promise.all(appends);
    expect(count()).toBe(50);
    expect(seqs.slice(0, 6)).toEqual([1, 1, 1, 2, 2, 2]);
    other.close();
    db.close();
  });

  it('keeps sequence numbers across compaction and sees pending appends when loading', async () => {
    const db = openDb(path.join(dir, 'b.sqlite'));
    const store = new SqliteDocStore(db);
    for (let i = 0; i < 5; i += 1) await store.append('d', new Uint8Array([i]));
    await store.compact('d', new Uint8Array([9]), 5);
    const pending = store.append('d', new Uint8Array([6]));
    const loaded = await store.load('d');
    expect(loaded.updates.map((u) => [...u])).toEqual([[9], [6]]);
    expect(loaded).toMatchObject({ seq: 6, logLength: 1 });
    expect(await pending).toBe(6);
    await store.remove('d');
    expect(await store.exists('d')).toBe(false);
    db.close();
  });
});

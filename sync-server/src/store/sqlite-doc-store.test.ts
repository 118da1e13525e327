import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { SqliteDocStore } from './sqlite-doc-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-docstore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite document store', () => {
  it('commits appends of one event-loop turn together, and answers each only once it is committed', async () => {
    const file = path.join(dir, 'a.sqlite');
    const database = await openDatabase({ file });
    const db = database.sqlite!;
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
    await database.close();
  });

  it('keeps sequence numbers across compaction and sees pending appends when loading', async () => {
    const database = await openDatabase({ file: path.join(dir, 'b.sqlite') });
    const db = database.sqlite!;
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
    await database.close();
  });
});

describe('the SQLite document store beside a records transaction', () => {
  it('writes nothing while a Kysely transaction holds the connection, so a rollback there loses no update', async () => {
    const database = await openDatabase({ file: path.join(dir, 'c.sqlite') });
    const store = new SqliteDocStore(database.sqlite!);
    const appended: Promise<number>[] = [];
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('organisations').values({ id: 'o1', name: 'Org', created_at: 0 }).execute();
        // Another request's update arrives while the transaction is open.
        appended.push(store.append('session/x', new Uint8Array([1, 2, 3])));
        await trx.selectFrom('organisations').selectAll().execute();
        throw new Error('the records change fails');
      })
      .catch(() => {});
    expect(await Promise.all(appended)).toEqual([1]);
    const loaded = await store.load('session/x');
    expect(loaded.updates.map((u) => [...u])).toEqual([[1, 2, 3]]);
    expect(await database.db.selectFrom('organisations').selectAll().execute()).toEqual([]);
    await database.close();
  });
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';
import { openDatabase } from './database.js';
import { SqliteDocStore } from './sqlite-doc-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the WAL checkpointer', () => {
  it('folds the WAL into the database from a worker while appends go on, and empties it on stop', async () => {
    const file = path.join(dir, 'orrery.sqlite');
    const database = await openDatabase({ file });
    const db = database.sqlite!;
    const checkpointer = startCheckpointer(db, 50);
    const store = new SqliteDocStore(db);
    const blob = new Uint8Array(4000).fill(7);
    for (let i = 0; i < 2000; i += 1) store.appendSync('session/a', blob);
    // With automatic checkpoints off, only the worker keeps the WAL from growing without bound.
    const walAfterWrites = statSync(`${file}-wal`).size;
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 200; i += 1) store.appendSync('session/a', blob);
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(walAfterWrites);
    await checkpointer.stop();
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(store.loadSync('session/a').updates).toHaveLength(2200);
    await database.close();
  });
});

// What a room on one instance reads to catch up with another's commits, and
// the names recoverTurns walks: the same answers from both stores.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database, Engine } from './database.js';
import { docStoreOf } from './doc-stores.js';
import { openTestDatabase } from '../testing/engines.js';

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-catch-up-'));
const opened: Database[] = [];
afterAll(async () => {
  for (const database of opened) await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each<Engine>(['sqlite', 'postgres'])('the %s document store', (engine) => {
  const open = async () => {
    const database = await openTestDatabase(engine, path.join(dir, `${engine}-${opened.length}`));
    opened.push(database);
    return docStoreOf(database);
  };

  it('answers the updates after a sequence number, with the snapshot when it folded in more', async () => {
    const store = await open();
    for (let i = 1; i <= 6; i += 1) await store.append('session/s1', new Uint8Array([i]));
    expect((await store.loadAfter('session/s1', 4)).updates.map((u) => [...u])).toEqual([[5], [6]]);

    // Someone folded through 5: a copy that had 3 needs the snapshot (4 and 5 left the log) and 6.
    await store.compact('session/s1', new Uint8Array([50]), 5);
    const after3 = await store.loadAfter('session/s1', 3);
    expect(after3.updates.map((u) => [...u])).toEqual([[50], [6]]);
    expect(after3).toMatchObject({ seq: 6, logLength: 1 });
    // A copy that had 5 already needs only 6.
    expect((await store.loadAfter('session/s1', 5)).updates.map((u) => [...u])).toEqual([[6]]);
    expect((await store.loadAfter('session/s1', 6)).updates).toEqual([]);
  });

  it('lists the documents with a prefix that have updates logged since their snapshot', async () => {
    const store = await open();
    await store.append('session/a', new Uint8Array([1]));
    await store.append('session/b', new Uint8Array([1]));
    await store.compact('session/b', new Uint8Array([2]), 1);
    await store.append('user/a', new Uint8Array([1]));
    // A name that would match a LIKE pattern with its wildcard does not sneak in.
    await store.append('sessionXa', new Uint8Array([1]));
    expect((await store.loggedNames('session/')).sort()).toEqual(['session/a']);
    expect(await store.loggedNames('user/')).toEqual(['user/a']);
  });
});

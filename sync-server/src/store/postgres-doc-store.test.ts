import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { PostgresDocStore } from './postgres-doc-store.js';
import { openTestDatabase } from '../testing/engines.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase('postgres', '');
});
afterAll(() => database?.close());

describe('the PostgreSQL document store', () => {
  it('numbers the appends of two instances on one database without a gap or a repeat, in commit order', async () => {
    const a = new PostgresDocStore(database.db);
    const b = new PostgresDocStore(database.db);
    const seqs = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a : b).append('session/shared', new Uint8Array([i % 256])),
      ),
    );
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const loaded = await b.load('session/shared');
    expect(loaded).toMatchObject({ seq: 200, logLength: 200 });
    const later = await a.loadAfter('session/shared', 150);
    expect(later.updates).toHaveLength(50);
  });

  it('keeps numbering past a compaction, never moves a snapshot back, and forgets a removed document', async () => {
    const a = new PostgresDocStore(database.db);
    const b = new PostgresDocStore(database.db);
    for (let i = 0; i < 5; i += 1) await a.append('d', new Uint8Array([i]));
    await a.compact('d', new Uint8Array([9]), 5);
    // An instance that had folded less comes second: the newer snapshot stays.
    await b.compact('d', new Uint8Array([7]), 3);
    expect(await b.append('d', new Uint8Array([6]))).toBe(6);
    const loaded = await b.load('d');
    expect(loaded.updates.map((u) => [...u])).toEqual([[9], [6]]);
    expect(loaded).toMatchObject({ seq: 6, logLength: 1 });
    expect(await a.sizes(['d', 'nothing'])).toBe(2);
    await a.remove('d');
    expect(await b.exists('d')).toBe(false);
    expect(await b.append('d', new Uint8Array([1]))).toBe(1);
  });

  it('removes a document while another instance appends to it, leaving nothing behind and numbering anew', async () => {
    const a = new PostgresDocStore(database.db);
    const b = new PostgresDocStore(database.db);
    for (let round = 0; round < 20; round += 1) {
      const name = `race/${round}`;
      await a.append(name, new Uint8Array([0]));
      const appends = Array.from({ length: 10 }, (_, i) =>
        a.append(name, new Uint8Array([i])).catch(() => -1),
      );
      await b.remove(name);
      await Promise.all(appends);
      // Whatever landed after the removal is a log of its own, from 1, without gaps.
      const left = await b.load(name);
      expect(left.logLength).toBe(left.seq);
      expect(await b.append(name, new Uint8Array([9]))).toBe(left.seq + 1);
      await b.remove(name);
    }
  });
});

// The changes record on both engines: a report replaces the last whole, and a
// report arriving while its session is deleted neither fails nor outlives it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangesReport } from '@orrery/shared';
import type { Engine } from '../store/database.js';
import { ChangesRecords } from './changes.js';
import { recordsFixture, type Fixture } from './engine-fixtures.js';
import { Sessions } from './sessions.js';

const engines: Engine[] = ['sqlite', 'postgres'];

const report = (computedAt: number, patch: string): ChangesReport => ({
  computedAt,
  repositories: [],
  diffs: [
    { repo: 'app', path: 'a.txt', patch: 'first word' },
    { repo: 'app', path: 'a.txt', patch },
    { repo: 'app', path: 'b.txt', patch: 'b' },
  ],
});

describe.each(engines)('the changes record on %s', (engine) => {
  let f: Fixture;
  let sessions: Sessions;
  let changes: ChangesRecords;
  let n = 0;
  const start = async () => {
    const id = `c${++n}`;
    await sessions.create({
      id,
      orgId: f.org,
      ownerId: f.member.id,
      expertId: 'gone',
      environmentId: null,
      title: 'Changes',
      visibility: 'private',
      origin: 'manual',
      triggerId: null,
      autoArchive: false,
    });
    return (await sessions.row(id))!;
  };
  beforeEach(async () => {
    f = await recordsFixture(engine);
    sessions = new Sessions(f.database.db, () => 1);
    changes = new ChangesRecords(f.database.db, () => 2, engine);
  });
  afterEach(() => f.database.close());

  it('replaces the last report whole, taking a file listed twice at its last word', async () => {
    const row = await start();
    expect(await changes.replace(row.id, report(10, 'one'))).toBe(true);
    expect(await changes.replace(row.id, report(20, 'two'))).toBe(true);
    expect(await changes.get(row.id)).toEqual({ repositories: [], computedAt: 20 });
    expect(await changes.patch(row.id, 'app', 'a.txt')).toBe('two');
    expect(await changes.patch(row.id, 'app', 'c.txt')).toBeNull();
  });

  it('lets a delete and reports at the same moment take turns: no error, nothing left', async () => {
    for (let round = 0; round < 15; round++) {
      const row = await start();
      await changes.replace(row.id, report(1, 'before'));
      const [, deleted] = await Promise.all([
        changes.replace(row.id, report(2, 'racing')),
        sessions.delete(row),
        changes.replace(row.id, report(3, 'racing')),
      ]);
      expect(deleted).toBe(true);
      expect(await changes.get(row.id)).toEqual({ repositories: [], computedAt: null });
      expect(await changes.replace(row.id, report(4, 'late'))).toBe(false);
      expect(await changes.patch(row.id, 'app', 'b.txt')).toBeNull();
    }
  });
});

// The session records on both engines: lists and changes-since read the same
// on SQLite and PostgreSQL, and writes that arrive at once (several requests,
// several servers) leave whole records and a clock without repeats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExpertInput } from '@orrery/shared';
import { currentClock } from '../store/change-clock.js';
import type { Engine } from '../store/database.js';
import { Catalog } from './catalog.js';
import { recordsFixture, type Fixture } from './engine-fixtures.js';
import { Sessions, type NewSession } from './sessions.js';

const engines: Engine[] = ['sqlite', 'postgres'];

describe.each(engines)('session records on %s', (engine) => {
  let f: Fixture;
  let sessions: Sessions;
  let expertId: string;
  let n = 0;
  const start = async (title: string, more: Partial<NewSession> = {}) => {
    const id = `s${++n}`;
    await sessions.create({
      id,
      orgId: f.org,
      ownerId: f.member.id,
      expertId,
      environmentId: null,
      title,
      visibility: 'private',
      origin: 'manual',
      triggerId: null,
      autoArchive: false,
      ...more,
    });
    return (await sessions.row(id))!;
  };

  beforeEach(async () => {
    f = await recordsFixture(engine);
    let t = 1000;
    sessions = new Sessions(f.database.db, () => ++t);
    const catalog = new Catalog(f.database.db, () => ++t);
    const expert = await catalog.createExpert(
      f.member,
      ExpertInput.parse({
        name: 'Reviewer',
        instructions: 'Review.',
        model: { provider: 'shell', name: '' },
        capabilities: { tools: [], integrations: [] },
        defaultEnvironmentId: null,
        scope: 'personal',
      }),
    );
    expertId = expert.id;
  });
  afterEach(() => f.database.close());

  it("lists with the Expert's name and finds titles whatever their case, taking % and _ literally", async () => {
    await start('Fix the LOGIN form');
    await start('100% coverage');
    await start('snake_case names');
    const list = (q: string) =>
      sessions
        .list(f.member.id, f.org, { filter: 'all', q, limit: 10, offset: 0 })
        .then((r) => r.sessions.map((s) => s.title));
    expect(await list('login')).toEqual(['Fix the LOGIN form']);
    expect(await list('FIX THE')).toEqual(['Fix the LOGIN form']);
    expect(await list('0%')).toEqual(['100% coverage']);
    expect(await list('e_c')).toEqual(['snake_case names']);
    expect(await list('e%c')).toEqual([]);
    const all = await sessions.list(f.member.id, f.org, { filter: 'all', limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.sessions[0]).toMatchObject({ expertName: 'Reviewer', ownerName: 'Max', access: 'owner' });
  });

  it('gives every one of many writes at once its own clock, and changes-since sees them all', async () => {
    const row = await start('Racing');
    const before = await currentClock(f.database.db);
    const writes = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => sessions.setTitle(row.id, `Title ${i}`)),
      ...Array.from({ length: 10 }, (_, i) => sessions.setVisibility(row, i % 2 ? 'shared' : 'private')),
      sessions.grant(row, f.viewer.id, f.member.id),
      sessions.setArchived(row.id, true),
    ]);
    expect(writes.every((w) => w)).toBe(true);
    expect(await currentClock(f.database.db)).toBe(before + 32);
    const after = (await sessions.row(row.id))!;
    expect(after.clock).toBe(before + 32);
    expect(after.archived).toBe(1);
    expect(await sessions.hasGrant(row.id, f.viewer.id)).toBe(true);
    const seen = await sessions.changesSince(f.viewer.id, f.org, before);
    expect(seen.changed.map((s) => s.id)).toEqual([row.id]);
    expect(seen.clock).toBe(before + 32);
  });

  it('lets a delete win over a grant and a rename that arrive with it: no grant or error is left behind', async () => {
    for (let round = 0; round < 10; round++) {
      const row = await start(`Doomed ${round}`);
      const [granted, renamed, deleted] = await Promise.all([
        sessions.grant(row, f.viewer.id, f.member.id),
        sessions.setTitle(row.id, 'Renamed'),
        sessions.delete(row),
      ]);
      expect(deleted).toBe(true);
      expect(typeof granted).toBe('boolean');
      expect(typeof renamed).toBe('boolean');
      expect(await sessions.row(row.id)).toBeNull();
      expect(await sessions.grants(row.id)).toEqual([]);
      expect(await sessions.grant(row, f.viewer.id, f.member.id)).toBe(false);
      expect(await sessions.delete(row)).toBe(false);
      const since = await sessions.changesSince(f.member.id, f.org, 0);
      expect(since.removed).toContain(row.id);
    }
  });

  it('tells a viewer whose grant went, and a member whose shared session turned private', async () => {
    const row = await start('Shared then private', { visibility: 'shared' });
    await sessions.grant(row, f.viewer.id, f.member.id);
    const clock = (await sessions.changesSince(f.viewer.id, f.org, 0)).clock;
    expect(await sessions.revoke(row, f.viewer.id)).toBe(true);
    expect(await sessions.revoke(row, f.viewer.id)).toBe(false);
    // Still shared: the viewer sees it as a member.
    expect((await sessions.changesSince(f.viewer.id, f.org, clock)).changed[0]?.access).toBe('member');
    await sessions.setVisibility(row, 'private');
    const gone = await sessions.changesSince(f.viewer.id, f.org, clock);
    expect(gone).toMatchObject({ changed: [], removed: [row.id] });
    expect(await sessions.item(f.viewer.id, f.org, row.id)).toBeNull();
  });
});

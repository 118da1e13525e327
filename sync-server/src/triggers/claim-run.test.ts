// The claim each instance's scheduler makes, on PostgreSQL with two
// connection pools (two instances): of many claims of one due time, one wins.
import { afterAll, describe, expect, it } from 'vitest';
import { Triggers } from '../records/triggers.js';
import { openDatabase, type Database } from '../store/database.js';
import { testPostgres } from '../testing/engines.js';

const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

describe('claiming a due schedule across instances', () => {
  it('lets exactly one of many concurrent claims of one due time fire it, and the next time be claimed again', async () => {
    const url = await (await testPostgres()).createDatabase();
    for (let i = 0; i < 2; i += 1) opened.push(await openDatabase({ url, file: '' }));
    const [a, b] = opened.map((d) => new Triggers(d.db, () => Date.UTC(2026, 2, 2, 1, 0, 0)));
    const db = opened[0]!.db;
    await db.insertInto('organisations').values({ id: 'org', name: 'Org', created_at: 0 }).execute();
    await db
      .insertInto('users')
      .values({
        id: 'ada',
        org_id: 'org',
        email: 'ada@example.com',
        name: 'Ada',
        password_hash: 'x',
        role: 'admin',
        created_at: 0,
        deactivated_at: null,
      })
      .execute();
    const due = Date.UTC(2026, 2, 2, 3, 0, 0);
    const { trigger } = await a!.create(
      'org',
      'ada',
      'expert',
      {
        kind: 'schedule',
        name: 'Nightly',
        enabled: true,
        autoArchive: false,
        cron: '0 3 * * *',
        timezone: 'UTC',
        prompt: 'x',
      },
      due,
    );

    const seen = await Promise.all([a!, b!].map((t) => t.due(due)));
    expect(seen.map((list) => list.map((d) => d.dueAt))).toEqual([[due], [due]]);
    const next = due + 24 * 3600_000;
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a! : b!).claimRun(trigger.id, due, next)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b!.nextRunAt(trigger.id)).toBe(next);
    expect(await b!.claimRun(trigger.id, next, next + 24 * 3600_000)).toBe(true);
  });
});

// Two sync-server instances on one database tick at the same due time: the
// schedule fires once. (On SQLite two connections to one file; with
// ORRERY_TEST_ENGINE=postgres two connection pools on one PostgreSQL database.)
import type { Expert, SessionsResponse, TriggerResponse } from '@orrery/shared';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createServices, type Services } from '../services.js';
import { openDatabase, type Database } from '../store/database.js';
import { docStoreOf } from '../store/doc-stores.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';
import { TriggerScheduler } from './scheduler.js';

let now = Date.UTC(2026, 2, 2, 1, 0, 0);
let a: TestServer;
let bDatabase: Database;
let b: Services;
let owner: Person;

beforeAll(async () => {
  a = await startTestServer({ clock: () => now });
  // The second instance: its own connection to the same database, its own services.
  bDatabase = await openDatabase({
    // A test server's PostgreSQL has no password, so the URL shown is the URL.
    url: a.database.engine === 'postgres' ? a.database.where : null,
    file: path.join(a.dir, 'orrery.sqlite'),
  });
  b = createServices({
    database: bDatabase,
    docs: docStoreOf(bDatabase),
    dataDir: a.dir,
    log: silentLogger,
    clock: () => now,
  });
  owner = await a.person('Ada');
});
afterAll(async () => {
  await b?.close();
  await bDatabase?.close();
  await a?.close();
});

describe('a schedule with two instances', () => {
  it('fires once when both tick at its due time', async () => {
    const expert = (await a.api<{ experts: Expert[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!;
    const created = await a.api<TriggerResponse>(owner.token, 'POST', `/api/experts/${expert.id}/triggers`, {
      kind: 'schedule',
      name: 'Nightly',
      cron: '0 3 * * *',
      prompt: 'Summarise the night.',
    });
    expect(created.status).toBe(201);
    const schedulers = [new TriggerScheduler(a.services), new TriggerScheduler(b)];

    now = Date.UTC(2026, 2, 2, 3, 0, 0);
    await Promise.all(schedulers.map((s) => s.tick()));
    await Promise.all(schedulers.map((s) => s.tick()));

    const sessions = (await a.api<SessionsResponse>(owner.token, 'GET', '/api/sessions?filter=all')).body
      .sessions;
    expect(sessions.filter((s) => s.triggerId === created.body.trigger.id)).toHaveLength(1);
    expect(await a.services.triggers.nextRunAt(created.body.trigger.id)).toBe(Date.UTC(2026, 2, 3, 3, 0, 0));
  });
});

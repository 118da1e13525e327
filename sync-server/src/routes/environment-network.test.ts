// An Environment says whether its sessions reach the network: stored with
// it, validated at the edge, "none" unless asked for; Environments made
// before the choice existed keep the network they had.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import { SQLITE_0_1 as MIGRATIONS } from '../store/migrations/sqlite-0.1.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

type EnvBody = { environment: { id: string; network: string; name: string } };
type ErrorBody = { error: { code: string; fields?: Record<string, string> } };

let t: TestServer;
let author: Person;

beforeAll(async () => {
  t = await startTestServer();
  author = await t.person('Ada');
});
afterAll(async () => {
  await t.close();
});

const create = (body: Record<string, unknown>) =>
  t.api<EnvBody & ErrorBody>(author.token, 'POST', '/api/environments', {
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
    ...body,
  });

describe('an Environment’s network', () => {
  it('is "none" unless its author asks for the internet', async () => {
    const res = await create({ name: 'Offline' });
    expect(res.status).toBe(201);
    expect(res.body.environment.network).toBe('none');
  });

  it('is stored, changed by a patch, and kept by patches of other fields', async () => {
    const made = await create({ name: 'Online', network: 'internet' });
    expect(made.body.environment.network).toBe('internet');
    const id = made.body.environment.id;
    const renamed = await t.api<EnvBody>(author.token, 'PATCH', `/api/environments/${id}`, {
      name: 'Online 2',
    });
    expect(renamed.body.environment.network).toBe('internet');
    const off = await t.api<EnvBody>(author.token, 'PATCH', `/api/environments/${id}`, { network: 'none' });
    expect(off.body.environment.network).toBe('none');
    const read = await t.api<EnvBody>(author.token, 'GET', `/api/environments/${id}`);
    expect(read.body.environment.network).toBe('none');
  });

  it.each(['bridge', 'host', 'container:orrery-x'])('refuses "%s", naming the field', async (network) => {
    const res = await create({ name: `Bad ${network.length}`, network });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.fields ?? {})).toEqual(['network']);
  });

  it('the built-in Default Environment has none', async () => {
    const list = await t.api<{ environments: { name: string; network: string }[] }>(
      author.token,
      'GET',
      '/api/environments',
    );
    expect(list.body.environments.find((e) => e.name === 'Default')?.network).toBe('none');
  });
});

describe('the migration', () => {
  it('gives Environments made before it the network they had, and leaves built-ins alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-net-migration-'));
    try {
      const file = path.join(dir, 'orrery.sqlite');
      const at = MIGRATIONS.findIndex((m) => m.includes("'$.network'"));
      const old = new Database(file);
      for (const m of MIGRATIONS.slice(0, at)) old.exec(m);
      old.pragma(`user_version = ${at}`);
      old.exec(`INSERT INTO organisations (id, name, created_at) VALUES ('o1', 'Org', 0)`);
      const insert = old.prepare(
        `INSERT INTO environments (id, org_id, owner_id, scope, name, built_in_key, body, created_at, updated_at)
         VALUES (?, 'o1', 'u1', 'organisation', ?, ?, ?, 0, 0)`,
      );
      insert.run(
        'custom',
        'Custom',
        null,
        JSON.stringify({ name: 'Custom', image: 'x', scope: 'organisation' }),
      );
      insert.run(
        'builtin',
        'Default',
        'default',
        JSON.stringify({ name: 'Default', image: 'x', scope: 'organisation' }),
      );
      old.close();
      const database = await openDatabase({ file });
      const db = database.sqlite!;
      const network = (id: string) =>
        (
          JSON.parse(
            (db.prepare('SELECT body FROM environments WHERE id = ?').get(id) as { body: string }).body,
          ) as {
            network?: string;
          }
        ).network;
      expect(network('custom')).toBe('internet');
      expect(network('builtin')).toBeUndefined();
      await database.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

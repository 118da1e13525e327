import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap } from './bootstrap.js';
import { silentLogger } from './log.js';
import { createServices, type Services } from './services.js';
import { openDatabase, type Database } from './store/database.js';
import { docStoreOf } from './store/doc-stores.js';
import { SqliteDocStore } from './store/sqlite-doc-store.js';
import { testEngine, testPostgres } from './testing/engines.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fresh(
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-boot-')),
): Promise<{ s: Services; dir: string }> {
  const database = await openDatabase({ file: path.join(dir, 'orrery.sqlite') });
  const s = createServices({
    database,
    docs: new SqliteDocStore(database.sqlite!),
    dataDir: dir,
    log: silentLogger,
  });
  cleanups.push(async () => {
    await s.close();
    await database.close();
  });
  return { s, dir };
}

describe('first run', () => {
  it('creates the organisation and an admin with a generated password, printed once, then seeds the built-ins', async () => {
    const { s, dir } = await fresh();
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const lines: string[] = [];
    const boot = await bootstrap(s, {}, (l) => lines.push(l));
    expect(boot.generatedPassword).toMatch(/^[a-z0-9]{5}(-[a-z0-9]{5}){3}$/);
    expect(lines[0]).toBe(
      `First run: created the admin account. Sign in with email admin@orrery.local and password ${boot.generatedPassword}`,
    );
    expect(await s.accounts.checkPassword('admin@orrery.local', boot.generatedPassword!)).toMatchObject({
      role: 'admin',
    });

    const experts = await s.catalog.experts(boot.admin);
    const envs = await s.catalog.environments(boot.admin);
    expect(envs).toMatchObject([
      { name: 'Default', image: 'orrery/env-base:bookworm', repositories: [], scope: 'organisation' },
    ]);
    expect(experts.map((e) => e.name)).toEqual([
      'Shell',
      'Coding agent',
      'Code reviewer',
      'Local model',
      'Orrery Advisor',
    ]);
    // The Advisor only reads repositories and proposes: nothing that runs in or changes an Environment.
    expect(experts[4]).toMatchObject({
      builtIn: true,
      scope: 'organisation',
      capabilities: { tools: ['inspect_repository', 'propose_environment'] },
    });
    expect(experts[0]).toMatchObject({
      name: 'Shell',
      builtIn: true,
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'] },
      defaultEnvironmentId: envs[0]!.id,
    });
    expect(experts[1]).toMatchObject({
      builtIn: true,
      scope: 'organisation',
      model: { provider: 'anthropic' },
      defaultEnvironmentId: envs[0]!.id,
    });
    expect(experts[2]?.capabilities.tools).not.toContain('write_file');
    expect(experts[3]?.model.provider).toBe('openai');

    const again: string[] = [];
    const second = await bootstrap(s, {}, (l) => again.push(l));
    expect(again).toEqual([]);
    expect(second.generatedPassword).toBeNull();
    expect(await s.catalog.experts(boot.admin)).toHaveLength(5);
  });

  it('uses ORRERY_ADMIN_EMAIL and ORRERY_ADMIN_PASSWORD when given', async () => {
    const { s, dir } = await fresh();
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const boot = await bootstrap(
      s,
      { ORRERY_ADMIN_EMAIL: 'Boss@Example.com', ORRERY_ADMIN_PASSWORD: 'a very good password' },
      () => {},
    );
    expect(boot.admin.email).toBe('boss@example.com');
    expect(await s.accounts.checkPassword('boss@example.com', 'a very good password')).not.toBeNull();
    await expect(bootstrap((await fresh()).s, { ORRERY_ADMIN_PASSWORD: 'short' }, () => {})).rejects.toThrow(
      'at least 10 characters',
    );
  });
});

/** Two instances on one database: two SQLite connections to one file, or two PostgreSQL pools. */
async function twoInstances(): Promise<[Services, Services]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-boot-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const url = testEngine() === 'postgres' ? await (await testPostgres()).createDatabase() : null;
  const open = () => openDatabase({ url, file: path.join(dir, 'orrery.sqlite') });
  const databases: Database[] = [await open(), await open()];
  return databases.map((database) => {
    const s = createServices({
      database,
      docs: docStoreOf(database),
      dataDir: dir,
      log: silentLogger,
    });
    cleanups.push(async () => {
      await s.close();
      await database.close();
    });
    return s;
  }) as [Services, Services];
}

describe('first run on two instances starting at once', () => {
  it('makes one organisation and one admin, which both use; the password is printed by one', async () => {
    const [a, b] = await twoInstances();
    const lines: string[] = [];
    const boots = await Promise.all([
      bootstrap(a, {}, (l) => lines.push(l)),
      bootstrap(b, {}, (l) => lines.push(l)),
    ]);
    expect(boots[0].orgId).toBe(boots[1].orgId);
    expect(boots[0].admin).toEqual(boots[1].admin);
    const printed = boots.filter((boot) => boot.generatedPassword !== null);
    expect(printed).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('First run'))).toHaveLength(1);
    expect(
      await a.accounts.checkPassword('admin@orrery.local', printed[0]!.generatedPassword!),
    ).toMatchObject({
      id: boots[0].admin.id,
    });
    const database = a.database.db;
    expect(await database.selectFrom('organisations').select('id').execute()).toHaveLength(1);
    expect(await database.selectFrom('users').select('id').execute()).toHaveLength(1);
  });
});

// Experts and Environments on both engines: names compare without regard to
// case on both, edits that arrive at once both land, and Experts made before
// their name had a column get it from their body.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentInput, ExpertInput } from '@orrery/shared';
import { Migrator, type Kysely } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite, openPostgres, type Database, type Engine } from '../store/database.js';
import { initial } from '../store/migrations/0001-initial.js';
import { docHeads } from '../store/migrations/0002-doc-heads.js';
import { migrateToLatest } from '../store/migrations/index.js';
import { testPostgres } from '../testing/engines.js';
import { Catalog } from './catalog.js';
import { recordsFixture, type Fixture } from './engine-fixtures.js';
import { Sessions } from './sessions.js';
import { BUILT_IN_EXPERTS, seedBuiltIns } from '../seeds.js';

const engines: Engine[] = ['sqlite', 'postgres'];

const expertInput = (name: string, more: Partial<ExpertInput> = {}) =>
  ExpertInput.parse({
    name,
    instructions: 'Help.',
    model: { provider: 'shell', name: '' },
    capabilities: { tools: [], integrations: [] },
    defaultEnvironmentId: null,
    scope: 'personal',
    ...more,
  });

describe.each(engines)('the catalog on %s', (engine) => {
  let f: Fixture;
  let catalog: Catalog;
  beforeEach(async () => {
    f = await recordsFixture(engine);
    let t = 1000;
    catalog = new Catalog(f.database.db, () => ++t);
  });
  afterEach(() => f.database.close());

  it('refuses a second Environment of the same name in any case, also when both are made at once', async () => {
    const env = (name: string) => EnvironmentInput.parse({ name, image: 'debian', scope: 'personal' });
    await catalog.createEnvironment(f.member, env('Node'));
    await expect(catalog.createEnvironment(f.viewer, env('NODE'))).rejects.toMatchObject({
      status: 409,
      message: 'An Environment named "NODE" already exists in your organisation; pick another name.',
    });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        catalog.createEnvironment(i % 2 ? f.member : f.viewer, env(i % 2 ? 'Python' : 'PYTHON')),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect(r.reason).toMatchObject({ status: 409 });
    const names = await f.database.db.selectFrom('environments').select('name').orderBy('name').execute();
    expect(names.map((e) => e.name.toLowerCase())).toEqual(['node', 'python']);
  });

  it('keeps both of two edits to one Expert made at once, and lists it by its new name', async () => {
    const expert = await catalog.createExpert(f.member, expertInput('Helper'));
    await Promise.all([
      catalog.updateExpert(f.member, expert.id, { description: 'Helps with tests.' }),
      catalog.updateExpert(f.member, expert.id, { instructions: 'Write tests first.' }),
      catalog.updateExpert(f.member, expert.id, { name: 'Test helper' }),
    ]);
    expect(await catalog.expert(f.member, expert.id)).toMatchObject({
      name: 'Test helper',
      description: 'Helps with tests.',
      instructions: 'Write tests first.',
    });
    const sessions = new Sessions(f.database.db, () => 5000);
    await sessions.create({
      id: 'sess1',
      orgId: f.org,
      ownerId: f.member.id,
      expertId: expert.id,
      environmentId: null,
      title: 't',
      visibility: 'private',
      origin: 'manual',
      triggerId: null,
      autoArchive: false,
    });
    expect((await sessions.item(f.member.id, f.org, 'sess1'))?.expertName).toBe('Test helper');
  });
});

describe.each(engines)('seeding the built-ins on %s', (engine) => {
  let f: Fixture;
  afterEach(() => f.database.close());

  it('makes each once when two servers seed at the same moment', async () => {
    f = await recordsFixture(engine);
    const two = [new Catalog(f.database.db, () => 7), new Catalog(f.database.db, () => 7)];
    await Promise.all([
      seedBuiltIns(two[0]!, f.admin),
      seedBuiltIns(two[1]!, f.admin),
      seedBuiltIns(two[1]!, f.admin),
    ]);
    const experts = await two[0]!.experts(f.admin);
    expect(experts.map((e) => e.name).sort()).toEqual(BUILT_IN_EXPERTS.map((e) => e.input.name).sort());
    const [env] = await two[1]!.environments(f.admin);
    expect((await two[1]!.environments(f.admin)).map((e) => e.name)).toEqual(['Default']);
    expect(experts.every((e) => e.defaultEnvironmentId === env!.id)).toBe(true);
  });
});

describe.each(engines)('Experts made before migration 0020, on %s', (engine) => {
  let database: Database;
  afterEach(() => database.close());

  it('get their name from their body', async () => {
    database =
      engine === 'sqlite'
        ? openSqlite(path.join(mkdtempSync(path.join(tmpdir(), 'orrery-0020-')), 'orrery.sqlite'))
        : openPostgres(await (await testPostgres()).createDatabase());
    // The schema as the release before this one left it.
    const before = { '0001-initial': initial(engine), '0002-doc-heads': docHeads(engine) };
    const { error } = await new Migrator({
      db: database.db as Kysely<unknown>,
      provider: { getMigrations: () => Promise.resolve(before) },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    const db = database.db as unknown as Kysely<{
      organisations: { id: string; name: string; created_at: number };
      experts: Record<string, string | number | null>;
    }>;
    await db.insertInto('organisations').values({ id: 'o', name: 'O', created_at: 1 }).execute();
    const row = (id: string, body: string) => ({
      id,
      org_id: 'o',
      owner_id: 'u',
      scope: 'personal',
      built_in_key: null,
      body,
      created_at: 1,
      updated_at: 1,
      deleted_at: null,
    });
    await db
      .insertInto('experts')
      .values([row('e1', JSON.stringify(expertInput('Old helper'))), row('e2', '{"broken"')])
      .execute();
    await migrateToLatest(database);
    const names = await database.db.selectFrom('experts').select(['id', 'name']).orderBy('id').execute();
    expect(names).toEqual([
      { id: 'e1', name: 'Old helper' },
      { id: 'e2', name: '' },
    ]);
  });
});

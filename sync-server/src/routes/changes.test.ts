// The changes record as the app and the runner see it: a report read back by
// everyone who may read the session, a file's diff, the ship draft drafted
// from the conversation and the report, and the repository credential's forge
// (ship.test.ts has the actions).
import { sessionBranchName, type FileDiff, type SessionChanges, type ShipDraft } from '@orrery/shared';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import { SQLITE_0_1 as MIGRATIONS } from '../store/migrations/sqlite-0.1.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';
import { SHA_HEAD, changedFile, changesKit, patchOf, repositoryChanges } from './changes-test-kit.js';

let t: TestServer;
let owner: Person;
let member: Person;
let viewer: Person;
let runner: string;
let environmentId: string;
const kit = changesKit(
  () => t,
  () => runner,
);

beforeAll(async () => {
  t = await startTestServer({ actionWaitMs: 30_000 });
  owner = await t.person('Ada');
  member = await t.person('Bea');
  viewer = await t.person('Cy');
  runner = await t.serviceToken();
  await t.api(owner.token, 'PUT', '/api/repository-credentials/private/GITHUB_DEPLOY', {
    host: 'github.com',
    kind: 'https-token',
    value: 'ghp_owner_token_5a7c',
  });
  const env = await t.api<{ environment: { id: string } }>(owner.token, 'POST', '/api/environments', {
    name: 'App',
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
    repositories: [
      { url: 'https://github.com/acme/app.git', ref: 'main', credential: 'GITHUB_DEPLOY' },
      { url: 'https://gitlab.example.com/acme/lib.git', path: 'lib' },
      { url: '/srv/repos/notes', path: 'notes' },
    ],
  });
  expect(env.status).toBe(201);
  environmentId = env.body.environment.id;
});
afterAll(() => t.close());

const get = <T>(who: Person, path: string) => t.api<T>(who.token, 'GET', path);

describe('the changes record', () => {
  it('is empty until the runner reports, then reads the same for the owner, a shared member and a viewer', async () => {
    const shared = await kit.startSession(owner, { visibility: 'shared' });
    const granted = await kit.startSession(owner);
    expect(
      (await t.api(owner.token, 'PUT', `/api/sessions/${granted}/grants/${viewer.user.id}`)).status,
    ).toBe(204);
    expect(await get(owner, `/api/sessions/${shared}/changes`)).toEqual({
      status: 200,
      body: { repositories: [], computedAt: null },
    });

    const app = repositoryChanges('app', {
      ahead: 1,
      commits: [{ sha: SHA_HEAD, subject: 'Fix the form', author: 'Ada <ada@example.com>', at: 1000 }],
      files: [
        changedFile('src/app.ts'),
        changedFile('logo.png', { binary: true, added: null, removed: null, diff: 'binary' }),
      ],
    });
    for (const id of [shared, granted]) {
      const put = await kit.report(id, {
        computedAt: 5000,
        repositories: [app],
        diffs: [{ repo: 'app', path: 'src/app.ts', patch: patchOf('src/app.ts') }],
      });
      expect(put.status).toBe(204);
    }
    const expected: SessionChanges = { repositories: [app], computedAt: 5000 };
    for (const [who, id] of [
      [owner, shared],
      [member, shared],
      [owner, granted],
      [viewer, granted],
    ] as const) {
      expect(await get(who, `/api/sessions/${id}/changes`)).toEqual({ status: 200, body: expected });
      expect(await get<FileDiff>(who, `/api/sessions/${id}/changes/diff?repo=app&path=src%2Fapp.ts`)).toEqual(
        {
          status: 200,
          body: { repo: 'app', file: app.files[0], patch: patchOf('src/app.ts'), computedAt: 5000 },
        },
      );
    }
    // A binary file is summarised: its summary, no patch.
    expect(
      (await get<FileDiff>(viewer, `/api/sessions/${granted}/changes/diff?repo=app&path=logo.png`)).body,
    ).toMatchObject({
      file: { path: 'logo.png', diff: 'binary' },
      patch: null,
    });
  });

  it('is replaced whole by the next report, and an unknown file is a 404 with a sentence', async () => {
    const id = await kit.startSession(owner);
    await kit.report(id, {
      repositories: [repositoryChanges('app', { files: [changedFile('old.txt')] })],
      diffs: [{ repo: 'app', path: 'old.txt', patch: patchOf('old.txt') }],
    });
    await kit.report(id, {
      computedAt: 9000,
      repositories: [repositoryChanges('app', { files: [changedFile('new.txt')] })],
      diffs: [{ repo: 'app', path: 'new.txt', patch: patchOf('new.txt') }],
    });
    const gone = await get<{ error: { code: string; message: string } }>(
      owner,
      `/api/sessions/${id}/changes/diff?repo=app&path=old.txt`,
    );
    expect(gone).toEqual({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          message: "old.txt is not among the changed files of app in this session's last report.",
        },
      },
    });
    expect(
      (await get<FileDiff>(owner, `/api/sessions/${id}/changes/diff?repo=app&path=new.txt`)).body.patch,
    ).toBe(patchOf('new.txt'));
    // The shared client reads the same thing.
    const changes = await t.client(owner.token).changes.get(id);
    expect(changes.computedAt).toBe(9000);
    expect(changes.repositories[0]!.files.map((f) => f.path)).toEqual(['new.txt']);
  });

  it('goes with its session', async () => {
    const id = await kit.startSession(owner);
    await kit.report(id, {
      repositories: [repositoryChanges('app')],
      diffs: [{ repo: 'app', path: 'src/app.ts', patch: patchOf('src/app.ts') }],
    });
    expect((await t.api(owner.token, 'DELETE', `/api/sessions/${id}`)).status).toBe(204);
    const left = async (table: 'session_changes' | 'session_change_diffs') =>
      (await t.database.db.selectFrom(table).select('session_id').where('session_id', '=', id).execute())
        .length;
    expect([await left('session_changes'), await left('session_change_diffs')]).toEqual([0, 0]);
    expect((await kit.report(id, { repositories: [] })).status).toBe(404);
  });
});

describe('the ship draft', () => {
  it('proposes a commit message, branch and pull request from the session and its last report', async () => {
    const id = await kit.startSession(owner, {
      environmentId,
      prompt: 'Fix the login form so that it accepts email addresses with a plus sign in them',
      reply: 'The form now accepts plus signs; the validator was too strict.\n\nI also added a test.',
    });
    await kit.report(id, {
      repositories: [
        repositoryChanges('app', {
          baseBranch: 'develop',
          files: [
            changedFile('src/form.ts'),
            changedFile('test/form.test.ts', { status: 'added', added: 10, removed: 0 }),
          ],
        }),
      ],
    });
    const draft = await get<ShipDraft>(owner, `/api/sessions/${id}/changes/draft?repo=app`);
    expect(draft.status).toBe(200);
    const title = (await t.client(owner.token).sessions.get(id)).session.title;
    expect(sessionBranchName(title, id)).toMatch(/^orrery\/fix-the-login-form-so-that-it-accepts-em/);
    const subject = 'Fix the login form so that it accepts email addresses with a plus sign';
    expect(draft.body).toEqual({
      repo: 'app',
      commitMessage: [
        subject,
        'The form now accepts plus signs; the validator was too strict.',
        'Changed files:\n- src/form.ts (modified, +3 −1)\n- test/form.test.ts (added, +10 −0)',
      ].join('\n\n'),
      branch: sessionBranchName(title, id),
      baseBranch: 'develop',
      pullRequest: {
        title: subject,
        body: [
          'The form now accepts plus signs; the validator was too strict.',
          'Asked in the session:',
          '> Fix the login form so that it accepts email addresses with a plus sign in them',
          'Changed files:',
          '- src/form.ts (modified, +3 −1)\n- test/form.test.ts (added, +10 −0)',
        ].join('\n\n'),
      },
      remote: 'https://github.com/acme/app.git',
      forge: 'github',
      blocked: null,
      pullRequestUrl: null,
    });
    expect(subject.length).toBeLessThanOrEqual(72);

    // A branch the session pushed is where it pushes again; its pull request is linked.
    await kit.asRunner(id, (doc) => {
      doc.setPushed('app', {
        branch: 'orrery/login-plus',
        sha: SHA_HEAD,
        remote: 'https://github.com/acme/app.git',
      });
      doc.addPullRequest({
        id: 'pr-1',
        turnId: null,
        repo: 'app',
        url: 'https://github.com/acme/app/pull/7',
        number: 7,
        title: subject,
        forge: 'github',
        branch: 'orrery/login-plus',
        now: Date.now(),
      });
    });
    expect((await get<ShipDraft>(owner, `/api/sessions/${id}/changes/draft?repo=app`)).body).toMatchObject({
      branch: 'orrery/login-plus',
      pullRequestUrl: 'https://github.com/acme/app/pull/7',
    });
  });

  it('says what stands in the way: nothing changed, no credential, no remote, or an unknown repository', async () => {
    const id = await kit.startSession(owner, { environmentId });
    await kit.report(id, {
      repositories: [
        repositoryChanges('app', { files: [], added: 0, removed: 0 }),
        repositoryChanges('lib', { url: 'https://gitlab.example.com/acme/lib.git', baseBranch: null }),
        repositoryChanges('notes', { url: null }),
      ],
    });
    const draft = async (repo: string) =>
      (await get<ShipDraft>(owner, `/api/sessions/${id}/changes/draft?repo=${repo}`)).body;
    expect(await draft('app')).toMatchObject({
      blocked: 'There is nothing to ship yet: nothing changed in this repository since the session started.',
    });
    expect(await draft('lib')).toMatchObject({
      remote: 'https://gitlab.example.com/acme/lib.git',
      forge: null,
      baseBranch: null,
      blocked:
        'The Environment names no repository credential for gitlab.example.com on this repository; add one under Settings → Repository credentials and name it on the repository.',
    });
    expect(await draft('notes')).toMatchObject({
      remote: null,
      forge: null,
      blocked: 'This repository has no remote to push to (it is a local folder); download the patch instead.',
    });
    const unknown = await get<{ error: { message: string } }>(
      owner,
      `/api/sessions/${id}/changes/draft?repo=elsewhere`,
    );
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { message: 'elsewhere is not a repository of this session.' } },
    });
  });
});

describe("a repository credential's forge", () => {
  it('is what the host says unless named, is listed, and reaches the runner with the credential', async () => {
    const put = (name: string, body: Record<string, unknown>) =>
      t.api<{ credential: { forge: string | null } }>(
        owner.token,
        'PUT',
        `/api/repository-credentials/private/${name}`,
        { kind: 'https-token', value: 'glpat_example_91c2', ...body },
      );
    expect((await put('GITLAB_COM', { host: 'gitlab.com' })).body.credential.forge).toBe('gitlab');
    expect(
      (await put('SELF_HOSTED', { host: 'git.example.com', forge: 'gitlab' })).body.credential.forge,
    ).toBe('gitlab');
    expect((await put('PLAIN', { host: 'git.example.org' })).body.credential.forge).toBeNull();
    expect((await put('NOT_GITHUB', { host: 'github.com', forge: null })).body.credential.forge).toBeNull();
    expect((await put('BAD', { host: 'git.example.org', forge: 'gitea' })).status).toBe(400);
    const listed = await t.api<{ credentials: { name: string; forge: string | null }[] }>(
      owner.token,
      'GET',
      '/api/repository-credentials',
    );
    expect(Object.fromEntries(listed.body.credentials.map((c) => [c.name, c.forge]))).toMatchObject({
      GITHUB_DEPLOY: 'github',
      GITLAB_COM: 'gitlab',
      SELF_HOSTED: 'gitlab',
      PLAIN: null,
      NOT_GITHUB: null,
    });

    const env = await t.api<{ environment: { id: string } }>(owner.token, 'POST', '/api/environments', {
      name: 'Forges',
      image: 'orrery/env-base:bookworm',
      scope: 'personal',
      repositories: [
        { url: 'https://git.example.com/acme/app.git', credential: 'SELF_HOSTED' },
        { url: 'https://git.example.org/acme/lib.git', credential: 'PLAIN' },
      ],
    });
    const id = await kit.startSession(owner, { environmentId: env.body.environment.id });
    const context = await t.client(runner).runner.sessionContext(id);
    expect(context.repositoryCredentials).toEqual({
      SELF_HOSTED: {
        host: 'git.example.com',
        kind: 'https-token',
        value: 'glpat_example_91c2',
        forge: 'gitlab',
      },
      PLAIN: { host: 'git.example.org', kind: 'https-token', value: 'glpat_example_91c2' },
    });
    await kit.report(id, {
      repositories: [repositoryChanges('app', { url: 'https://git.example.com/acme/app.git' })],
    });
    expect((await get<ShipDraft>(owner, `/api/sessions/${id}/changes/draft?repo=app`)).body).toMatchObject({
      forge: 'gitlab',
      blocked: null,
    });
  });

  it('is given by the migration to credentials saved before it, from their host', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-forge-migration-'));
    try {
      const file = path.join(dir, 'orrery.sqlite');
      const at = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN forge'));
      const old = new Database(file);
      for (const m of MIGRATIONS.slice(0, at)) old.exec(m);
      old.pragma(`user_version = ${at}`);
      old.exec(`INSERT INTO organisations (id, name, created_at) VALUES ('o1', 'Org', 0);
        INSERT INTO users (id, org_id, email, name, role, password_hash, created_at)
        VALUES ('u1', 'o1', 'a@example.com', 'A', 'admin', 'x', 0)`);
      const insert = old.prepare(
        `INSERT INTO repository_credentials (org_id, owner_id, name, host, kind, sealed, updated_at, updated_by)
         VALUES ('o1', '', ?, ?, 'https-token', x'00', 0, 'u1')`,
      );
      for (const [name, host] of [
        ['GH', 'github.com'],
        ['GL', 'gitlab.com'],
        ['OWN', 'git.example.com'],
      ])
        insert.run(name, host);
      old.close();
      const database = await openDatabase({ file });
      const db = database.sqlite!;
      expect(db.prepare('SELECT name, forge FROM repository_credentials ORDER BY name').all()).toEqual([
        { name: 'GH', forge: 'github' },
        { name: 'GL', forge: 'gitlab' },
        { name: 'OWN', forge: null },
      ]);
      await database.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

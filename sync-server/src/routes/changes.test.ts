// The changes record and the ship routes as the app and the runner see them:
// a report read back by everyone who may read the session, a file's diff,
// the ship draft, and each action's round trip through a runner (this test
// plays it with a service token), including every failure's status and code.
import {
  ShipErrorCode,
  sessionBranchName,
  type FileDiff,
  type SessionChanges,
  type ShipDraft,
} from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';
import { FAILURE_STATUS } from './ship.js';
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
  runner = t.serviceToken();
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
    const left = (table: string) =>
      (t.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE session_id = ?`).get(id) as { n: number }).n;
    expect([left('session_changes'), left('session_change_diffs')]).toEqual([0, 0]);
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

describe('shipping through a runner', () => {
  it('commits: the runner gets the action and who asked, and the caller its answer', async () => {
    const id = await kit.startSession(owner, { environmentId });
    const asking = t.client(owner.token).changes.commit(id, { repo: 'app', message: 'Fix the form' });
    const job = await kit.claim('session_action');
    expect(job).toMatchObject({
      sessionId: id,
      action: { action: 'commit', repo: 'app', message: 'Fix the form' },
      requesterId: owner.user.id,
      author: { name: 'Ada', email: owner.user.email },
    });
    await kit.complete(job, {
      outcome: 'done',
      actionResult: { action: 'commit', sha: SHA_HEAD, branch: 'main', files: 2 },
    });
    expect(await asking).toEqual({ sha: SHA_HEAD, branch: 'main', files: 2 });
  });

  it("pushes to the draft's branch and opens a pull request into the draft's base unless told otherwise", async () => {
    const id = await kit.startSession(owner, { environmentId, prompt: 'Tidy the readme' });
    await kit.report(id, { repositories: [repositoryChanges('app', { baseBranch: 'develop' })] });
    const client = t.client(owner.token);

    const pushing = client.changes.push(id, { repo: 'app' });
    const push = await kit.claim('session_action');
    const branch = push.action?.action === 'push' ? push.action.branch : '';
    expect(branch).toMatch(/^orrery\/tidy-the-readme-/);
    const pushed = { branch, remote: 'https://github.com/acme/app.git', sha: SHA_HEAD, created: true };
    await kit.complete(push, { outcome: 'done', actionResult: { action: 'push', ...pushed } });
    expect(await pushing).toEqual(pushed);

    const opening = client.changes.openPullRequest(id, {
      repo: 'app',
      title: 'Tidy the readme',
      body: 'Shorter.',
    });
    const pr = await kit.claim('session_action');
    expect(pr.action).toEqual({
      action: 'pull_request',
      repo: 'app',
      title: 'Tidy the readme',
      body: 'Shorter.',
      base: 'develop',
      branch,
    });
    const opened = {
      url: 'https://github.com/acme/app/pull/8',
      number: 8,
      title: 'Tidy the readme',
      forge: 'github' as const,
      branch,
      base: 'develop',
    };
    await kit.complete(pr, { outcome: 'done', actionResult: { action: 'pull_request', ...opened } });
    expect(await opening).toEqual(opened);

    const named = client.changes.push(id, { repo: 'app', branch: 'feature/mine' });
    const second = await kit.claim('session_action');
    expect(second.action).toEqual({ action: 'push', repo: 'app', branch: 'feature/mine' });
    await kit.complete(second, {
      outcome: 'failed',
      failure: { code: 'already_exists', message: 'feature/mine exists.' },
    });
    await expect(named).rejects.toMatchObject({
      status: 409,
      code: 'already_exists',
      message: 'feature/mine exists.',
    });
  });

  it('asks for a base branch when the session does not know one', async () => {
    const id = await kit.startSession(owner);
    const res = await t.api<{ error: { code: string; fields: Record<string, string> } }>(
      owner.token,
      'POST',
      `/api/sessions/${id}/changes/pull-request`,
      { repo: 'app', title: 'x' },
    );
    expect(res).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          fields: { base: 'is required: the branch the pull request goes into' },
        },
      },
    });
    expect(t.services.jobs.open(t.orgId).filter((j) => j.kind === 'session_action')).toEqual([]);
  });

  it('hands out the patch as a file to download', async () => {
    const id = await kit.startSession(owner);
    const asking = t.api<string>(owner.token, 'GET', `/api/sessions/${id}/changes/patch?repo=app`);
    const job = await kit.claim('session_action');
    expect(job.action).toEqual({ action: 'patch', repo: 'app' });
    const patch = `From ${SHA_HEAD} Mon Sep 17 00:00:00 2001\nSubject: [PATCH] Fix\n\n${patchOf('a.txt')}`;
    await kit.complete(job, {
      outcome: 'done',
      actionResult: { action: 'patch', patch, fileName: 'app changes.patch' },
    });
    const res = await asking;
    expect(res).toEqual({ status: 200, body: patch });
    const raw = await fetchPatchHeaders(id);
    expect(raw).toEqual({
      type: 'text/x-patch; charset=utf-8',
      disposition: 'attachment; filename="app_changes.patch"',
    });
  });

  it('restores a checkpoint of the session, and refuses one it never had or lost', async () => {
    const id = await kit.startSession(owner);
    await kit.asRunner(id, (doc) => {
      doc.addCheckpoint({ id: 'cp-1', kind: 'turn', turnId: 'turn-1', createdAt: 1 });
      doc.addCheckpoint({ id: 'cp-2', kind: 'turn', turnId: 'turn-2', createdAt: 2 });
      doc.markCheckpointsLost(['cp-2']);
    });
    const client = t.client(owner.token);
    const restoring = client.changes.restore(id, 'cp-1');
    const job = await kit.claim('session_action');
    expect(job.action).toEqual({ action: 'restore', checkpointId: 'cp-1' });
    const restored = { checkpointId: 'cp-1', undoCheckpointId: 'cp-3', repositories: ['app'] };
    await kit.complete(job, { outcome: 'done', actionResult: { action: 'restore', ...restored } });
    expect(await restoring).toEqual(restored);

    await expect(client.changes.restore(id, 'cp-9')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'No checkpoint cp-9 in this session.',
    });
    await expect(client.changes.restore(id, 'cp-2')).rejects.toMatchObject({
      status: 409,
      code: 'checkpoint_lost',
      message: 'This checkpoint was lost when the Environment restarted clean; it can no longer be restored.',
    });
  });

  it('answers each failure the runner reports with its status and its code', async () => {
    const id = await kit.startSession(owner);
    const client = t.client(owner.token);
    const seen: Record<string, number | null> = {};
    for (const code of ShipErrorCode.options) {
      const asking = client.changes.commit(id, { repo: 'app', message: 'x' }).catch((e: unknown) => e);
      const job = await kit.claim('session_action');
      await kit.complete(job, { outcome: 'failed', failure: { code, message: `It failed: ${code}.` } });
      const error = (await asking) as { status: number; code: string; message: string };
      expect(error).toMatchObject({ code, message: `It failed: ${code}.` });
      seen[code] = error.status;
    }
    expect(seen).toEqual({
      auth_failed: 502,
      protected_branch: 409,
      not_fast_forward: 409,
      no_remote: 400,
      no_credential: 400,
      nothing_to_commit: 409,
      operation_in_progress: 409,
      repository_missing: 400,
      checkpoint_lost: 409,
      already_exists: 409,
      remote_error: 502,
      too_large: 400,
      invalid: 400,
    });
    expect(seen).toEqual(FAILURE_STATUS);

    // A runner that fails without saying how, or answers for another action, is the runner's failure.
    const vague = client.changes.commit(id, { repo: 'app', message: 'x' }).catch((e: unknown) => e);
    await kit.complete(await kit.claim('session_action'), {
      outcome: 'failed',
      detail: 'the container is gone',
    });
    expect(await vague).toMatchObject({
      status: 502,
      code: 'engine_unavailable',
      message: 'the container is gone',
    });
    const mixed = client.changes.commit(id, { repo: 'app', message: 'x' }).catch((e: unknown) => e);
    await kit.complete(await kit.claim('session_action'), {
      outcome: 'done',
      actionResult: { action: 'restore', checkpointId: 'a', undoCheckpointId: 'b', repositories: [] },
    });
    expect(await mixed).toMatchObject({ status: 502, code: 'engine_unavailable' });
  });

  it('refuses every action while a turn runs or another action is under way', async () => {
    const id = await kit.startSession(owner);
    await kit.asRunner(id, (doc) =>
      doc.addCheckpoint({ id: 'cp-1', kind: 'turn', turnId: null, createdAt: 1 }),
    );
    const busy =
      'The agent is working in this session; wait for its turn to end (or stop it), then try again.';
    const actions = () => [
      t.api(owner.token, 'POST', `/api/sessions/${id}/changes/commit`, { repo: 'app', message: 'x' }),
      t.api(owner.token, 'POST', `/api/sessions/${id}/changes/push`, { repo: 'app' }),
      t.api(owner.token, 'POST', `/api/sessions/${id}/changes/pull-request`, {
        repo: 'app',
        title: 'x',
        base: 'main',
      }),
      t.api(owner.token, 'GET', `/api/sessions/${id}/changes/patch?repo=app`),
      t.api(owner.token, 'POST', `/api/sessions/${id}/checkpoints/cp-1/restore`),
    ];
    // A message waits for a runner: its turn job is open.
    expect((await t.api(owner.token, 'POST', `/api/sessions/${id}/messages`, { text: 'more' })).status).toBe(
      201,
    );
    for (const res of await Promise.all(actions()))
      expect(res).toEqual({ status: 409, body: { error: { code: 'conflict', message: busy } } });
    // The runner runs the turn: the document says so.
    const turn = await kit.claim('turn');
    await kit.asRunner(id, (doc) => doc.beginTurn('turn-2', Date.now()));
    for (const res of await Promise.all(actions())) expect(res.status).toBe(409);
    await kit.asRunner(id, (doc) => doc.endTurn());
    await kit.complete(turn, { outcome: 'done' });

    const first = t.client(owner.token).changes.commit(id, { repo: 'app', message: 'x' });
    const job = await kit.claim('session_action');
    const second = await t.api<{ error: { message: string } }>(
      owner.token,
      'POST',
      `/api/sessions/${id}/changes/push`,
      {
        repo: 'app',
      },
    );
    expect(second).toMatchObject({
      status: 409,
      body: {
        error: {
          message: "Another action on this session's repositories is still running; wait for it to finish.",
        },
      },
    });
    await kit.complete(job, {
      outcome: 'done',
      actionResult: { action: 'commit', sha: SHA_HEAD, branch: null, files: 1 },
    });
    await first;
  });

  it('says so when no runner answers, and withdraws the job', async () => {
    const quick = await startTestServer({ actionWaitMs: 300 });
    try {
      const ada = await quick.person('Ada');
      const quickKit = changesKit(
        () => quick,
        () => quick.serviceToken(),
      );
      const id = await quickKit.startSession(ada);
      const res = await quick.api(ada.token, 'POST', `/api/sessions/${id}/changes/commit`, {
        repo: 'app',
        message: 'x',
      });
      expect(res).toEqual({
        status: 503,
        body: {
          error: {
            code: 'engine_unavailable',
            message: 'No runner answered within 0 s; is a runner running?',
          },
        },
      });
      expect(quick.services.jobs.open(quick.orgId).filter((j) => j.kind === 'session_action')).toEqual([]);
    } finally {
      await quick.close();
    }
  });
});

async function fetchPatchHeaders(id: string) {
  const asking = fetch(`${t.url}/api/sessions/${id}/changes/patch?repo=app`, {
    headers: { authorization: `Bearer ${owner.token}` },
  });
  const job = await kit.claim('session_action');
  await kit.complete(job, {
    outcome: 'done',
    actionResult: { action: 'patch', patch: 'x', fileName: 'app changes.patch' },
  });
  const res = await asking;
  await res.text();
  return { type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') };
}

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
});

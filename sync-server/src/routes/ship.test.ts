// The ship and restore routes as the app sees them: each action's round trip
// through a runner (this test plays it with a service token, claiming the
// session_action job), the defaults the server fills in from the draft, every
// failure's status and code, and the refusals while a turn runs.
import { ShipErrorCode } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';
import { SHA_HEAD, changesKit, patchOf, repositoryChanges } from './changes-test-kit.js';
import { FAILURE_STATUS } from './ship.js';

let t: TestServer;
let owner: Person;
let runner: string;
const kit = changesKit(
  () => t,
  () => runner,
);

beforeAll(async () => {
  t = await startTestServer({ actionWaitMs: 30_000 });
  owner = await t.person('Ada');
  runner = await t.serviceToken();
});
afterAll(() => t.close());

describe('shipping through a runner', () => {
  it('commits: the runner gets the action and who asked, and the caller its answer', async () => {
    const id = await kit.startSession(owner);
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
    const id = await kit.startSession(owner, { prompt: 'Tidy the readme' });
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
    expect((await t.services.jobs.open(t.orgId)).filter((j) => j.kind === 'session_action')).toEqual([]);
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
      const quickRunner = await quick.serviceToken();
      const quickKit = changesKit(
        () => quick,
        () => quickRunner,
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
      expect(
        (await quick.services.jobs.open(quick.orgId)).filter((j) => j.kind === 'session_action'),
      ).toEqual([]);
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

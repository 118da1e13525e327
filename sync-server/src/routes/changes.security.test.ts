// Who may read a session's changes and who may ship them, whose runner may
// report them, how large a report may be, and that the secret values the
// server holds for a session never come back out of what a runner reported.
import { MAX_REPORT_BYTES, type FileDiff, type SessionChanges, type ShipDraft } from '@orrery/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';
import { SHA_HEAD, changedFile, changesKit, patchOf, repositoryChanges } from './changes-test-kit.js';

const SECRET = 'sk-live-owner-7c1d9e';
const TOKEN = 'ghp_repo_token_3f9b2a';
const LATER = 'later-secret-0d4e55';
let t: TestServer;
let owner: Person;
let runner: string;
let environmentId: string;
const kit = changesKit(
  () => t,
  () => runner,
);

beforeAll(async () => {
  t = await startTestServer({ actionWaitMs: 30_000 });
  owner = await t.person('Ada');
  runner = await t.serviceToken();
  await t.api(owner.token, 'PUT', '/api/secrets/private/DEPLOY_KEY', { value: SECRET });
  await t.api(owner.token, 'PUT', '/api/repository-credentials/private/GITHUB_DEPLOY', {
    host: 'github.com',
    kind: 'https-token',
    value: TOKEN,
  });
  const env = await t.api<{ environment: { id: string } }>(owner.token, 'POST', '/api/environments', {
    name: 'App',
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
    repositories: [{ url: 'https://github.com/acme/app.git', credential: 'GITHUB_DEPLOY' }],
  });
  environmentId = env.body.environment.id;
});
afterAll(() => t.close());

const reads = (id: string) => [
  `/api/sessions/${id}/changes`,
  `/api/sessions/${id}/changes/diff?repo=app&path=src%2Fapp.ts`,
  `/api/sessions/${id}/changes/draft?repo=app`,
];

const actions = (id: string) =>
  [
    ['POST', `/api/sessions/${id}/changes/commit`, { repo: 'app', message: 'x' }],
    ['POST', `/api/sessions/${id}/changes/push`, { repo: 'app' }],
    ['POST', `/api/sessions/${id}/changes/pull-request`, { repo: 'app', title: 'x', base: 'main' }],
    ['GET', `/api/sessions/${id}/changes/patch?repo=app`, undefined],
    ['POST', `/api/sessions/${id}/checkpoints/cp-1/restore`, undefined],
  ] as const;

const openActions = async () =>
  (await t.services.jobs.open(t.orgId)).filter((j) => j.kind === 'session_action');

describe('access to a session’s changes', () => {
  it('is none for a stranger: the same 404 as for a missing session, on every read and action', async () => {
    const id = await kit.startSession(owner);
    await kit.report(id, { repositories: [repositoryChanges('app')] });
    const stranger = await t.person('Eve');
    const otherOrg = await t.person('Mallory', {
      orgId: (await t.services.accounts.createOrganisation('Elsewhere')).id,
    });
    for (const who of [stranger, otherOrg]) {
      for (const path of reads(id)) {
        expect(await t.api(who.token, 'GET', path)).toEqual({
          status: 404,
          body: { error: { code: 'not_found', message: `No session ${id} that you can open.` } },
        });
      }
      for (const [method, path, body] of actions(id))
        expect((await t.api(who.token, method, path, body)).status).toBe(404);
    }
    expect(await openActions()).toEqual([]);
  });

  it('is read-only for viewers and shared members: they read the changes, and every action is 403', async () => {
    const shared = await kit.startSession(owner, { visibility: 'shared' });
    const granted = await kit.startSession(owner);
    const member = await t.person('Bea');
    const viewer = await t.person('Cy');
    await t.api(owner.token, 'PUT', `/api/sessions/${granted}/grants/${viewer.user.id}`);
    await kit.asRunner(granted, (doc) =>
      doc.addCheckpoint({ id: 'cp-1', kind: 'turn', turnId: null, createdAt: 1 }),
    );
    for (const [who, id] of [
      [member, shared],
      [viewer, granted],
    ] as const) {
      await kit.report(id, { repositories: [repositoryChanges('app')] });
      expect((await t.api(who.token, 'GET', `/api/sessions/${id}/changes`)).status).toBe(200);
      for (const [method, path, body] of actions(id)) {
        expect(await t.api(who.token, method, path, body)).toEqual({
          status: 403,
          body: {
            error: {
              code: 'forbidden',
              message:
                'Only people who may send messages in this session can restore, commit, push or open pull requests in it.',
            },
          },
        });
      }
    }
    expect(await openActions()).toEqual([]);
  });

  it('takes reports only from a runner of the session’s organisation', async () => {
    const id = await kit.startSession(owner);
    const elsewhere = await t.serviceToken((await t.services.accounts.createOrganisation('Elsewhere')).id);
    const report = { repositories: [repositoryChanges('app')] };
    expect(await kit.report(id, report, elsewhere)).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'No such session in your organisation.' } },
    });
    expect((await kit.report(id, report, owner.token)).status).toBe(403);
    expect((await t.api<SessionChanges>(owner.token, 'GET', `/api/sessions/${id}/changes`)).body).toEqual({
      repositories: [],
      computedAt: null,
    });
    // A runner's token does not read the people's routes either.
    expect((await t.api(runner, 'GET', `/api/sessions/${id}/changes`)).status).toBe(403);
  });

  it('refuses a report larger than the limit with 413, and takes one past the 1 MiB of other routes', async () => {
    const id = await kit.startSession(owner);
    // Three files of 800,000 characters each: under the per-file limit, over 1 MiB together.
    const big = 'x'.repeat(800_000);
    const names = ['a.txt', 'b.txt', 'big.txt'];
    const fits = await kit.report(id, {
      repositories: [repositoryChanges('app', { files: names.map((n) => changedFile(n)) })],
      diffs: names.map((path) => ({ repo: 'app', path, patch: big })),
    });
    expect(fits.status).toBe(204);
    const tooBig = await kit.report(id, {
      repositories: [repositoryChanges('app')],
      diffs: [{ repo: 'app', path: 'big.txt', patch: 'y'.repeat(MAX_REPORT_BYTES) }],
    });
    expect(tooBig).toEqual({
      status: 413,
      body: {
        error: {
          code: 'payload_too_large',
          message: `A changes report can be up to ${Math.floor(MAX_REPORT_BYTES / 1024 / 1024)} MiB; report large files as 'too_large' or 'omitted' instead of sending their diffs.`,
        },
      },
    });
    // The one before it stands.
    const kept = await t.api<FileDiff>(
      owner.token,
      'GET',
      `/api/sessions/${id}/changes/diff?repo=app&path=big.txt`,
    );
    expect(kept.body.patch).toHaveLength(big.length);
    // Other routes keep their limit.
    const other = await t.api(owner.token, 'POST', `/api/sessions/${id}/messages`, {
      text: 'z'.repeat(2 * 1024 * 1024),
    });
    expect(other.status).toBe(413);
  });
});

describe('secrets in what a runner reports', () => {
  it('never come back: not from the record, a diff, the draft, an action’s answer or its failure', async () => {
    const id = await kit.startSession(owner, {
      environmentId,
      prompt: `Deploy with ${SECRET}`,
      reply: `Pushed with ${TOKEN}.`,
    });
    const leaky = `src/${SECRET}.ts`;
    const put = await kit.report(id, {
      repositories: [
        repositoryChanges('app', {
          detail: `token ${TOKEN}`,
          branch: `fix-${SECRET}`,
          ahead: 1,
          commits: [{ sha: SHA_HEAD, subject: `Use ${SECRET}`, author: `Ada ${LATER}`, at: 1 }],
          files: [changedFile(leaky, { oldPath: `old/${TOKEN}` })],
        }),
      ],
      diffs: [{ repo: 'app', path: leaky, patch: patchOf(leaky, `KEY=${SECRET} TOKEN=${TOKEN} ${LATER}`) }],
    });
    expect(put.status).toBe(204);
    // Saved after the report: kept out of answers all the same.
    await t.api(owner.token, 'PUT', '/api/secrets/private/LATER_KEY', { value: LATER });

    const changes = await t.api<SessionChanges>(owner.token, 'GET', `/api/sessions/${id}/changes`);
    const path = changes.body.repositories[0]!.files[0]!.path;
    expect(path).toBe('src/[redacted].ts');
    const diff = await t.api<FileDiff>(
      owner.token,
      'GET',
      `/api/sessions/${id}/changes/diff?repo=app&path=${encodeURIComponent(path)}`,
    );
    expect(diff.body.patch).toContain('KEY=[redacted] TOKEN=[redacted] [redacted]');
    const draft = await t.api<ShipDraft>(owner.token, 'GET', `/api/sessions/${id}/changes/draft?repo=app`);
    expect(draft.status).toBe(200);
    expect(draft.body.pullRequest.body).toContain('> Deploy with [redacted]');
    expect(draft.body.commitMessage).toContain('Pushed with [redacted].');

    const client = t.client(owner.token);
    const committing = client.changes.commit(id, { repo: 'app', message: 'x' });
    await kit.complete(await kit.claim('session_action'), {
      outcome: 'done',
      actionResult: { action: 'commit', sha: SHA_HEAD, branch: `b-${SECRET}`, files: 1 },
    });
    const commit = await committing;
    const pushing = client.changes.push(id, { repo: 'app' }).catch((e: unknown) => e);
    await kit.complete(await kit.claim('session_action'), {
      outcome: 'failed',
      failure: { code: 'auth_failed', message: `The remote refused ${TOKEN}.` },
    });
    const failure = (await pushing) as { message: string };
    expect(failure.message).toBe('The remote refused [redacted].');

    // What the actions carried (a commit message may quote anything) is dropped once they end.
    const carried = await t.database.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'session_action')
      .execute();
    expect(carried.length).toBeGreaterThan(1);
    expect(carried.filter((r) => r.payload !== null)).toEqual([]);

    const everything = JSON.stringify([changes.body, diff.body, draft.body, commit, failure.message]);
    for (const secret of [SECRET, TOKEN, LATER]) expect(everything).not.toContain(secret);
    // Nor are the ones the server knew when the report came stored.
    const stored =
      JSON.stringify(await t.database.db.selectFrom('session_change_diffs').selectAll().execute()) +
      JSON.stringify(await t.database.db.selectFrom('session_changes').selectAll().execute());
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(TOKEN);
  });
});

describe('session actions an earlier run of the server left open', () => {
  it('end when the server starts, and what they carried is dropped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-actions-left-'));
    try {
      const before = await startTestServer({ dir, engine: 'sqlite' });
      before.database
        .sqlite!.prepare(
          `INSERT INTO jobs (id, org_id, kind, session_id, state, attempts, payload, created_at, updated_at)
           VALUES ('job-action-1', ?, 'session_action', 's', 'pending', 0, ?, 0, 0)`,
        )
        .run(
          before.orgId,
          JSON.stringify({ action: { action: 'commit', repo: '', message: SECRET }, requesterId: 'u' }),
        );
      await before.close();
      const after = await startTestServer({ dir, engine: 'sqlite' });
      try {
        expect(
          after.database.sqlite!.prepare(`SELECT state, payload FROM jobs WHERE id = 'job-action-1'`).get(),
        ).toEqual({
          state: 'failed',
          payload: null,
        });
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

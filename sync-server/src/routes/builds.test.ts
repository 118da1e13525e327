import type { BuildLogResponse, SessionContext } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';
import { buildsKit } from './builds-test-kit.js';

let t: TestServer;
let member: Person;
let runner: string;

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Mia');
  runner = await t.serviceToken();
});
afterAll(() => t.close());

const { createEnvironment, builds, claimBuild, report, complete } = buildsKit(
  () => t,
  () => runner,
);

describe('Environment builds', () => {
  it('builds a new Environment, shows its log to whoever may see it, and marks it in use when ready', async () => {
    const id = await createEnvironment(t.admin.token, 'Builds one');
    const queued = await builds(member.token, id);
    expect(queued.body.builds).toMatchObject([{ status: 'queued', step: 'queued', trigger: 'created' }]);
    expect(queued.body.inUse).toBeNull();

    const job = await claimBuild();
    const context = await t.api<{ environment: { setupScript: string } }>(
      runner,
      'GET',
      `/api/runner/builds/${job.buildId}/context`,
    );
    expect(context.body.environment.setupScript).toBe('echo hello');

    expect((await report(job, { started: true, step: 'clone' })).status).toBe(204);
    // A reader waiting for the next line is answered when it arrives.
    const waiting = t.api<BuildLogResponse>(
      member.token,
      'GET',
      `/api/builds/${job.buildId}/log?after=0&waitMs=20000`,
    );
    await report(job, { lines: [{ stream: 'progress', text: 'Cloning /repo' }] });
    const first = await waiting;
    expect(first.status).toBe(200);
    expect(first.body.lines.map((l) => [l.n, l.text])).toEqual([[1, 'Cloning /repo']]);
    expect(first.body.build).toMatchObject({ status: 'building', step: 'clone' });

    await report(job, { step: 'setup', lines: [{ stream: 'stdout', text: 'hello' }] });
    await report(job, { step: 'commit', outcome: { status: 'ready', error: null } });
    await complete(job, 'done');

    const after = await t.api<BuildLogResponse>(
      member.token,
      'GET',
      `/api/builds/${job.buildId}/log?after=1`,
    );
    expect(after.body.lines.map((l) => l.text)).toEqual(['hello']);
    const done = await builds(member.token, id);
    expect(done.body.builds[0]).toMatchObject({ status: 'ready', step: 'done', lines: 2, error: null });
    expect(done.body.builds[0]?.finishedAt).toBeGreaterThanOrEqual(
      done.body.builds[0]?.startedAt ?? Infinity,
    );
    expect(done.body.inUse?.id).toBe(job.buildId);
  });

  it('builds again only when what the snapshot is made from changes', async () => {
    const id = await createEnvironment(t.admin.token, 'Builds two');
    await complete(await claimBuild(), 'failed');
    await t.api(t.admin.token, 'PATCH', `/api/environments/${id}`, { name: 'Builds two renamed' });
    expect((await builds(t.admin.token, id)).body.builds).toHaveLength(1);
    await t.api(t.admin.token, 'PATCH', `/api/environments/${id}`, { setupScript: 'echo changed' });
    const after = await builds(t.admin.token, id);
    expect(after.body.builds.map((b) => [b.status, b.trigger])).toEqual([
      ['queued', 'changed'],
      // The runner gave up before it reported: the build says so.
      ['failed', 'created'],
    ]);
    await complete(await claimBuild(), 'failed');
  });

  it('keeps the last good build in use for sessions while a newer one fails', async () => {
    const id = await createEnvironment(t.admin.token, 'Builds three');
    const good = await claimBuild();
    await report(good, { started: true });
    await report(good, { outcome: { status: 'ready', error: null } });
    await complete(good, 'done');

    await t.api(t.admin.token, 'PATCH', `/api/environments/${id}`, { setupScript: 'exit 3' });
    const bad = await claimBuild();
    await report(bad, { started: true, step: 'setup' });
    await report(bad, { outcome: { status: 'failed', error: 'The setup script failed (exit code 3)' } });
    await complete(bad, 'failed');

    const seen = await builds(t.admin.token, id);
    expect(seen.body.builds[0]).toMatchObject({
      status: 'failed',
      step: 'setup',
      error: 'The setup script failed (exit code 3)',
    });
    expect(seen.body.inUse?.id).toBe(good.buildId);

    const expert = await t.api<{ expert: { id: string } }>(t.admin.token, 'POST', '/api/experts', {
      name: 'Builder',
      instructions: 'x',
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'] },
      defaultEnvironmentId: id,
      scope: 'organisation',
    });
    const session = await t.api<{ session: { id: string } }>(t.admin.token, 'POST', '/api/sessions', {
      expertId: expert.body.expert.id,
      prompt: 'run it',
    });
    expect(session.status).toBe(201);
    const context = await t.api<SessionContext>(
      runner,
      'GET',
      `/api/runner/sessions/${session.body.session.id}/context`,
    );
    // The session runs on the snapshot that built; the failed script never reaches it.
    expect(context.body.environment?.setupScript).toBe('echo hello');
  });
});

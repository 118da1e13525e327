// Who may read an Environment's builds and logs, start one, or report on one.
import type { BuildLogResponse } from '@orrery/shared';
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

describe('Environment builds: access', () => {
  it("refuses a member another's private Environment's builds and log, and Build now on what they may not change", async () => {
    const owner = await t.person('Olga');
    const id = await createEnvironment(owner.token, 'Olga private', 'personal');
    const job = await claimBuild();
    await report(job, { started: true, lines: [{ stream: 'stdout', text: 'private output' }] });

    const list = await builds(member.token, id);
    expect(list.status).toBe(404);
    const log = await t.api<{ error: { message: string } }>(
      member.token,
      'GET',
      `/api/builds/${job.buildId}/log`,
    );
    expect(log.status).toBe(404);
    expect(JSON.stringify(log.body)).not.toContain('private output');
    expect((await t.api(member.token, 'POST', `/api/environments/${id}/builds`)).status).toBe(404);
    expect(
      (await t.api<BuildLogResponse>(owner.token, 'GET', `/api/builds/${job.buildId}/log`)).body.lines,
    ).toHaveLength(1);

    const shared = await createEnvironment(t.admin.token, 'Admins only');
    await complete(await claimBuild(), 'failed');
    const refused = await t.api<{ error: { message: string } }>(
      member.token,
      'POST',
      `/api/environments/${shared}/builds`,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('Only its author or an admin may change');
    expect((await builds(member.token, shared)).status).toBe(200);
    await complete(job, 'failed');
  });

  it('takes reports only from the runner holding the build job, in its own organisation', async () => {
    const id = await createEnvironment(t.admin.token, 'Leased build');
    const job = await claimBuild();
    const wrongLease = await t.api(runner, 'POST', `/api/runner/builds/${job.buildId}/report`, {
      leaseToken: 'not-the-lease',
      lines: [{ stream: 'stdout', text: 'forged' }],
    });
    expect(wrongLease.status).toBe(409);
    const elsewhere = await t.serviceToken((await t.services.accounts.createOrganisation('Elsewhere')).id);
    const otherOrg = await t.api(elsewhere, 'POST', `/api/runner/builds/${job.buildId}/report`, {
      leaseToken: job.leaseToken,
      lines: [{ stream: 'stdout', text: 'forged' }],
    });
    expect(otherOrg.status).toBe(404);
    expect((await t.api(elsewhere, 'GET', `/api/runner/builds/${job.buildId}/context`)).status).toBe(404);
    expect(
      (
        await t.api(member.token, 'POST', `/api/runner/builds/${job.buildId}/report`, {
          leaseToken: job.leaseToken,
        })
      ).status,
    ).toBe(403);
    expect((await builds(t.admin.token, id)).body.builds[0]?.lines).toBe(0);
    await complete(job, 'failed');
  });
});

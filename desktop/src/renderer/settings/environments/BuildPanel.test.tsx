// The build panel against the real server (started from sources): the test
// plays the runner through the runner API, as a runner's build would report.
import { OrreryClient, type BuildReport, type Environment, type Job } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { StoredAccount } from '../../../platform/common/platform.js';
import { startOrreryServer, stopOrreryServer, type OrreryServer } from '../../testing/browser-commands.js';
import { createTestServices, renderWithServices } from '../../testing/test-services.js';
import { BuildPanel } from './BuildPanel.js';

let server: OrreryServer;
let account: StoredAccount;
let admin: OrreryClient;
let runner: OrreryClient;
let stop: (() => Promise<void>) | null = null;

beforeAll(async () => {
  server = await startOrreryServer();
  const login = await new OrreryClient({ baseUrl: server.url }).auth.login(server.credentials.admin);
  account = {
    serverUrl: server.url,
    token: login.token,
    user: login.user,
    organisation: login.organisation,
  };
  admin = new OrreryClient({ baseUrl: server.url, token: login.token });
  runner = new OrreryClient({ baseUrl: server.url, token: server.runnerToken });
});
afterAll(async () => {
  await stop?.();
  await stopOrreryServer(server.url);
});

async function newEnvironment(name: string): Promise<Environment> {
  return (
    await admin.environments.create({
      name,
      image: 'orrery/env-base:bookworm',
      repositories: [{ url: '/srv/repos/app' }],
      setupScript: 'npm ci',
      scope: 'organisation',
    })
  ).environment;
}

async function claimBuild(): Promise<Job> {
  const { job } = await runner.runner.claim({ runnerId: 'test', waitMs: 0, kinds: ['build_environment'] });
  if (!job?.buildId) throw new Error('no build job');
  return job;
}

const report = (
  job: Job,
  body: Omit<BuildReport, 'leaseToken' | 'lines'> & { lines?: BuildReport['lines'] },
) => runner.runner.buildReport(job.buildId as string, { leaseToken: job.leaseToken, ...body });

async function render(environment: Environment, as: StoredAccount = account) {
  const services = await createTestServices({ account: as });
  stop = () => services.stop();
  await renderWithServices(<BuildPanel environment={environment} />, services);
}

describe('BuildPanel', () => {
  it('follows a build as it streams, keeps the place of a reader who scrolled up, and names the failing step', async () => {
    const environment = await newEnvironment('Followed');
    await render(environment);
    await expect.element(page.getByRole('status')).toHaveTextContent('Queued');

    const job = await claimBuild();
    await report(job, {
      started: true,
      step: 'clone',
      lines: [{ stream: 'progress', text: 'Cloning /srv/repos/app into /workspace/app' }],
    });
    const log = page.getByRole('log', { name: 'Build log' });
    await expect.element(log).toHaveTextContent('Cloning /srv/repos/app into /workspace/app');
    await expect.element(page.getByRole('status')).toHaveTextContent('Building — cloning the repositories');

    const many = Array.from({ length: 120 }, (_, i) => ({
      stream: 'stdout' as const,
      text: `added package ${i + 1}`,
    }));
    await report(job, { step: 'setup', lines: many });
    await expect.element(log).toHaveTextContent('added package 120');
    const box = log.element() as HTMLElement;
    // It follows the end by itself.
    expect(box.scrollHeight - box.scrollTop - box.clientHeight).toBeLessThanOrEqual(24);

    box.scrollTop = 0;
    box.dispatchEvent(new Event('scroll'));
    await expect.element(page.getByRole('button', { name: 'Jump to the latest line' })).toBeVisible();
    await report(job, { lines: [{ stream: 'stderr', text: 'npm ERR! missing script: ci' }] });
    await expect.element(log).toHaveTextContent('npm ERR! missing script: ci');
    // The reader's place is kept.
    expect(box.scrollTop).toBe(0);

    await report(job, {
      outcome: {
        status: 'failed',
        error: 'The setup script failed (exit code 1): npm ERR! missing script: ci',
      },
    });
    await runner.runner.complete(job.id, { leaseToken: job.leaseToken, outcome: 'done' });
    await expect.element(page.getByRole('status')).toHaveTextContent('Failed');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        'Failed while running the setup script. The setup script failed (exit code 1): npm ERR! missing script: ci',
      );
    await expect.element(page.getByText(/^took \d+ s$/)).toBeVisible();
    await expect.element(page.getByText('No build has succeeded yet')).toBeInTheDocument();

    await userEvent.click(page.getByRole('button', { name: 'Jump to the latest line' }));
    expect(box.scrollHeight - box.scrollTop - box.clientHeight).toBeLessThanOrEqual(24);
  });

  it('starts a build with Build now and shows the build in use once it is ready', async () => {
    const environment = await newEnvironment('Built now');
    await complete(await claimBuild(), 'failed');
    await render(environment);
    await expect.element(page.getByRole('status')).toHaveTextContent('Failed');

    await userEvent.click(page.getByRole('button', { name: 'Build now' }));
    await expect.element(page.getByRole('status')).toHaveTextContent('Queued');
    await expect.element(page.getByRole('button', { name: 'Build now' })).toBeDisabled();
    const job = await claimBuild();
    await report(job, { started: true, lines: [{ stream: 'progress', text: 'Saving the snapshot' }] });
    await report(job, { step: 'done', outcome: { status: 'ready', error: null } });
    await complete(job, 'done');
    await expect.element(page.getByRole('status')).toHaveTextContent('Ready');
    await expect.element(page.getByText(/^In use: build of /)).toBeVisible();
    await expect
      .element(page.getByRole('log', { name: 'Build log' }))
      .toHaveTextContent('Saving the snapshot');
    await expect.element(page.getByRole('button', { name: 'Build now' })).toBeEnabled();
    await userEvent.click(page.getByText('Earlier builds (1)'));
    await expect
      .element(page.getByRole('listitem'))
      .toHaveTextContent(/Failed .* failed while waiting for a runner/);
  });
});

describe('BuildPanel for a member', () => {
  it("shows an organisation Environment's finished build and its log, without Build now", async () => {
    const environment = await newEnvironment('Read only');
    const job = await claimBuild();
    await report(job, { started: true });
    // As a runner sends them: batches of at most 500.
    for (let batch = 0; batch < 3; batch += 1) {
      const lines = Array.from({ length: 500 }, (_, i) => ({
        stream: 'stdout' as const,
        text: `line ${batch * 500 + i + 1}`,
      }));
      await report(job, { lines });
    }
    await report(job, { step: 'done', outcome: { status: 'ready', error: null } });
    await complete(job, 'done');

    const password = 'a long enough password';
    const email = 'mia@example.com';
    await admin.users.create({ email, name: 'Mia', password, role: 'member' });
    const login = await new OrreryClient({ baseUrl: server.url }).auth.login({ email, password });
    await render(environment, {
      serverUrl: server.url,
      token: login.token,
      user: login.user,
      organisation: login.organisation,
    });
    await expect.element(page.getByRole('status')).toHaveTextContent('Ready');
    // A log longer than one page of the server's answer is read to its end.
    await expect.element(page.getByRole('log', { name: 'Build log' })).toHaveTextContent(/line 1500$/);
    await expect.element(page.getByRole('button', { name: 'Build now' })).toBeDisabled();
    await expect
      .element(page.getByText('Only its author or an admin can build this Environment.'))
      .toBeVisible();
  });
});

function complete(job: Job, outcome: 'done' | 'failed') {
  return runner.runner.complete(job.id, { leaseToken: job.leaseToken, outcome });
}

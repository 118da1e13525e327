// The agent's changes, seen, undone and shipped without a terminal. A Shell
// session on a repository from a git host on loopback (behind a token, with
// a scripted GitHub API on the same port) edits a file; the Changes panel
// shows the diff; "Restore to before this turn" brings the file back byte for
// byte and Undo brings the edit back; Commit, Push branch and Open pull
// request land on the bare repository and the scripted API with the branch,
// title and body the owner wrote. A viewer sees the diff but no ship
// buttons, and the token is nowhere in the container or the transcript.
import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import type { SessionChanges } from '@orrery/shared';
import { githubPeer, type ForgePeer } from '@orrery/runner/testing/forge-peers';
import { clientFor, createTeammate, loginAdmin, shellExpertId, type TestUser } from './api.js';
import { saveScreenshot, signIn } from './app.js';
import { startGitHttpServer, type GitHttpServer } from './git-host.js';
import { startStack, type Stack } from './stack.js';
import { expect, test } from './fixtures.js';

const TOKEN = `tok-e2e-changes-${Date.now().toString(36)}`;
const README = '# Acme app\n\nRun it with ./run.sh\n';
let stack: Stack;
let host: GitHttpServer;
let github: ForgePeer;
let admin: TestUser;
let sessionId: string;

test.beforeAll(async () => {
  host = await startGitHttpServer({ token: TOKEN });
  await host.createRepository(
    'acme/app',
    { 'README.md': README, 'run.sh': 'echo run\n' },
    'Acme: first commit',
  );
  github = githubPeer(host, { token: TOKEN });
  stack = await startStack({ name: 'changes', runner: true, runnerEnv: { ORRERY_GIT_HOSTS: '127.0.0.1' } });
  admin = await loginAdmin(stack.url);
  const api = clientFor(stack.url, admin);
  await api.repositoryCredentials.put('shared', 'ACME_GITHUB', {
    host: host.host,
    kind: 'https-token',
    value: TOKEN,
    forge: 'github',
  });
  const { environment } = await api.environments.create({
    name: `Acme ${Date.now().toString(36)}`,
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
    repositories: [{ url: host.repoUrl('acme/app'), credential: 'ACME_GITHUB' }],
  });
  const { session } = await api.sessions.create({
    expertId: await shellExpertId(stack.url, admin),
    environmentId: environment.id,
    prompt: 'cd /workspace/app && printf "Hello from the agent\\n" >> README.md && git status --short',
  });
  sessionId = session.id;
  // The branch is named after the title.
  await api.sessions.rename(sessionId, { title: 'Greet the readme' });
});

test.afterAll(async () => {
  await stack?.stop();
  await host?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

function panel(page: Page) {
  return page.getByRole('complementary', { name: 'Changes' });
}

test('the owner sees the diff live, restores the turn, undoes it, and ships a pull request', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await signIn(page, stack.url, admin);
  await page.goto(`${stack.url}/#/s/${sessionId}`);
  const transcript = page.getByRole('log', { name: 'Conversation' });
  await expect(transcript).toContainText('Exit code 0.', { timeout: 300_000 });

  // The panel shows the edit.
  await page.getByRole('button', { name: /^Changes/ }).click();
  const repo = panel(page).getByRole('region', { name: 'Repository app' });
  await expect(repo).toContainText('README.md', { timeout: 10_000 });
  await repo.getByRole('button', { name: /README\.md/ }).click();
  await expect(panel(page).getByRole('region', { name: 'Diff of README.md' })).toContainText(
    'Hello from the agent',
  );
  await saveScreenshot(page, 'changes-journey-diff-1280');

  // Restore to before the turn: the file is back byte for byte.
  await transcript.getByRole('button', { name: 'Restore to before this turn' }).first().click();
  await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('dialog')).toBeHidden({ timeout: 60_000 });
  await expect(transcript).toContainText('The workspace was restored to how it was before the turn');
  await send(page, 'sha256sum /workspace/app/README.md');
  await expect(transcript).toContainText(sha256(README), { timeout: 60_000 });

  // Undo the restore: the edit is back.
  await transcript.getByRole('button', { name: 'Undo' }).last().click();
  await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('dialog')).toBeHidden({ timeout: 60_000 });
  await expect(transcript).toContainText('The restore was undone');
  await send(
    page,
    'tail -n 1 /workspace/app/README.md && env && echo found=$(grep -rIls -- "tok-e2e-changes" /workspace /home /tmp /etc 2>/dev/null | wc -l)',
  );
  await expect(transcript).toContainText('found=0', { timeout: 60_000 });

  // Commit with the owner's message, push the session's branch, open a pull request.
  await panel(page).getByRole('button', { name: '← All changes' }).click();
  await page.getByRole('button', { name: 'Commit…' }).click();
  const commit = page.getByRole('dialog', { name: 'Commit changes' });
  await commit.getByRole('textbox', { name: 'Commit message' }).fill('Greet readers in the readme');
  await commit.getByRole('button', { name: 'Commit' }).click();
  await expect(commit).toBeHidden({ timeout: 60_000 });
  await expect(transcript).toContainText('Greet readers in the readme');

  await page.getByRole('button', { name: 'Open pull request…' }).click();
  const pr = page.getByRole('dialog', { name: 'Open pull request' });
  await pr.getByRole('textbox', { name: 'Title' }).fill('Say hello in the readme');
  await pr
    .getByRole('textbox', { name: 'Description' })
    .fill('The agent greets readers.\n\nTested by reading it.');
  await pr.getByRole('button', { name: 'Open pull request' }).click();
  await expect(pr).toBeHidden({ timeout: 60_000 });
  await expect(page.locator('header.session-header').getByRole('link', { name: /PR #1/ })).toBeVisible();
  await saveScreenshot(page, 'changes-journey-pull-request-1280');

  expect(github.pulls).toHaveLength(1);
  const opened = github.pulls[0]!;
  expect(opened).toMatchObject({ title: 'Say hello in the readme', base: 'main' });
  expect(opened.body).toContain('The agent greets readers.');
  expect(opened.head).toMatch(/^orrery\/greet-the-readme-/);
  expect(await host.fileAt('acme/app', opened.head, 'README.md')).toBe(`${README}Hello from the agent\n`);
  expect(await host.branchTip('acme/app', 'main')).not.toBe(await host.branchTip('acme/app', opened.head));

  // The token never reached the transcript or the container.
  await expect(transcript).not.toContainText(TOKEN);
  const changes: SessionChanges = await clientFor(stack.url, admin).changes.get(sessionId);
  expect(JSON.stringify(changes)).not.toContain(TOKEN);
});

test('a viewer sees the diff but no ship buttons', async ({ browser }) => {
  test.setTimeout(120_000);
  const viewer = await createTeammate(stack.url, admin, 'Vera Viewer');
  await clientFor(stack.url, admin).grants.grant(sessionId, viewer.id);
  const page = await browser.newPage();
  try {
    await signIn(page, stack.url, viewer);
    await page.goto(`${stack.url}/#/s/${sessionId}`);
    await page.getByRole('button', { name: /^Changes/ }).click();
    const repo = panel(page).getByRole('region', { name: 'Repository app' });
    await expect(repo).toContainText(/ahead|README/);
    await expect(page.getByRole('button', { name: 'Commit…' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Restore to before this turn' })).toHaveCount(0);
    // And the server refuses a viewer's restore, whatever the app shows.
    const refused = await clientFor(stack.url, viewer)
      .changes.commit(sessionId, { repo: 'app', message: 'Not mine' })
      .then(
        () => null,
        (e: { status?: number }) => e.status,
      );
    expect(refused).toBe(403);
  } finally {
    await page.close();
  }
});

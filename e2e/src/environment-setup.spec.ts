// A new team's first hour, without curl: the admin stores a token for their
// git host (a real `git http-backend` on loopback; containers here have no
// network, so the runner clones on its own side), makes an Environment from
// that repository and one from a local folder under ORRERY_LOCAL_REPOS,
// watches each build's log stream to ready, makes an Expert on one, starts a
// session with it from Home and runs `git log` there. The token is never shown
// back, and never reaches the container or the transcript.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { loginAdmin } from './api.js';
import { saveScreenshot, signIn } from './app.js';
import { startGitHttpServer, type GitHttpServer } from './git-host.js';
import { startStack, type Stack } from './stack.js';
import { expect, test } from './fixtures.js';

const TOKEN = `tok-e2e-${Date.now().toString(36)}`;
const root = mkdtempSync(path.join(tmpdir(), 'orrery-e2e-setup-repos-'));
let stack: Stack;
let host: GitHttpServer;

test.beforeAll(async () => {
  host = await startGitHttpServer({ token: TOKEN });
  await host.createRepository('shop', { 'README.md': '# Shop\n' }, 'Shop: first commit from the forge');
  const local = path.join(root, 'notes');
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', local]);
  writeFileSync(path.join(local, 'notes.md'), 'local notes\n');
  execFileSync('git', ['-C', local, 'add', '.']);
  execFileSync('git', [
    '-C',
    local,
    '-c',
    'user.name=N',
    '-c',
    'user.email=n@example.com',
    'commit',
    '-qm',
    'Notes: kept on this machine',
  ]);
  stack = await startStack({
    name: 'setup',
    runner: true,
    runnerEnv: { ORRERY_GIT_HOSTS: '127.0.0.1', ORRERY_LOCAL_REPOS: root },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  await host?.close();
  rmSync(root, { recursive: true, force: true });
});

function settingsLink(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name });
}

async function newEnvironment(page: Page, name: string, url: string, credential: string | null) {
  await settingsLink(page, 'Environments').click();
  await page.getByRole('link', { name: 'New Environment' }).click();
  const form = page.getByRole('form', { name: 'New Environment' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await form.getByRole('button', { name: 'Add repository' }).click();
  await form.getByRole('textbox', { name: 'Repository 1 URL' }).fill(url);
  if (credential) await form.getByRole('combobox', { name: 'Credential' }).selectOption(credential);
  await form.getByRole('textbox', { name: 'Setup script' }).fill('echo "setting up $(ls /workspace)"');
  await form.getByRole('button', { name: 'Create Environment' }).click();
  // Saved: the editor of the new Environment, whose build started by itself.
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
  const build = page.getByRole('region', { name: 'Build' });
  const log = build.getByRole('log', { name: 'Build log' });
  await expect(log).toContainText('setting up', { timeout: 180_000 });
  await expect(build.getByRole('status').first()).toHaveText('Ready', { timeout: 180_000 });
}

test('an admin sets up a repository, an Expert and a session in the app, and runs git log there', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const admin = await loginAdmin(stack.url);
  await signIn(page, stack.url, admin);

  // The token goes in once, and is never shown again.
  await page.keyboard.press('Control+Comma');
  await expect(page).toHaveURL(/#\/settings\/experts$/);
  await settingsLink(page, 'Secrets').click();
  const add = page.getByRole('form', { name: 'Add a repository credential' });
  await add.getByRole('textbox', { name: 'Name', exact: true }).fill('SHOP_FORGE');
  await add.getByRole('textbox', { name: 'Host' }).fill(host.host);
  await add.getByRole('textbox', { name: 'Value' }).fill(TOKEN);
  await add.getByRole('button', { name: 'Add credential' }).click();
  await expect(page.getByText('SHOP_FORGE').first()).toBeVisible();
  await expect(page.locator('body')).not.toContainText(TOKEN);

  await newEnvironment(page, 'Shop', host.repoUrl('shop'), 'SHOP_FORGE');
  await saveScreenshot(page, 'settings-environment-built-1280');
  await newEnvironment(page, 'Notes', path.join(root, 'notes'), null);

  // An Expert on the Shop Environment.
  await settingsLink(page, 'Experts').click();
  await page.getByRole('link', { name: 'New Expert' }).click();
  const expert = page.getByRole('form', { name: 'New Expert' });
  await expert.getByRole('textbox', { name: 'Name', exact: true }).fill('Shop shell');
  await expert.getByRole('textbox', { name: 'Instructions' }).fill('Runs what it is told in the shop.');
  await expert.getByRole('combobox', { name: 'Model provider' }).selectOption('Shell');
  await expert.getByRole('combobox', { name: 'Default Environment' }).selectOption({ label: 'Shop' });
  await expert.getByRole('button', { name: 'Create Expert' }).click();
  await expect(page.getByRole('heading', { name: 'Edit Shop shell' })).toBeVisible();

  // From Home, a session with it: the repository is there, cloned with the token on the runner's side.
  await page.goto(`${stack.url}/#/`);
  await page.getByRole('radio', { name: /Shop shell/ }).click();
  const prompt = page.getByRole('textbox', { name: 'Describe the task for Shop shell' });
  await prompt.fill('cd /workspace/shop && git log --format=%s && git remote -v && env');
  await prompt.press('Enter');
  const transcript = page.getByRole('log', { name: 'Conversation' });
  await expect(transcript).toContainText('Shop: first commit from the forge', { timeout: 180_000 });
  await expect(transcript).toContainText(host.repoUrl('shop'));
  await expect(transcript).not.toContainText(TOKEN);
  await saveScreenshot(page, 'session-on-own-repository-1280');
  // Every request the forge saw came from the runner's clone, each with the token.
  expect(host.requests.length).toBeGreaterThan(0);
});

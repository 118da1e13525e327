// The Orrery Advisor, as a new team meets it: on Home they pick the Advisor
// and name their repository (a real git folder under ORRERY_LOCAL_REPOS); a
// scripted model (the one outside service) reads what inspect_repository
// really sent back and proposes an Environment; the card's Create makes it
// with the person's own rights, and a Shell session on it shows the build
// ready with the repository checked out.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loginAdmin } from './api.js';
import { saveScreenshot, signIn } from './app.js';
import { ROOT, startStack, type Stack } from './stack.js';
import { expect, test } from './fixtures.js';

const root = mkdtempSync(path.join(tmpdir(), 'orrery-e2e-advisor-repos-'));
let model: ChildProcess;
let stack: Stack;

function fixture(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  execFileSync('git', ['-C', dir, 'add', '.']);
  execFileSync('git', [
    '-C',
    dir,
    '-c',
    'user.name=F',
    '-c',
    'user.email=f@example.com',
    'commit',
    '-qm',
    'first',
  ]);
  return dir;
}

test.beforeAll(async () => {
  model = spawn(process.execPath, [path.join(ROOT, 'runner/dist/testing/advisor-model.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const modelUrl = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: model.stdout! });
    lines.once('line', resolve);
    model.once('exit', (code) => reject(new Error(`the scripted model exited with ${code}`)));
  });
  stack = await startStack({
    name: 'advisor',
    runner: true,
    runnerEnv: {
      ANTHROPIC_API_KEY: 'sk-ant-e2e-scripted',
      ANTHROPIC_BASE_URL: modelUrl,
      ORRERY_LOCAL_REPOS: root,
    },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  model?.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

const PROJECTS: { language: string; files: Record<string, string>; variable: string }[] = [
  {
    language: 'Node',
    files: {
      'package.json': '{"name":"shop","scripts":{"test":"node --test"}}\n',
      'package-lock.json': '{"name":"shop","lockfileVersion":3,"packages":{}}\n',
      '.nvmrc': '22.11.0\n',
    },
    variable: 'NODE_VERSION=22.11.0',
  },
  {
    language: 'Python',
    files: {
      'pyproject.toml': '[project]\nname = "api"\nrequires-python = ">=3.12"\n',
      'requirements.txt': 'flask==3.0.3\n',
      '.python-version': '3.12.7\n',
    },
    variable: 'PYTHON_VERSION=3.12.7',
  },
];

for (const project of PROJECTS) {
  test(`the Advisor reads a ${project.language} repository and proposes an Environment that builds`, async ({
    page,
  }) => {
    const folder = `${project.language.toLowerCase()}-${Date.now().toString(36)}`;
    const repo = fixture(folder, project.files);
    const admin = await loginAdmin(stack.url);
    await signIn(page, stack.url, admin);
    await page.getByRole('radio', { name: /Orrery Advisor/ }).click();
    const prompt = page.getByRole('textbox', { name: 'Describe the task for Orrery Advisor' });
    await prompt.fill(`Help me create an Environment for my ${project.language} project at ${repo}.`);
    await prompt.press('Enter');

    const card = page.getByRole('article', { name: `Proposed Environment ${project.language} ${folder}` });
    await expect(card).toBeVisible({ timeout: 120_000 });
    // The draft carries what the repository's own version file says.
    await expect(card).toContainText(project.variable);
    await expect(card).toContainText(repo);
    await expect(page.getByRole('article', { name: 'Tool call inspect_repository' })).toBeVisible();
    await saveScreenshot(page, `advisor-${project.language.toLowerCase()}-proposal`);

    await card.getByRole('button', { name: /^Create the Environment/ }).click();
    await expect(card.getByRole('status')).toContainText(`Created “${project.language} ${folder}”.`);
    await card.getByRole('button', { name: 'Start a Shell session on it' }).click();
    const transcript = page.getByRole('log', { name: 'Conversation' });
    // The build cloned the repository into the proposed folder: the session runs in it.
    await expect(transcript).toContainText(folder, { timeout: 150_000 });
    await expect(page.getByRole('status', { name: /Environment: Running/ })).toBeVisible();
  });
}

test('the proposal card at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const repo = fixture(`phone-${Date.now().toString(36)}`, PROJECTS[0]!.files);
  const admin = await loginAdmin(stack.url);
  await signIn(page, stack.url, admin);
  await page.getByRole('radio', { name: /Orrery Advisor/ }).click();
  const prompt = page.getByRole('textbox', { name: 'Describe the task for Orrery Advisor' });
  await prompt.fill(`Help me create an Environment for my Node project at ${repo}.`);
  await prompt.press('Enter');
  const card = page.getByRole('article', { name: /^Proposed Environment/ });
  await expect(card).toBeVisible({ timeout: 120_000 });
  await card.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'advisor-proposal-390');
});

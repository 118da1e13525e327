// Snapshot builds against a real engine: repositories from the runner's
// machine, the setup script, shared builds, rebuilds on change, and the
// failures a user must be able to act on.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL, snapshotHash, snapshotTag } from './naming.js';
import {
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';
import type { BuildLogEntry, EnvironmentDefinition } from './types.js';

let docker: Docker;
let t: TestManager;
let repo: string;
const logs: BuildLogEntry[] = [];
const scope = uniqueScope('snap');
const nonce = randomBytes(4).toString('hex');
const builtHashes: string[] = [];
const SECRET = 'bt-9f8e7d6c5b4a';

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
}

function definition(
  setupScript: string,
  overrides: Partial<EnvironmentDefinition> = {},
): EnvironmentDefinition {
  const d = testDefinition({
    id: `env-snap-${nonce}`,
    name: 'Snapshot test',
    setupScript: `# ${nonce}\n${setupScript}`,
    ...overrides,
  });
  builtHashes.push(snapshotHash(d));
  return d;
}

beforeAll(async () => {
  docker = await requireDocker();
  repo = mkdtempSync(path.join(tmpdir(), 'orrery-repo-'));
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(path.join(repo, 'README.md'), 'main branch\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  git('checkout', '-q', '-b', 'feature');
  writeFileSync(path.join(repo, 'feature.txt'), 'feature branch\n');
  git('add', '.');
  git('commit', '-q', '-m', 'feature');
  git('checkout', '-q', 'main');
  t = makeManager({ scope, config: { gitHosts: ['git.example.invalid'], localRepositories: [repo] } });
  t.manager.onBuildLog((entry) => logs.push(entry));
  await t.manager.start();
});

afterAll(async () => {
  await t?.manager.close();
  if (docker) {
    await removeScope(docker, scope);
    for (const hash of builtHashes)
      await docker
        .getImage(snapshotTag(hash))
        .remove({ force: true })
        .catch(() => {});
  }
  if (t) cleanupDir(t.stateDir);
  if (repo) cleanupDir(repo);
});

async function run(session: string, command: string): Promise<string> {
  const r = await t.manager.exec(session, { command });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

describe('snapshot builds', () => {
  it('clones the repositories, runs the setup script as root without secrets, and builds once for sessions that wait together', async () => {
    const d = definition(
      [
        'echo "setting up as $(id -u) with $GREETING"',
        'echo "token=${BUILD_TOKEN-none}"',
        'echo built > app/.built',
        `printf '#!/bin/sh\\necho tool\\n' > /usr/local/bin/mytool && chmod +x /usr/local/bin/mytool`,
      ].join('\n'),
      {
        repositories: [
          { url: repo, path: 'app' },
          { url: `file://${repo}`, ref: 'feature' },
        ],
      },
    );
    await Promise.all([
      t.manager.ensureRunning('b1', d, { BUILD_TOKEN: SECRET }),
      t.manager.ensureRunning('b2', d, { BUILD_TOKEN: SECRET }),
    ]);
    const hash = snapshotHash(d);
    const mine = logs.filter((l) => l.hash === hash);
    expect(mine.filter((l) => l.text.startsWith('Starting a build container'))).toHaveLength(1);
    const output = mine.map((l) => l.text).join('');
    expect(output).toContain(`Cloning ${repo} into /workspace/app`);
    expect(output).toContain('setting up as 0 with hello from the environment');
    expect(output).toContain('token=none');
    expect(JSON.stringify(logs)).not.toContain(SECRET);
    for (const s of ['b1', 'b2']) {
      const statuses = t.changes.filter((c) => c.sessionId === s).map((c) => c.status);
      // Progress changes the building detail several times; the statuses run in this order.
      expect(statuses.filter((x, i) => x !== statuses[i - 1])).toEqual(['building', 'starting', 'running']);
      expect(t.changes.find((c) => c.sessionId === s && c.detail.includes('cloning'))?.detail).toBe(
        `Building the Environment “Snapshot test”: cloning ${repo} (1 of 2). This happens once; later sessions start from the snapshot.`,
      );
    }
    const folder = path.basename(repo);
    expect(await run('b1', 'cat app/README.md; git -C app remote get-url origin')).toBe(
      `main branch\n${repo}\n`,
    );
    expect(await run('b1', `git -C ${folder} rev-parse --abbrev-ref HEAD; cat ${folder}/feature.txt`)).toBe(
      'feature\nfeature branch\n',
    );
    expect(await run('b2', 'stat -c %U app/.built app; mytool')).toBe('orrery\norrery\ntool\n');
    const image = await docker.getImage(snapshotTag(hash)).inspect();
    expect(image.Config.User).toBe('1000:1000');
    expect(image.Config.Labels?.[LABEL.snapshot]).toBe(hash);
  });

  it('builds again when the definition changes, and reuses a snapshot that exists', async () => {
    const d = definition('echo version two > /workspace/version');
    await t.manager.ensureRunning('b3', d);
    expect(t.changes.filter((c) => c.sessionId === 'b3').map((c) => c.status)).toContain('building');
    expect(await run('b3', 'cat /workspace/version')).toBe('version two\n');
    const builds = logs.filter((l) => l.hash === snapshotHash(d) && l.text.startsWith('Starting a build'));
    await t.manager.ensureRunning('b4', d);
    expect(t.changes.filter((c) => c.sessionId === 'b4').map((c) => c.status)).toEqual([
      'starting',
      'running',
    ]);
    expect(
      logs.filter((l) => l.hash === snapshotHash(d) && l.text.startsWith('Starting a build')),
    ).toHaveLength(builds.length);
  });
});

describe('build failures', () => {
  it('fails with the setup script output, reports the error, and leaves no build container', async () => {
    const d = definition('echo "about to fail"; echo "missing dependency libfoo" >&2; exit 4');
    await expect(t.manager.ensureRunning('f1', d)).rejects.toMatchObject({
      code: 'build_failed',
      message: 'The setup script failed (exit code 4): missing dependency libfoo',
    });
    expect(t.manager.status('f1')).toBe('error');
    const leftovers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.scope}=${scope}`, `${LABEL.role}=build`] },
    });
    expect(leftovers).toEqual([]);
  });

  it('says which image is missing and where', async () => {
    const d = definition('', { image: 'orrery/does-not-exist:1' });
    await expect(t.manager.ensureRunning('f2', d)).rejects.toMatchObject({
      code: 'image_missing',
      message: expect.stringContaining(
        'The image orrery/does-not-exist:1 is not on the Docker engine "local" and could not be pulled',
      ) as string,
    });
  });

  it('explains that the runner cannot reach a remote repository’s host', async () => {
    const d = definition('', { repositories: [{ url: 'https://git.example.invalid/team/app.git' }] });
    await expect(t.manager.ensureRunning('f3', d)).rejects.toMatchObject({
      code: 'build_failed',
      message: expect.stringContaining(
        'Cloning https://git.example.invalid/team/app.git failed: the host git.example.invalid cannot be reached from the runner (',
      ) as string,
    });
  });

  it('refuses a definition it cannot use, naming the problem', async () => {
    const d = definition('', { variables: { 'NOT-A-NAME': 'x' } });
    await expect(t.manager.ensureRunning('f4', d)).rejects.toMatchObject({
      code: 'bad_request',
      message: 'The Environment definition is not usable: variable "NOT-A-NAME" is not a shell variable name',
    });
  });
});

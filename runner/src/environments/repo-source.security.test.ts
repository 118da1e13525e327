// Attack: a member writes a personal Environment whose repository is a path
// on the runner's machine (/root/…, or file://…), and the runner bundles that
// repository into the member's container. Local paths are read only inside
// the folders an administrator lists, after resolving symlinks, and the
// refusal does not tell whether the path exists.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from './naming.js';
import { allowedLocalRepository } from './repo-source.js';
import {
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';

let root: string;
let allowed: string;
let secretRepo: string;

function makeRepo(dir: string, content: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  writeFileSync(path.join(dir, 'README.md'), content);
  execFileSync('git', ['-C', dir, 'add', '.']);
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x']);
  return dir;
}

/** The refusal with the path taken out: it must read the same for every refused path. */
async function refusal(dir: string, folders: string[]): Promise<string> {
  const error = await allowedLocalRepository(dir, folders).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error?.code, `${dir} should be refused`).toBe('bad_request');
  return error!.message.replace(dir, '<path>');
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'orrery-local-repos-'));
  allowed = path.join(root, 'allowed');
  makeRepo(path.join(allowed, 'app'), 'allowed app\n');
  secretRepo = makeRepo(path.join(root, 'private', 'keys'), 'the runner host’s private repository\n');
  chmodSync(path.join(root, 'private'), 0o700);
  symlinkSync(secretRepo, path.join(allowed, 'sneaky-link'));
  // A repository whose .git file sends git to a folder outside the allowed one.
  mkdirSync(path.join(allowed, 'gitfile'));
  writeFileSync(path.join(allowed, 'gitfile', '.git'), `gitdir: ${path.join(secretRepo, '.git')}\n`);
});

afterAll(() => {
  if (root) cleanupDir(root);
});

describe('local repository paths', () => {
  it('are refused when no folder is allowed (the default)', async () => {
    const message = await refusal(secretRepo, []);
    expect(message).toBe(
      'The repository <path> is not in a folder this runner may read repositories from. ' +
        'Use a git URL, or ask an administrator to list the folder in ORRERY_LOCAL_REPOS on the runner.',
    );
  });

  it('are read inside an allowed folder, and refused outside it', async () => {
    expect(await allowedLocalRepository(path.join(allowed, 'app'), [allowed])).toBe(
      path.join(allowed, 'app'),
    );
    await refusal(secretRepo, [allowed]);
    await refusal(`${allowed}/../private/keys`, [allowed]);
    await refusal(`${allowed}-sibling/app`, [allowed]);
  });

  it('are checked after resolving symlinks and git’s own pointers', async () => {
    await refusal(path.join(allowed, 'sneaky-link'), [allowed]);
    await refusal(path.join(allowed, 'gitfile'), [allowed]);
  });

  it('say the same whether the path exists or not', async () => {
    const missing = await refusal(path.join(root, 'private', 'nothing-here'), [allowed]);
    const missingInside = await refusal(path.join(allowed, 'nothing-here'), [allowed]);
    const forbidden = await refusal(secretRepo, [allowed]);
    expect(missing).toBe(forbidden);
    expect(missingInside).toBe(forbidden);
  });

  it('refuse file: URLs that name no local path', async () => {
    await refusal('', [allowed]);
    await refusal('relative/path', [allowed]);
  });
});

describe('an Environment naming a repository on the runner’s machine', () => {
  let docker: Docker;
  let t: TestManager;
  const scope = uniqueScope('localrepo');

  beforeAll(async () => {
    docker = await requireDocker();
    t = makeManager({ scope });
    await t.manager.start();
  });

  afterAll(async () => {
    await t?.manager.close();
    if (docker) await removeScope(docker, scope);
    if (t) cleanupDir(t.stateDir);
  });

  it.each([
    ['a path', () => secretRepo],
    ['a file:// URL', () => `file://${secretRepo}`],
  ])('by %s does not get it copied into the container', async (_kind, url) => {
    const definition = testDefinition({
      id: `env-local-${Math.random().toString(36).slice(2, 8)}`,
      setupScript: `# ${scope}`,
      repositories: [{ url: url(), path: 'stolen' }],
    });
    const session = `s-${Math.random().toString(36).slice(2, 8)}`;
    await expect(t.manager.ensureRunning(session, definition)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('is not in a folder this runner may read repositories from') as string,
    });
    expect(t.manager.status(session)).toBe('error');
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.scope}=${scope}`] },
    });
    expect(containers).toEqual([]);
  });
});

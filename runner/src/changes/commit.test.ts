// Committing in the container and taking the work out: the patch applies
// with `git am` in a fresh clone on the host, and the bundle can be fetched
// on the host. Hooks the agent planted do not run. One container.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupDir } from '../environments/test-support.js';
import type { WorkspaceRepository } from './types.js';
import { startGitSession, type GitSession } from '../testing/git-session.js';

let s: GitSession;
let host: string;
const app: WorkspaceRepository = { path: 'app', url: 'https://git.example.com/app.git' };
const person = { name: 'Ada Lovelace', email: 'ada@example.com' };

function git(cwd: string, ...argv: string[]): string {
  return execFileSync('git', argv, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Host',
      GIT_AUTHOR_EMAIL: 'host@example.com',
      GIT_COMMITTER_NAME: 'Host',
      GIT_COMMITTER_EMAIL: 'host@example.com',
    },
  });
}

beforeAll(async () => {
  // A small read limit, so a bundle too large to take out is quick to make.
  s = await startGitSession('commit', { maxReadBytes: 512 * 1024 });
  // The repository starts on the host, as a remote would have it; the container holds a clone.
  host = mkdtempSync(path.join(tmpdir(), 'orrery-gitcore-'));
  const origin = path.join(host, 'origin');
  execFileSync('git', ['init', '-q', '-b', 'main', origin]);
  writeFileSync(path.join(origin, 'a.txt'), 'one\ntwo\nthree\n');
  writeFileSync(path.join(origin, 'old name.txt'), 'moved later\n'.repeat(20));
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'first');
  git(origin, 'bundle', 'create', '-q', path.join(host, 'origin.bundle'), '--all');
});
afterAll(async () => {
  await s?.close();
  if (host) cleanupDir(host);
});
beforeEach(async () => {
  const { readFileSync } = await import('node:fs');
  await s.workspace.writeFile('/tmp/origin.bundle', readFileSync(path.join(host, 'origin.bundle')));
  await s.sh('cd /workspace && rm -rf app && git clone -q /tmp/origin.bundle app');
  await s.git.ensureBase([app]);
});

/** The tree git would commit from the container's working tree now. */
async function worktreeTree(): Promise<string> {
  return (
    await s.sh(
      'cd app && cp .git/index /tmp/i && GIT_INDEX_FILE=/tmp/i git add -A && GIT_INDEX_FILE=/tmp/i git write-tree',
    )
  ).trim();
}

async function agentWork(): Promise<void> {
  await s.sh(`cd app
echo 'committed by the agent' > agent.txt && git add agent.txt && git commit -q -m 'agent: add agent.txt'
printf 'one\\n2\\nthree\\n' > a.txt
git mv 'old name.txt' 'new näme.txt'
printf '#!/bin/sh\\necho tool\\n' > tool.sh && chmod +x tool.sh
head -c 4096 /dev/urandom > data.bin
ln -s a.txt alias`);
}

describe('commit', () => {
  it('commits every change as the person, with no hook of the repository running', async () => {
    await agentWork();
    await s.sh(`cd app && mkdir -p .git/hooks /tmp/evil
printf '#!/bin/sh\\ntouch /tmp/hook-ran; exit 1\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit
cp .git/hooks/pre-commit /tmp/evil/pre-commit && cp .git/hooks/pre-commit .git/hooks/post-commit
git config core.hooksPath /tmp/evil`);
    const tree = await worktreeTree();
    const result = await s.git.commit(app, 'Make the tool\n\nWith # a heading kept.  \n\n', person);
    expect(result).toMatchObject({ branch: 'main', files: 5 });
    expect(await s.sh('git -C app rev-parse HEAD "HEAD^{tree}"')).toBe(`${result.sha}\n${tree}\n`);
    expect(await s.sh("git -C app log -1 --format='%an <%ae>|%cn|%B'")).toBe(
      'Ada Lovelace <ada@example.com>|Ada Lovelace|Make the tool\n\nWith # a heading kept.\n\n',
    );
    expect(await s.sh('git -C app status --porcelain; ls /tmp/hook-ran 2>/dev/null || echo no hook')).toBe(
      'no hook\n',
    );
    await expect(s.git.commit(app, 'again', person)).rejects.toMatchObject({ code: 'nothing_to_commit' });
  });

  it('commits on a detached HEAD, and refuses during a merge', async () => {
    await s.sh('cd app && git checkout -q --detach && echo d > d.txt');
    expect(await s.git.commit(app, 'detached work', person)).toMatchObject({ branch: null, files: 1 });
    await s.sh(`cd app && git checkout -q -b other main && echo theirs > a.txt && git commit -qam theirs
git checkout -q main && echo ours > a.txt && git commit -qam ours && (git merge -q other || true)`);
    const error = await s.git.commit(app, 'merge', person).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'operation_in_progress' });
    expect((error as Error).message).toContain('git merge --abort');
  });

  it('works in a repository that had no commit when the session started', async () => {
    await s.sh('cd /workspace && rm -rf app && git init -q -b main app && echo hello > app/hello.txt');
    await s.git.ensureBase([app]);
    const changes = (await s.git.readChanges([app], 0)).repositories[0]!;
    expect(changes).toMatchObject({ branch: 'main', head: null, base: null, ahead: 0 });
    expect(changes.files.map((f) => [f.path, f.status, f.untracked])).toEqual([['hello.txt', 'added', true]]);
    const { sha } = await s.git.commit(app, 'first', person);
    expect((await s.git.readChanges([app], 0)).repositories[0]).toMatchObject({
      head: sha,
      base: null,
      ahead: 1,
    });
    expect((await s.git.formatPatch(app)).patch).toContain('+hello');
    expect(await s.git.baseBranch(app)).toBe('main');
  });

  it('says when the repository is gone', async () => {
    await s.sh('rm -rf /workspace/app');
    await expect(s.git.commit(app, 'x', person)).rejects.toMatchObject({ code: 'repository_missing' });
  });
});

describe('formatPatch', () => {
  it('applies with git am in a fresh clone on the host, uncommitted changes included', async () => {
    await agentWork();
    const tree = await worktreeTree();
    const before = await s.sh('cd app && git status --porcelain && git rev-parse HEAD && git for-each-ref');
    const { patch, fileName } = await s.git.formatPatch(app);
    expect(fileName).toBe('app-changes.patch');
    expect(patch).toContain('Subject: [PATCH 1/2] agent: add agent.txt');
    expect(patch).toContain('Subject: [PATCH 2/2] Uncommitted changes');
    // Making the patch changed nothing in the repository.
    expect(await s.sh('cd app && git status --porcelain && git rev-parse HEAD && git for-each-ref')).toBe(
      before,
    );

    const clone = path.join(host, `am-${Date.now()}`);
    git(host, 'clone', '-q', path.join(host, 'origin'), clone);
    writeFileSync(path.join(clone, '..', 'p.patch'), patch);
    git(clone, 'am', '-q', path.join(clone, '..', 'p.patch'));
    expect(git(clone, 'rev-parse', 'HEAD^{tree}').trim()).toBe(tree);
    expect(git(clone, 'log', '--format=%s', '-2')).toBe('Uncommitted changes\nagent: add agent.txt\n');
  });

  it('says when there is nothing to put in a patch', async () => {
    await expect(s.git.formatPatch(app)).rejects.toMatchObject({ code: 'nothing_to_commit' });
  });
});

describe('bundle', () => {
  it('bundles HEAD as the branch asked for, fetchable on the host with its whole history', async () => {
    await agentWork();
    await s.git.commit(app, 'the rest', person);
    const head = (await s.sh('git -C app rev-parse HEAD')).trim();
    const refs = await s.sh('git -C app for-each-ref');
    const { bundle, head: bundled } = await s.git.bundle(app, 'orrery/tool-abc123');
    expect(bundled).toBe(head);
    expect(await s.sh('git -C app for-each-ref')).toBe(refs);
    expect(await s.sh('ls -d /tmp/orrery-bundle.* 2>/dev/null || echo none')).toBe('none\n');

    const file = path.join(host, `b-${Date.now()}.bundle`);
    writeFileSync(file, bundle);
    const empty = path.join(host, `empty-${Date.now()}`);
    execFileSync('git', ['init', '-q', empty]);
    git(empty, 'fetch', '-q', file, 'refs/heads/orrery/tool-abc123:refs/heads/orrery/tool-abc123');
    expect(git(empty, 'rev-parse', 'refs/heads/orrery/tool-abc123').trim()).toBe(head);
    expect(git(empty, 'log', '--format=%s', 'refs/heads/orrery/tool-abc123')).toBe(
      'the rest\nagent: add agent.txt\nfirst\n',
    );
  });

  it('says so when the history is too large to take out of the container', async () => {
    await s.sh(
      'cd app && head -c 1048576 /dev/urandom > noise.bin && git add noise.bin && git commit -q -m noise',
    );
    const error = await s.git.bundle(app, 'orrery/big').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_large' });
    expect((error as Error).message).toContain('download the patch');
    expect(await s.sh('ls -d /tmp/orrery-bundle.* 2>/dev/null || echo none')).toBe('none\n');
  });

  it('refuses a bad branch name', async () => {
    await expect(s.git.bundle(app, 'bad..name')).rejects.toMatchObject({ code: 'invalid' });
  });
});

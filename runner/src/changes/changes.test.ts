// The Changes panel's data, read from real repositories in a real
// container: what changed since the session started, file by file, with
// the awkward cases the issue lists. One container for the whole file.
import {
  ChangesReport,
  MAX_CHANGED_FILES,
  MAX_REPORT_DIFF_CHARS,
  type ChangedFile,
  type RepositoryChanges,
} from '@orrery/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workspaceRepositories } from './git.js';
import { freshRepo, SECRET, startGitSession, type GitSession } from '../testing/git-session.js';
import type { WorkspaceRepository } from './types.js';

let s: GitSession;
const app: WorkspaceRepository = { path: 'app', url: 'https://git.example.com/team/app.git' };

beforeAll(async () => {
  s = await startGitSession('changes');
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  await freshRepo(s, 'app');
  await s.git.ensureBase([app]);
});

async function read(repos: WorkspaceRepository[] = [app]): Promise<ChangesReport> {
  const report = await s.git.readChanges(repos, 1_700_000_000_000);
  return ChangesReport.parse(report);
}

async function repo(): Promise<RepositoryChanges> {
  return (await read()).repositories[0]!;
}

function file(r: RepositoryChanges, path: string): ChangedFile {
  const f = r.files.find((x) => x.path === path);
  expect(f, `${path} in ${r.files.map((x) => x.path).join(', ')}`).toBeDefined();
  return f!;
}

describe('readChanges', () => {
  it('reports nothing changed right after the base, with branch, head and base', async () => {
    const head = (await s.sh('git -C app rev-parse HEAD')).trim();
    const r = await repo();
    expect(r).toMatchObject({
      path: 'app',
      url: 'https://git.example.com/team/app.git',
      state: 'ok',
      branch: 'main',
      head,
      base: head,
      baseBranch: 'main',
      operation: 'none',
      ahead: 0,
      files: [],
      moreFiles: 0,
    });
    expect(await s.git.baseBranch(app)).toBe('main');
  });

  it('lists modified, staged, untracked, deleted, renamed and mode-changed files, not ignored ones', async () => {
    await s.sh(`cd app
printf 'one\\n2\\nthree\\nfour\\n' > a.txt
printf 'new file\\n' > notes.md
printf 'staged\\n' > staged.txt && git add staged.txt
git mv src/x.ts src/y.ts
chmod +x run.sh
echo noise > debug.log && mkdir -p build && echo out > build/out.js`);
    const r = await repo();
    expect(r.files.map((f) => f.path).sort()).toEqual([
      'a.txt',
      'notes.md',
      'run.sh',
      'src/y.ts',
      'staged.txt',
    ]);
    expect(file(r, 'a.txt')).toMatchObject({
      status: 'modified',
      added: 2,
      removed: 1,
      untracked: false,
      diff: 'kept',
    });
    expect(file(r, 'notes.md')).toMatchObject({ status: 'added', untracked: true, added: 1, size: 9 });
    expect(file(r, 'run.sh')).toMatchObject({
      status: 'modified',
      oldMode: '100644',
      newMode: '100755',
      added: 0,
      removed: 0,
    });
    expect(file(r, 'src/y.ts')).toMatchObject({
      status: 'renamed',
      oldPath: 'src/x.ts',
      added: 0,
      removed: 0,
    });
    expect(r.added).toBe(2 + 1 + 1);
    const report = await read();
    const patch = report.diffs.find((d) => d.path === 'a.txt')?.patch ?? '';
    expect(patch).toContain('diff --git a/a.txt b/a.txt');
    expect(patch).toContain('-two\n+2\n');
    expect(patch).not.toContain('notes.md');
    // Reading changes the real index in no way.
    expect(await s.sh('cd app && git status --porcelain')).toContain('?? notes.md');
  });

  it('shows a deleted file, a deleted and re-created one as modified, and a file turned symlink', async () => {
    await s.sh(
      `cd app && git rm -q a.txt && printf 'again\\n' > a.txt && rm src/x.ts && rm run.sh && ln -s a.txt run.sh`,
    );
    const report = await read();
    const r = report.repositories[0]!;
    expect(file(r, 'run.sh')).toMatchObject({ status: 'type_changed', oldMode: '100644', newMode: '120000' });
    const typeChange = report.diffs.find((d) => d.path === 'run.sh')?.patch ?? '';
    expect(typeChange).toContain('deleted file mode 100644');
    expect(typeChange).toContain('new file mode 120000');
    expect(file(r, 'src/x.ts')).toMatchObject({ status: 'deleted', size: null, removed: 1 });
    expect(file(r, 'a.txt')).toMatchObject({ status: 'modified', added: 1, removed: 3, untracked: false });
  });

  it('handles paths with spaces, quotes and unicode', async () => {
    await s.sh(`cd app && mkdir -p 'docs/été 2024' && printf 'bonjour\\n' > 'docs/été 2024/notes de réunion.md'
printf 'x\\n' > 'say "hi".txt' && printf 'tab\\n' > "$(printf 'a\\tb.txt')"`);
    const report = await read();
    const r = report.repositories[0]!;
    expect(r.files.map((f) => f.path).sort()).toEqual([
      'a\tb.txt',
      'docs/été 2024/notes de réunion.md',
      'say "hi".txt',
    ]);
    for (const path of ['docs/été 2024/notes de réunion.md', 'say "hi".txt', 'a\tb.txt']) {
      expect(file(r, path)).toMatchObject({ status: 'added', added: 1, diff: 'kept' });
      expect(report.diffs.map((d) => d.path)).toContain(path);
    }
  });

  it('leaves out a file nobody may read and lists the rest', async () => {
    await s.sh('cd app && echo x > locked.txt && chmod 000 locked.txt && echo y > open.txt');
    const r = await repo();
    expect(r.state).toBe('ok');
    expect(r.files.map((f) => f.path)).toEqual(['open.txt']);
  });

  it('summarises binary files and never diffs a 50 MB generated file', async () => {
    await s.sh(`cd app && head -c 3000 /dev/urandom > logo.png
yes 'generated line of text that goes on' | head -c 52428800 > generated.txt`);
    const report = await read();
    const r = report.repositories[0]!;
    expect(file(r, 'logo.png')).toMatchObject({ binary: true, diff: 'binary', added: null, size: 3000 });
    expect(file(r, 'generated.txt')).toMatchObject({
      binary: false,
      diff: 'too_large',
      added: null,
      removed: null,
      size: 52428800,
    });
    expect(report.diffs.map((d) => d.path)).toEqual([]);
    expect(JSON.stringify(report).length).toBeLessThan(20_000);
  });

  it('keeps a diff over the per-file limit out of the report', async () => {
    await s.sh(`cd app && seq 1 50000 | sed 's/$/ a line long enough to pass the limit/' > big.txt`);
    const report = await read();
    expect(file(report.repositories[0]!, 'big.txt')).toMatchObject({ diff: 'too_large', added: 50000 });
    expect(report.diffs).toEqual([]);
  });

  it('marks the files past the total size of the report omitted', async () => {
    // 20 files of about 770 kB of diff each: more than MAX_REPORT_DIFF_CHARS together.
    await s.sh(
      `cd app && mkdir many && for i in $(seq 10 29); do seq 1 110000 | sed "s/$/ $i/" | head -c 700000 > many/f$i.txt; done`,
    );
    const report = await read();
    const files = report.repositories[0]!.files;
    const kept = files.filter((f) => f.diff === 'kept');
    const omitted = files.filter((f) => f.diff === 'omitted');
    expect(kept.length + omitted.length).toBe(20);
    expect(omitted.length).toBeGreaterThan(0);
    expect(report.diffs.map((d) => d.path)).toEqual(kept.map((f) => f.path));
    expect(report.diffs.reduce((n, d) => n + d.patch.length, 0)).toBeLessThanOrEqual(MAX_REPORT_DIFF_CHARS);
  });

  it('lists the first MAX_CHANGED_FILES files and counts the rest', async () => {
    await s.sh(
      `cd app && mkdir gen && cd gen && for i in $(seq 1 ${MAX_CHANGED_FILES + 3}); do echo $i > f$i; done`,
    );
    const r = await repo();
    expect(r.files).toHaveLength(MAX_CHANGED_FILES);
    expect(r.moreFiles).toBe(3);
    expect(r.added).toBe(MAX_CHANGED_FILES);
    expect(r.files.every((f) => f.added === 1 && f.diff === 'kept')).toBe(true);
  });

  it('lists the commits made since the base, newest first, and redacts secrets', async () => {
    await s.sh(`cd app && echo 1 > c1 && git add c1 && git commit -q -m 'add c1'
echo "token=${SECRET}" > c2 && git add c2 && git commit -q -m 'add c2 with ${SECRET}'`);
    const report = await read();
    const r = report.repositories[0]!;
    expect(r.ahead).toBe(2);
    expect(r.commits.map((c) => c.subject)).toEqual(['add c2 with [redacted]', 'add c1']);
    expect(r.commits[0]).toMatchObject({ author: 'Agent <agent@example.com>' });
    expect(r.head).not.toBe(r.base);
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(report.diffs.find((d) => d.path === 'c2')?.patch).toContain('+token=[redacted]');
  });

  it('says when HEAD is detached and when a merge is in progress', async () => {
    await s.sh('cd app && git checkout -q --detach');
    expect(await repo()).toMatchObject({ branch: null, operation: 'none' });
    await s.sh(`cd app && git checkout -q main && git checkout -q -b other && echo theirs > a.txt && git commit -qam theirs
git checkout -q main && echo ours > a.txt && git commit -qam ours && (git merge -q other || true)`);
    const r = await repo();
    expect(r).toMatchObject({ branch: 'main', operation: 'merge' });
    expect(r.detail).toContain('git merge --abort');
    expect(file(r, 'a.txt').status).toBe('modified');
  });

  it('says when the agent removed a repository or its .git folder, and reads the others', async () => {
    const other: WorkspaceRepository = { path: 'lib', url: '/srv/lib' };
    const gone: WorkspaceRepository = { path: 'gone', url: 'https://user:pw@git.example.com/gone.git' };
    await s.sh('cd /workspace && cp -r app lib && rm -rf lib/.git && echo x > app/new.txt');
    const report = await read([gone, other, app]);
    expect(report.repositories.map((r) => [r.path, r.state, r.url])).toEqual([
      ['gone', 'missing', 'https://git.example.com/gone.git'],
      ['lib', 'not_a_repository', null],
      ['app', 'ok', 'https://git.example.com/team/app.git'],
    ]);
    expect(report.repositories[0]!.detail).toContain('removed');
    expect(report.repositories[2]!.files.map((f) => f.path)).toEqual(['new.txt']);
  });

  it('keeps the first base, and records one when a repository has none yet', async () => {
    const base = (await s.sh('git -C app rev-parse HEAD')).trim();
    await s.sh('cd app && echo 1 > c1 && git add c1 && git commit -q -m c1');
    await s.git.ensureBase([app]);
    expect((await repo()).base).toBe(base);
    await s.sh('git -C app update-ref -d refs/orrery/base');
    const r = await repo();
    expect(r.base).toBe(r.head);
  });
});

describe('workspaceRepositories', () => {
  it('names each repository by the folder the build clones it into', () => {
    const definition = {
      repositories: [
        { url: 'https://github.com/acme/web.git', credential: 'gh' },
        { url: '/srv/repos/tools', path: 'devtools' },
      ],
    } as Parameters<typeof workspaceRepositories>[0];
    expect(workspaceRepositories(definition)).toEqual([
      { path: 'web', url: 'https://github.com/acme/web.git', credential: 'gh' },
      { path: 'devtools', url: '/srv/repos/tools', credential: undefined },
    ]);
  });
});

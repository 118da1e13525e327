// Checkpoints and restores in a real container: a checkpoint changes
// nothing the user sees, a restore puts every file, mode, symlink, the
// index, the branch and HEAD back, and is itself undone by its undo
// checkpoint. Ignored files are left alone. One container for the file.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChangesError, type WorkspaceRepository } from './types.js';
import { fingerprint, freshRepo, startGitSession, type GitSession } from '../testing/git-session.js';

let s: GitSession;
const app: WorkspaceRepository = { path: 'app', url: 'https://git.example.com/app.git' };
const lib: WorkspaceRepository = { path: 'lib', url: 'https://git.example.com/lib.git' };

beforeAll(async () => {
  s = await startGitSession('checkpoint');
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  await freshRepo(s, 'app');
  await s.git.ensureBase([app]);
});

/** What a user sees of a repository's git state, besides its files. */
async function gitState(dir: string): Promise<string> {
  return s.sh(`cd ${dir}
echo "HEAD $(git symbolic-ref -q HEAD || echo detached) $(git rev-parse HEAD)"
git for-each-ref --format='%(refname) %(objectname)' refs/heads refs/tags
echo "stash $(git stash list | wc -l)"
echo "reflog $(git reflog | wc -l)"
git status --porcelain=v2 --untracked-files=all
git diff --cached --binary`);
}

/** A state with something in every corner: staged, unstaged, untracked, executable, symlink, unicode, ignored. */
async function busyState(): Promise<void> {
  await s.sh(`cd app
printf 'one\\nstaged two\\nthree\\n' > a.txt && git add a.txt
printf 'one\\nunstaged two\\nthree\\n' > a.txt
printf 'draft\\n' > 'notes de réunion.md'
ln -s a.txt link-to-a
chmod +x run.sh
head -c 2048 /dev/urandom > blob.bin
echo 'before the turn' > debug.log`);
}

/** What an agent's turn might do to it. */
async function aTurn(): Promise<void> {
  await s.sh(`cd app
echo 'rewritten' > a.txt
rm 'notes de réunion.md'
git mv src/x.ts src/renamed.ts
chmod -x run.sh
rm link-to-a && echo 'now a file' > link-to-a
mkdir -p new/deep && echo 'added' > new/deep/file.txt
head -c 2048 /dev/urandom > blob.bin
echo 'during the turn' > debug.log
git add -A && git commit -q -m 'the agent commits'
echo 'after the commit' > after.txt`);
}

const withoutIgnored = (print: string): string =>
  print
    .split('\n')
    .filter((line) => !line.includes('./debug.log'))
    .join('\n');

describe('checkpoint', () => {
  it('records the state without changing files, the index, branches, stash or the reflog', async () => {
    await busyState();
    const files = await fingerprint(s, 'app');
    const state = await gitState('app');
    const index = await s.sh('sha256sum < app/.git/index');
    await s.git.checkpoint([app], 'turn-1');
    expect(await fingerprint(s, 'app')).toBe(files);
    expect(await gitState('app')).toBe(state);
    expect(await s.sh('sha256sum < app/.git/index')).toBe(index);
    expect(await s.git.checkpoints([app])).toEqual(new Set(['turn-1']));
  });

  it('runs none of the hooks or fsmonitor the agent planted', async () => {
    await s.sh(`cd app && printf '#!/bin/sh\\necho "$0" >> /tmp/planted-ran\\n' > /tmp/planted && chmod +x /tmp/planted
for h in reference-transaction post-checkout post-index-change pre-commit; do cp /tmp/planted .git/hooks/$h; done
git config core.fsmonitor /tmp/planted && rm -f /tmp/planted-ran && echo x > new.txt`);
    await s.git.checkpoint([app], 'hooked');
    await s.git.readChanges([app], 0);
    await s.git.restore([app], 'hooked', 'hooked-undo');
    expect(await s.sh('cat /tmp/planted-ran 2>/dev/null || echo none')).toBe('none\n');
  });

  it('refuses ids that are not plain names', async () => {
    for (const id of ['../heads/main', 'a b', '', 'x.lock', '-rf']) {
      await expect(s.git.checkpoint([app], id)).rejects.toMatchObject({ code: 'invalid' });
    }
  });
});

describe('restore', () => {
  it('puts every file, mode, symlink, the index, the branch and HEAD back; ignored files stay', async () => {
    await busyState();
    const files = await fingerprint(s, 'app');
    const state = await gitState('app');
    expect(files).toContain('l 777 ./link-to-a -> a.txt\n');
    expect(files).toMatch(/^f 755 \.\/run\.sh [0-9a-f]{64}$/m);
    await s.git.checkpoint([app], 'before-turn');
    await aTurn();
    const turnFiles = await fingerprint(s, 'app');
    const agentCommit = (await s.sh('git -C app rev-parse HEAD')).trim();

    const result = await s.git.restore([app], 'before-turn', 'undo-1');
    expect(result).toEqual({
      checkpointId: 'before-turn',
      undoCheckpointId: 'undo-1',
      repositories: ['app'],
    });
    expect(withoutIgnored(await fingerprint(s, 'app'))).toBe(withoutIgnored(files));
    // Ignored files are not part of a checkpoint: the turn's version stays.
    expect(await s.sh('cat app/debug.log')).toBe('during the turn\n');
    // The same status, staged content and HEAD; the branch moved back (the reflog tells of the restore).
    const after = await gitState('app');
    expect(after.replace(/^reflog \d+$/m, '')).toBe(state.replace(/^reflog \d+$/m, ''));

    // Undo: the turn's files, and the branch at the agent's commit again.
    await s.git.restore([app], 'undo-1', 'undo-2');
    expect(await fingerprint(s, 'app')).toBe(turnFiles);
    expect((await s.sh('git -C app rev-parse HEAD')).trim()).toBe(agentCommit);
    expect(await s.git.checkpoints([app])).toEqual(new Set(['before-turn', 'undo-1', 'undo-2']));
  });

  it('puts a detached HEAD back, and a branch the agent deleted', async () => {
    await s.sh('cd app && git checkout -q --detach');
    const detached = await gitState('app');
    await s.git.checkpoint([app], 'detached');
    await s.sh('cd app && git checkout -q -b work && echo w > w.txt && git add w.txt && git commit -qm w');
    await s.git.restore([app], 'detached', 'undo-detached');
    expect((await gitState('app')).replace(/^reflog \d+$/m, '').replace(/^refs\/heads\/work .*\n/m, '')).toBe(
      detached.replace(/^reflog \d+$/m, ''),
    );

    await s.sh('cd app && git checkout -q main');
    const onMain = await s.sh('git -C app rev-parse main');
    await s.git.checkpoint([app], 'on-main');
    await s.sh('cd app && git checkout -q --detach && git branch -q -D main');
    await s.git.restore([app], 'on-main', 'undo-main');
    expect(await s.sh('git -C app symbolic-ref HEAD; git -C app rev-parse main')).toBe(
      `refs/heads/main\n${onMain}`,
    );
  });

  it('puts back what was staged at each checkpoint, turn after turn', async () => {
    await s.sh('cd app && echo b > b.txt && echo c > c.txt');
    await s.git.checkpoint([app], 'nothing-staged');
    await s.git.checkpoint([app], 'still-nothing');
    await s.sh('cd app && git add b.txt');
    await s.git.checkpoint([app], 'b-staged');
    await s.sh('cd app && git reset -q && git add c.txt');
    const staged = () => s.sh('cd app && git diff --cached --name-only');
    await s.git.restore([app], 'b-staged', 'u1');
    expect(await staged()).toBe('b.txt\n');
    await s.git.restore([app], 'still-nothing', 'u2');
    expect(await staged()).toBe('');
    await s.git.restore([app], 'u1', 'u3');
    expect(await staged()).toBe('c.txt\n');
  });

  it('restores every repository together', async () => {
    await s.sh('cd /workspace && cp -r app lib && echo lib > lib/only-lib.txt');
    await s.git.checkpoint([app, lib], 'both');
    const before = [await fingerprint(s, 'app'), await fingerprint(s, 'lib')];
    await s.sh('cd /workspace && rm app/a.txt && echo x > lib/x.txt');
    const result = await s.git.restore([app, lib], 'both', 'undo-both');
    expect(result.repositories).toEqual(['app', 'lib']);
    expect([await fingerprint(s, 'app'), await fingerprint(s, 'lib')]).toEqual(before);
  });

  it('refuses while a merge is in progress and changes nothing', async () => {
    await s.git.checkpoint([app], 'pre-merge');
    await s.sh(`cd app && git checkout -q -b other && echo theirs > a.txt && git commit -qam theirs
git checkout -q main && echo ours > a.txt && git commit -qam ours && (git merge -q other || true)`);
    const files = await fingerprint(s, 'app');
    const error = await s.git.restore([app], 'pre-merge', 'undo-merge').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangesError);
    expect(error).toMatchObject({ code: 'operation_in_progress' });
    expect((error as Error).message).toContain('git merge --abort');
    expect(await fingerprint(s, 'app')).toBe(files);
    expect(await s.git.checkpoints([app])).not.toContain('undo-merge');
  });

  it('keeps checkpoints across a pause and a stop of the Environment', async () => {
    await s.git.checkpoint([app], 'before-pause');
    const files = await fingerprint(s, 'app');
    await s.t.manager.pause(s.session);
    expect(s.t.manager.status(s.session)).toBe('paused');
    expect(await s.git.checkpoints([app])).toContain('before-pause');
    await s.sh('rm /workspace/app/a.txt');
    await s.t.manager.stop(s.session);
    expect(s.t.manager.status(s.session)).toBe('stopped');
    await s.git.restore([app], 'before-pause', 'after-stop');
    expect(await fingerprint(s, 'app')).toBe(files);
  });

  it('says a checkpoint is lost when the repository no longer has it, or is gone', async () => {
    await expect(s.git.restore([app], 'never-made', 'undo-x')).rejects.toMatchObject({
      code: 'checkpoint_lost',
    });
    await s.git.checkpoint([app], 'kept');
    await s.sh('rm -rf /workspace/app');
    const error = await s.git.restore([app], 'kept', 'undo-y').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'checkpoint_lost' });
    expect((error as Error).message).toContain('app was removed');
    expect(await s.git.checkpoints([app])).toEqual(new Set());
  });
});

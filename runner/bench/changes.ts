// Benchmark of WorkspaceGit on a repository of 10,000 files in a real
// container: (a) from a command's end to the changes report read (what the
// Changes panel waits for; the report then goes to the server), with a
// 2,000-line diff among the changes; (b) a checkpoint per turn; (c) a restore.
// Run: npm run bench:changes -w runner      (needs build/setup.sh's Docker engine)
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startGitSession } from '../src/testing/git-session.js';
import type { WorkspaceRepository } from '../src/changes/types.js';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const FILES = Number(process.env.FILES ?? 10_000);
const TARGETS = { changes: 300, checkpoint: 100 };

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const s = await startGitSession('bench-changes');
const repo: WorkspaceRepository = { path: 'big', url: 'https://git.example.com/big.git' };
const rows: string[] = [];
function report(name: string, xs: number[], target?: number): void {
  const median = percentile(xs, 50);
  const p95 = percentile(xs, 95);
  const against = target ? `  target ≤ ${target} ms  p95/target ${(p95 / target).toFixed(2)}` : '';
  rows.push(
    `${name.padEnd(44)} median ${median.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms${against}`,
  );
}

try {
  console.log(`Making a repository of ${FILES} files in the container…`);
  await s
    .sh(
      `cd /workspace && rm -rf big && git init -q -b main big && cd big
for d in $(seq 1 ${Math.ceil(FILES / 50)}); do
  mkdir -p src/m$d
  for f in $(seq 1 50); do printf 'export const v%s = %s;\\n// module %s file %s\\n' $f $f $d $f > src/m$d/f$f.ts; done
done
seq 1 2000 | sed 's/^/line /' > src/long.txt
printf 'node_modules/\\n*.log\\n' > .gitignore
git add -A && git -c gc.auto=0 commit -q -m 'ten thousand files' && git gc -q
echo "$(git ls-files | wc -l) files"`,
    )
    .then((out) => console.log(out.trim()));
  await s.git.ensureBase([repo]);
  await s.git.readChanges([repo], Date.now());

  const execOnly: number[] = [];
  const changes: number[] = [];
  let files = 0;
  let diffChars = 0;
  for (let i = 0; i < ROUNDS; i++) {
    // The agent's command: rewrites all 2,000 lines of one file, edits two more, adds one.
    await s.sh(`cd big && seq 1 2000 | sed 's/^/changed ${i} /' > src/long.txt
echo '// edit ${i}' >> src/m1/f1.ts && echo '// edit ${i}' >> src/m7/f3.ts && echo new > src/new-${i}.ts`);
    changes.push(
      await time(async () => {
        const r = await s.git.readChanges([repo], Date.now());
        files = r.repositories[0].files.length;
        diffChars = r.diffs.reduce((n, d) => n + d.patch.length, 0);
      }),
    );
    execOnly.push(await time(() => s.workspace.exec({ command: 'true' })));
  }
  report('exec of `true` (the manager alone)', execOnly);
  report(`readChanges after a command (${files} files, ${diffChars} diff chars)`, changes, TARGETS.changes);

  const checkpoints: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await s.sh(`cd big && echo 'turn ${i}' >> src/m2/f2.ts && echo t > src/turn-${i}.ts`);
    checkpoints.push(await time(() => s.git.checkpoint([repo], `bench-turn-${i}`)));
  }
  report('checkpoint per turn', checkpoints, TARGETS.checkpoint);

  const restores: number[] = [];
  for (let i = 0; i < Math.min(ROUNDS, 10); i++) {
    await s.sh(`cd big && rm -rf src/m3 && seq 1 2000 > src/long.txt && echo x > src/restored-${i}.ts`);
    restores.push(await time(() => s.git.restore([repo], 'bench-turn-0', `bench-undo-${i}`)));
  }
  report('restore (50 files deleted, 2,000 lines, 1 added)', restores);

  // The agent ran npm install in a repository that ignores nothing: 20,000 untracked files.
  await s.sh(`cd big && mkdir -p deps && cd deps && for d in $(seq 1 400); do mkdir -p m$d
  for f in $(seq 1 50); do echo "module.exports = $f;" > m$d/f$f.js; done; done`);
  await s.git.readChanges([repo], Date.now());
  const untracked: number[] = [];
  for (let i = 0; i < Math.min(ROUNDS, 10); i++) {
    await s.sh(`cd big && echo '// edit ${i}' >> src/m1/f1.ts`);
    untracked.push(await time(() => s.git.readChanges([repo], Date.now())));
  }
  report('readChanges with 20,000 untracked files too', untracked);

  console.log(
    `\nWorkspaceGit on ${FILES} files, ${ROUNDS} rounds (one container, ${process.arch}, load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores):`,
  );
  for (const row of rows) console.log(`  ${row}`);
} finally {
  await s.close();
}

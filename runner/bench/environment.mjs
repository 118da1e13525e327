// Environment benchmark: the manager side by side with the docker CLI against
// the same engine and container. Prints medians and ratios (manager / CLI):
//   paused → first command output, an exec round trip (`true`),
//   create+start from the snapshot, pause.
// Run: npm run bench -w runner   (needs the Docker engine and the base image)
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import ts from 'typescript';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const runnerRoot = path.resolve(here, '..');
const ITER = { exec: 40, resume: 10, create: 3, pause: 10 };

/** Compiles src/environments alone (like the tests), so the benchmark runs whatever else is in progress. */
function compileEnvironments() {
  const folder = path.join(runnerRoot, 'src', 'environments');
  const out = path.join(runnerRoot, 'dist', `bench-${process.pid}`);
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(folder)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'test-support.ts') continue;
    const { outputText } = ts.transpileModule(readFileSync(path.join(folder, file), 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    writeFileSync(path.join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return {
    url: pathToFileURL(path.join(out, 'index.js')).href,
    cleanup: () => rmSync(out, { recursive: true, force: true }),
  };
}

const ms = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeMany(n, once) {
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(await once(i));
  return samples;
}

/** Runs the docker CLI and resolves at the first byte of its stdout (or at exit when it prints nothing). */
function cliFirstOutput(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let done = false;
    child.stdout.once('data', () => {
      done = true;
      resolve();
    });
    child.once('exit', (code) =>
      code === 0 ? !done && resolve() : reject(new Error(`docker ${args.join(' ')}: exit ${code}`)),
    );
  });
}

const compiled = compileEnvironments();
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const scope = `bench-${randomBytes(3).toString('hex')}`;
const stateDir = mkdtempSync(path.join(tmpdir(), 'orrery-bench-'));
const { createEnvironmentManager, snapshotHash, snapshotTag } = await import(compiled.url);
const manager = createEnvironmentManager({ docker, config: { scope, stateDir } });
const definition = {
  id: 'env-bench',
  name: 'Benchmark',
  image: process.env.ORRERY_BASE_IMAGE ?? 'orrery/env-base:bookworm',
  repositories: [],
  setupScript: '',
  variables: {},
  idleTimeoutMs: 60 * 60 * 1000,
  maxRunTimeMs: 24 * 60 * 60 * 1000,
  cleanRestartAfterMs: 7 * 24 * 60 * 60 * 1000,
};
const rows = [];

try {
  await docker.ping().catch((e) => {
    throw new Error(`No Docker engine at /var/run/docker.sock (run: sudo bash build/setup.sh): ${e.message}`);
  });
  await manager.start();
  console.log('preparing (the snapshot is built first if this definition has none yet)…');
  await manager.ensureRunning('bench', definition);
  const image = snapshotTag(snapshotHash(definition));
  const network = (await docker.listNetworks()).some((n) => n.Name === 'bridge') ? 'bridge' : 'none';
  // The CLI gets a twin container of its own (same image and flags): the manager follows the
  // engine's events for its containers, and would react to the CLI pausing its container.
  const cliRunArgs = (cname) => [
    'run',
    '-d',
    '--name',
    cname,
    '--label',
    `dev.orrery.bench=${scope}`,
    '--network',
    network,
    '--init',
    '--user',
    '1000:1000',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--memory',
    '4g',
    '--cpus',
    '2',
    '--pids-limit',
    '1024',
    image,
    'sleep',
    'infinity',
  ];
  const twin = `orrery-${scope}-cli-twin`;
  await run('docker', cliRunArgs(twin));

  // Exec round trip: `true`.
  await manager.exec('bench', { command: 'true' });
  const oursExec = await timeMany(ITER.exec, async () => {
    const t0 = ms();
    await manager.exec('bench', { command: 'true' });
    return ms() - t0;
  });
  const plainExec = await timeMany(ITER.exec, async () => {
    const t0 = ms();
    const exec = await docker
      .getContainer(twin)
      .exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    stream.resume();
    await new Promise((r) => stream.once('end', r));
    await exec.inspect();
    return ms() - t0;
  });
  const cliExec = await timeMany(ITER.exec, async () => {
    const t0 = ms();
    await run('docker', ['exec', twin, 'true']);
    return ms() - t0;
  });
  rows.push(['exec round trip (`true`)', oursExec, cliExec]);
  rows.push(['  plain dockerode exec (the fallback path)', plainExec, cliExec]);

  // Paused → first output of a command.
  const oursResume = await timeMany(ITER.resume, async () => {
    await manager.pause('bench');
    const t0 = ms();
    let first = 0;
    await manager.exec('bench', { command: 'echo hi', onStdout: () => (first ||= ms()) });
    return first - t0;
  });
  const cliResume = await timeMany(ITER.resume, async () => {
    await run('docker', ['pause', twin]);
    const t0 = ms();
    await run('docker', ['unpause', twin]);
    await cliFirstOutput(['exec', twin, 'echo', 'hi']);
    return ms() - t0;
  });
  rows.push(['paused → first command output', oursResume, cliResume]);

  // Pause.
  const oursPause = await timeMany(ITER.pause, async () => {
    await manager.exec('bench', { command: 'true' });
    const t0 = ms();
    await manager.pause('bench');
    return ms() - t0;
  });
  await manager.exec('bench', { command: 'true' });
  const cliPause = await timeMany(ITER.pause, async () => {
    const t0 = ms();
    await run('docker', ['pause', twin]);
    const took = ms() - t0;
    await run('docker', ['unpause', twin]);
    return took;
  });
  rows.push(['pause', oursPause, cliPause]);

  // Create + start from the snapshot (until a command can run).
  const oursCreate = await timeMany(ITER.create, async (i) => {
    const t0 = ms();
    await manager.ensureRunning(`bench-new-${i}`, definition);
    const took = ms() - t0;
    await manager.remove(`bench-new-${i}`);
    return took;
  });
  const cliCreate = await timeMany(ITER.create, async (i) => {
    const cname = `orrery-${scope}-cli-${i}`;
    const t0 = ms();
    await run('docker', cliRunArgs(cname));
    const took = ms() - t0;
    await run('docker', ['rm', '-f', cname]);
    return took;
  });
  rows.push(['create+start from the snapshot', oursCreate, cliCreate]);

  const fmt = (x) => `${x.toFixed(1).padStart(8)} ms`;
  console.log(`\nEnvironment benchmark (medians; engine: /var/run/docker.sock, network ${network})\n`);
  console.log(`${'measure'.padEnd(44)}${'manager'.padStart(11)}${'docker CLI'.padStart(13)}   ratio`);
  for (const [label, ours, cli] of rows) {
    const ratio = median(ours) / median(cli);
    console.log(
      `${label.padEnd(44)}${fmt(median(ours))}  ${fmt(median(cli))}   ${ratio.toFixed(2)}×   (n=${ours.length})`,
    );
  }
  console.log('\nTargets: paused → first output and the exec round trip at most 0.5× the CLI.');
  const resultsDir = path.join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    path.join(resultsDir, `environment-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(
      rows.map(([label, ours, cli]) => ({ label, manager: ours, cli })),
      null,
      2,
    ),
  );
} finally {
  await manager.remove('bench').catch(() => {});
  await manager.close();
  for (const label of [`dev.orrery.runner-scope=${scope}`, `dev.orrery.bench=${scope}`]) {
    const left = await docker.listContainers({ all: true, filters: { label: [label] } });
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {}),
      ),
    );
  }
  rmSync(stateDir, { recursive: true, force: true });
  compiled.cleanup();
}

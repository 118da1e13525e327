// `npm start`: the sync server (with the web app and the embedded SQLite
// store) and a runner beside it, as one foreground job. Ctrl+C stops both,
// the server last so that it flushes what the runner wrote.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = process.env.ORRERY_PORT?.trim() || '8787';
const dataDir = path.resolve(process.env.ORRERY_DATA_DIR?.trim() || '.orrery');
mkdirSync(dataDir, { recursive: true });
const env = { ...process.env, ORRERY_PORT: port, ORRERY_DATA_DIR: dataDir };

const children = new Set();
let stopping = false;

function run(name, entry, extraEnv = {}, onLine = undefined) {
  const child = spawn(process.execPath, [path.join(root, entry)], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', onLine ? 'pipe' : 'inherit', 'inherit'],
  });
  if (onLine) {
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    console.error(`[orrery] the ${name} exited (${signal ?? `code ${code}`}); stopping.`);
    void stop(code ?? 1);
  });
  return child;
}

async function waitForServer(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const order = [...children].reverse();
  for (const child of order) {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// Docker, the base image and Chromium: set-up that npm cannot do. A failure is
// said plainly and the server still starts, so the app can be browsed.
const setup = spawnSync('bash', [path.join(root, 'build', 'setup.sh')], { stdio: 'inherit', env });
const setupProblem =
  setup.status === 0
    ? null
    : 'the set-up step above did not finish, so sessions cannot start their Environments yet; ' +
      'do what its [setup] lines say, then run `npm start` again';
if (setupProblem) console.error(`[orrery] ${setupProblem}. Starting the server anyway.`);

const serverEntry = 'sync-server/dist/main.js';
if (!existsSync(path.join(root, serverEntry))) {
  console.error('[orrery] the sync server is not built; run `npm run build` first.');
  process.exit(1);
}
run('sync server', serverEntry);
const url = `http://127.0.0.1:${port}`;
if (!(await waitForServer(url, 30_000))) {
  console.error(`[orrery] the sync server did not answer on ${url} within 30 s.`);
  await stop(1);
}
const runnerEntry = 'runner/dist/main.js';
if (existsSync(path.join(root, runnerEntry))) {
  // "Ready" waits for the runner: a bad engine setting (say, a missing certificate) stops it first, with its reason.
  await new Promise((resolve) => {
    const runner = run(
      'runner',
      runnerEntry,
      { ORRERY_SERVER_URL: url, ORRERY_RUNNER_TOKEN_FILE: path.join(dataDir, 'runner.token') },
      (line) => {
        if (line.includes('"message":"runner ready"')) resolve();
      },
    );
    runner.once('exit', resolve);
  });
  if (stopping) await new Promise(() => {});
}
if (setupProblem) console.log(`[orrery] ready for browsing: open ${url} in a browser (${setupProblem}).`);
else console.log(`[orrery] ready: open ${url} in a browser.`);

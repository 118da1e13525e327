// Starts the real sync server (and optionally a runner) as child processes,
// the way build/start.mjs does, each stack with its own data folder and port.
// The offline journey stops and restarts the server of its own stack.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ADMIN_EMAIL = 'admin@orrery.test';
export const ADMIN_PASSWORD = 'admin-password-for-e2e';

export interface Stack {
  url: string;
  port: number;
  dataDir: string;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(url: string, ms: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The sync server exited with code ${child.exitCode}; see its log.`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`The sync server did not answer on ${url} within ${ms} ms.`);
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function removeContainers(scope: string): void {
  try {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.orrery.runner-scope=${scope}`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  } catch (error) {
    console.error(`Could not remove the containers of runner scope ${scope}: ${String(error)}`);
  }
}

export async function startStack(options: {
  name: string;
  runner: boolean;
  /** More of the runner's environment, e.g. a model's base URL or ORRERY_LOCAL_REPOS. */
  runnerEnv?: Record<string, string>;
  /** More environment for the server (e.g. ORRERY_TEST_CLOCK_PORT). */
  serverEnv?: Record<string, string>;
}): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `orrery-e2e-${options.name}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logDir = path.join(ROOT, 'e2e', 'artifacts', 'logs');
  mkdirSync(logDir, { recursive: true });
  // Containers of this stack's runner carry this scope, so teardown removes exactly them.
  const scope = `e2e-${options.name}-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    ORRERY_RUNNER_SCOPE: scope,
    ORRERY_PORT: String(port),
    ORRERY_DATA_DIR: dataDir,
    ORRERY_ADMIN_EMAIL: ADMIN_EMAIL,
    ORRERY_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  let server: ChildProcess | null = null;
  let runner: ChildProcess | null = null;

  const launch = (name: string, entry: string, extra: Record<string, string> = {}) => {
    const log = createWriteStream(path.join(logDir, `${options.name}-${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [path.join(ROOT, entry)], {
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child;
  };

  const startServer = async () => {
    server = launch('server', 'sync-server/dist/main.js', options.serverEnv);
    await waitForHealth(url, 30_000, server);
    if (options.runner) {
      // The server writes a fresh runner token on every start; the runner reads it.
      await stopChild(runner);
      runner = launch('runner', 'runner/dist/main.js', {
        ORRERY_SERVER_URL: url,
        ORRERY_RUNNER_TOKEN_FILE: path.join(dataDir, 'runner.token'),
        ...options.runnerEnv,
      });
    }
  };
  const stopServer = async () => {
    await stopChild(server);
    server = null;
  };

  await startServer();
  return {
    url,
    port,
    dataDir,
    startServer,
    stopServer,
    async stop() {
      await stopChild(runner);
      await stopChild(server);
      removeContainers(scope);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

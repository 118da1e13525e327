// Sync-server processes (dist/main.js, as `npm start` runs it) for the cluster
// tests and the cluster benchmark: each with a data folder of its own, all on
// one PostgreSQL database and one Redis, with the same secrets key.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './processes.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CLUSTER_ADMIN = { email: 'ops@example.com', password: 'cluster password 1' };

export interface Cluster {
  databaseUrl: string;
  redisUrl: string;
  secretsKey: string;
}

export interface Instance {
  name: string;
  child: ChildProcess;
  dataDir: string;
  url: string;
  wsUrl: string;
  /** POST here with ?ms=N to move this instance's clock (ORRERY_TEST_CLOCK_PORT). */
  clockUrl: string;
  output(): string;
  /** The service token this instance wrote for the runner beside it. */
  runnerToken(): string;
  /** Ends the process with the signal and waits for it to go. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startInstance(name: string, cluster: Cluster, dataDir?: string): Promise<Instance> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), `orrery-${name}-`));
  const clockPort = await freePort();
  const child = spawn(process.execPath, [path.join(packageDir, 'dist/main.js')], {
    env: {
      ...process.env,
      ORRERY_PORT: '0',
      ORRERY_DATA_DIR: dir,
      ORRERY_DATABASE_URL: cluster.databaseUrl,
      ORRERY_REDIS_URL: cluster.redisUrl,
      ORRERY_SECRETS_KEY: cluster.secretsKey,
      ORRERY_ADMIN_EMAIL: CLUSTER_ADMIN.email,
      ORRERY_ADMIN_PASSWORD: CLUSTER_ADMIN.password,
      ORRERY_WEB_DIR: dir,
      ORRERY_TEST_CLOCK_PORT: String(clockPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      } else if (child.exitCode !== null || Date.now() - started > 30_000) {
        clearInterval(timer);
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start: ${out}`));
      }
    }, 20);
    const started = Date.now();
  });
  // The clock's control listens once the server has started its scheduler.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (out.includes('ORRERY_TEST_CLOCK_PORT is set') || child.exitCode !== null) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  return {
    name,
    child,
    dataDir: dir,
    url,
    wsUrl: `${url.replace('http', 'ws')}/sync`,
    clockUrl: `http://127.0.0.1:${clockPort}/advance`,
    output: () => out,
    runnerToken: () => readFileSync(path.join(dir, 'runner.token'), 'utf8').trim(),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(signal);
        await exited;
      }
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

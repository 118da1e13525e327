// A private PostgreSQL for tests: initdb in a temporary folder, a server on a
// free loopback port (trust authentication, nothing but loopback), one fresh
// database per test server, and everything removed on stop. Debian's
// `postgresql` package provides the binaries; as root, the server runs as the
// `postgres` user (PostgreSQL refuses to run as root).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, until } from './processes.js';

const run = promisify(execFile);

export interface PostgresServer {
  /** postgres://… for the named database (the server's own `postgres` one by default). */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
  /** For a process that is exiting: stops the server and removes its folder synchronously. */
  stopNow(): void;
}

export class PostgresMissingError extends Error {}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest || !existsSync(path.join(root, newest, 'bin', 'initdb'))) {
    throw new PostgresMissingError(
      "PostgreSQL is not installed: run `sudo bash build/setup.sh --cluster` (Debian's postgresql package).",
    );
  }
  return path.join(root, newest, 'bin');
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    chownSync(dir, uid, gid);
  }
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await as(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  // fsync off: a test server's data is thrown away; it never changes what a committed transaction means to its clients.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300`;
  await as(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    options,
    '-w',
    'start',
  ]);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = new pg.Pool({ connectionString: url(), max: 2 });
  await until(() => admin.query('SELECT 1'), 10_000, 'PostgreSQL');
  return {
    url,
    async createDatabase() {
      const name = `orrery_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    stopNow() {
      try {
        const args = [path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'];
        if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
        else execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async stop() {
      await admin.end();
      await as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

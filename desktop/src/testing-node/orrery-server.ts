// A real Orrery server for the Chromium tests of forms: the sync server's own
// process (main.ts through tsx, as the runner's stack tests start it) on a
// loopback port with a fresh data folder, an admin and a member signed in.
// The forms then meet the server's real answers: its validation, its
// refusals, its conflicts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OrreryClient, type LoginResponse } from '@orrery/shared';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };
const MEMBER = { email: 'member@example.com', name: 'Mo Member', password: 'a long enough password' };

export interface OrreryServerInfo {
  url: string;
  admin: LoginResponse;
  member: LoginResponse;
  /** How each signs in again (a test of the sign-in itself, or a second device). */
  credentials: { admin: { email: string; password: string }; member: { email: string; password: string } };
  /** The server's runner token, for tests that play the runner. */
  runnerToken: string;
}
/** The name the builds' tests know it by. */
export type OrreryServer = OrreryServerInfo;

const running = new Map<string, { child: ChildProcess; dataDir: string }>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startOrreryServer(): Promise<OrreryServerInfo> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-form-tests-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(ROOT, 'sync-server/src/main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ORRERY_PORT: String(port),
        ORRERY_DATA_DIR: dataDir,
        ORRERY_ADMIN_EMAIL: ADMIN.email,
        ORRERY_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  running.set(url, { child, dataDir });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      running.delete(url);
      throw new Error(`the server exited early:\n${output}`);
    }
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stopOrreryServer(url);
      throw new Error(`the server did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    const admin = await new OrreryClient({ baseUrl: url }).auth.login(ADMIN);
    await new OrreryClient({ baseUrl: url, token: admin.token }).users.create({ ...MEMBER, role: 'member' });
    const member = await new OrreryClient({ baseUrl: url }).auth.login({
      email: MEMBER.email,
      password: MEMBER.password,
    });
    const runnerToken = readFileSync(path.join(dataDir, 'runner.token'), 'utf8').trim();
    const credentials = {
      admin: { ...ADMIN },
      member: { email: MEMBER.email, password: MEMBER.password },
    };
    return { url, admin, member, credentials, runnerToken };
  } catch (error) {
    await stopOrreryServer(url);
    throw error;
  }
}

export async function stopOrreryServer(url: string): Promise<void> {
  const entry = running.get(url);
  running.delete(url);
  if (!entry) return;
  if (entry.child.exitCode === null) {
    entry.child.kill('SIGTERM');
    await new Promise((r) => entry.child.once('exit', r));
  }
  rmSync(entry.dataDir, { recursive: true, force: true });
}

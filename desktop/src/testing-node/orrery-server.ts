// A browser command for component tests that need the real server: starts
// `sync-server/src/main.ts` from sources on a loopback port with its own data
// folder (as `npm start` does), and stops it. The page talks to it over HTTP,
// as the web app does; the test plays the runner with the server's runner token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserCommandContext } from 'vitest/node';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export interface OrreryServer {
  url: string;
  admin: { email: string; password: string };
  runnerToken: string;
}

const running = new Map<string, { child: ChildProcess; dataDir: string }>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export const orreryServerCommands = {
  async startOrreryServer(_ctx: BrowserCommandContext): Promise<OrreryServer> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-desktop-server-'));
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
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
      const up = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`the server did not start within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    running.set(url, { child, dataDir });
    const runnerToken = readFileSync(path.join(dataDir, 'runner.token'), 'utf8').trim();
    return { url, admin: ADMIN, runnerToken };
  },

  async stopOrreryServer(_ctx: BrowserCommandContext, url: string): Promise<void> {
    const entry = running.get(url);
    running.delete(url);
    if (!entry) return;
    if (entry.child.exitCode === null) {
      entry.child.kill('SIGTERM');
      await new Promise((r) => entry.child.once('exit', r));
    }
    rmSync(entry.dataDir, { recursive: true, force: true });
  },
};

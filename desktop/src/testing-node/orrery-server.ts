// The real sync server for Chromium tests whose point is the server's answer:
// started from sources as `npm start` does, on loopback, with SQLite in a
// temp folder. The page signs in to it like any client.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const TEST_ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

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

/** Starts a server and answers its URL once /healthz does. */
export async function startOrreryServer(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-desktop-server-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(ROOT, 'sync-server/src/main.ts')],
    {
      env: {
        ...process.env,
        ORRERY_PORT: String(port),
        ORRERY_DATA_DIR: dataDir,
        ORRERY_ADMIN_EMAIL: TEST_ADMIN.email,
        ORRERY_ADMIN_PASSWORD: TEST_ADMIN.password,
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
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return url;
    if (Date.now() > deadline) throw new Error(`the server did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
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

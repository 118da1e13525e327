// The server process as `npm start` runs it: every file and folder in its
// data folder is its owner's alone (also for an older install whose files
// were left readable), and every HTTP answer carries the security headers.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttachmentRef, LoginResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './test-support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = { email: 'ops@example.com', password: 'private files 1' };
const base = mkdtempSync(path.join(tmpdir(), 'orrery-private-'));
const dataDir = path.join(base, 'data');
const webDir = path.join(base, 'web');

interface Running {
  child: ChildProcess;
  url: string;
}
let running: Running | null = null;

async function start(): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(root, 'sync-server/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        ORRERY_PORT: '0',
        ORRERY_DATA_DIR: dataDir,
        ORRERY_WEB_DIR: webDir,
        ORRERY_ADMIN_EMAIL: ADMIN.email,
        ORRERY_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(
    () => /listening on (http:\/\/\S+)/.test(out),
    60_000,
    `the server to listen (output: ${out})`,
  );
  return { child, url: /listening on (http:\/\/\S+)/.exec(out)![1]! };
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  r.child.kill('SIGTERM');
  await new Promise((done) => r.child.once('exit', done));
}

/** Every file and folder under dir with its permission bits, e.g. ["attachments/", 0o700]. */
function modes(dir: string, prefix = ''): [string, number][] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const stat = lstatSync(full);
    const entry: [string, number] = [`${prefix}${name}${stat.isDirectory() ? '/' : ''}`, stat.mode & 0o777];
    return stat.isDirectory() ? [entry, ...modes(full, `${prefix}${name}/`)] : [entry];
  });
}

const readableByOthers = (entries: [string, number][]) =>
  entries.filter(([, mode]) => mode & 0o077).map(([name, mode]) => `${name} ${mode.toString(8)}`);

/** Signs in, uploads an attachment and starts a session, so the database, its log and the attachments all exist. */
async function use(url: string): Promise<{ token: string; attachmentId: string }> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { token } = (await login.json()) as LoginResponse;
  const auth = { authorization: `Bearer ${token}` };
  const upload = await fetch(`${url}/api/attachments`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/plain', 'x-file-name': 'notes.txt' },
    body: 'private notes',
  });
  expect(upload.status).toBe(201);
  const { attachment } = (await upload.json()) as { attachment: AttachmentRef };
  expect(attachment.id).toMatch(/^[0-9a-f]{64}$/);
  const experts = (await (await fetch(`${url}/api/experts`, { headers: auth })).json()) as {
    experts: { id: string }[];
  };
  const session = await fetch(`${url}/api/sessions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ expertId: experts.experts[0]!.id, prompt: 'hello' }),
  });
  expect(session.status).toBe(201);
  return { token, attachmentId: attachment.id };
}

beforeAll(() => {
  mkdirSync(path.join(webDir, 'assets'), { recursive: true });
  writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(webDir, 'assets', 'app-1a2b.js'), 'console.log(1)');
});
afterAll(async () => {
  if (running) await stop(running);
  rmSync(base, { recursive: true, force: true });
});

describe('the data folder', () => {
  it('holds only owner-only files and folders after a first start and some use', async () => {
    running = await start();
    await use(running.url);
    const entries = modes(dataDir);
    const names = entries.map(([name]) => name);
    for (const expected of [
      'orrery.sqlite',
      'orrery.sqlite-wal',
      'orrery.sqlite-shm',
      'secrets.key',
      'runner.token',
    ])
      expect(names).toContain(expected);
    // The uploaded attachment is in the database, not in a folder beside it.
    expect(names.filter((n) => n.startsWith('attachments/'))).toEqual([]);
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readableByOthers(entries)).toEqual([]);
    await stop(running);
    running = null;
  }, 120_000);

  it('takes group and other access away from an older install on start', async () => {
    const loosen = (dir: string) => {
      chmodSync(dir, 0o755);
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (lstatSync(full).isDirectory()) loosen(full);
        else chmodSync(full, 0o644);
      }
    };
    loosen(dataDir);
    expect(readableByOthers(modes(dataDir)).length).toBeGreaterThan(3);
    running = await start();
    await use(running.url);
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readableByOthers(modes(dataDir))).toEqual([]);
  }, 120_000);
});

describe('HTTP headers', () => {
  const expectSecurityHeaders = (res: Response, what: string) => {
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
    expect(res.headers.get('permissions-policy'), what).toContain('camera=()');
    return csp;
  };

  it('serves the web app with its content security policy', async () => {
    const { url } = running!;
    for (const route of ['/', '/sessions/abc', '/assets/app-1a2b.js', '/assets/missing.js']) {
      const res = await fetch(`${url}${route}`);
      const csp = expectSecurityHeaders(res, route);
      expect(csp, route).toContain("form-action 'self'");
      expect(csp, route).toContain("script-src 'self'");
      expect(csp, route).toContain("img-src 'self' data: blob:");
      expect(csp, route).toContain(`connect-src 'self' ${url.replace('http', 'ws')}`);
      expect(csp, route).not.toMatch(/connect-src[^;]*(https?:|wss?:)(;|\s|$)/);
    }
  });

  it('puts them on API answers, errors and health checks too', async () => {
    const { url } = running!;
    for (const route of ['/api/me', '/api/openapi.json', '/api/no-such-route', '/healthz']) {
      const res = await fetch(`${url}${route}`);
      const csp = expectSecurityHeaders(res, route);
      expect(csp, route).toContain("default-src 'none'");
    }
    const refused = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(refused.status).toBe(400);
    expectSecurityHeaders(refused, 'a refused body');
  });

  it("keeps an attachment's own sandbox policy", async () => {
    const { url } = running!;
    const { token, attachmentId } = await use(url);
    const res = await fetch(`${url}/api/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

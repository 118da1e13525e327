// The real server process (dist/main.js): kill -9 while clients write, then
// restart on the same data folder; and an orderly SIGTERM that flushes.
import Database from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionDoc, sessionDocName, type LoginResponse, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import { connect, synced, waitFor } from './test-support.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(packageDir, '..');
const ADMIN = { email: 'ops@example.com', password: 'durable password 1' };
const dirs: string[] = [];
const children = new Set<ChildProcess>();

beforeAll(() => {
  // The test runs the compiled entry, as `npm start` does.
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-b', 'sync-server'], { cwd: root, stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; wsUrl: string; output: () => string }> {
  const child = spawn(process.execPath, [path.join(packageDir, 'dist/main.js')], {
    env: {
      ...process.env,
      ORRERY_PORT: '0',
      ORRERY_DATA_DIR: dataDir,
      ORRERY_ADMIN_EMAIL: ADMIN.email,
      ORRERY_ADMIN_PASSWORD: ADMIN.password,
      ORRERY_WEB_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(
    () => /listening on (http:\/\/\S+)/.test(out),
    15_000,
    `the server to listen (output: ${out})`,
  );
  const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  return { child, url, wsUrl: `${url.replace('http', 'ws')}/sync`, output: () => out };
}

async function call<T>(
  url: string,
  token: string | null,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function signInAndCreate(url: string) {
  const login = await call<LoginResponse>(url, null, 'POST', '/api/auth/login', ADMIN);
  const token = login.body.token;
  const experts = await call<{ experts: { id: string }[] }>(url, token, 'GET', '/api/experts');
  const created = await call<SessionResponse>(url, token, 'POST', '/api/sessions', {
    expertId: experts.body.experts[0]!.id,
    prompt: 'durability',
  });
  return { token, sessionId: created.body.session.id };
}

const noticeIds = (p: WebsocketProvider) =>
  new SessionDoc(p.doc).transcript().flatMap((e) => (e.kind === 'notice' ? [e.id] : []));

describe('the server process', () => {
  it('keeps every update any client saw broadcast through kill -9 and a restart', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-kill-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    const tokenFile = path.join(dataDir, 'runner.token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const oldRunnerToken = readFileSync(tokenFile, 'utf8').trim();
    const { token, sessionId } = await signInAndCreate(first.url);
    const name = sessionDocName(sessionId);

    const WRITERS = 4;
    const PER_WRITER = 250;
    // Notices are the runner's to write: the writers speak with its service token.
    const clients = Array.from({ length: WRITERS }, () => connect(first, name, oldRunnerToken));
    await Promise.all(clients.map((c) => synced(c)));
    let written = 0;
    const writing = clients.map(async (c, w) => {
      for (let i = 0; i < PER_WRITER; i += 1) {
        if (first.child.exitCode !== null || first.child.signalCode !== null) return;
        new SessionDoc(c.doc).addNotice({
          id: `w${w}-${i}`,
          turnId: null,
          level: 'info',
          text: `update ${i}`,
          now: i,
        });
        written += 1;
        await new Promise((r) => setTimeout(r, 2));
      }
    });
    await waitFor(() => written >= (WRITERS * PER_WRITER) / 2, 30_000, 'half the updates to be written');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await Promise.all(writing);

    // What each client received from the others came through the server's broadcast.
    const seen = new Set<string>();
    clients.forEach((c, w) =>
      noticeIds(c)
        .filter((id) => !id.startsWith(`w${w}-`))
        .forEach((id) => seen.add(id)),
    );
    for (const c of clients) c.destroy();
    expect(seen.size).toBeGreaterThan(20);

    const second = await start(dataDir);
    const fresh = connect(second, name, token);
    await synced(fresh);
    const stored = new Set(noticeIds(fresh));
    const missing = [...seen].filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    fresh.destroy();

    // A fresh runner token on every start; the previous one stops working.
    const newRunnerToken = readFileSync(tokenFile, 'utf8').trim();
    expect(newRunnerToken).not.toBe(oldRunnerToken);
    expect(
      (await call(second.url, oldRunnerToken, 'POST', '/api/runner/claim', { runnerId: 'r', waitMs: 0 }))
        .status,
    ).toBe(401);
    expect(
      (await call(second.url, newRunnerToken, 'POST', '/api/runner/claim', { runnerId: 'r', waitMs: 0 }))
        .status,
    ).toBe(200);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });

  it('flushes every document into its snapshot on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-term-'));
    dirs.push(dataDir);
    const server = await start(dataDir);
    const { token, sessionId } = await signInAndCreate(server.url);
    const client = connect(server, sessionDocName(sessionId), token);
    await synced(client);
    for (let i = 0; i < 20; i += 1)
      new SessionDoc(client.doc).addNotice({ id: `n${i}`, turnId: null, level: 'info', text: 'x', now: i });
    await new Promise((r) => setTimeout(r, 200));
    server.child.kill('SIGTERM');
    const code = await new Promise((r) => server.child.once('exit', r));
    client.destroy();
    expect(code).toBe(0);
    expect(server.output()).toContain('SIGTERM: flushing documents and closing');
    const db = new Database(path.join(dataDir, 'orrery.sqlite'), { readonly: true });
    const log = db
      .prepare('SELECT COUNT(*) AS n FROM doc_updates WHERE name = ?')
      .get(sessionDocName(sessionId)) as { n: number };
    const snap = db
      .prepare('SELECT snapshot FROM doc_snapshots WHERE name = ?')
      .get(sessionDocName(sessionId)) as { snapshot: Buffer } | undefined;
    db.close();
    expect(log.n).toBe(0);
    expect(snap?.snapshot.length).toBeGreaterThan(0);
  });
});

// `npm run migrate -w sync-server -- --to postgres://…` on a real embedded
// install (accounts, sessions with documents, attachments in the database and
// in 0.1's files) moved into a private PostgreSQL, then served from there.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SessionDoc, sessionDocName, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../log.js';
import { listen } from '../server.js';
import { createServices } from '../services.js';
import { startTestServer, type Person } from '../test-support.js';
import { testPostgres } from '../testing/engines.js';
import { openDatabase } from './database.js';
import { docStoreOf } from './doc-stores.js';
import { Attachments } from '../records/attachments.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = path.resolve(packageDir, '..');
const run = promisify(execFile);
const dirs: string[] = [];

/** The migrate script as an operator runs it; resolves with its exit code and output. */
async function migrate(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(packageDir, 'dist/migrate.js'), ...args],
      {
        env: { ...process.env, ORRERY_DATA_DIR: dataDir },
      },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(1500_000, 9),
]);
const OLD = Buffer.from('kept in a file by 0.1');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
let owner: Person;
let sessionIds: string[];
let states: Map<string, Uint8Array>;

beforeAll(async () => {
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-b', 'sync-server'], { cwd: root, stdio: 'pipe' });
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-migrate-'));
  dirs.push(dir);
  // An embedded install made by the server itself.
  const t = await startTestServer({ engine: 'sqlite', dir });
  owner = await t.person('Ada');
  const expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
    .experts[0]!.id;
  sessionIds = [];
  for (const prompt of ['first', 'second', 'third']) {
    const res = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt });
    sessionIds.push(res.body.session.id);
  }
  const upload = await fetch(`${t.url}/api/attachments?session=${sessionIds[0]}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${owner.token}`,
      'x-file-name': 'shot.png',
      'content-type': 'image/png',
    },
    body: PNG,
  });
  expect(upload.status).toBe(201);
  // 0.1's way: the row in the database, the bytes in a file.
  await t.database.db
    .insertInto('attachments')
    .values({ sha256: sha(OLD), size: OLD.length, kind: 'file', media_type: 'text/plain', created_at: 1 })
    .execute();
  await t.database.db
    .insertInto('attachment_uploads')
    .values({ sha256: sha(OLD), user_id: owner.user.id, name: 'old.txt', created_at: 1 })
    .execute();
  mkdirSync(path.join(dir, 'attachments', sha(OLD).slice(0, 2)), { recursive: true });
  writeFileSync(path.join(dir, 'attachments', sha(OLD).slice(0, 2), sha(OLD)), OLD);
  states = new Map();
  for (const id of sessionIds)
    states.set(id, await t.services.hub.read(sessionDocName(id), (doc) => Y.encodeStateAsUpdate(doc)));
  await t.close();
}, 180_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm run migrate -- --to postgres://…', () => {
  let url: string;

  it('moves every row, document and attachment into PostgreSQL, checked on both sides', async () => {
    url = await (await testPostgres()).createDatabase();
    const result = await migrate(dir, '--to', url);
    expect(result.out).toContain('3 documents');
    expect(result.out).toContain('1 attachment files moved into the database');
    expect(result.code).toBe(0);

    const database = await openDatabase({ url, file: '' });
    try {
      const sessions = await database.db.selectFrom('sessions').select('id').execute();
      expect(sessions.map((s) => s.id).sort()).toEqual([...sessionIds].sort());
      const docs = docStoreOf(database);
      for (const id of sessionIds) {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, Y.mergeUpdates((await docs.load(sessionDocName(id))).updates));
        expect(Buffer.from(Y.encodeStateAsUpdate(doc)).equals(Buffer.from(states.get(id)!))).toBe(true);
        // The next update takes the sequence number after the install's last.
        const before = (await docs.load(sessionDocName(id))).seq;
        expect(before).toBeGreaterThan(0);
        expect(await docs.append(sessionDocName(id), Y.encodeStateAsUpdate(new Y.Doc()))).toBe(before + 1);
      }
      const attachments = new Attachments(database.db, null, Date.now);
      expect((await attachments.bytesOf(sha(PNG)))?.equals(PNG)).toBe(true);
      expect((await attachments.bytesOf(sha(OLD)))?.toString()).toBe(OLD.toString());
      expect(await attachments.inSession(sha(PNG), sessionIds[0]!)).toBe(true);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('serves the same sessions and attachments from a server started on the PostgreSQL URL', async () => {
    // The same data folder (its secrets key), now on PostgreSQL.
    const database = await openDatabase({ url, file: '' });
    const services = createServices({
      database,
      docs: docStoreOf(database),
      dataDir: dir,
      log: silentLogger,
    });
    const server = await listen(services, { port: 0 });
    try {
      const get = (route: string) =>
        fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${owner.token}` } });
      const list = (await (await get('/api/sessions')).json()) as { sessions: { id: string }[] };
      expect(list.sessions.map((s) => s.id).sort()).toEqual([...sessionIds].sort());
      for (const id of sessionIds) {
        const text = await services.hub.read(
          sessionDocName(id),
          (doc) => new SessionDoc(doc).queue()[0]?.text,
        );
        const before = new Y.Doc();
        Y.applyUpdate(before, states.get(id)!);
        expect(text).toBe(new SessionDoc(before).queue()[0]?.text);
      }
      const png = await get(`/api/attachments/${sha(PNG)}?session=${sessionIds[0]}`);
      expect(Buffer.from(await png.arrayBuffer()).equals(PNG)).toBe(true);
      const old = await get(`/api/attachments/${sha(OLD)}`);
      expect(await old.text()).toBe(OLD.toString());
    } finally {
      await server.close();
      await database.close();
    }
  }, 120_000);

  it('moves a data folder written by release 0.1, its attachment files included', async () => {
    const old = mkdtempSync(path.join(tmpdir(), 'orrery-migrate-0.1-'));
    dirs.push(old);
    cpSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'data-0.1'), old, {
      recursive: true,
    });
    const target = await (await testPostgres()).createDatabase();
    const result = await migrate(old, '--to', target);
    expect(result.out).toContain('1 documents');
    expect(result.out).toContain('1 attachment files moved into the database');
    expect(result.code).toBe(0);
    // The folder stays as 0.1 left it, so 0.1 could still open it: no new schema, no leftover copy.
    const left = new BetterSqlite3(path.join(old, 'orrery.sqlite'), { readonly: true });
    const tables = left
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all();
    left.close();
    expect(tables.map((t) => t.name)).not.toContain('attachment_blobs');
    expect(readdirSync(old).filter((f) => f.includes('moving'))).toEqual([]);
    // Its installation id goes with it, so servers in other data folders keep its Environment snapshots.
    const moved = await openDatabase({ url: target, file: '' });
    const id = await moved.db
      .selectFrom('installation')
      .select('value')
      .where('key', '=', 'id')
      .executeTakeFirst();
    await moved.close();
    expect(id?.value).toBe(readFileSync(path.join(old, 'installation-id'), 'utf8').trim());
  }, 120_000);

  it('takes a consistent copy while a server on the install still writes', async () => {
    const live = mkdtempSync(path.join(tmpdir(), 'orrery-migrate-live-'));
    dirs.push(live);
    cpSync(dir, live, { recursive: true });
    const t = await startTestServer({ engine: 'sqlite', dir: live });
    let stop = false;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; !stop && i < 500; i += 1) {
        const res = await t.api(owner.token, 'POST', `/api/sessions/${sessionIds[1]}/messages`, {
          text: `m${i}`,
        });
        expect(res.status).toBe(201);
        written += 1;
      }
    })();
    try {
      while (written < 3) await new Promise((r) => setTimeout(r, 10));
      const result = await migrate(live, '--to', await (await testPostgres()).createDatabase());
      expect([result.code, result.out]).toEqual([0, expect.stringContaining('3 documents')]);
    } finally {
      stop = true;
      await writer;
      await t.close();
    }
  }, 120_000);

  it('refuses a database that already holds data, and leaves it as it was', async () => {
    const url = await (await testPostgres()).createDatabase();
    expect((await migrate(dir, '--to', url)).code).toBe(0);
    const again = await migrate(dir, '--to', url);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/already holds Orrery data: .*users \(2\).*Move into an empty database/);
  }, 120_000);

  it('says what is wrong with a bad URL or an unreachable server', async () => {
    const bad = await migrate(dir, '--to', 'mysql://localhost/orrery');
    expect([bad.code, bad.out]).toEqual([1, expect.stringContaining('--to must start with postgres://')]);
    const none = await migrate(dir, '--to', 'postgres://orrery:secret@127.0.0.1:1/orrery');
    expect(none.code).toBe(1);
    expect(none.out).toContain('could not reach PostgreSQL at postgres://orrery:***@127.0.0.1:1/orrery');
    expect(none.out).not.toContain('secret');
    const missing = await migrate(path.join(dir, 'nothing-here'), '--to', 'postgres://127.0.0.1:1/orrery');
    expect(missing.out).toContain('there is no Orrery database at');
    expect((await migrate(dir)).code).toBe(2);
  }, 60_000);
});

// The backup procedure of sync-server/README.md on a server that keeps
// writing: `sqlite3 .backup` and `VACUUM INTO` from another process, then the
// copy (with secrets.key) restored into a new data folder opens and holds
// everything acknowledged before the backup began, each document's log whole;
// and pg_dump / pg_restore of a PostgreSQL database being written.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { SessionDoc, sessionDocName, type SessionResponse } from '@orrery/shared';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Attachments } from '../records/attachments.js';
import { startTestServer } from '../test-support.js';
import { testPostgres } from '../testing/engines.js';
import { openDatabase } from './database.js';
import { docStoreOf } from './doc-stores.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-backup-'));
  dirs.push(dir);
  return dir;
}

const METHODS = {
  // As the README says, with the server running.
  '.backup': (from: string, to: string) =>
    run('sqlite3', ['-cmd', '.timeout 10000', from, `.backup '${to}'`]),
  'VACUUM INTO': (from: string, to: string) =>
    run('sqlite3', ['-cmd', '.timeout 10000', from, `VACUUM INTO '${to}'`]),
};

/** Sequence numbers of each document's log, which must run on from its snapshot without a gap. */
function logsAreWhole(file: string): void {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const names = db.prepare<[], { name: string }>('SELECT DISTINCT name FROM doc_updates').all();
    for (const { name } of names) {
      const through =
        db
          .prepare<[string], { s: number }>('SELECT through_seq AS s FROM doc_snapshots WHERE name = ?')
          .get(name)?.s ?? 0;
      const seqs = db
        .prepare<[string], { seq: number }>('SELECT seq FROM doc_updates WHERE name = ? ORDER BY seq')
        .all(name)
        .map((r) => r.seq);
      expect(seqs).toEqual(seqs.map((_, i) => through + 1 + i));
    }
  } finally {
    db.close();
  }
}

describe.each(Object.keys(METHODS) as (keyof typeof METHODS)[])('a SQLite backup with %s', (method) => {
  it('taken while the server writes, restores into a data folder that opens with everything acknowledged before it', async () => {
    const dir = tempDir();
    const t = await startTestServer({ engine: 'sqlite', dir });
    const ada = await t.person('Ada');
    const expertId = (await t.api<{ experts: { id: string }[] }>(ada.token, 'GET', '/api/experts')).body
      .experts[0]!.id;
    const sent = new Map<string, number>();
    let stop = false;
    // A writer that does not pause for the backup: new sessions and messages, records and documents.
    const writer = (async () => {
      for (let i = 0; !stop && i < 400; i += 1) {
        if (i % 10 === 0) {
          const res = await t.api<SessionResponse>(ada.token, 'POST', '/api/sessions', {
            expertId,
            prompt: `s${i}`,
          });
          sent.set(res.body.session.id, 1);
        } else {
          const id = [...sent.keys()].at(-1)!;
          const res = await t.api(ada.token, 'POST', `/api/sessions/${id}/messages`, { text: `m${i}` });
          expect(res.status).toBe(201);
          sent.set(id, sent.get(id)! + 1);
        }
      }
    })();
    while (sent.size < 3) await new Promise((r) => setTimeout(r, 10));
    const acknowledged = new Map(sent);
    const backup = tempDir();
    await METHODS[method](path.join(dir, 'orrery.sqlite'), path.join(backup, 'orrery.sqlite'));
    const writtenDuring =
      [...sent.values()].reduce((a, b) => a + b, 0) - [...acknowledged.values()].reduce((a, b) => a + b, 0);
    stop = true;
    await writer;
    await t.close();
    console.log(`${method}: ${writtenDuring} writes acknowledged while the backup ran`);

    // Restore: the database file and the secrets key, into a new data folder.
    copyFileSync(path.join(dir, 'secrets.key'), path.join(backup, 'secrets.key'));
    logsAreWhole(path.join(backup, 'orrery.sqlite'));
    const restored = await startTestServer({ engine: 'sqlite', dir: backup });
    try {
      const signIn = await restored.api<{ token: string }>(null, 'POST', '/api/auth/login', {
        email: ada.user.email,
        password: 'a long enough password',
      });
      expect(signIn.status).toBe(200);
      const list = await restored.api<{ sessions: { id: string }[] }>(
        signIn.body.token,
        'GET',
        '/api/sessions',
      );
      const ids = new Set(list.body.sessions.map((s) => s.id));
      for (const [id, count] of acknowledged) {
        expect(ids.has(id)).toBe(true);
        const queued = await restored.services.hub.read(
          sessionDocName(id),
          (doc) => new SessionDoc(doc).queue().length,
        );
        expect(queued).toBeGreaterThanOrEqual(count);
      }
      const more = await restored.api(signIn.body.token, 'POST', `/api/sessions/${[...ids][0]}/messages`, {
        text: 'after the restore',
      });
      expect(more.status).toBe(201);
    } finally {
      await restored.close();
    }
  }, 120_000);
});

describe('a PostgreSQL backup with pg_dump', () => {
  it('taken while documents are written, pg_restore makes a database that opens with the same documents and attachments', async () => {
    const pg = await testPostgres();
    const url = await pg.createDatabase();
    const database = await openDatabase({ url, file: '' });
    const docs = docStoreOf(database);
    const attachments = new Attachments(database.db, null, Date.now);
    const bytes = Buffer.from('kept through pg_dump');
    await attachments.upload('u1', 'kept.txt', 'text/plain', bytes, 's1');
    const text = (i: number) => {
      const doc = new Y.Doc({ gc: false });
      doc.getText('t').insert(0, `line ${i}\n`);
      return Y.encodeStateAsUpdate(doc);
    };
    let acknowledged = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop && i < 2000; i += 1) {
        await docs.append('doc-a', text(i));
        acknowledged = i + 1;
      }
    })();
    while (acknowledged < 20) await new Promise((r) => setTimeout(r, 10));
    const before = acknowledged;
    const dump = path.join(tempDir(), 'orrery.dump');
    await run('pg_dump', ['--format=custom', `--file=${dump}`, url]);
    stop = true;
    await writer;
    await database.close();

    const restoredUrl = await pg.createDatabase();
    await run('pg_restore', ['--no-owner', `--dbname=${restoredUrl}`, dump]);
    const restored = await openDatabase({ url: restoredUrl, file: '' });
    try {
      const stored = await docStoreOf(restored).load('doc-a');
      expect(stored.updates.length).toBeGreaterThanOrEqual(before);
      expect(stored.seq).toBe(stored.updates.length);
      // The next append continues the restored log.
      expect(await docStoreOf(restored).append('doc-a', text(-1))).toBe(stored.seq + 1);
      const back = await new Attachments(restored.db, null, Date.now).bytesOf(
        createHash('sha256').update(bytes).digest('hex'),
      );
      expect(back?.toString()).toBe('kept through pg_dump');
    } finally {
      await restored.close();
    }
  }, 120_000);
});

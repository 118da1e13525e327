// The attachment records on both engines: content stored in the database in
// parts, deduplicated, read back by another instance on the same database,
// and 0.1's files still served on an embedded install.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Engine } from '../store/database.js';
import { testPostgres } from '../testing/engines.js';
import { ATTACHMENT_PART_BYTES, Attachments } from './attachments.js';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const dirs: string[] = [];
const open: Database[] = [];

afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Where a database of `engine` lives: a SQLite file, or a fresh PostgreSQL database. */
async function place(engine: Engine): Promise<{ url: string | null; file: string; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-attachments-'));
  dirs.push(dir);
  const file = path.join(dir, 'orrery.sqlite');
  return { url: engine === 'postgres' ? await (await testPostgres()).createDatabase() : null, file, dir };
}

async function instance(where: { url: string | null; file: string; dir: string }) {
  const database = await openDatabase(where);
  open.push(database);
  const legacy = database.engine === 'sqlite' ? path.join(where.dir, 'attachments') : null;
  return { database, attachments: new Attachments(database.db, legacy, () => 1000) };
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(['sqlite', 'postgres'] as const)('attachments on %s', (engine) => {
  it('stores an upload in the database, in parts, and streams it back whole', async () => {
    const where = await place(engine);
    const { database, attachments } = await instance(where);
    // 2.5 parts of a PNG, so the stream crosses part boundaries.
    const image = Buffer.concat([PNG_HEAD, Buffer.alloc(ATTACHMENT_PART_BYTES * 2.5, 3)]);
    const up = await attachments.upload('u1', 'big.png', 'image/png', image, 's1');
    expect(up).toMatchObject({ ok: true, attachment: { id: sha(image), kind: 'image', size: image.length } });
    const content = await attachments.content(sha(image));
    expect(content).toMatchObject({
      kind: 'image',
      mediaType: 'image/png',
      name: 'big.png',
      size: image.length,
    });
    expect((await read(content!.stream())).equals(image)).toBe(true);
    const parts = await database.db
      .selectFrom('attachment_blobs')
      .select('part')
      .where('sha256', '=', sha(image))
      .execute();
    expect(parts.map((p) => p.part).sort()).toEqual([0, 1, 2]);
    expect(await attachments.inSession(sha(image), 's1')).toBe(true);
    expect(await attachments.inSession(sha(image), 's2')).toBe(false);
  });

  it('stores the same content once, whoever uploads it, and remembers each uploader', async () => {
    const { database, attachments } = await instance(await place(engine));
    const bytes = Buffer.from('the same notes');
    const [a, b] = await Promise.all([
      attachments.upload('u1', 'a.txt', 'text/plain', bytes, null),
      attachments.upload('u2', 'b.txt', 'text/plain', bytes, null),
    ]);
    expect(a.ok && b.ok).toBe(true);
    await attachments.upload('u1', 'renamed.txt', 'text/plain', bytes, null);
    const count = async (table: 'attachments' | 'attachment_blobs' | 'attachment_uploads') =>
      (await database.db.selectFrom(table).select('sha256').execute()).length;
    expect([
      await count('attachments'),
      await count('attachment_blobs'),
      await count('attachment_uploads'),
    ]).toEqual([1, 1, 2]);
    expect(await attachments.uploadedBy(sha(bytes), 'u1')).toBe(true);
    expect(await attachments.uploadedBy(sha(bytes), 'u3')).toBe(false);
  });

  it('serves through a second instance on the same database what the first stored', async () => {
    const where = await place(engine);
    const a = await instance(where);
    const b = await instance(where);
    const bytes = Buffer.from('uploaded through A');
    await a.attachments.upload('u1', 'a.txt', 'text/plain', bytes, 's1');
    const content = await b.attachments.content(sha(bytes));
    expect(content?.name).toBe('a.txt');
    expect((await read(content!.stream())).toString()).toBe('uploaded through A');
    const judged = await b.attachments.judgeMessage('u1', 's2', [
      { id: sha(bytes), name: 'a.txt', kind: 'file', mediaType: 'text/plain', size: bytes.length },
    ]);
    expect(judged.accepted).toHaveLength(1);
    expect(await a.attachments.inSession(sha(bytes), 's2')).toBe(true);
  });
});

describe('an embedded install from 0.1', () => {
  it('still serves and judges the files it kept under <dataDir>/attachments', async () => {
    const where = await place('sqlite');
    const { database, attachments } = await instance(where);
    const bytes = Buffer.concat([PNG_HEAD, Buffer.from('kept by 0.1')]);
    const digest = sha(bytes);
    // What 0.1 left behind: the rows, and the bytes in a file named by the digest.
    mkdirSync(path.join(where.dir, 'attachments', digest.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(where.dir, 'attachments', digest.slice(0, 2), digest), bytes);
    await database.db
      .insertInto('attachments')
      .values({ sha256: digest, size: bytes.length, kind: 'image', media_type: 'image/png', created_at: 1 })
      .execute();
    await database.db
      .insertInto('attachment_uploads')
      .values({ sha256: digest, user_id: 'u1', name: 'old.png', created_at: 1 })
      .execute();
    const content = await attachments.content(digest);
    expect((await read(content!.stream())).equals(bytes)).toBe(true);
    expect((await attachments.bytesOf(digest))?.equals(bytes)).toBe(true);
    const judged = await attachments.judgeMessage('u1', 's1', [
      { id: digest, name: 'old.png', kind: 'image', mediaType: 'image/png', size: bytes.length },
    ]);
    expect(judged.accepted.map((a) => a.kind)).toEqual(['image']);
    // Uploading it again leaves the file as the one copy rather than storing it twice.
    await attachments.upload('u2', 'again.png', 'image/png', bytes, null);
    expect(await database.db.selectFrom('attachment_blobs').select('part').execute()).toEqual([]);
  });
});

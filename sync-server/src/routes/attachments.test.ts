import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SessionDoc, sessionDocName, type AttachmentRef, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let member: Person;
let sessionId: string;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(100, 7),
]);
const BMP = Buffer.concat([Buffer.from('BM'), Buffer.alloc(100, 1)]);

async function upload(name: string, body: Buffer | string, type = 'application/octet-stream', query = '') {
  const res = await fetch(`${t.url}/api/attachments${query}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${owner.token}`,
      'x-file-name': encodeURIComponent(name),
      'content-type': type,
    },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { attachment: AttachmentRef; error: { code: string; message: string } },
  };
}

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Ada');
  member = await t.person('Bea');
  const expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
    .experts[0]!.id;
  sessionId = (
    await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
      expertId,
      prompt: 'hi',
      visibility: 'private',
    })
  ).body.session.id;
});

afterAll(async () => {
  await t.close();
});

describe('attachments', () => {
  it('stores content under its sha256 and judges it by its bytes, not its name', async () => {
    const text = await upload('notes.txt', 'hello', 'text/plain');
    expect(text.status).toBe(201);
    const sha = createHash('sha256').update('hello').digest('hex');
    expect(text.body.attachment).toEqual({
      id: sha,
      name: 'notes.txt',
      kind: 'file',
      mediaType: 'text/plain',
      size: 5,
    });
    // The bytes live in the database every instance reaches, not in a folder of this one.
    expect(existsSync(path.join(t.dir, 'attachments', sha.slice(0, 2), sha))).toBe(false);
    const back = await fetch(`${t.url}/api/attachments/${sha}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect([back.status, await back.text(), back.headers.get('content-length')]).toEqual([200, 'hello', '5']);

    expect((await upload('shot.png', PNG)).body.attachment).toMatchObject({
      kind: 'image',
      mediaType: 'image/png',
    });
    const fake = await upload('fake.png', 'not an image');
    expect(fake.status).toBe(422);
    expect(fake.body.error.message).toBe(
      'fake.png is named like a PNG image, but its content is not an image.',
    );
    expect((await upload('old.bmp', BMP)).body.error.message).toContain('BMP');
    const big = await upload('big.log', Buffer.alloc(5 * 1024 * 1024, 97), 'text/plain');
    expect(big.status).toBe(422);
    expect(big.body.error.message).toBe('big.log is 5.0 MB; files can be up to 4 MB each.');
    const huge = await upload('huge.png', Buffer.alloc(11 * 1024 * 1024, 1));
    expect(huge.status).toBe(413);
  });

  it('streams back an attachment of several stored parts whole', async () => {
    const image = Buffer.concat([PNG, Buffer.alloc(2.5 * 1024 * 1024, 5)]);
    const up = await upload('large.png', image, 'image/png', `?session=${sessionId}`);
    expect(up.status).toBe(201);
    const res = await fetch(`${t.url}/api/attachments/${up.body.attachment.id}?session=${sessionId}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(res.headers.get('content-length')).toBe(String(image.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(image)).toBe(true);
  });

  it('never turns a name into a path', async () => {
    const res = await upload('../../etc/passwd', 'root:x:0:0');
    expect(res.body.attachment.name).toBe('passwd');
    expect(existsSync(path.join(t.dir, '..', 'etc', 'passwd'))).toBe(false);
    const weird = await fetch(`${t.url}/api/attachments/..%2F..%2Forrery.sqlite?session=${sessionId}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(weird.status).toBe(400);
  });

  it('applies the policy to a message from the stored metadata, whatever the client claims', async () => {
    const png = (await upload('a.png', PNG)).body.attachment;
    const files = [];
    for (let i = 0; i < 11; i += 1)
      files.push((await upload(`f${i}.txt`, `file ${i}`, 'text/plain')).body.attachment);
    const lying = { ...png, kind: 'file' as const, size: 1, mediaType: 'text/plain' };
    const unknown = { ...files[0]!, id: 'f'.repeat(64), name: 'ghost.txt' };
    const res = await t.api<{ skipped: { name: string; reason: string }[] }>(
      owner.token,
      'POST',
      `/api/sessions/${sessionId}/messages`,
      {
        text: 'see attached',
        attachments: [lying, ...files, unknown],
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.skipped).toEqual([
      { name: 'f10.txt', reason: 'f10.txt was skipped: you can attach up to 10 files per message.' },
      {
        name: 'ghost.txt',
        reason: 'ghost.txt was skipped: upload it first (the server has no such attachment from you).',
      },
    ]);
    const queued = await t.services.hub.read(sessionDocName(sessionId), (doc) =>
      new SessionDoc(doc).queue().at(-1)!,
    );
    expect(queued.attachments[0]).toEqual({ ...png, name: 'a.png' });
    expect(queued.attachments).toHaveLength(11);
  });

  it('says which attachments of a new session’s first message were left out, and starts it with the rest', async () => {
    const notes = (await upload('notes.md', '# notes', 'text/plain')).body.attachment;
    const ghost = { ...notes, id: 'e'.repeat(64), name: 'ghost.txt' };
    const expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
      .experts[0]!.id;
    const res = await t.api<{ session: { id: string }; skipped: { name: string; reason: string }[] }>(
      owner.token,
      'POST',
      '/api/sessions',
      { expertId, prompt: 'read these', attachments: [notes, ghost] },
    );
    expect(res.status).toBe(201);
    expect(res.body.skipped).toEqual([
      {
        name: 'ghost.txt',
        reason: 'ghost.txt was skipped: upload it first (the server has no such attachment from you).',
      },
    ]);
    const queued = await t.services.hub.read(sessionDocName(res.body.session.id), (doc) =>
      new SessionDoc(doc).queue().at(-1)!,
    );
    expect(queued.attachments.map((a) => a.name)).toEqual(['notes.md']);
  });

  it('lets only those who may read the session download, with a safe disposition', async () => {
    const file = (await upload('rapport "final".txt', 'contents', 'text/plain', `?session=${sessionId}`)).body
      .attachment;
    const get = (token: string, session = sessionId) =>
      fetch(`${t.url}/api/attachments/${file.id}?session=${session}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const ok = await get(owner.token);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('contents');
    expect(ok.headers.get('content-disposition')).toBe(
      `attachment; filename="rapport final.txt"; filename*=UTF-8''rapport%20final.txt`,
    );
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get(member.token)).status).toBe(404);
    await t.api(owner.token, 'PUT', `/api/sessions/${sessionId}/grants/${member.user.id}`);
    expect((await get(member.token)).status).toBe(200);
    const img = (await upload('pic.png', PNG, 'image/png', `?session=${sessionId}`)).body.attachment;
    const inline = await fetch(`${t.url}/api/attachments/${img.id}?session=${sessionId}`, {
      headers: { authorization: `Bearer ${member.token}` },
    });
    expect(inline.headers.get('content-disposition')).toMatch(/^inline; filename="pic.png"/);
    expect(inline.headers.get('content-type')).toBe('image/png');
  });
});

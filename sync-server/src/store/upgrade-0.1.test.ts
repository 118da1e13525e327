// A data folder written by release 0.1 (fixtures/data-0.1, made by
// fixtures/make-data-0.1.sh with that release's code) opens with this code:
// its people sign in, their sessions, documents, attachments and secrets are
// all there, and it takes new writes.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionDoc, sessionDocName, type LoginResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'data-0.1');
/** What make-data-0.1.mjs made. */
const manifest = JSON.parse(readFileSync(path.join(fixture, 'manifest.json'), 'utf8')) as {
  admin: { email: string; password: string };
  person: { email: string; password: string };
  sessionId: string;
  prompt: string;
  attachment: { id: string; text: string };
  secret: string;
};
let dir: string;
let t: TestServer;
let token: string;

beforeAll(async () => {
  // A copy: the committed folder stays as 0.1 left it.
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-upgrade-'));
  cpSync(fixture, dir, { recursive: true });
  t = await startTestServer({ engine: 'sqlite', dir });
  const login = await t.api<LoginResponse>(null, 'POST', '/api/auth/login', manifest.person);
  expect(login.status).toBe(200);
  token = login.body.token;
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a data folder from release 0.1', () => {
  it('keeps its people, sessions and documents', async () => {
    const list = await t.api<{ sessions: { id: string; title: string }[] }>(token, 'GET', '/api/sessions');
    expect(list.body.sessions.map((s) => s.id)).toEqual([manifest.sessionId]);
    const first = await t.services.hub.read(sessionDocName(manifest.sessionId), (doc) =>
      new SessionDoc(doc).queue().at(0),
    );
    expect(first?.text).toBe(manifest.prompt);
    expect(first?.attachments.map((a) => a.id)).toEqual([manifest.attachment.id]);
    const admin = await t.api(null, 'POST', '/api/auth/login', manifest.admin);
    expect(admin.status).toBe(200);
  });

  it('serves the attachment 0.1 kept in a file, to those who may read the session', async () => {
    const get = (bearer: string) =>
      fetch(`${t.url}/api/attachments/${manifest.attachment.id}?session=${manifest.sessionId}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
    const res = await get(token);
    expect([res.status, await res.text()]).toEqual([200, manifest.attachment.text]);
    const stranger = await t.person('Stranger');
    expect((await get(stranger.token)).status).toBe(404);
  });

  it('opens the secrets sealed with its secrets.key', async () => {
    const names = await t.api<{ secrets: { name: string }[] }>(token, 'GET', '/api/secrets');
    expect(names.body.secrets.map((s) => s.name)).toContain(manifest.secret);
    const row = await t.database.db
      .selectFrom('users')
      .select(['id', 'org_id'])
      .where('email', '=', manifest.person.email)
      .executeTakeFirstOrThrow();
    const values = await t.services.secrets.forSession(row.org_id, row.id);
    expect(values[manifest.secret]).toBe('sealed with secrets.key');
  });

  it('takes new uploads and sessions after the upgrade', async () => {
    const res = await fetch(`${t.url}/api/attachments?session=${manifest.sessionId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-file-name': 'after.txt', 'content-type': 'text/plain' },
      body: 'written after the upgrade',
    });
    expect(res.status).toBe(201);
    const { attachment } = (await res.json()) as { attachment: { id: string } };
    const back = await fetch(`${t.url}/api/attachments/${attachment.id}?session=${manifest.sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await back.text()).toBe('written after the upgrade');
  });
});

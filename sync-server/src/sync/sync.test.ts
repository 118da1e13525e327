import { SessionDoc, SyncCloseCode, sessionDocName, userDocName, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  closeCode,
  connect,
  startTestServer,
  synced,
  tryUpgrade,
  waitFor,
  type Person,
  type TestServer,
} from '../test-support.js';

let t: TestServer;
let owner: Person;
let member: Person;
let viewer: Person;
let expertId: string;
const providers: WebsocketProvider[] = [];

function open(docName: string, token: string, doc = new Y.Doc()) {
  const p = connect(t, docName, token, doc);
  providers.push(p);
  return p;
}

async function newSession(by: Person, visibility: 'private' | 'shared') {
  const res = await t.api<SessionResponse>(by.token, 'POST', '/api/sessions', {
    expertId,
    prompt: 'hello',
    visibility,
  });
  expect(res.status).toBe(201);
  return res.body.session.id;
}

const queueTexts = (doc: Y.Doc) => new SessionDoc(doc).queue().map((m) => m.text);
const msg = (id: string, text: string) => ({
  id,
  authorId: owner.user.id,
  createdAt: 1,
  text,
  attachments: [],
});

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Olivia Owner');
  member = await t.person('Mel Member');
  viewer = await t.person('Vic Viewer');
  const experts = await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts');
  expertId = experts.body.experts[0]!.id;
});

afterAll(async () => {
  for (const p of providers) p.destroy();
  await t.close();
});

describe('sync over y-websocket', () => {
  it('lets two clients converge and a third joining later catch up', async () => {
    const id = await newSession(owner, 'private');
    const a = open(sessionDocName(id), owner.token);
    const b = open(sessionDocName(id), owner.token);
    await Promise.all([synced(a), synced(b)]);
    new SessionDoc(a.doc).enqueue(msg('a1', 'from a'));
    new SessionDoc(b.doc).enqueue(msg('b1', 'from b'));
    await waitFor(
      () => queueTexts(a.doc).length === 3 && queueTexts(b.doc).length === 3,
      5000,
      'convergence',
    );
    expect(queueTexts(a.doc)).toEqual(queueTexts(b.doc));
    expect(queueTexts(a.doc)).toContain('hello');

    const c = open(sessionDocName(id), owner.token);
    await synced(c);
    expect(queueTexts(c.doc)).toEqual(queueTexts(a.doc));
  });

  it('relays presence (awareness) between clients', async () => {
    const id = await newSession(owner, 'shared');
    const a = open(sessionDocName(id), owner.token);
    const b = open(sessionDocName(id), member.token);
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('user', { name: 'Olivia' });
    await waitFor(() =>
      [...b.awareness.getStates().values()].some(
        (s) => (s.user as { name?: string } | undefined)?.name === 'Olivia',
      ),
    );
  });

  it('keeps a viewer from changing the document: the server and other clients stay unchanged', async () => {
    const id = await newSession(owner, 'private');
    expect((await t.api(owner.token, 'PUT', `/api/sessions/${id}/grants/${viewer.user.id}`)).status).toBe(
      204,
    );
    const ownerClient = open(sessionDocName(id), owner.token);
    const viewerClient = open(sessionDocName(id), viewer.token);
    await Promise.all([synced(ownerClient), synced(viewerClient)]);
    expect(queueTexts(viewerClient.doc)).toEqual(['hello']);

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    new SessionDoc(viewerClient.doc).enqueue(msg('v1', 'sneaky'));
    await waitFor(
      () => warn.mock.calls.some((c) => String(c[0]).includes('Permission denied')),
      5000,
      'permission denied',
    );
    warn.mockRestore();

    // The owner's next change reaches the viewer, so the viewer's frame was handled before it.
    new SessionDoc(ownerClient.doc).enqueue(msg('o1', 'legit'));
    await waitFor(() => queueTexts(viewerClient.doc).includes('legit'));
    expect(queueTexts(ownerClient.doc)).toEqual(['hello', 'legit']);
    const onServer = await t.services.hub.read(sessionDocName(id), (doc) => queueTexts(doc));
    expect(onServer).toEqual(['hello', 'legit']);
    const fresh = open(sessionDocName(id), owner.token);
    await synced(fresh);
    expect(queueTexts(fresh.doc)).toEqual(['hello', 'legit']);
  });

  it("closes a viewer's socket within a second of revoking, and refuses the reconnect", async () => {
    const id = await newSession(owner, 'private');
    await t.api(owner.token, 'PUT', `/api/sessions/${id}/grants/${viewer.user.id}`);
    const v = open(sessionDocName(id), viewer.token);
    await synced(v);
    const closed = closeCode(v).then((code) => ({ code, at: Date.now() }));
    const revokedAt = Date.now();
    expect((await t.api(owner.token, 'DELETE', `/api/sessions/${id}/grants/${viewer.user.id}`)).status).toBe(
      204,
    );
    const { code, at } = await closed;
    expect(code).toBe(SyncCloseCode.accessRevoked);
    expect(at - revokedAt).toBeLessThan(1000);
    expect(await tryUpgrade(t, sessionDocName(id), viewer.token)).toBe(403);
  });

  it('keeps a private session out of reach of other members, and closes theirs when a session turns private', async () => {
    const priv = await newSession(owner, 'private');
    expect(await tryUpgrade(t, sessionDocName(priv), member.token)).toBe(403);
    expect(await tryUpgrade(t, sessionDocName(priv), owner.token)).toBe('open');

    const shared = await newSession(owner, 'shared');
    const m = open(sessionDocName(shared), member.token);
    await synced(m);
    const closed = closeCode(m);
    await t.api(owner.token, 'PUT', `/api/sessions/${shared}/visibility`, { visibility: 'private' });
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
    expect(await tryUpgrade(t, sessionDocName(shared), member.token)).toBe(403);
  });

  it('opens a user document for that user alone', async () => {
    expect(await tryUpgrade(t, userDocName(owner.user.id), owner.token)).toBe('open');
    expect(await tryUpgrade(t, userDocName(owner.user.id), member.token)).toBe(403);
    expect(await tryUpgrade(t, userDocName(owner.user.id), await t.serviceToken())).toBe(403);
    expect(await tryUpgrade(t, userDocName(owner.user.id), null)).toBe(401);
    expect(await tryUpgrade(t, 'nonsense/x', owner.token)).toBe(404);
  });

  it('closes the sockets of a token when its user signs out', async () => {
    const signedIn = await t.api<{ token: string }>(null, 'POST', '/api/auth/login', {
      email: member.user.email,
      password: 'a long enough password',
    });
    const token = signedIn.body.token;
    const p = open(userDocName(member.user.id), token);
    await synced(p);
    const closed = closeCode(p);
    expect((await t.api(token, 'POST', '/api/auth/logout')).status).toBe(204);
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
    expect((await t.api(token, 'GET', '/api/me')).status).toBe(401);
  });

  it('closes a socket when its sign-in expires', async () => {
    let now = Date.now();
    const timed = await startTestServer({ clock: () => now, limits: { pingIntervalMs: 300 } });
    try {
      const person = await timed.person('Eve');
      const p = connect(timed, userDocName(person.user.id), person.token);
      await synced(p);
      const closed = closeCode(p);
      now += 31 * 24 * 60 * 60 * 1000;
      expect(await closed).toBe(SyncCloseCode.accessRevoked);
      p.destroy();
      expect(await tryUpgrade(timed, userDocName(person.user.id), person.token)).toBe(401);
    } finally {
      await timed.close();
    }
  });
});

import {
  SessionDoc,
  sessionDocName,
  userDocName,
  UserDoc,
  type CatchUpResponse,
  type SessionResponse,
} from '@orrery/shared';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let member: Person;
const ids: string[] = [];
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Ada');
  member = await t.person('Bea');
  const expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
    .experts[0]!.id;
  for (let i = 0; i < 5; i += 1) {
    const res = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
      expertId,
      prompt: `task ${i}`,
      visibility: i < 3 ? 'shared' : 'private',
    });
    ids.push(res.body.session.id);
  }
  await t.services.hub.write(userDocName(owner.user.id), (doc, origin) =>
    new UserDoc(doc, origin).init().pin('s1', { folderId: null }),
  );
});

afterAll(async () => {
  await t.close();
});

describe('batch catch-up over HTTP', () => {
  it('returns every readable document in one response and names the rest', async () => {
    const names = [...ids.map(sessionDocName), userDocName(owner.user.id), 'session/doesnotexist'];
    const res = await t.api<CatchUpResponse>(member.token, 'POST', '/api/sync/catch-up', {
      docs: names.map((name) => ({ name, stateVector: '' })),
    });
    expect(res.status).toBe(200);
    expect(res.body.docs.map((d) => d.name)).toEqual(ids.slice(0, 3).map(sessionDocName));
    expect(res.body.denied).toEqual([
      ...ids.slice(3).map(sessionDocName),
      userDocName(owner.user.id),
      'session/doesnotexist',
    ]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(res.body.docs[0]!.update, 'base64'));
    expect(new SessionDoc(doc).queue().map((m) => m.text)).toEqual(['task 0']);
  });

  it('sends only what a state vector lacks', async () => {
    const name = sessionDocName(ids[0]!);
    const doc = new Y.Doc();
    const first = await t.api<CatchUpResponse>(owner.token, 'POST', '/api/sync/catch-up', {
      docs: [{ name, stateVector: '' }],
    });
    Y.applyUpdate(doc, Buffer.from(first.body.docs[0]!.update, 'base64'));
    await t.api(owner.token, 'POST', `/api/sessions/${ids[0]}/messages`, { text: 'later' });
    const next = await t.api<CatchUpResponse>(owner.token, 'POST', '/api/sync/catch-up', {
      docs: [{ name, stateVector: b64(Y.encodeStateVector(doc)) }],
    });
    const delta = Buffer.from(next.body.docs[0]!.update, 'base64');
    expect(delta.length).toBeLessThan(Buffer.from(first.body.docs[0]!.update, 'base64').length + 200);
    Y.applyUpdate(doc, delta);
    expect(new SessionDoc(doc).queue().map((m) => m.text)).toEqual(['task 0', 'later']);
    const userDoc = await t.api<CatchUpResponse>(owner.token, 'POST', '/api/sync/catch-up', {
      docs: [{ name: userDocName(owner.user.id), stateVector: '' }],
    });
    const u = new Y.Doc();
    Y.applyUpdate(u, Buffer.from(userDoc.body.docs[0]!.update, 'base64'));
    expect(new UserDoc(u).pins().map((p) => p.sessionId)).toEqual(['s1']);
  });

  it('refuses malformed state vectors naming the field', async () => {
    const res = await t.api<{ error: { fields: Record<string, string> } }>(
      owner.token,
      'POST',
      '/api/sync/catch-up',
      {
        docs: [
          { name: sessionDocName(ids[0]!), stateVector: '' },
          { name: sessionDocName(ids[1]!), stateVector: b64(new Uint8Array([5, 200])) },
        ],
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ 'docs.1.stateVector': 'is not a Yjs state vector' });
    const notBase64 = await t.api(owner.token, 'POST', '/api/sync/catch-up', {
      docs: [{ name: 'x', stateVector: '%%%' }],
    });
    expect(notBase64.status).toBe(400);
  });
});

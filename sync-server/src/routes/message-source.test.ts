// A trigger's message is labelled by its trigger in the session document, not
// passed off as its owner's; a person's own messages carry no source.
import {
  SessionDoc,
  sessionDocName,
  type Expert,
  type SessionResponse,
  type TriggerResponse,
} from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let expertId: string;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Ada');
  expertId = (await t.api<{ experts: Expert[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!.id;
});
afterAll(() => t.close());

const firstQueued = (sessionId: string) =>
  t.services.hub.read(sessionDocName(sessionId), (doc) => new SessionDoc(doc).queue()[0]);

describe('where a message came from', () => {
  it('names the trigger that sent it', async () => {
    const made = await t.api<TriggerResponse>(owner.token, 'POST', `/api/experts/${expertId}/triggers`, {
      kind: 'webhook',
      name: 'Failed deploys',
    });
    expect(made.status).toBe(201);
    const res = await fetch(made.body.webhook!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${made.body.webhook!.secret}` },
      body: JSON.stringify({ service: 'billing' }),
    });
    expect(res.status).toBe(202);
    const { sessionId } = (await res.json()) as { sessionId: string };
    const message = await firstQueued(sessionId);
    expect(message?.source).toEqual({ kind: 'trigger', name: 'Failed deploys' });
    expect(message?.authorId).toBe(owner.user.id);
  });

  it('leaves a message a person typed as theirs', async () => {
    const res = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
      expertId,
      prompt: 'hello',
    });
    expect(res.status).toBe(201);
    const message = await firstQueued(res.body.session.id);
    expect(message?.text).toBe('hello');
    expect(message?.source).toBeUndefined();
  });
});

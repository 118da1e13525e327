import { SessionDoc, sessionDocName, type Expert, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, synced, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Ada');
});
afterAll(() => t.close());

describe('after a restart', () => {
  it('queues the turn job of a session whose queued message lost its job, once', async () => {
    const expert = (await t.api<{ experts: Expert[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!;
    const session = (
      await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
        expertId: expert.id,
        prompt: 'ls',
      })
    ).body.session;
    const other = (
      await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
        expertId: expert.id,
        prompt: 'pwd',
      })
    ).body.session;
    // The owner's client queues a message over the socket, as the composer does offline.
    const client = connect(t, sessionDocName(session.id), owner.token);
    await synced(client);
    new SessionDoc(client.doc).enqueue({
      id: 'm2',
      authorId: owner.user.id,
      createdAt: 1,
      text: 'echo more',
      attachments: [],
    });
    await new Promise((r) => setTimeout(r, 200));
    // As if the process had died before the job was written: the message is stored, its job is not.
    await t.database.db.deleteFrom('jobs').where('session_id', '=', session.id).execute();

    expect(await t.services.recoverTurns()).toBe(1);
    const turns = async () =>
      (await t.services.jobs.open(t.orgId))
        .filter((j) => j.kind === 'turn')
        .map((j) => j.sessionId)
        .sort();
    expect(await turns()).toEqual([session.id, other.id].sort());
    // Run again, it adds nothing: one turn job per session.
    await t.services.recoverTurns();
    expect(await turns()).toHaveLength(2);
    client.destroy();
  });
});

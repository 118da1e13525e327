import type { ChangesResponse, SessionResponse, SessionsResponse } from '@orrery/shared';
import { SessionDoc, sessionDocName } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let member: Person;
let orgExpert: string;
let personalExpert: string;

const ids = (r: { sessions: { id: string }[] }) => r.sessions.map((s) => s.id);

async function create(by: Person, prompt: string, extra: Record<string, unknown> = {}) {
  const res = await t.api<SessionResponse>(by.token, 'POST', '/api/sessions', {
    expertId: orgExpert,
    prompt,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.session;
}

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Ada');
  member = await t.person('Bea');
  orgExpert = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
    .experts[0]!.id;
  const personal = await t.api<{ expert: { id: string } }>(owner.token, 'POST', '/api/experts', {
    name: 'Private helper',
    instructions: 'x',
    model: { provider: 'shell', name: '' },
    capabilities: { tools: [] },
    defaultEnvironmentId: null,
    scope: 'personal',
  });
  personalExpert = personal.body.expert.id;
});

afterAll(async () => {
  await t.close();
});

describe('sessions API', () => {
  it('creates a session from an Expert and a first prompt, queues the prompt and a turn job', async () => {
    const s = await create(
      owner,
      'Fix the flaky login test in the payments service and explain the root cause please\nmore',
    );
    expect(s.title).toBe('Fix the flaky login test in the payments service and…');
    expect(s).toMatchObject({
      access: 'owner',
      visibility: 'shared',
      ownerName: 'Ada',
      expertName: 'Shell',
      archived: false,
    });
    expect(s.environmentId).not.toBeNull();
    const queue = await t.services.hub.read(sessionDocName(s.id), (doc) => new SessionDoc(doc).queue());
    expect(queue.map((m) => [m.text.split('\n')[0], m.authorId])).toEqual([
      ['Fix the flaky login test in the payments service and explain the root cause please', owner.user.id],
    ]);
    expect((await t.services.jobs.open(t.orgId)).filter((j) => j.sessionId === s.id)).toMatchObject([
      { kind: 'turn', state: 'pending' },
    ]);
  });

  it('defaults visibility by the Expert: organisation-wide → shared, personal → private', async () => {
    expect((await create(owner, 'a')).visibility).toBe('shared');
    expect((await create(owner, 'b', { expertId: personalExpert })).visibility).toBe('private');
    expect((await create(owner, 'c', { expertId: personalExpert, visibility: 'shared' })).visibility).toBe(
      'shared',
    );
  });

  it("starts sessions on the Expert's own default Environment, even one personal to the Expert's author", async () => {
    const env = await t.api<{ environment: { id: string } }>(t.admin.token, 'POST', '/api/environments', {
      name: 'Admin only',
      image: 'orrery/env-base:bookworm',
      scope: 'personal',
    });
    const expert = await t.api<{ expert: { id: string } }>(t.admin.token, 'POST', '/api/experts', {
      name: 'Team helper',
      instructions: 'x',
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'] },
      defaultEnvironmentId: env.body.environment.id,
      scope: 'organisation',
    });
    const s = await create(member, 'use it', { expertId: expert.body.expert.id });
    expect(s.environmentId).toBe(env.body.environment.id);
    // Choosing that Environment explicitly is another matter: it is not the member's to use.
    const chosen = await t.api(member.token, 'POST', '/api/sessions', {
      expertId: expert.body.expert.id,
      prompt: 'x',
      environmentId: env.body.environment.id,
    });
    expect(chosen.status).toBe(404);
    await t.api(t.admin.token, 'DELETE', `/api/environments/${env.body.environment.id}`);
    expect((await create(member, 'after', { expertId: expert.body.expert.id })).environmentId).toBeNull();
  });

  it('lists with filters and title search; a private session is invisible to other members', async () => {
    const mine = await create(owner, 'Alpha shared work');
    const secret = await create(owner, 'Alpha secret work', { visibility: 'private' });
    const theirs = await create(member, 'Alpha from Bea');
    const archived = await create(owner, 'Alpha old work');
    await t.api(owner.token, 'POST', `/api/sessions/${archived.id}/archive`);

    const list = async (who: Person, query: string) =>
      ids((await t.api<SessionsResponse>(who.token, 'GET', `/api/sessions?${query}&q=Alpha`)).body);
    expect(await list(owner, 'filter=mine')).toEqual(expect.arrayContaining([mine.id, secret.id]));
    expect(await list(owner, 'filter=mine')).not.toContain(theirs.id);
    expect(await list(owner, 'filter=shared')).toEqual([theirs.id]);
    expect(await list(owner, 'filter=archived')).toEqual([archived.id]);
    expect(await list(owner, 'filter=all')).not.toContain(archived.id);
    expect(await list(member, 'filter=all')).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(await list(member, 'filter=all')).not.toContain(secret.id);
    const bySearch = await t.api<SessionsResponse>(owner.token, 'GET', '/api/sessions?q=secret%20work');
    expect(ids(bySearch.body)).toEqual([secret.id]);
    expect((await t.api(member.token, 'GET', `/api/sessions/${secret.id}`)).status).toBe(404);
  });

  it('answers changes since a clock, including sessions that left the caller’s view', async () => {
    const s = await create(owner, 'Changes demo');
    const start = (await t.api<ChangesResponse>(member.token, 'GET', '/api/sessions/changes?since=0')).body;
    expect(start.changed.map((x) => x.id)).toContain(s.id);

    await t.api(owner.token, 'PATCH', `/api/sessions/${s.id}`, { title: 'Renamed demo' });
    const renamed = (
      await t.api<ChangesResponse>(member.token, 'GET', `/api/sessions/changes?since=${start.clock}`)
    ).body;
    expect(renamed.changed.map((x) => [x.id, x.title])).toEqual([[s.id, 'Renamed demo']]);
    expect(renamed.removed).toEqual([]);

    await t.api(owner.token, 'PUT', `/api/sessions/${s.id}/visibility`, { visibility: 'private' });
    const hidden = (
      await t.api<ChangesResponse>(member.token, 'GET', `/api/sessions/changes?since=${renamed.clock}`)
    ).body;
    expect(hidden.changed).toEqual([]);
    expect(hidden.removed).toEqual([s.id]);
    // The owner still sees it: for them it changed, it was not removed.
    const forOwner = (
      await t.api<ChangesResponse>(owner.token, 'GET', `/api/sessions/changes?since=${renamed.clock}`)
    ).body;
    expect(forOwner.changed.map((x) => x.id)).toEqual([s.id]);
    expect(forOwner.removed).toEqual([]);

    await t.api(owner.token, 'PUT', `/api/sessions/${s.id}/grants/${member.user.id}`);
    const granted = (
      await t.api<ChangesResponse>(member.token, 'GET', `/api/sessions/changes?since=${hidden.clock}`)
    ).body;
    expect(granted.changed.map((x) => [x.id, x.access])).toEqual([[s.id, 'viewer']]);

    await t.api(owner.token, 'DELETE', `/api/sessions/${s.id}/grants/${member.user.id}`);
    const revoked = (
      await t.api<ChangesResponse>(member.token, 'GET', `/api/sessions/changes?since=${granted.clock}`)
    ).body;
    expect(revoked.removed).toEqual([s.id]);

    await t.api(owner.token, 'DELETE', `/api/sessions/${s.id}`);
    const deleted = (
      await t.api<ChangesResponse>(owner.token, 'GET', `/api/sessions/changes?since=${revoked.clock}`)
    ).body;
    expect(deleted.removed).toEqual([s.id]);
    expect(deleted.clock).toBeGreaterThan(revoked.clock);
  });

  it('lists grants for the owner and searches teammates by name or email', async () => {
    const s = await create(owner, 'Grants', { visibility: 'private' });
    expect((await t.api(owner.token, 'PUT', `/api/sessions/${s.id}/grants/${member.user.id}`)).status).toBe(
      204,
    );
    expect((await t.api(owner.token, 'PUT', `/api/sessions/${s.id}/grants/${member.user.id}`)).status).toBe(
      204,
    );
    const res = await t.api<{ grants: { user: { id: string; name: string } }[] }>(
      owner.token,
      'GET',
      `/api/sessions/${s.id}/grants`,
    );
    expect(res.body.grants.map((g) => g.user.name)).toEqual(['Bea']);
    const found = await t.api<{ users: { name: string }[] }>(owner.token, 'GET', '/api/users?q=bea');
    expect(found.body.users.map((u) => u.name)).toEqual(['Bea']);
    const byEmail = await t.api<{ users: { name: string }[] }>(
      owner.token,
      'GET',
      `/api/users?q=${encodeURIComponent(member.user.email)}`,
    );
    expect(byEmail.body.users.map((u) => u.name)).toEqual(['Bea']);
  });

  it('deletes a session with its document and asks a runner to remove its container', async () => {
    const s = await create(owner, 'Short-lived');
    expect((await t.api(owner.token, 'DELETE', `/api/sessions/${s.id}`)).status).toBe(204);
    expect((await t.api(owner.token, 'GET', `/api/sessions/${s.id}`)).status).toBe(404);
    expect(await t.services.hub.missing(sessionDocName(s.id), new Uint8Array([0]))).toEqual(
      new Uint8Array([0, 0]),
    );
    const jobs = (await t.services.jobs.open(t.orgId)).filter((j) => j.sessionId === s.id);
    expect(jobs.map((j) => j.kind)).toEqual(['remove_environment']);
  });

  it('queues messages from the owner only', async () => {
    const s = await create(owner, 'Chat');
    const sent = await t.api<{ messageId: string; skipped: unknown[] }>(
      owner.token,
      'POST',
      `/api/sessions/${s.id}/messages`,
      { text: 'next' },
    );
    expect(sent.status).toBe(201);
    expect(sent.body.skipped).toEqual([]);
    const queue = await t.services.hub.read(sessionDocName(s.id), (doc) =>
      new SessionDoc(doc).queue().map((m) => m.text),
    );
    expect(queue).toEqual(['Chat', 'next']);
    expect((await t.api(member.token, 'POST', `/api/sessions/${s.id}/messages`, { text: 'x' })).status).toBe(
      403,
    );
    const empty = await t.api<{ error: { code: string } }>(
      owner.token,
      'POST',
      `/api/sessions/${s.id}/messages`,
      { text: '  ' },
    );
    expect(empty.status).toBe(400);
  });

  it('leaves neither a document nor a turn behind when messages arrive while the session is deleted', async () => {
    for (let round = 0; round < 8; round++) {
      const s = await create(owner, `Doomed ${round}`);
      const send = () => t.api(owner.token, 'POST', `/api/sessions/${s.id}/messages`, { text: 'more' });
      const sends = Array.from({ length: 12 }, send);
      const deleted = await t.api(owner.token, 'DELETE', `/api/sessions/${s.id}`);
      const more = Array.from({ length: 4 }, send);
      expect(deleted.status).toBe(204);
      // Each message was either queued before the delete, or told that the session is gone.
      for (const sent of await Promise.all([...sends, ...more])) expect([201, 404]).toContain(sent.status);
      const name = sessionDocName(s.id);
      const stored = await t.database.db
        .selectFrom('doc_updates')
        .select('seq')
        .where('name', '=', name)
        .execute();
      expect(stored).toEqual([]);
      const jobs = (await t.services.jobs.open(t.orgId)).filter((j) => j.sessionId === s.id);
      expect(jobs.map((j) => j.kind)).toEqual(['remove_environment']);
    }
  });
});

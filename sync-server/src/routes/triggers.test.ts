import type {
  Expert,
  SessionResponse,
  SessionsResponse,
  TriggerEventsResponse,
  TriggerResponse,
  TriggersResponse,
} from '@orrery/shared';
import { SessionDoc, sessionDocName } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriggerScheduler } from '../triggers/scheduler.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

// 2026-03-02 01:00 UTC; the test moves it forward.
let now = Date.UTC(2026, 2, 2, 1, 0, 0);
let t: TestServer;
let owner: Person;
let teammate: Person;
let expert: Expert;
let runner: string;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  owner = await t.person('Ada');
  teammate = await t.person('Bea');
  runner = await t.serviceToken();
  const shell = (await t.api<{ experts: Expert[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!;
  // A personal Expert: its manual sessions are private, its trigger sessions shared.
  expert = (
    await t.api<{ expert: Expert }>(owner.token, 'POST', '/api/experts', {
      name: 'Triage',
      instructions: 'Triage incoming events.',
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'] },
      defaultEnvironmentId: shell.defaultEnvironmentId,
      scope: 'personal',
    })
  ).body.expert;
});
afterAll(() => t.close());

async function hook(url: string, secret: string | null, payload: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function sessionsOf(person: Person) {
  return (await t.api<SessionsResponse>(person.token, 'GET', '/api/sessions?filter=all')).body.sessions;
}

async function firstMessage(sessionId: string): Promise<string> {
  return t.services.hub.read(sessionDocName(sessionId), (doc) => new SessionDoc(doc).queue()[0]?.text ?? '');
}

describe('webhook triggers', () => {
  let url: string;
  let secret: string;
  let triggerId: string;

  it('show their secret once, when made', async () => {
    const res = await t.api<TriggerResponse>(owner.token, 'POST', `/api/experts/${expert.id}/triggers`, {
      kind: 'webhook',
      name: 'Deploys',
      filter: { path: 'deployment.state', equals: 'failed' },
    });
    expect(res.status).toBe(201);
    expect(res.body.webhook?.url).toBe(`${t.url}/api/hooks/${t.orgId}/${res.body.trigger.id}`);
    expect(res.body.webhook?.secret.length).toBeGreaterThan(30);
    url = res.body.webhook!.url;
    secret = res.body.webhook!.secret;
    triggerId = res.body.trigger.id;
    const listed = await t.api<TriggersResponse>(owner.token, 'GET', `/api/experts/${expert.id}/triggers`);
    expect(listed.body.triggers.map((x) => x.id)).toEqual([triggerId]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it('refuse a wrong or missing secret with 401, start no session and store nothing', async () => {
    const before = await sessionsOf(owner);
    expect((await hook(url, 'wrong-secret', { deployment: { state: 'failed' } })).status).toBe(401);
    expect((await hook(url, null, { deployment: { state: 'failed' } })).status).toBe(401);
    expect((await hook(`${t.url}/api/hooks/${t.orgId}/nosuchtrigger`, secret, {})).status).toBe(401);
    expect(await sessionsOf(owner)).toEqual(before);
    const events = await t.api<TriggerEventsResponse>(
      owner.token,
      'GET',
      `/api/triggers/${triggerId}/events`,
    );
    expect(events.body.events).toEqual([]);
  });

  it('skip events the filter does not pass, and keep them for inspection', async () => {
    const res = await hook(url, secret, { deployment: { state: 'succeeded' } });
    expect(res).toMatchObject({ status: 202, body: { outcome: 'filtered', sessionId: null } });
    const events = await t.api<TriggerEventsResponse>(
      owner.token,
      'GET',
      `/api/triggers/${triggerId}/events`,
    );
    expect(events.body.events[0]).toMatchObject({ outcome: 'filtered', sessionId: null });
    expect(events.body.events[0]?.detail).toContain('deployment.state is not "failed"');
  });

  it('start a shared session whose first message is the payload', async () => {
    const res = await hook(url, secret, { deployment: { state: 'failed', service: 'billing' } });
    expect(res).toMatchObject({ status: 202, body: { outcome: 'started' } });
    const sessionId = res.body.sessionId as string;
    const session = (await t.api<SessionResponse>(owner.token, 'GET', `/api/sessions/${sessionId}`)).body
      .session;
    expect(session).toMatchObject({
      origin: 'trigger',
      triggerId,
      visibility: 'shared',
      ownerId: owner.user.id,
    });
    expect(await firstMessage(sessionId)).toContain('"service": "billing"');
    // Shared: a teammate sees it.
    expect((await sessionsOf(teammate)).map((s) => s.id)).toContain(sessionId);
    const events = await t.api<TriggerEventsResponse>(
      owner.token,
      'GET',
      `/api/triggers/${triggerId}/events`,
    );
    expect(events.body.events[0]).toMatchObject({ outcome: 'started', sessionId });
    expect(events.body.events[0]?.payload).toContain('billing');
  });

  it('archive the session when the agent finishes, if the trigger says so', async () => {
    const res = await hook(url, secret, { deployment: { state: 'failed' } });
    const sessionId = res.body.sessionId as string;
    expect((await t.api(runner, 'POST', `/api/runner/sessions/${sessionId}/finished`)).status).toBe(204);
    const session = (await t.api<SessionResponse>(owner.token, 'GET', `/api/sessions/${sessionId}`)).body
      .session;
    expect(session.archived).toBe(true);

    await t.api(owner.token, 'PATCH', `/api/triggers/${triggerId}`, { autoArchive: false });
    const kept = (await hook(url, secret, { deployment: { state: 'failed' } })).body.sessionId as string;
    await t.api(runner, 'POST', `/api/runner/sessions/${kept}/finished`);
    expect(
      (await t.api<SessionResponse>(owner.token, 'GET', `/api/sessions/${kept}`)).body.session.archived,
    ).toBe(false);
  });

  it('are managed by their maker (or an admin) only, and a new secret replaces the old', async () => {
    expect(
      (await t.api(teammate.token, 'PATCH', `/api/triggers/${triggerId}`, { enabled: false })).status,
    ).toBe(403);
    expect((await t.api(teammate.token, 'GET', `/api/triggers/${triggerId}/events`)).status).toBe(403);
    // Nor may they take the secret over or delete it: the webhook still answers to its own secret.
    const stolen = await t.api<TriggerResponse>(teammate.token, 'POST', `/api/triggers/${triggerId}/secret`);
    expect(stolen.status).toBe(403);
    expect(stolen.body.webhook).toBeUndefined();
    expect((await t.api(teammate.token, 'DELETE', `/api/triggers/${triggerId}`)).status).toBe(403);
    expect((await hook(url, secret, { deployment: { state: 'failed' } })).status).toBe(202);
    const rotated = await t.api<TriggerResponse>(owner.token, 'POST', `/api/triggers/${triggerId}/secret`);
    expect((await hook(url, secret, { deployment: { state: 'failed' } })).status).toBe(401);
    expect((await hook(url, rotated.body.webhook!.secret, { deployment: { state: 'failed' } })).status).toBe(
      202,
    );
    await t.api(owner.token, 'PATCH', `/api/triggers/${triggerId}`, { enabled: false });
    expect((await hook(url, rotated.body.webhook!.secret, {})).status).toBe(409);
  });

  it('say what is wrong with a payload that is not JSON', async () => {
    await t.api(owner.token, 'PATCH', `/api/triggers/${triggerId}`, { enabled: true });
    const fresh = await t.api<TriggerResponse>(owner.token, 'POST', `/api/triggers/${triggerId}/secret`);
    const res = await hook(url, fresh.body.webhook!.secret, '{"not json');
    expect(res).toMatchObject({
      status: 400,
      body: { error: { message: 'The payload is not valid JSON.' } },
    });
  });
});

describe('schedule triggers', () => {
  it('refuse an expression that is not a five-field cron, naming the field', async () => {
    const four = await t.api<{ error: { fields: Record<string, string> } }>(
      owner.token,
      'POST',
      `/api/experts/${expert.id}/triggers`,
      {
        kind: 'schedule',
        name: 'Bad',
        cron: '0 3 * *',
        prompt: 'x',
      },
    );
    expect(four.status).toBe(400);
    expect(four.body.error.fields.cron).toMatch(/five fields/);
    const invalid = await t.api<{ error: { fields: Record<string, string> } }>(
      owner.token,
      'POST',
      `/api/experts/${expert.id}/triggers`,
      {
        kind: 'schedule',
        name: 'Bad',
        cron: '61 3 * * *',
        prompt: 'x',
      },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields.cron).toMatch(/minute/);
  });

  it('fire when their time comes on the injected clock, then move to the next time', async () => {
    const created = await t.api<TriggerResponse>(owner.token, 'POST', `/api/experts/${expert.id}/triggers`, {
      kind: 'schedule',
      name: 'Nightly report',
      cron: '0 3 * * *',
      prompt: 'Summarise yesterday’s failed builds.',
    });
    expect(created.status).toBe(201);
    expect(created.body.nextRunAt).toBe(Date.UTC(2026, 2, 2, 3, 0, 0));
    const scheduler = new TriggerScheduler(t.services);
    const before = (await sessionsOf(owner)).length;

    now = Date.UTC(2026, 2, 2, 2, 59, 0);
    await scheduler.tick();
    expect((await sessionsOf(owner)).length).toBe(before);

    now = Date.UTC(2026, 2, 2, 3, 0, 0);
    await scheduler.tick();
    await scheduler.tick();
    const sessions = await sessionsOf(owner);
    expect(sessions.length).toBe(before + 1);
    const started = sessions.find((s) => s.triggerId === created.body.trigger.id)!;
    expect(started).toMatchObject({ origin: 'trigger', visibility: 'shared' });
    expect(await firstMessage(started.id)).toBe('Summarise yesterday’s failed builds.');
    expect(await t.services.triggers.nextRunAt(created.body.trigger.id)).toBe(Date.UTC(2026, 2, 3, 3, 0, 0));
  });
});

import {
  LEASE_MS,
  SessionDoc,
  sessionDocName,
  type ClaimResponse,
  type SessionResponse,
} from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, synced, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let runner: string;
let expertId: string;
let now = Date.now();

async function newSession(prompt: string) {
  return (await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt })).body
    .session;
}
const claim = async (waitMs = 0) =>
  (await t.api<ClaimResponse>(runner, 'POST', '/api/runner/claim', { runnerId: 'test-runner', waitMs })).body
    .job;
const complete = (id: string, leaseToken: string) =>
  t.api(runner, 'POST', `/api/runner/jobs/${id}/complete`, { leaseToken, outcome: 'done' });
type OpenJobs = Awaited<ReturnType<TestServer['services']['jobs']['open']>>;
async function waitForJobs(check: (jobs: OpenJobs) => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!check(await t.services.jobs.open(t.orgId))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
/** What a runner does with a turn job: take every queued message into a turn. */
async function runTurns(sessionId: string) {
  await t.services.hub.write(sessionDocName(sessionId), (doc, origin) => {
    const d = new SessionDoc(doc, origin);
    // An interrupted turn is closed first, as a runner does.
    if (d.turn().state !== 'idle') d.endTurn();
    while (d.beginTurn('t', now)) d.endTurn();
  });
}
async function drain() {
  for (let job = await claim(); job; job = await claim()) {
    if (job.kind === 'turn' && job.sessionId) await runTurns(job.sessionId);
    await complete(job.id, job.leaseToken);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  // The queue reads this clock, so leases can expire without waiting.
  t = await startTestServer({ clock: () => now });
  owner = await t.person('Ada');
  runner = await t.serviceToken();
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
});

afterAll(async () => {
  await t.close();
});

describe('the job queue', () => {
  it('leases a turn job to one runner, renews it and completes it', async () => {
    await drain();
    const s = await newSession('build it');
    const job = await claim();
    expect(job).toMatchObject({ kind: 'turn', sessionId: s.id, attempts: 0 });
    expect(await claim()).toBeNull();
    const beat = await t.api<{ leaseExpiresAt: number }>(
      runner,
      'POST',
      `/api/runner/jobs/${job!.id}/heartbeat`,
      { leaseToken: job!.leaseToken },
    );
    expect(beat.status).toBe(200);
    const wrong = await t.api<{ error: { code: string } }>(
      runner,
      'POST',
      `/api/runner/jobs/${job!.id}/heartbeat`,
      { leaseToken: 'nope' },
    );
    expect(wrong).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await complete(job!.id, job!.leaseToken)).status).toBe(204);
    expect((await complete(job!.id, job!.leaseToken)).status).toBe(409);
  });

  it('hands an expired lease to the next runner, saying it was lost before', async () => {
    await drain();
    const s = await newSession('long task');
    const first = await claim();
    now += LEASE_MS + 1;
    const second = await claim();
    expect(second).toMatchObject({ id: first!.id, sessionId: s.id, attempts: 1 });
    expect(
      (
        await t.api(runner, 'POST', `/api/runner/jobs/${first!.id}/heartbeat`, {
          leaseToken: first!.leaseToken,
        })
      ).status,
    ).toBe(409);
    await complete(second!.id, second!.leaseToken);
  });

  it('wakes a waiting claim when work arrives', async () => {
    await drain();
    const waiting = claim(10_000);
    await new Promise((r) => setTimeout(r, 50));
    const s = await newSession('wake up');
    const job = await waiting;
    expect(job?.sessionId).toBe(s.id);
    await runTurns(s.id);
    await complete(job!.id, job!.leaseToken);
  });

  it('keeps one turn job per session and notices messages queued through the document', async () => {
    await drain();
    const s = await newSession('first');
    await t.api(owner.token, 'POST', `/api/sessions/${s.id}/messages`, { text: 'second' });
    expect((await t.services.jobs.open(t.orgId)).filter((j) => j.sessionId === s.id)).toHaveLength(1);
    const job = await claim();
    await runTurns(s.id);
    await complete(job!.id, job!.leaseToken);
    await new Promise((r) => setTimeout(r, 50));
    expect(await t.services.jobs.open(t.orgId)).toEqual([]);

    // The owner queues a message directly in the document (y-websocket): a turn job appears.
    const client = connect(t, sessionDocName(s.id), owner.token);
    await synced(client);
    new SessionDoc(client.doc).enqueue({
      id: 'm3',
      authorId: owner.user.id,
      createdAt: 1,
      text: 'third',
      attachments: [],
    });
    await waitForJobs((jobs) => jobs.some((j) => j.sessionId === s.id), 5000, 'a turn job');
    client.destroy();
  });

  it('notices an interrupted turn (running, no live lease) and a message that raced the end of a turn', async () => {
    await drain();
    const s = await newSession('race');
    const job = await claim();
    await t.services.hub.write(
      sessionDocName(s.id),
      (doc, origin) => void new SessionDoc(doc, origin).beginTurn('t1', now),
    );
    // A message arrives while the runner still holds the lease; no second job is made.
    await t.api(owner.token, 'POST', `/api/sessions/${s.id}/messages`, { text: 'more' });
    expect(await t.services.jobs.open(t.orgId)).toHaveLength(1);
    // The runner completes without seeing it: the queue is not empty, so a new job appears.
    await complete(job!.id, job!.leaseToken);
    await waitForJobs((jobs) => jobs.length === 1, 5000, 'a follow-up job');
    await drain();
    expect(await t.services.jobs.open(t.orgId)).toEqual([]);
    // A turn that says "running" while no runner holds a lease was interrupted: it needs a runner.
    await t.services.hub.write(sessionDocName(s.id), (doc, origin) => {
      const d = new SessionDoc(doc, origin);
      d.enqueue({ id: 'x', authorId: owner.user.id, createdAt: now, text: 'x', attachments: [] });
      d.beginTurn('t2', now);
    });
    await waitForJobs((jobs) => jobs.length === 1, 5000, 'a job for the interrupted turn');
  });

  it('archives a session from an auto-archiving trigger when the runner reports it finished', async () => {
    await drain();
    const { startSession } = await import('../session-ops.js');
    const { session: item } = await startSession(t.services, owner.user, {
      expertId,
      prompt: 'nightly',
      attachments: [],
      origin: 'trigger',
      triggerId: 'trg1',
      autoArchive: true,
    });
    expect(item).toMatchObject({
      origin: 'trigger',
      triggerId: 'trg1',
      visibility: 'shared',
      archived: false,
    });
    expect((await t.api(runner, 'POST', `/api/runner/sessions/${item.id}/finished`)).status).toBe(204);
    const after = await t.api<SessionResponse>(owner.token, 'GET', `/api/sessions/${item.id}`);
    expect(after.body.session.archived).toBe(true);
    const ctx = await t.api<{ expert: { name: string }; environment: { name: string } }>(
      runner,
      'GET',
      `/api/runner/sessions/${item.id}/context`,
    );
    expect(ctx.body).toMatchObject({
      expert: { name: 'Shell' },
      environment: { name: 'Default' },
      secrets: {},
    });
  });
});

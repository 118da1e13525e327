// Enhance prompt on the server's side: who may enhance in a session, the
// answer redacted with the secrets the server holds even when a runner did
// not, and nothing of a prompt or its result left in the database. The test
// answers jobs through the runner API with a service token, as a runner does.
import type { ClaimResponse, EnhanceResponse, SessionResponse } from '@orrery/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitUntil, type Person, type TestServer } from '../test-support.js';

const SECRET = 'sk-live-owner-7c1d9e';
let t: TestServer;
let owner: Person;
let runner: string;
let expertId: string;

beforeAll(async () => {
  t = await startTestServer({ enhanceWaitMs: 30_000 });
  owner = await t.person('Ada');
  runner = await t.serviceToken();
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
  await t.api(owner.token, 'PUT', '/api/secrets/private/DEPLOY_KEY', { value: SECRET });
});
afterAll(async () => {
  await t.close();
});

const claimEnhance = async () =>
  (
    await t.api<ClaimResponse>(runner, 'POST', '/api/runner/claim', {
      runnerId: 'r',
      waitMs: 5000,
      kinds: ['enhance'],
    })
  ).body.job!;

const enhanceJobs = () =>
  t.database.db
    .selectFrom('jobs')
    .select(['state', 'payload', 'result'])
    .where('kind', '=', 'enhance')
    .execute();

describe('enhance prompt on the server', () => {
  it('redacts the session owner’s secrets from an answer, and stores neither prompt nor answer', async () => {
    const session = (
      await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'hi' })
    ).body.session;
    const asking = t.api<EnhanceResponse>(owner.token, 'POST', '/api/enhance', {
      text: 'deploy the billing service',
      sessionId: session.id,
    });
    const job = await claimEnhance();
    expect((await enhanceJobs()).find((j) => j.state === 'leased')?.payload).toContain('deploy the billing');
    await t.api(runner, 'POST', `/api/runner/jobs/${job.id}/complete`, {
      leaseToken: job.leaseToken,
      outcome: 'done',
      result: { text: `Deploy with DEPLOY_KEY=${SECRET} from README.md`, by: 'deterministic' },
    });
    expect(await asking).toEqual({
      status: 200,
      body: { text: 'Deploy with DEPLOY_KEY=[redacted] from README.md', by: 'deterministic' },
    });
    expect((await enhanceJobs()).filter((j) => j.payload !== null || j.result !== null)).toEqual([]);
  });

  it('redacts a failure the runner reports, too', async () => {
    const asking = t.api<{ error: { message: string } }>(owner.token, 'POST', '/api/enhance', {
      text: 'x',
      expertId,
    });
    const job = await claimEnhance();
    await t.api(runner, 'POST', `/api/runner/jobs/${job.id}/complete`, {
      leaseToken: job.leaseToken,
      outcome: 'failed',
      detail: `the model refused the key ${SECRET}`,
    });
    const res = await asking;
    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe('the model refused the key [redacted]');
  });

  it('withdraws the job when the caller goes away; a late answer is refused and not kept', async () => {
    const gone = new AbortController();
    const asking = fetch(`${t.url}/api/enhance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'a prompt nobody waits for', expertId }),
      signal: gone.signal,
    }).catch(() => null);
    const job = await claimEnhance();
    gone.abort();
    await asking;
    await waitUntil(
      async () => (await enhanceJobs()).every((j) => j.state !== 'leased'),
      10_000,
      'the job to be withdrawn',
    );
    const late = await t.api(runner, 'POST', `/api/runner/jobs/${job.id}/complete`, {
      leaseToken: job.leaseToken,
      outcome: 'done',
      result: { text: 'a prompt nobody waits for, enhanced', by: 'deterministic' },
    });
    expect(late.status).toBe(409);
    expect(JSON.stringify(await enhanceJobs())).not.toContain('nobody waits for, enhanced');
    expect((await enhanceJobs()).filter((j) => j.payload !== null || j.result !== null)).toEqual([]);
  });

  it('lets only the owner enhance in a session others can see', async () => {
    const member = await t.person('Bea');
    const shared = (
      await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
        expertId,
        prompt: 'p',
        visibility: 'shared',
      })
    ).body.session;
    const res = await t.api<{ error: { code: string } }>(member.token, 'POST', '/api/enhance', {
      text: 'x',
      sessionId: shared.id,
    });
    expect(res.status).toBe(403);
    expect((await t.services.jobs.open(t.orgId)).filter((j) => j.kind === 'enhance')).toEqual([]);
  });
});

describe('enhance jobs an older version left behind', () => {
  it('are cleared when the server starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-enhance-left-'));
    try {
      const before = await startTestServer({ dir, engine: 'sqlite' });
      const insert = before.database.sqlite!.prepare(
        `INSERT INTO jobs (id, org_id, kind, session_id, state, attempts, payload, result, created_at, updated_at)
         VALUES (?, ?, 'enhance', '', ?, 1, ?, ?, 0, 0)`,
      );
      const payload = JSON.stringify({ text: 'old prompt', expertId: 'e', sessionId: null });
      insert.run('job-done-1', before.orgId, 'done', payload, JSON.stringify({ text: `old ${SECRET}` }));
      insert.run('job-pending-1', before.orgId, 'pending', payload, null);
      await before.close();

      const after = await startTestServer({ dir, engine: 'sqlite' });
      try {
        const rows = after.database
          .sqlite!.prepare(`SELECT id, state, payload, result FROM jobs WHERE kind = 'enhance' ORDER BY id`)
          .all();
        expect(rows).toEqual([
          { id: 'job-done-1', state: 'done', payload: null, result: null },
          { id: 'job-pending-1', state: 'failed', payload: null, result: null },
        ]);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

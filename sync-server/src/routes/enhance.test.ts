import type { ClaimResponse, EnhanceResponse, ExpertContext, SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let runner: string;
let expertId: string;

beforeAll(async () => {
  t = await startTestServer({ enhanceWaitMs: 1500 });
  owner = await t.person('Ada');
  runner = await t.serviceToken();
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
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
  ).body.job;

describe('enhance prompt through a runner', () => {
  it('queues an enhance job for a runner and answers with its rewrite', async () => {
    const asking = t.api<EnhanceResponse>(owner.token, 'POST', '/api/enhance', {
      text: 'fix tests',
      expertId,
    });
    const job = await claimEnhance();
    expect(job).toMatchObject({
      kind: 'enhance',
      sessionId: null,
      payload: { text: 'fix tests', expertId, sessionId: null, requesterId: owner.user.id },
    });
    const ctx = await t.api<ExpertContext>(runner, 'GET', `/api/runner/experts/${expertId}/context`);
    expect(ctx.body).toMatchObject({
      expert: { id: expertId, name: 'Shell' },
      environment: { name: 'Default' },
    });
    const done = await t.api(runner, 'POST', `/api/runner/jobs/${job!.id}/complete`, {
      leaseToken: job!.leaseToken,
      outcome: 'done',
      result: { text: 'Fix the failing tests and explain why they failed.', by: 'deterministic' },
    });
    expect(done.status).toBe(204);
    expect(await asking).toEqual({
      status: 200,
      body: { text: 'Fix the failing tests and explain why they failed.', by: 'deterministic' },
    });
  });

  it("uses the session's Expert for a session, and reports a runner's failure", async () => {
    const session = (
      await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'hi' })
    ).body.session;
    const asking = t.api<{ error: { code: string; message: string } }>(owner.token, 'POST', '/api/enhance', {
      text: 'more',
      sessionId: session.id,
    });
    const job = await claimEnhance();
    expect(job?.payload).toEqual({
      text: 'more',
      expertId,
      sessionId: session.id,
      requesterId: owner.user.id,
    });
    expect(job?.sessionId).toBe(session.id);
    await t.api(runner, 'POST', `/api/runner/jobs/${job!.id}/complete`, {
      leaseToken: job!.leaseToken,
      outcome: 'failed',
      detail: 'the model is unreachable',
    });
    expect(await asking).toMatchObject({
      status: 502,
      body: { error: { code: 'provider_error', message: 'the model is unreachable' } },
    });
  });

  it('says so when no runner answers, and withdraws the job', async () => {
    const res = await t.api<{ error: { code: string; message: string } }>(
      owner.token,
      'POST',
      '/api/enhance',
      { text: 'anyone?', expertId },
    );
    expect(res).toMatchObject({
      status: 503,
      body: {
        error: { code: 'engine_unavailable', message: 'No runner answered within 2 s; is a runner running?' },
      },
    });
    expect((await t.services.jobs.open(t.orgId)).filter((j) => j.kind === 'enhance')).toEqual([]);
  });

  it('needs an Expert or a session the caller can open', async () => {
    expect((await t.api(owner.token, 'POST', '/api/enhance', { text: 'x' })).status).toBe(400);
    const other = await t.person('Bea');
    const priv = (
      await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
        expertId,
        prompt: 'p',
        visibility: 'private',
      })
    ).body.session;
    expect((await t.api(other.token, 'POST', '/api/enhance', { text: 'x', sessionId: priv.id })).status).toBe(
      404,
    );
    expect((await t.api(runner, 'POST', '/api/enhance', { text: 'x', expertId })).status).toBe(403);
  });
});

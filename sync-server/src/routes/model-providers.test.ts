import { providerUnavailableReason, type ExpertsResponse, type ModelProvidersResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_REPORT_STALE_MS } from '../engines/engine-board.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let now = Date.UTC(2026, 11, 1, 9, 0, 0);
let t: TestServer;
let member: Person;
let experts: ExpertsResponse['experts'];

const NO_ANTHROPIC_KEY =
  'No Anthropic API key is set. An admin must store one in Settings → Model providers, or set ANTHROPIC_API_KEY in a runner’s environment and restart it.';
const NO_RUNNER =
  'No runner is connected. An admin must start a runner (npm start runs one) for sessions to run.';

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  member = await t.person('Mia');
  experts = (await t.client(member.token).experts.list()).experts;
});
afterAll(() => t.close());

const expertNamed = (name: string) => experts.find((e) => e.name === name)!.id;
/** What a runner sends with its engine health, through the client the runner itself uses. */
const report = async (runnerId: string, providers: ('anthropic' | 'openai' | 'shell')[]) =>
  t.client(await t.serviceToken()).runner.reportEngines({ runnerId, engines: [], providers });
const providers = async (token: string) =>
  (await t.api<ModelProvidersResponse>(token, 'GET', '/api/model-providers')).body.providers;
const start = (expertName: string) =>
  t.api<{ error?: { message: string } }>(member.token, 'POST', '/api/sessions', {
    expertId: expertNamed(expertName),
    prompt: 'hello',
  });

describe('model providers', () => {
  it('refuses nothing before any runner has reported (sessions wait for one)', async () => {
    expect((await providers(member.token)).every((p) => p.available)).toBe(true);
  });

  it('says to a member which providers the connected runners cannot run, and why', async () => {
    await report('runner-shell-only', ['shell']);
    expect(await providers(member.token)).toEqual([
      { provider: 'anthropic', available: false, reason: NO_ANTHROPIC_KEY },
      {
        provider: 'openai',
        available: false,
        reason: providerUnavailableReason('openai', true),
      },
      { provider: 'shell', available: true, reason: null },
    ]);
  });

  it('refuses to start a session on an Expert no runner can run, with the same sentence', async () => {
    const refused = await start('Coding agent');
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toBe(`The Expert "Coding agent" cannot run now. ${NO_ANTHROPIC_KEY}`);
    expect((await start('Shell')).status).toBe(201);
  });

  it('counts any connected runner that holds a key', async () => {
    await report('runner-with-key', ['shell', 'anthropic']);
    expect((await providers(member.token))[0]).toEqual({
      provider: 'anthropic',
      available: true,
      reason: null,
    });
    expect((await start('Coding agent')).status).toBe(201);
  });

  it('says no runner is connected once every runner went quiet, even for the shell', async () => {
    now += ENGINE_REPORT_STALE_MS + 1;
    expect(await providers(member.token)).toEqual([
      { provider: 'anthropic', available: false, reason: NO_RUNNER },
      { provider: 'openai', available: false, reason: NO_RUNNER },
      { provider: 'shell', available: false, reason: NO_RUNNER },
    ]);
    expect((await start('Shell')).body.error?.message).toBe(
      `The Expert "Shell" cannot run now. ${NO_RUNNER}`,
    );
  });

  it('keeps organisations apart and needs a sign-in', async () => {
    const elsewhere = await t.services.accounts.createOrganisation('Elsewhere');
    const outsider = await t.person('Oz', { orgId: elsewhere.id });
    expect((await providers(outsider.token)).every((p) => p.available)).toBe(true);
    expect((await t.api(null, 'GET', '/api/model-providers')).status).toBe(401);
  });

  it('never carries keys in a report', async () => {
    const withKey = await t.api(await t.serviceToken(), 'POST', '/api/runner/engines', {
      runnerId: 'r',
      engines: [],
      providers: ['anthropic'],
      anthropicApiKey: 'sk-ant-should-not-be-accepted',
    });
    expect(withKey.status).toBe(400);
  });
});

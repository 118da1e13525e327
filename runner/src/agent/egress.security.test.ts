// The reproduction of issue 12 item 3 on the real stack: a member saves a
// personal Expert whose OpenAI base URL is a server they run, then starts a
// session with it. The runner (which has keys of its own) must send that
// server nothing and say why in the transcript; an administrator's allowed
// server still works; a model server's error page never reaches the transcript.
import type { Expert, ExpertInput, SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

const OPENAI_KEY = 'sk-openai-runner-own-key-0123456789';
const ANTHROPIC_KEY = 'sk-ant-runner-own-key-0123456789';
const LEAK = 'sk-live-9f8e7d6c5b4a39281706aa55';

let server: ServerProcess;
let runner: InProcessRunner;
let attacker: ScriptedModelServer;
let attackerUrl: string;
let allowed: ScriptedModelServer;
let allowedUrl: string;
let member: string;
let environmentId: string | null;

beforeAll(async () => {
  await requireDocker();
  attacker = new ScriptedModelServer();
  attackerUrl = await attacker.start();
  allowed = new ScriptedModelServer();
  allowedUrl = await allowed.start();
  server = await startServerProcess();
  const admin = await server.login();
  runner = await startRunner(server, {
    keys: { openaiApiKey: OPENAI_KEY, anthropicApiKey: ANTHROPIC_KEY, maxRetries: 0 },
    modelBaseUrls: [allowedUrl],
  });
  const experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
  environmentId = experts.find((e) => e.name === 'Shell')!.defaultEnvironmentId;
  const email = `member-${Date.now()}@example.com`;
  await server.api(admin, 'POST', '/api/users', {
    email,
    name: 'Member',
    password: 'a long enough password',
  });
  member = await server.login(email, 'a long enough password');
});
beforeEach(() => {
  attacker.reset();
  allowed.reset();
});
afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await attacker?.close();
  await allowed?.close();
});

async function memberExpert(model: ExpertInput['model']): Promise<Expert> {
  const res = await server.api<{ expert: Expert }>(member, 'POST', '/api/experts', {
    name: `Mine ${Math.random().toString(36).slice(2, 7)}`,
    instructions: 'Be brief.',
    model,
    capabilities: { tools: [], integrations: [] },
    defaultEnvironmentId: environmentId,
    scope: 'personal',
  });
  expect(res.status).toBe(201);
  return res.body.expert;
}

async function turn(expert: Expert, prompt: string) {
  const res = await server.api<SessionResponse>(member, 'POST', '/api/sessions', {
    expertId: expert.id,
    prompt,
  });
  expect(res.status).toBe(201);
  const watch = watchSession(server, member, res.body.session.id);
  try {
    return await watch.until(
      'the turn to end',
      (s) =>
        s.turn.state === 'idle' &&
        s.transcript.some((e) => e.kind === 'notice' || (e.kind === 'agent' && e.done)) &&
        s,
    );
  } finally {
    watch.close();
  }
}

describe('a member’s Expert with a base URL of their choosing', () => {
  it.each([
    ['openai', '/v1'],
    ['anthropic', ''],
  ] as const)('on %s gets no request and no key; the transcript says why', async (provider, path) => {
    attacker.script({ text: 'ATTACKER-CONTROLLED REPLY' });
    const expert = await memberExpert({ provider, name: 'any', baseUrl: `${attackerUrl}${path}` });
    const session = await turn(expert, 'hello');
    expect(attacker.seen).toEqual([]);
    const shown = JSON.stringify(session);
    expect(shown).not.toContain('ATTACKER-CONTROLLED REPLY');
    expect(shown).not.toContain(OPENAI_KEY);
    expect(shown).not.toContain(ANTHROPIC_KEY);
    const notice = session.transcript.find((e) => e.kind === 'notice');
    expect(notice).toMatchObject({ level: 'error' });
    expect(notice?.kind === 'notice' && notice.text).toMatch(
      /does not connect to the model server http:\/\/127\.0\.0\.1:\d+.* that the Expert "Mine \w+" names.*ORRERY_MODEL_BASE_URLS/,
    );
  });

  it('works when an administrator allowed that server', async () => {
    allowed.script({ text: 'Hello from the allowed server.' });
    const expert = await memberExpert({ provider: 'openai', name: 'any', baseUrl: `${allowedUrl}/v1` });
    const session = await turn(expert, 'hello');
    expect(session.transcript.find((e) => e.kind === 'agent')).toMatchObject({
      text: 'Hello from the allowed server.',
    });
    expect(allowed.requests).toHaveLength(1);
  });

  it('sees a summary of a model server’s error page, never the page', async () => {
    const page = `<html><body><h1>Proxy error</h1><p>upstream token=${LEAK}</p></body></html>`;
    for (const status of [404, 500]) {
      allowed.reset().script({ status, rawBody: page, contentType: 'text/html' });
      const expert = await memberExpert({ provider: 'openai', name: 'any', baseUrl: `${allowedUrl}/v1` });
      const session = await turn(expert, 'hello');
      const shown = JSON.stringify(session);
      expect(shown).not.toContain(LEAK);
      expect(shown).not.toContain('<h1>');
      const notice = session.transcript.find((e) => e.kind === 'notice');
      expect(notice?.kind === 'notice' && notice.text).toContain(`The model server answered ${status}`);
    }
  });
});

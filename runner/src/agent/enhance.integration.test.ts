// Enhance prompt end to end: POST /api/enhance on the real server, answered
// by a runner that reads the session's conversation and its Environment.
import type { EnhanceResponse, Expert, SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import {
  type InProcessRunner,
  type ServerProcess,
  shellExpert,
  startRunner,
  startServerProcess,
  watchSession,
} from '../testing/stack.js';

let server: ServerProcess;
let runner: InProcessRunner;
let models: ScriptedModelServer;
let modelUrl: string;
let admin: string;
let shell: Expert;

beforeAll(async () => {
  await requireDocker();
  models = new ScriptedModelServer();
  modelUrl = await models.start();
  server = await startServerProcess();
  admin = await server.login();
  runner = await startRunner(server, { keys: { anthropicApiKey: 'sk-enhance' }, modelBaseUrls: [modelUrl] });
  shell = await shellExpert(server, admin);
});
afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await models?.close();
});

describe('enhance prompt', () => {
  it('without a model, adds only what it found in the session’s workspace, within 3 seconds', async () => {
    const created = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
      expertId: shell.id,
      prompt:
        'mkdir -p src/billing && printf "export function roundCents(x) {\\n  return x;\\n}\\n" > src/billing/invoice.ts && printf "# Ledger\\n\\nTracks invoices for small shops.\\n" > README.md && echo made',
    });
    const sessionId = created.body.session.id;
    const watch = watchSession(server, admin, sessionId);
    try {
      await watch.until(
        'the command to finish',
        (s) => s.turn.state === 'idle' && s.transcript.some((e) => e.kind === 'agent' && e.done),
      );
    } finally {
      watch.close();
    }
    const res = await server.api<EnhanceResponse>(admin, 'POST', '/api/enhance', {
      text: 'fix invoice rounding in roundCents',
      sessionId,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      text: [
        'fix invoice rounding in roundCents',
        '',
        'Found in the workspace and session:',
        '- `src/billing/invoice.ts`',
        '- `roundCents` appears in `src/billing/invoice.ts:1`',
      ].join('\n'),
      by: 'deterministic',
      note: 'Added 1 file and 1 symbol.',
    });

    const nothing = await server.api<EnhanceResponse>(admin, 'POST', '/api/enhance', {
      text: 'what is the weather tomorrow',
      sessionId,
    });
    expect(nothing.status).toBe(200);
    expect(nothing.body.text).toBe('what is the weather tomorrow');
    expect(nothing.body.note).toMatch(/^Found nothing to add/);
  });

  it('with a model, returns the model’s rewrite on Home, before any session exists', async () => {
    const expert = (
      await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', {
        name: 'Rewriter',
        description: '',
        instructions: 'Be precise.',
        model: { provider: 'anthropic', name: 'claude-scripted', baseUrl: modelUrl },
        capabilities: { tools: [], integrations: [] },
        defaultEnvironmentId: shell.defaultEnvironmentId,
        scope: 'personal',
      })
    ).body.expert;
    models.script({ text: 'Add a dark mode toggle to the settings page and persist the choice.' });
    const res = await server.api<EnhanceResponse>(admin, 'POST', '/api/enhance', {
      text: 'dark mode',
      expertId: expert.id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      text: 'Add a dark mode toggle to the settings page and persist the choice.',
      by: 'model',
    });
    expect(JSON.stringify(models.requests.at(-1)?.body)).toContain('dark mode');
  });
});

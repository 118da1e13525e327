// A runner with no provider keys of its own runs an Anthropic Expert with the
// key an admin stored in Settings → Model providers, at a base URL the admin
// allowed there (the runner's own ORRERY_MODEL_BASE_URLS does not list it),
// and the key appears nowhere in the session.
import type { Expert, SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

const STORED_KEY = `sk-ant-stored-${Math.random().toString(36).slice(2)}`;

let server: ServerProcess;
let runner: InProcessRunner;
let models: ScriptedModelServer;
let modelUrl: string;
let admin: string;

beforeAll(async () => {
  await requireDocker();
  models = new ScriptedModelServer();
  modelUrl = await models.start();
  server = await startServerProcess();
  admin = await server.login();
  // No keys and no allowed model URLs of its own.
  runner = await startRunner(server, {});
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await models?.close();
});

describe('keys stored in Settings', () => {
  it('are used by a runner that has none, against a base URL allowed in Settings, and never shown', async () => {
    const experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
    const shell = experts.find((e) => e.name === 'Shell')!;
    expect(
      (await server.api(admin, 'PUT', '/api/model-providers/anthropic/key', { value: STORED_KEY })).status,
    ).toBe(200);
    expect(
      (await server.api(admin, 'PUT', '/api/model-providers/base-urls', { baseUrls: [modelUrl] })).status,
    ).toBe(200);
    const created = await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', {
      name: 'Stored-key agent',
      description: '',
      instructions: 'Be brief.',
      model: { provider: 'anthropic', name: 'claude-scripted', baseUrl: modelUrl },
      capabilities: { tools: ['run_command'], integrations: [] },
      defaultEnvironmentId: shell.defaultEnvironmentId,
      scope: 'personal',
    });
    expect(created.status).toBe(201);
    models.script({ text: `Your key is ${STORED_KEY}, I will not say it.` });
    const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
      expertId: created.body.expert.id,
      prompt: 'say hello',
    });
    expect(res.status).toBe(201);
    const watch = watchSession(server, admin, res.body.session.id);
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done),
      );
      expect(reply.kind === 'agent' && reply.text).toBe('Your key is [redacted], I will not say it.');
      expect(models.requests).toHaveLength(1);
      expect(models.requests[0]!.headers.authorization).toBe(`Bearer ${STORED_KEY}`);
      expect(JSON.stringify(watch.snapshot())).not.toContain(STORED_KEY);
    } finally {
      watch.close();
    }
  });
});

// A member's Expert names a model server of their choosing. The runner must
// send it nothing, least of all its own key, unless an administrator allowed it.
import type { Expert } from '@orrery/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EgressPolicy } from '../egress/policy.js';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import { ModelError, type ModelClient } from './model.js';
import { modelFactory, type ProviderKeys } from './models.js';

const KEYS: ProviderKeys = {
  anthropicApiKey: 'sk-ant-runner-own-key-0123456789',
  openaiApiKey: 'sk-openai-runner-own-key-0123456789',
  maxRetries: 0,
};

let attacker: ScriptedModelServer;
let attackerUrl: string;
beforeAll(async () => {
  attacker = new ScriptedModelServer();
  attackerUrl = await attacker.start();
});
beforeEach(() => attacker.reset());
afterAll(() => attacker.close());

function expert(provider: 'anthropic' | 'openai', baseUrl: string | undefined): Expert {
  return {
    id: 'e1',
    orgId: 'o1',
    ownerId: 'member',
    builtIn: false,
    createdAt: 0,
    updatedAt: 0,
    name: 'Mine',
    description: '',
    instructions: '',
    model: { provider, name: 'any', ...(baseUrl ? { baseUrl } : {}) },
    capabilities: { tools: [], integrations: [] },
    defaultEnvironmentId: null,
    scope: 'personal',
  };
}

async function tryTurn(make: () => ModelClient): Promise<unknown> {
  try {
    await make().complete({
      system: '',
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
      tools: [],
      maxTokens: 10,
      signal: new AbortController().signal,
      onText: () => undefined,
    });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe.each(['anthropic', 'openai'] as const)('an Expert on %s naming its own base URL', (provider) => {
  const path = provider === 'openai' ? '/v1' : '';

  it('gets no request at all, and the runner’s key goes nowhere', async () => {
    const modelFor = modelFactory(KEYS, EgressPolicy.of());
    const error = await tryTurn(() => modelFor(expert(provider, `${attackerUrl}${path}`)));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe('not_allowed');
    expect((error as ModelError).message).toMatch(
      /does not connect to the model server .*ORRERY_MODEL_BASE_URLS/,
    );
    expect(attacker.seen).toEqual([]);
  });

  it('is refused even with the official host dressed up in the URL', async () => {
    const modelFor = modelFactory(KEYS, EgressPolicy.of());
    const disguised = attackerUrl.replace('http://', 'http://api.openai.com@');
    const error = await tryTurn(() => modelFor(expert(provider, `${disguised}${path}`)));
    expect((error as ModelError).kind).toBe('not_allowed');
    expect(attacker.seen).toEqual([]);
  });

  it('is not followed along a redirect from an allowed server to another', async () => {
    const allowed = new ScriptedModelServer();
    const allowedUrl = await allowed.start();
    try {
      const target = `${attackerUrl}${path}/${provider === 'openai' ? 'chat/completions' : 'v1/messages'}`;
      allowed.script({ status: 307, rawBody: '', contentType: 'text/plain', headers: { location: target } });
      const modelFor = modelFactory(KEYS, EgressPolicy.of({ model: [allowedUrl] }));
      const error = await tryTurn(() => modelFor(expert(provider, `${allowedUrl}${path}`)));
      expect(error).toBeInstanceOf(ModelError);
      expect(allowed.seen).toHaveLength(1);
      expect(attacker.seen).toEqual([]);
    } finally {
      await allowed.close();
    }
  });

  it('works once an administrator lists it in ORRERY_MODEL_BASE_URLS', async () => {
    const modelFor = modelFactory(KEYS, EgressPolicy.of({ model: [attackerUrl] }));
    attacker.script({ text: 'Hello from the allowed server.' });
    expect(await tryTurn(() => modelFor(expert(provider, `${attackerUrl}${path}`)))).toBeUndefined();
    expect(attacker.requests).toHaveLength(1);
  });

  it('uses the base URL the administrator set in the runner’s environment', async () => {
    const adminSet =
      provider === 'openai'
        ? { ...KEYS, openaiBaseUrl: `${attackerUrl}/v1` }
        : { ...KEYS, anthropicBaseUrl: attackerUrl };
    attacker.script({ text: 'Local model here.' });
    const modelFor = modelFactory(adminSet, EgressPolicy.of());
    expect(await tryTurn(() => modelFor(expert(provider, undefined)))).toBeUndefined();
    // And an Expert may name that same address.
    attacker.script({ text: 'Again.' });
    expect(await tryTurn(() => modelFor(expert(provider, `${attackerUrl}${path}`)))).toBeUndefined();
    expect(attacker.requests).toHaveLength(2);
  });
});

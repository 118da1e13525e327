// Stored model provider keys: only admins set or remove them, nobody reads
// them back (not the admin who set them), and they appear in no answer and no
// log line; they reach runners only, in a session's context, and count for
// availability once a runner is connected.
import type {
  ModelProvidersResponse,
  ModelSettingsResponse,
  SessionContext,
  SessionResponse,
} from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

const KEY = 'sk-ant-stored-key-0123456789abcdef';
const REPLACED = 'sk-ant-replaced-key-fedcba9876543210';
const logged: string[] = [];
const log: Logger = {
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};
/** Every answer of this file, to look for the keys in afterwards. */
const answers: string[] = [];

let t: TestServer;
let member: Person;
type ErrorBody = { error?: { message: string; fields?: Record<string, string> } };

async function call<T = unknown>(token: string | null, method: string, route: string, body?: unknown) {
  const res = await t.api<T>(token, method, route, body);
  answers.push(JSON.stringify(res.body));
  return res;
}

beforeAll(async () => {
  t = await startTestServer({ log });
  member = await t.person('Mallory');
});
afterAll(() => t.close());

describe('stored model provider keys', () => {
  it('a member can neither set nor remove a key, nor change the base URLs', async () => {
    const put = await call<ErrorBody>(member.token, 'PUT', '/api/model-providers/anthropic/key', {
      value: KEY,
    });
    expect(put.status).toBe(403);
    expect(put.body.error?.message).toBe(
      'Model provider keys and base URLs are managed by admins. Ask an admin of your organisation.',
    );
    expect(
      (await call(member.token, 'PUT', '/api/model-providers/base-urls', { baseUrls: ['https://x.example'] }))
        .status,
    ).toBe(403);
    const seen = await call<ModelSettingsResponse>(member.token, 'GET', '/api/model-providers/settings');
    expect(seen.body.keys.every((k) => !k.set)).toBe(true);
    expect(seen.body.baseUrls).toEqual([]);
  });

  it('an admin sets and replaces a key; everyone sees who set it when, never the key', async () => {
    const set = await call<{ set: boolean; updatedBy: string }>(
      t.admin.token,
      'PUT',
      '/api/model-providers/anthropic/key',
      {
        value: KEY,
      },
    );
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ set: true, updatedBy: t.admin.user.name });
    await call(t.admin.token, 'PUT', '/api/model-providers/anthropic/key', { value: REPLACED });
    for (const who of [t.admin, member]) {
      const seen = await call<ModelSettingsResponse>(who.token, 'GET', '/api/model-providers/settings');
      expect(seen.body.keys[0]).toMatchObject({
        provider: 'anthropic',
        set: true,
        updatedBy: t.admin.user.name,
      });
    }
    expect((await call(member.token, 'DELETE', '/api/model-providers/anthropic/key')).status).toBe(403);
  });

  it('refuses a key with spaces and a base URL with credentials, saying why beside the field', async () => {
    const spaced = await call<ErrorBody>(t.admin.token, 'PUT', '/api/model-providers/openai/key', {
      value: 'two words',
    });
    expect(spaced.status).toBe(400);
    expect(spaced.body.error?.fields?.value).toMatch(/one line without spaces/);
    const withPassword = await call<ErrorBody>(t.admin.token, 'PUT', '/api/model-providers/base-urls', {
      baseUrls: ['https://user:pw@models.example/v1'],
    });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.error?.fields?.['baseUrls.0']).toMatch(
      /must not contain a user name or password/,
    );
    const ok = await call<ModelSettingsResponse>(t.admin.token, 'PUT', '/api/model-providers/base-urls', {
      baseUrls: ['https://models.example/v1'],
    });
    expect(ok.body.baseUrls).toEqual(['https://models.example/v1']);
  });

  it('reaches runners only, in the session context, and makes Anthropic available once a runner is connected', async () => {
    await call(await t.serviceToken(), 'POST', '/api/runner/engines', {
      runnerId: 'no-keys',
      engines: [],
      providers: ['shell'],
    });
    const providers = await call<ModelProvidersResponse>(member.token, 'GET', '/api/model-providers');
    expect(providers.body.providers[0]).toEqual({ provider: 'anthropic', available: true, reason: null });
    const experts = await call<{ experts: { id: string; name: string }[] }>(
      member.token,
      'GET',
      '/api/experts',
    );
    const coder = experts.body.experts.find((e) => e.name === 'Coding agent')!;
    const session = await call<SessionResponse>(member.token, 'POST', '/api/sessions', {
      expertId: coder.id,
      prompt: 'hi',
    });
    expect(session.status).toBe(201);
    // The one place the key leaves the server (not kept in `answers`: it is meant to be there).
    const ctx = await t.api<SessionContext>(
      await t.serviceToken(),
      'GET',
      `/api/runner/sessions/${session.body.session.id}/context`,
    );
    expect(ctx.body.models).toEqual({ anthropicApiKey: REPLACED, baseUrls: ['https://models.example/v1'] });
    // A member's own token cannot read a session context.
    expect(
      (await call(member.token, 'GET', `/api/runner/sessions/${session.body.session.id}/context`)).status,
    ).toBe(403);
  });

  it('an admin removes a key, and everyone sees it unset', async () => {
    expect((await call(t.admin.token, 'DELETE', '/api/model-providers/anthropic/key')).status).toBe(204);
    const seen = await call<ModelSettingsResponse>(member.token, 'GET', '/api/model-providers/settings');
    expect(seen.body.keys[0]).toEqual({
      provider: 'anthropic',
      set: false,
      updatedBy: null,
      updatedAt: null,
    });
    const openapi = await call(null, 'GET', '/api/openapi.json');
    expect(openapi.status).toBe(200);
  });

  it('never put a key in an answer or a log line', () => {
    expect(answers.length).toBeGreaterThan(10);
    expect(logged.length).toBeGreaterThan(0);
    for (const text of [...answers, ...logged]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(REPLACED);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { CreateSessionRequest, LoginRequest } from './api.js';
import { EnvironmentInput, ExpertInput, MAX_RUN_TIME_DEFAULT_MS, Trigger } from './domain.js';
import { describeIssues } from './errors.js';

function fieldsOf(result: { success: boolean; error?: unknown }) {
  expect(result.success).toBe(false);
  return describeIssues(result.error as Parameters<typeof describeIssues>[0]);
}

describe('Environment definitions', () => {
  it('default to a 24-hour maximum run time and an empty setup', () => {
    const env = EnvironmentInput.parse({
      name: 'rails',
      image: 'orrery/env-base:bookworm',
      scope: 'organisation',
    });
    expect(env.maxRunTimeMs).toBe(MAX_RUN_TIME_DEFAULT_MS);
    expect(env.maxRunTimeMs).toBe(24 * 60 * 60 * 1000);
    expect(env).toMatchObject({ repositories: [], setupScript: '', variables: {} });
  });

  it('name the field that is wrong', () => {
    const fields = fieldsOf(
      EnvironmentInput.safeParse({
        name: 'ok',
        image: 'x',
        scope: 'personal',
        variables: { 'NOT VALID': 'x' },
        maxRunTimeMs: 25 * 60 * 60 * 1000,
      }),
    );
    expect(Object.keys(fields).sort()).toEqual(['maxRunTimeMs', 'variables.NOT VALID']);
  });

  it('refuse unknown fields', () => {
    const fields = fieldsOf(
      EnvironmentInput.safeParse({ name: 'a', image: 'b', scope: 'personal', gpu: true }),
    );
    expect(fields['(root)']).toMatch(/gpu/);
  });

  it('refuse repository folders that climb out of the workspace', () => {
    const fields = fieldsOf(
      EnvironmentInput.safeParse({
        name: 'a',
        image: 'b',
        scope: 'personal',
        repositories: [{ url: 'x', path: '..' }],
      }),
    );
    expect(Object.keys(fields)).toEqual(['repositories.0.path']);
  });
});

describe('Experts', () => {
  it('name a bad tool and a bad provider', () => {
    const fields = fieldsOf(
      ExpertInput.safeParse({
        name: 'Reviewer',
        instructions: 'Review.',
        model: { provider: 'acme', name: 'x' },
        capabilities: { tools: ['rm_rf'] },
        defaultEnvironmentId: null,
        scope: 'personal',
      }),
    );
    expect(Object.keys(fields).sort()).toEqual(['capabilities.tools.0', 'model.provider']);
  });

  it('list MCP servers with names that can prefix tool names, each once', () => {
    const withServers = (mcpServers: unknown[]) =>
      ExpertInput.safeParse({
        name: 'Tracker',
        instructions: 'Use the tracker.',
        model: { provider: 'anthropic', name: 'claude-sonnet-4-5' },
        capabilities: { tools: [], mcpServers },
        defaultEnvironmentId: null,
        scope: 'personal',
      });
    const ok = withServers([
      {
        transport: 'stdio',
        name: 'tickets',
        command: 'node',
        args: ['server.mjs'],
        env: { TOKEN: 'API_TOKEN' },
      },
      {
        transport: 'http',
        name: 'linear',
        url: 'https://mcp.linear.app/mcp',
        headers: { Authorization: 'LINEAR' },
      },
    ]);
    expect(ok.success).toBe(true);
    expect(
      Object.keys(fieldsOf(withServers([{ transport: 'stdio', name: 'has space', command: 'x' }]))),
    ).toEqual(['capabilities.mcpServers.0.name']);
    expect(
      Object.keys(fieldsOf(withServers([{ transport: 'http', name: 'web', url: 'not a url' }]))),
    ).toEqual(['capabilities.mcpServers.0.url']);
    const twice = { transport: 'http', name: 'same', url: 'https://a.example/mcp' };
    expect(fieldsOf(withServers([twice, twice]))['capabilities.mcpServers']).toMatch(/must differ/);
  });
});

describe('requests', () => {
  it('a login needs an email address', () => {
    expect(fieldsOf(LoginRequest.safeParse({ email: 'not-an-email', password: 'x' }))).toEqual({
      email: 'must be an email address',
    });
  });

  it('a new session needs a prompt', () => {
    expect(Object.keys(fieldsOf(CreateSessionRequest.safeParse({ expertId: 'e1', prompt: '   ' })))).toEqual([
      'prompt',
    ]);
  });

  it('a schedule trigger needs five cron fields', () => {
    const fields = fieldsOf(
      Trigger.safeParse({
        kind: 'schedule',
        id: 't',
        orgId: 'o',
        expertId: 'e',
        ownerId: 'u',
        name: 'nightly',
        enabled: true,
        autoArchive: true,
        createdAt: 0,
        cron: '0 3 * *',
        prompt: 'run the nightly report',
      }),
    );
    expect(fields.cron).toMatch(/five fields/);
  });
});

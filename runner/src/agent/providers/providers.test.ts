import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../../testing/scripted-model-server.js';
import { ModelError, type ModelClient, type ModelRequest } from '../model.js';
import { AnthropicClient } from './anthropic.js';
import { OpenAIClient } from './openai.js';

let server: ScriptedModelServer;
let url: string;
beforeEach(async () => {
  server = new ScriptedModelServer();
  url = await server.start();
});
afterEach(() => server.close());

const clients: [string, (key?: string) => ModelClient][] = [
  [
    'Anthropic',
    (key = 'sk-ant-test-key') =>
      new AnthropicClient({ apiKey: key, model: 'claude-test', baseUrl: url, maxRetries: 2 }),
  ],
  [
    'OpenAI-compatible',
    (key = 'sk-openai-test-key') =>
      new OpenAIClient({ apiKey: key, model: 'gpt-test', baseUrl: `${url}/v1`, maxRetries: 2 }),
  ],
];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest & { streamed: string[] } {
  const streamed: string[] = [];
  return {
    system: 'You are terse.',
    messages: [{ role: 'user', parts: [{ type: 'text', text: 'list the files' }] }],
    tools: [
      {
        name: 'run_command',
        description: 'Run a command',
        inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
      },
    ],
    maxTokens: 1000,
    signal: new AbortController().signal,
    onText: (d) => streamed.push(d),
    streamed,
    ...overrides,
  };
}

describe.each(clients)('%s through the official SDK', (_name, make) => {
  it('streams text as it arrives and returns it', async () => {
    server.script({ text: 'Here are the files you asked for.' });
    const req = request();
    const res = await make().complete(req);
    expect(req.streamed.length).toBeGreaterThan(1);
    expect(req.streamed.join('')).toBe('Here are the files you asked for.');
    const counted = server.requests[0]!.usage;
    expect(res).toEqual({
      parts: [{ type: 'text', text: 'Here are the files you asked for.' }],
      stopReason: 'end_turn',
      // The provider's usage fields, as the server counted the call.
      usage: {
        inputTokens: counted.promptTokens - counted.cachedInputTokens - counted.cacheWriteTokens,
        outputTokens: expect.any(Number) as number,
        cachedInputTokens: counted.cachedInputTokens,
        cacheWriteTokens: counted.cacheWriteTokens,
      },
    });
    expect(res.usage.inputTokens + res.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(res.usage.outputTokens).toBeGreaterThan(0);
  });

  it('is refused with context_too_long by a provider whose window the prompt passes', async () => {
    server.contextWindow = 1_000;
    const error = (await make()
      .complete(request({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'x'.repeat(8_000) }] }] }))
      .catch((e: unknown) => e)) as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.kind).toBe('context_too_long');
    expect(server.requests.map((r) => r.refused)).toEqual([true]);
  });

  it('returns tool calls with their parsed input', async () => {
    server.script({
      text: 'Looking.',
      toolCalls: [{ id: 'call_1', name: 'run_command', input: { command: 'ls -la /workspace' } }],
    });
    const res = await make().complete(request());
    expect(res.stopReason).toBe('tool_use');
    expect(res.parts).toEqual([
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: 'call_1', name: 'run_command', input: { command: 'ls -la /workspace' } },
    ]);
  });

  it('sends the system prompt, the tools, tool results and images in the provider’s format', async () => {
    server.script({ text: 'ok' });
    await make().complete(
      request({
        messages: [
          {
            role: 'user',
            parts: [
              { type: 'text', text: 'what is in this picture?' },
              { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
            ],
          },
          {
            role: 'assistant',
            parts: [{ type: 'tool_use', id: 'call_9', name: 'run_command', input: { command: 'ls' } }],
          },
          {
            role: 'user',
            parts: [{ type: 'tool_result', toolUseId: 'call_9', content: 'README.md', isError: false }],
          },
        ],
      }),
    );
    const sent = JSON.stringify(server.requests[0]?.body);
    expect(sent).toContain('You are terse.');
    expect(sent).toContain('run_command');
    expect(sent).toContain('iVBORw0KGgo=');
    expect(sent).toContain('call_9');
    expect(sent).toContain('README.md');
  });

  it('retries after a 429 and completes', async () => {
    server.script({ status: 429, message: 'slow down', retryAfterSeconds: 0 }, { text: 'Made it.' });
    const res = await make().complete(request());
    expect(res.parts).toEqual([{ type: 'text', text: 'Made it.' }]);
    expect(server.requests).toHaveLength(2);
  });

  it('turns a bad key into a message that says what to do, without the key', async () => {
    server.script({ status: 401, message: 'invalid api key' });
    const error = await make('sk-very-secret-value')
      .complete(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).kind).toBe('auth');
    expect((error as ModelError).message).toMatch(/rejected the runner's API key \(401\).*Set a valid key/);
    expect((error as ModelError).message).not.toContain('sk-very-secret-value');
  });

  it('says when the conversation is too long for the model', async () => {
    server.script({ status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' });
    const error = (await make()
      .complete(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(error.kind).toBe('context_too_long');
    expect(error.message).toMatch(/Start a new session/);
  });

  it('says when the provider cannot be reached', async () => {
    await server.close();
    const error = (await make()
      .complete(request())
      .catch((e: unknown) => e)) as ModelError;
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/Could not reach/);
  });
});

// Prompt caching through the official SDKs: Anthropic gets cache_control
// breakpoints on the tools, the system prompt and the conversation's end, and
// the next call of the conversation reads its prefix from the cache; an
// OpenAI-compatible call keeps the prefix of the last one, so a server that
// caches by prefix counts it as cached.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../../testing/scripted-model-server.js';
import type { ChatMessage, ModelRequest } from '../model.js';
import { AnthropicClient } from './anthropic.js';
import { OpenAIClient } from './openai.js';

let server: ScriptedModelServer;
let url: string;
beforeAll(async () => {
  server = new ScriptedModelServer();
  url = await server.start();
});
beforeEach(() => server.reset());
afterAll(() => server.close());

const SYSTEM = 'You are a careful engineer. '.repeat(200);
const tools = [
  {
    name: 'run_command',
    description: 'Runs a command in bash in the workspace. '.repeat(20),
    inputSchema: { type: 'object', properties: { command: { type: 'string' } } },
  },
  { name: 'read_file', description: 'Reads a file.', inputSchema: { type: 'object', properties: {} } },
];

function request(messages: ChatMessage[]): ModelRequest {
  return {
    system: SYSTEM,
    tools,
    messages,
    maxTokens: 1000,
    signal: new AbortController().signal,
    onText: () => {},
  };
}

/** A conversation after `rounds` tool calls, each with a long result. */
function conversation(rounds: number): ChatMessage[] {
  const out: ChatMessage[] = [{ role: 'user', parts: [{ type: 'text', text: 'build the project' }] }];
  for (let i = 0; i < rounds; i++) {
    out.push({
      role: 'assistant',
      parts: [{ type: 'tool_use', id: `c${i}`, name: 'run_command', input: { command: `make ${i}` } }],
    });
    out.push({
      role: 'user',
      parts: [
        { type: 'tool_result', toolUseId: `c${i}`, content: `output ${i}\n`.repeat(300), isError: false },
      ],
    });
  }
  return out;
}

describe('Anthropic prompt caching', () => {
  const client = () =>
    new AnthropicClient({ apiKey: 'sk-test', model: 'claude-test', baseUrl: url, maxRetries: 0 });

  it('sends breakpoints on the last tool, the system prompt and the conversation', async () => {
    await client().complete(request(conversation(2)));
    const body = server.requests[0]!.body as {
      system: { text: string; cache_control?: unknown }[];
      tools: { name: string; cache_control?: unknown }[];
      messages: { content: { cache_control?: unknown }[] }[];
    };
    expect(body.system).toEqual([{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }]);
    expect(body.tools.map((t) => t.cache_control ?? null)).toEqual([null, { type: 'ephemeral' }]);
    const marked = body.messages.map((m) => m.content.some((b) => b.cache_control !== undefined));
    // The conversation's end and the end of the call before (two messages earlier).
    expect(marked).toEqual([false, false, true, false, true]);
  });

  it('sends no system block when there is no system prompt (the API refuses empty text)', async () => {
    await client().complete({ ...request(conversation(1)), system: '' });
    expect(server.requests[0]!.body).not.toHaveProperty('system');
  });

  it('counts the prefix the last call wrote as cached in the next one', async () => {
    const first = await client().complete(request(conversation(2)));
    expect(first.usage.cachedInputTokens).toBe(0);
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    const second = await client().complete(request(conversation(3)));
    // What the first call wrote is read; only the new round is written.
    expect(second.usage.cachedInputTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(second.usage.cacheWriteTokens).toBeLessThan(second.usage.cachedInputTokens);
    expect(second.usage).toMatchObject({ inputTokens: server.requests[1]!.usage.inputTokens });
  });

  it('reads only the tools from the cache when the system prompt changed', async () => {
    const first = await client().complete(request(conversation(2)));
    const changed = await client().complete({ ...request(conversation(3)), system: `${SYSTEM} Be brief.` });
    // The tools come before the system prompt in the cache's order: their prefix still hits, nothing after.
    expect(changed.usage.cachedInputTokens).toBeGreaterThan(0);
    expect(changed.usage.cachedInputTokens).toBeLessThan(first.usage.cacheWriteTokens / 4);
  });
});

describe('OpenAI-compatible prompt caching', () => {
  it('keeps the prefix stable, so the server counts it cached', async () => {
    const client = new OpenAIClient({
      apiKey: 'sk-test',
      model: 'gpt-test',
      baseUrl: `${url}/v1`,
      maxRetries: 0,
    });
    const first = await client.complete(request(conversation(4)));
    expect(first.usage.cachedInputTokens).toBe(0);
    const second = await client.complete(request(conversation(5)));
    expect(second.usage.cachedInputTokens).toBeGreaterThan(1024);
    expect(second.usage.cachedInputTokens % 128).toBe(0);
    expect(second.usage.inputTokens + second.usage.cachedInputTokens).toBe(
      server.requests[1]!.usage.promptTokens,
    );
  });
});

// A long session against scripted providers that enforce a 20 000-token
// context window and refuse longer prompts as the real APIs do, through the
// official SDKs: 300 turns, each with a 20 kB tool output.
import { contextSummary, ModelRef, SessionDoc, sessionUsage } from '@orrery/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import { driveSession, isSummaryRequest, sessionModel, sessionOutput } from '../testing/scripted-session.js';
import { contextWindowOf, SUMMARY_NOTICE } from './context.js';
import type { ModelClient } from './model.js';
import { AnthropicClient } from './providers/anthropic.js';
import { OpenAIClient } from './providers/openai.js';

const WINDOW = 20_000;
const TURNS = 300;

let models: ScriptedModelServer;
let url: string;

beforeAll(async () => {
  models = new ScriptedModelServer();
  url = await models.start();
});
afterAll(() => models.close());
beforeEach(() => {
  models.reset();
  models.contextWindow = WINDOW;
  models.fallback = sessionModel;
});

const isSummary = isSummaryRequest;
const output = sessionOutput;
const run = (doc: SessionDoc, model: ModelClient, from: number, to: number) =>
  driveSession(doc, model, WINDOW).run(from, to);

const PROVIDERS = {
  anthropic: () =>
    new AnthropicClient({ apiKey: 'sk-test', model: 'claude-scripted', baseUrl: url, maxRetries: 0 }),
  openai: () =>
    new OpenAIClient({ apiKey: 'sk-test', model: 'gpt-scripted', baseUrl: `${url}/v1`, maxRetries: 0 }),
};

describe.each(Object.entries(PROVIDERS))('a 300-turn session on %s', (_name, client) => {
  it('never fails for context, keeps its last turns verbatim, reads the summary, and leaves the transcript whole', async () => {
    const doc = new SessionDoc(new Y.Doc()).init();
    await run(doc, client(), 0, TURNS);

    expect(models.requests.filter((r) => r.refused)).toEqual([]);
    const calls = models.requests.filter((r) => !isSummary(r));
    expect(calls).toHaveLength(TURNS * 2);
    const last = JSON.stringify(calls.at(-1)!.body);
    // The last turns verbatim: their messages, the head and tail of their outputs, the answers.
    for (const i of [TURNS - 1, TURNS - 2]) {
      expect(last).toContain(`message ${i}`);
      expect(last).toContain(`BEGIN ${i}`);
      expect(last).toContain(`END ${i}`);
    }
    expect(last).toContain(`answer ${TURNS - 2}`);
    expect(last).toContain('characters cut here; the full output is in the transcript');
    // Earlier turns reach the model only through the notes.
    expect(last).not.toContain('"message 5"');
    expect(last).toMatch(/NOTES: the user sent messages up to \d+/);
    expect(Math.max(...calls.map((r) => r.usage.promptTokens))).toBeLessThanOrEqual(WINDOW * 0.8);

    // The transcript people see has every message and every output whole, and says the model reads notes.
    const entries = doc.transcript();
    const users = entries.filter((e) => e.kind === 'user');
    expect(users.map((e) => e.text)).toEqual(Array.from({ length: TURNS }, (_, i) => `message ${i}`));
    const tools = entries.filter((e) => e.kind === 'tool');
    expect(tools.map((e) => e.output)).toEqual(Array.from({ length: TURNS }, (_, i) => output(i)));
    const notices = entries.filter((e) => e.kind === 'notice');
    expect(notices.length).toBeGreaterThan(0);
    expect(new Set(notices.map((n) => n.text))).toEqual(new Set([SUMMARY_NOTICE]));

    // Usage of every call is in the document, per turn and in total.
    const usage = sessionUsage(doc.doc);
    expect(usage.turns).toHaveLength(TURNS);
    expect(usage.total.calls).toBe(TURNS * 2);
    const reported = calls.reduce((n, r) => n + r.usage.promptTokens, 0);
    const { inputTokens, cachedInputTokens, cacheWriteTokens } = usage.total;
    expect(inputTokens + cachedInputTokens + cacheWriteTokens).toBe(reported);
  });

  it('a restarted runner reads the stored summary instead of summarising again', async () => {
    const doc = new SessionDoc(new Y.Doc()).init();
    await run(doc, client(), 0, 20);
    const summary = contextSummary(doc.doc);
    expect(summary?.text).toMatch(/^NOTES/);
    // The runner restarts: a fresh document replica from the stored state, a fresh context.
    const replica = new SessionDoc(new Y.Doc());
    Y.applyUpdate(replica.doc, Y.encodeStateAsUpdate(doc.doc));
    const before = models.requests.length;
    await run(replica, client(), 20, 21);
    const after = models.requests.slice(before);
    expect(after.filter(isSummary)).toEqual([]);
    expect(JSON.stringify(after[0]!.body)).toContain(summary!.text);
  });
});

describe('context windows', () => {
  it('come from the table of known models unless the Expert sets its own', () => {
    expect(contextWindowOf({ provider: 'anthropic', name: 'claude-sonnet-4-5' })).toBe(200_000);
    expect(contextWindowOf({ provider: 'openai', name: 'gpt-4o-mini' })).toBe(128_000);
    expect(contextWindowOf({ provider: 'openai', name: 'qwen2.5-coder:7b' })).toBe(128_000);
    expect(contextWindowOf({ provider: 'openai', name: 'qwen2.5-coder:7b', contextWindow: 32_768 })).toBe(
      32_768,
    );
  });

  it('an Expert cannot set one too small to hold a turn', () => {
    expect(ModelRef.safeParse({ provider: 'openai', name: 'local', contextWindow: 512 }).success).toBe(false);
    expect(ModelRef.safeParse({ provider: 'openai', name: 'local', contextWindow: 8_192 }).success).toBe(
      true,
    );
  });
});

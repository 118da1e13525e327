// What the model is sent over long sessions, in process against the scripted
// Anthropic peer (its stand-in tokenizer: 4 characters a token): tokens per
// call at 300 turns with the runner's compaction against the whole history,
// and input billed over 50 turns with prompt caching against without.
import { SessionDoc } from '@orrery/shared';
import * as Y from 'yjs';
import { ModelContext } from '../src/agent/context.js';
import { buildHistory } from '../src/agent/history.js';
import { AnthropicClient } from '../src/agent/providers/anthropic.js';
import { ScriptedModelServer } from '../src/testing/scripted-model-server.js';
import {
  driveSession,
  isSummaryRequest,
  SESSION_TOOLS,
  sessionModel,
} from '../src/testing/scripted-session.js';

const WINDOW = 200_000;
/** Anthropic's prices relative to input: a cache read costs a tenth, a cache write a quarter more. */
const CACHE_READ = 0.1;
const CACHE_WRITE = 1.25;

export async function tokenFigures(): Promise<void> {
  const models = new ScriptedModelServer();
  const url = await models.start();
  models.fallback = sessionModel;
  const client = (promptCaching = true) =>
    new AnthropicClient({
      apiKey: 'sk-bench',
      model: 'claude-scripted',
      baseUrl: url,
      maxRetries: 0,
      promptCaching,
    });
  try {
    // (1) 300 turns, each with a 20 kB command output, in a 200 000-token window.
    const doc = new SessionDoc(new Y.Doc()).init();
    const driver = driveSession(doc, client(), WINDOW);
    await driver.run(0, 290);
    const from = models.requests.length;
    await driver.run(290, 300);
    const last10 = models.requests.slice(from);
    const agentCalls = last10.filter((r) => !isSummaryRequest(r)).length;
    const compacted = last10.reduce((n, r) => n + r.usage.promptTokens, 0) / agentCalls;
    // What the agent sent before: the whole history on the last call of turn 300.
    const whole = await buildHistory(doc.transcript(), {
      acceptsImages: false,
      attachmentPath: (a) => a.name,
      loadImage: () => Promise.resolve(null),
    });
    models.script({ text: 'ok' });
    const before = models.requests.length;
    await client(false).complete({
      system: 'You are a careful engineer. Use the tools to read, change and run things in /workspace.',
      tools: SESSION_TOOLS,
      messages: whole,
      maxTokens: 8192,
      signal: new AbortController().signal,
      onText: () => {},
    });
    const uncompacted = models.requests[before].usage.promptTokens;
    // The runner's own share of a call's overhead at turn 300: read the transcript, build the prompt, check its size.
    const context = new ModelContext(doc, {
      model: client(),
      window: WINDOW,
      now: () => Date.now(),
      notice: () => {},
      onUsage: () => {},
    });
    const history = (entries: Parameters<typeof buildHistory>[0]) =>
      buildHistory(entries, {
        acceptsImages: false,
        attachmentPath: (a) => a.name,
        maxToolResultChars: context.toolResultChars(),
        loadImage: () => Promise.resolve(null),
      });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await context.prompt({ system: 'bench', tools: SESSION_TOOLS }, history, new AbortController().signal);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `\npreparing a model call at turn 300 (transcript read, history, size check): p50 ${times[10].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`,
    );
    console.log('\ntokens sent per model call at turns 291–300 (summaries counted in)\n');
    console.log(`with compaction      ${compacted.toFixed(0).padStart(10)}`);
    console.log(`whole history        ${String(uncompacted).padStart(10)}`);
    console.log(`ratio                ${(compacted / uncompacted).toFixed(3).padStart(10)}   (target ≤ 0.2)`);

    // (2) 50 turns, billed input with and without cache breakpoints.
    const billed: number[] = [];
    for (const caching of [true, false]) {
      models.reset();
      models.fallback = sessionModel;
      await driveSession(new SessionDoc(new Y.Doc()).init(), client(caching), WINDOW).run(0, 50);
      const sum = (f: (u: (typeof models.requests)[number]['usage']) => number) =>
        models.requests.reduce((n, r) => n + f(r.usage), 0);
      const input = sum((u) => u.inputTokens);
      const read = sum((u) => u.cachedInputTokens);
      const write = sum((u) => u.cacheWriteTokens);
      billed.push(input + read * CACHE_READ + write * CACHE_WRITE);
      console.log(
        `\n50 turns ${caching ? 'with' : 'without'} caching: input ${input}, cache reads ${read}, cache writes ${write}, billed as input ${billed.at(-1)!.toFixed(0)}`,
      );
    }
    console.log(`billed input, caching ÷ without: ${(billed[0] / billed[1]).toFixed(3)}`);
  } finally {
    await models.close();
  }
}

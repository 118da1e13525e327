// The agent over many turns and when stopped, end to end: the real sync
// server process, a runner on the real Docker engine, and a scripted
// Anthropic server that enforces the Expert's context window, reports usage
// and streams as slowly as it is told.
import {
  sessionUsage,
  type Expert,
  type ExpertInput,
  type SessionResponse,
  type SessionSnapshot,
} from '@orrery/shared';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import { ScriptedModelServer, type RecordedRequest } from '../testing/scripted-model-server.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';
import { isSummaryRequest as isSummary } from '../testing/scripted-session.js';
import { SUMMARY_NOTICE } from './context.js';

let server: ServerProcess;
let runner: InProcessRunner;
let models: ScriptedModelServer;
let modelUrl: string;
let admin: string;
let experts: Expert[];

beforeAll(async () => {
  await requireDocker();
  models = new ScriptedModelServer();
  modelUrl = await models.start();
  server = await startServerProcess();
  admin = await server.login();
  runner = await startRunner(server, {
    keys: { anthropicApiKey: 'sk-ant-scripted-key' },
    modelBaseUrls: [modelUrl],
  });
  experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
});

beforeEach(() => {
  models.reset();
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await models?.close();
});

async function expert(model: Partial<ExpertInput['model']> = {}): Promise<Expert> {
  const input: ExpertInput = {
    name: `Scripted ${Math.random().toString(36).slice(2, 7)}`,
    description: '',
    instructions: 'You are a careful engineer.',
    model: { provider: 'anthropic', name: 'claude-scripted', baseUrl: modelUrl, ...model },
    capabilities: { tools: ['run_command'], integrations: [] },
    defaultEnvironmentId: experts.find((e) => e.name === 'Shell')!.defaultEnvironmentId,
    scope: 'personal',
  };
  const res = await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', input);
  expect(res.status).toBe(201);
  return res.body.expert;
}

async function start(expertId: string, prompt: string) {
  const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', { expertId, prompt });
  expect(res.status).toBe(201);
  return {
    id: res.body.session.id,
    me: res.body.session.ownerId,
    watch: watchSession(server, admin, res.body.session.id),
  };
}

const lastIsToolResult = (r: RecordedRequest) =>
  JSON.stringify((r.body.messages as unknown[]).at(-1)).includes('tool_result');
const answered = (s: SessionSnapshot, text: string) =>
  s.transcript.some((e) => e.kind === 'agent' && e.done && e.text.includes(text));

describe('a long session', () => {
  it('runs past its context window: earlier turns are summarised, the last stay verbatim, usage is kept', async () => {
    const WINDOW = 8_000;
    models.contextWindow = WINDOW;
    models.fallback = (r) => {
      if (isSummary(r)) return { text: 'NOTES: printed number lists; nothing is open.' };
      const n = [...JSON.stringify(r.body).matchAll(/list (\d+)/g)].at(-1)?.[1];
      return lastIsToolResult(r)
        ? { text: `listed ${n}` }
        : {
            toolCalls: [
              { id: `call-${randomUUID()}`, name: 'run_command', input: { command: 'seq 1 5000' } },
            ],
          };
    };
    const { watch, me } = await start((await expert({ contextWindow: WINDOW })).id, 'list 0');
    const TURNS = 16;
    try {
      await watch.until('the first answer', (s) => answered(s, 'listed 0') && s.turn.state === 'idle');
      for (let i = 1; i < TURNS; i++) {
        watch.session.enqueue({
          id: randomUUID(),
          authorId: me,
          createdAt: Date.now(),
          text: `list ${i}`,
          attachments: [],
        });
        await watch.until(
          `answer ${i}`,
          (s) => answered(s, `listed ${i}`) && s.turn.state === 'idle',
          120_000,
        );
      }
      const s = watch.snapshot();
      expect(s.transcript.filter((e) => e.kind === 'notice' && e.level === 'error')).toEqual([]);
      expect(s.transcript.some((e) => e.kind === 'notice' && e.text === SUMMARY_NOTICE)).toBe(true);
      expect(models.requests.filter((r) => r.refused)).toEqual([]);
      // The transcript keeps every output whole; the model got the last turns verbatim and the notes.
      const outputs = s.transcript.flatMap((e) => (e.kind === 'tool' ? [e.output] : []));
      expect(outputs).toHaveLength(TURNS);
      for (const o of outputs) expect(o).toMatch(/^1\n2\n[\s\S]*\n5000\s*$/);
      const last = JSON.stringify(models.requests.filter((r) => !isSummary(r)).at(-1)!.body);
      expect(last).toContain(`list ${TURNS - 1}`);
      expect(last).toContain(`listed ${TURNS - 2}`);
      expect(last).toContain('NOTES: printed number lists');
      expect(last).not.toContain('"list 1"');
      // Usage of each turn, summaries included, as the client reads it.
      const usage = sessionUsage(watch.session.doc);
      expect(usage.turns).toHaveLength(TURNS);
      expect(usage.total.calls).toBe(models.requests.filter((r) => !r.refused).length);
      const prompted = models.requests.reduce((n, r) => n + r.usage.promptTokens, 0);
      expect(usage.total.inputTokens + usage.total.cachedInputTokens + usage.total.cacheWriteTokens).toBe(
        prompted,
      );
      expect(usage.total.cachedInputTokens).toBeGreaterThan(0);
      expect(usage.turns.every((t) => t.model === 'claude-scripted' && t.outputTokens > 0)).toBe(true);
    } finally {
      watch.close();
    }
  });
});

describe('stop', () => {
  async function stopAndNext(
    begin: (watch: ReturnType<typeof watchSession>) => Promise<void>,
    script: () => void,
  ): Promise<{ snapshot: SessionSnapshot; stoppedInMs: number }> {
    script();
    const { watch, me } = await start((await expert()).id, 'first');
    try {
      await begin(watch);
      // The next message waits in the queue while the turn runs.
      watch.session.enqueue({
        id: randomUUID(),
        authorId: me,
        createdAt: Date.now(),
        text: 'second',
        attachments: [],
      });
      const asked = performance.now();
      const stoppedTurn = watch.snapshot().turn.turnId;
      watch.session.requestStop();
      // The next message is taken into the transcript when its turn begins.
      await watch.until('the next message to start', (s) =>
        s.transcript.some(
          (e) => e.kind === 'user' && e.text === 'second' && e.turnId && e.turnId !== stoppedTurn,
        ),
      );
      const stoppedInMs = performance.now() - asked;
      await watch.until(
        'the next answer',
        (s) => answered(s, 'second answer') && s.turn.state === 'idle',
        60_000,
      );
      return { snapshot: watch.snapshot(), stoppedInMs };
    } finally {
      watch.close();
    }
  }

  it('cancels the running command, and the next queued message starts', async () => {
    const { snapshot, stoppedInMs } = await stopAndNext(
      (watch) =>
        watch
          .until('the command to run', (s) =>
            s.transcript.some((e) => e.kind === 'tool' && e.status === 'running'),
          )
          .then(() => {}),
      () =>
        models.script(
          {
            toolCalls: [
              {
                id: 'call-long',
                name: 'run_command',
                input: { command: 'echo started; sleep 300; echo never' },
              },
            ],
          },
          { text: 'second answer' },
        ),
    );
    console.log(`stop → next message running: ${stoppedInMs.toFixed(0)} ms (command)`);
    const tool = snapshot.transcript.find((e) => e.kind === 'tool');
    expect(tool).toMatchObject({ status: 'cancelled' });
    expect(tool?.kind === 'tool' && tool.output).not.toContain('never');
    expect(snapshot.transcript.some((e) => e.kind === 'notice' && e.text === 'Stopped.')).toBe(true);
    // Nothing more was asked of the model for the stopped turn: the next call is the second message's.
    expect(JSON.stringify(models.requests.at(-1)!.body)).toContain('second');
  });

  it('cancels a slow model stream, and the next queued message starts', async () => {
    const long = 'word '.repeat(2_000);
    const { snapshot, stoppedInMs } = await stopAndNext(
      async (watch) => {
        await watch.until('the reply to stream', (s) =>
          s.transcript.some((e) => e.kind === 'agent' && e.text.length > 0),
        );
      },
      () => {
        models.chunkDelayMs = 50;
        models.script({ text: long }, { text: 'second answer' });
      },
    );
    console.log(`stop → next message running: ${stoppedInMs.toFixed(0)} ms (stream)`);
    const first = snapshot.transcript.find((e) => e.kind === 'agent');
    expect(first?.kind === 'agent' && first.done).toBe(true);
    expect(first?.kind === 'agent' && first.text.length).toBeLessThan(long.length);
    expect(snapshot.transcript.some((e) => e.kind === 'notice' && e.text === 'Stopped.')).toBe(true);
  });
});

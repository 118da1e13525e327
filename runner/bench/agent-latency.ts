// Benchmark of the agent loop's own overhead, with a zero-latency scripted
// model, as a session grows to 300 turns (each a command with a 24 kB output
// and an answer): (a) from a user message appended to the session document
// to the first model request arriving at the provider, and (b) from the
// provider's finished answer to the agent message visible to another client,
// at turns 1–10, 91–100 and 291–300. Then what the model is sent
// (agent-tokens.ts): compaction at 300 turns, caching over 50.
// Run: npm run bench:agent -w runner      (needs build/setup.sh's Docker engine)
import { SessionDoc, type Expert, type SessionResponse } from '@orrery/shared';
import { randomUUID } from 'node:crypto';
import { ScriptedModelServer } from '../src/testing/scripted-model-server.js';
import { startRunner, startServerProcess, watchSession } from '../src/testing/stack.js';
import { tokenFigures } from './agent-tokens.js';

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const MARKS = [10, 100, 300].filter((m) => m <= ROUNDS);
const TARGET_MS = 30;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const models = new ScriptedModelServer();
const modelUrl = await models.start();
const server = await startServerProcess();
const runner = await startRunner(server, {
  keys: { anthropicApiKey: 'sk-bench' },
  modelBaseUrls: [modelUrl],
  claimWaitMs: 25_000,
});
try {
  const admin = await server.login();
  const experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
  const env = experts.find((e) => e.name === 'Shell')?.defaultEnvironmentId ?? null;
  const expert = (
    await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', {
      name: 'Bench',
      description: '',
      instructions: 'Reply briefly.',
      model: { provider: 'anthropic', name: 'scripted', baseUrl: modelUrl },
      capabilities: { tools: ['run_command'], integrations: [] },
      defaultEnvironmentId: env,
      scope: 'personal',
    })
  ).body.expert;
  const created = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
    expertId: expert.id,
    prompt: 'warm up',
  });
  const sessionId = created.body.session.id;
  const watch = watchSession(server, admin, sessionId);
  const me = created.body.session.ownerId;
  await watch.until(
    'the warm-up reply',
    (s) => s.transcript.some((e) => e.kind === 'agent' && e.done) && s.turn.state === 'idle',
    120_000,
  );

  const toRequest: number[] = [];
  const toVisible: number[] = [];
  let answeredAt = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const text = `reply ${i}`;
    models.fallback = (r) => {
      if (JSON.stringify(r.body).includes('You write the working notes')) return { text: 'NOTES: lists.' };
      if (!JSON.stringify((r.body.messages as unknown[]).at(-1)).includes('tool_result')) {
        return {
          toolCalls: [{ id: `call-${randomUUID()}`, name: 'run_command', input: { command: 'seq 1 5000' } }],
        };
      }
      // The reply is computed as the request arrives; the answer is "finished" when it is written.
      queueMicrotask(() => (answeredAt = performance.now()));
      return { text };
    };
    const before = models.requests.length;
    // Timed in the observer's update handler, registered before anything happens.
    const visible = new Promise<number>((resolve) => {
      const stop = watch.session.observe(() => {
        if (!watch.session.transcript().some((e) => e.kind === 'agent' && e.text === text)) return;
        stop();
        resolve(performance.now());
      });
    });
    const sentAt = performance.now();
    new SessionDoc(watch.session.doc).enqueue({
      id: randomUUID(),
      authorId: me,
      createdAt: Date.now(),
      text: `message ${i}`,
      attachments: [],
    });
    const visibleAt = await visible;
    toRequest.push(models.requests[before].receivedAt - sentAt);
    toVisible.push(visibleAt - answeredAt);
    await watch.until('the turn to end', (s) => s.turn.state === 'idle', 30_000);
  }
  watch.close();
  console.log(`agent loop overhead per model call (zero-latency scripted model, a 24 kB output each turn)\n`);
  console.log('measure                                 turns     p50 ms   p99 ms   target   p99/target');
  for (const [name, xs] of [
    ['user message → model request sent', toRequest],
    ['model answer → agent message visible', toVisible],
  ] as const) {
    for (const mark of MARKS) {
      const at = xs.slice(mark - 10, mark);
      const p99 = percentile(at, 99);
      console.log(
        `${name.padEnd(38)} ${`${mark - 9}–${mark}`.padStart(7)}   ${percentile(at, 50).toFixed(1).padStart(7)}  ${p99.toFixed(1).padStart(7)}   ${String(TARGET_MS).padStart(6)}   ${(p99 / TARGET_MS).toFixed(2).padStart(9)}`,
      );
    }
  }
  await tokenFigures();
} finally {
  await runner.stop();
  await server.stop();
  await models.close();
}

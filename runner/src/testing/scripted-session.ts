// A long session driven in process against a scripted provider, for tests and
// benchmarks of what the model is sent: each turn a message, a command with
// a long output, and an answer, written into the session document as the
// runner writes them, with the runner's context keeping (or none).
import { recordCallUsage, type SessionDoc } from '@orrery/shared';
import { ModelContext } from '../agent/context.js';
import { buildHistory } from '../agent/history.js';
import type { ModelClient, ToolSpec } from '../agent/model.js';
import type { RecordedRequest } from './scripted-model-server.js';

export const SESSION_TOOLS: ToolSpec[] = [
  {
    name: 'run_command',
    description: 'Runs a command in bash in the workspace and returns its output.',
    inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
];
const SYSTEM = 'You are a careful engineer. Use the tools to read, change and run things in /workspace.';

export const isSummaryRequest = (r: RecordedRequest) =>
  JSON.stringify(r.body).includes('You write the working notes');

/** The scripted model of such a session: notes when asked to summarise, a command for a message, then an answer. */
export function sessionModel(r: RecordedRequest) {
  const body = JSON.stringify(r.body);
  if (isSummaryRequest(r)) {
    const turns = [...body.matchAll(/User: message (\d+)/g)].map((m) => m[1]);
    return { text: `NOTES: the user sent messages up to ${turns.at(-1) ?? '?'}; src/app.ts was changed.` };
  }
  const asked = [...body.matchAll(/message (\d+)/g)].at(-1)?.[1];
  const last = (r.body.messages as { role: string; content: unknown }[]).at(-1)!;
  const afterTool = last.role === 'tool' || JSON.stringify(last.content).includes('tool_result');
  return afterTool
    ? { text: `answer ${asked}` }
    : { toolCalls: [{ id: `call-${asked}`, name: 'run_command', input: { command: `make ${asked}` } }] };
}

/** Turn `turn`'s command output: about 20 kB, its first and last lines naming the turn. */
export function sessionOutput(turn: number): string {
  return `BEGIN ${turn}\n` + `line of build output for turn ${turn}\n`.repeat(600) + `END ${turn}`;
}

export interface SessionDriver {
  /** Runs turns `from` to `to - 1`. */
  run(from: number, to: number): Promise<void>;
}

/**
 * Drives `doc` with `model`. With `window`, the runner's context keeping
 * applies (a fresh one, as after a restart); without it, every call sends
 * the whole history, as the agent did before.
 */
export function driveSession(doc: SessionDoc, model: ModelClient, window: number | null): SessionDriver {
  const signal = new AbortController().signal;
  const context =
    window === null
      ? null
      : new ModelContext(doc, {
          model,
          window,
          now: () => Date.now(),
          notice: (text) =>
            doc.addNotice({ id: crypto.randomUUID(), turnId: null, level: 'info', text, now: Date.now() }),
          onUsage: () => {},
        });
  const base = { system: SYSTEM, tools: SESSION_TOOLS };
  const history = (entries: Parameters<typeof buildHistory>[0]) =>
    buildHistory(entries, {
      acceptsImages: false,
      attachmentPath: (a) => a.name,
      ...(context ? { maxToolResultChars: context.toolResultChars() } : {}),
      loadImage: () => Promise.resolve(null),
    });
  const call = async (turnId: string) => {
    const prompt = context
      ? await context.prompt(base, history, signal)
      : { messages: await history(doc.transcript()), estimate: 0 };
    const response = await model.complete({
      ...base,
      messages: prompt.messages,
      maxTokens: context ? context.maxOutputTokens(8192) : 8192,
      signal: AbortSignal.any([signal]),
      onText: () => {},
    });
    context?.observe(prompt.estimate, response.usage);
    recordCallUsage(doc.doc, { turnId, model: model.model, usage: response.usage, now: Date.now() });
    return response;
  };
  return {
    async run(from, to) {
      for (let i = from; i < to; i++) {
        const turnId = `turn-${i}`;
        doc.enqueue({ id: `m-${i}`, authorId: 'u', createdAt: i, text: `message ${i}`, attachments: [] });
        doc.beginTurn(turnId, i);
        const first = await call(turnId);
        if (!first.parts.some((p) => p.type === 'tool_use')) throw new Error(`turn ${i} ran no command`);
        const tool = doc.startToolCall({ id: `call-${i}`, turnId, name: 'run_command', input: '{}', now: i });
        tool.append(sessionOutput(i));
        tool.finish({ status: 'done', exitCode: 0, durationMs: 1 });
        const second = await call(turnId);
        const reply = doc.startAgentMessage(`a-${i}`, turnId, i);
        reply.append(second.parts.map((p) => (p.type === 'text' ? p.text : '')).join(''));
        reply.finish();
        doc.endTurn();
      }
    },
  };
}

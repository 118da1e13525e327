// Keeps what a session's model is sent inside its context window. Before a
// call would pass 80 % of the window, the older turns are summarised by the
// Expert's own model into a note (decisions, file paths, commands, open
// tasks) that stands in for them; the last turns stay verbatim. The summary
// is kept in the session document (session-usage.ts), so a restarted runner
// reads it instead of summarising again. The transcript people see is never
// changed; a notice says the model now reads a summary.
import {
  contextSummary,
  setContextSummary,
  type CallUsage,
  type ContextSummary,
  type ModelRef,
  type SessionDoc,
  type TranscriptEntry,
} from '@orrery/shared';
import { trimOutput } from './history.js';
import type { ChatMessage, ModelClient, ToolSpec } from './model.js';
import { MAX_RESULT_CHARS } from './tools.js';

/** Context windows of known models, in tokens; an Expert's `model.contextWindow` wins. */
const KNOWN_WINDOWS: readonly [RegExp, number][] = [
  [/^claude-/i, 200_000],
  [/^gpt-4\.1/i, 1_047_576],
  [/^gpt-5/i, 400_000],
  [/^(o3|o4)/i, 200_000],
  [/^(gpt-4o|gpt-4-turbo|o1)/i, 128_000],
  [/^gpt-4/i, 8_192],
  [/^gpt-3\.5/i, 16_385],
];
const DEFAULT_WINDOW = 128_000;

export function contextWindowOf(model: ModelRef): number {
  if (model.contextWindow) return model.contextWindow;
  return KNOWN_WINDOWS.find(([re]) => re.test(model.name))?.[1] ?? DEFAULT_WINDOW;
}

/** Compact when the prompt would pass this share of the window. */
export const COMPACT_AT = 0.8;
/** The turns kept verbatim take at most this share of the window. */
const KEEP_VERBATIM = 0.4;
/** One summarising call reads at most this share of the window. */
const SUMMARISE_CHUNK = 0.5;
const CHARS_PER_TOKEN = 4;
const IMAGE_TOKENS = 1600;

export const SUMMARY_NOTICE = 'Earlier turns were summarised for the model.';

const SUMMARY_SYSTEM =
  'You write the working notes of a coding agent whose earlier conversation no longer fits its context window. ' +
  'From the notes so far and the conversation that follows them, write new notes that replace both. Keep: ' +
  'what the user asked for, decisions made and why, file paths created or changed, commands run and how they ended, ' +
  'errors not yet solved, and open tasks. Drop pleasantries and output that no longer matters. Plain text, terse.';

export interface Prompt {
  system: string;
  tools: ToolSpec[];
  messages: ChatMessage[];
}

/** Tokens a prompt will take, before any provider counted it: 4 characters a token, an image 1600. */
export function estimateTokens(prompt: Prompt): number {
  let images = 0;
  const json = JSON.stringify(prompt, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'string') {
      images += 1;
      return '';
    }
    return value;
  });
  return Math.ceil(json.length / CHARS_PER_TOKEN) + images * IMAGE_TOKENS;
}

export interface ContextDeps {
  model: ModelClient;
  window: number;
  now: () => number;
  /** Tells people in the transcript (a notice), never the model. */
  notice: (text: string) => void;
  /** Each summarising call's usage, to be counted with the turn's. */
  onUsage: (usage: CallUsage) => void;
}

/** Per session document: the provider's tokens per estimated token, learnt from the usage it reports. */
const ratios = new WeakMap<object, number>();

/** The model's view of one session, across the turns a runner runs in it. */
export class ModelContext {
  private summary: ContextSummary | null;

  constructor(
    private readonly doc: SessionDoc,
    private readonly deps: ContextDeps,
  ) {
    this.summary = contextSummary(doc.doc);
  }

  private get ratio(): number {
    return ratios.get(this.doc.doc) ?? 1;
  }

  /** Output tokens a call may ask for: an eighth of the window at most, so 80 % of input still fits. */
  maxOutputTokens(wanted: number): number {
    return Math.max(256, Math.min(wanted, Math.floor(this.deps.window / 8)));
  }

  /** How long a tool output reaches the model before it is cut to head and tail. */
  toolResultChars(): number {
    return Math.min(MAX_RESULT_CHARS, Math.floor(this.deps.window * 0.05 * CHARS_PER_TOKEN));
  }

  /** The provider counted `usage` for a prompt estimated at `estimated` tokens. */
  observe(estimated: number, usage: CallUsage): void {
    const actual = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
    if (estimated > 0 && actual > 0)
      ratios.set(this.doc.doc, Math.min(4, Math.max(0.25, actual / estimated)));
  }

  /**
   * The messages for the next call: the summary of earlier turns, then the
   * entries after it verbatim; compacted first when they would not fit.
   * `tighter` asks for a smaller prompt (the provider refused the last one).
   */
  async prompt(
    base: Omit<Prompt, 'messages'>,
    history: (entries: readonly TranscriptEntry[]) => Promise<ChatMessage[]>,
    signal: AbortSignal,
    tighter = false,
  ): Promise<{ messages: ChatMessage[]; estimate: number }> {
    const limit = this.deps.window * COMPACT_AT * (tighter ? 0.6 : 1);
    for (let pass = 0; ; pass++) {
      const entries = this.doc.transcript();
      const start = this.startOf(entries);
      const messages = withSummary(this.summary, await history(entries.slice(start)));
      const estimate = estimateTokens({ ...base, messages });
      if (estimate * this.ratio <= limit || pass >= 3 || signal.aborted) return { messages, estimate };
      const split = this.splitPoint(entries, start, tighter);
      if (split <= start) return { messages, estimate };
      await this.summarise(entries, start, split, signal);
    }
  }

  /** Where the entries the model reads verbatim begin: after what the summary covers. */
  private startOf(entries: readonly TranscriptEntry[]): number {
    if (!this.summary) return 0;
    const at = entries.findIndex((e) => e.id === this.summary!.throughEntryId);
    return at < 0 ? 0 : at + 1;
  }

  /**
   * The first entry kept verbatim: the earliest turn start (a user message)
   * from which the rest fits the verbatim share; inside the last turn, any
   * entry, when that turn alone is too long.
   */
  private splitPoint(entries: readonly TranscriptEntry[], start: number, tighter: boolean): number {
    const budget = (this.deps.window * KEEP_VERBATIM * (tighter ? 0.5 : 1)) / this.ratio;
    const max = this.toolResultChars();
    let size = 0;
    let anyFit = entries.length - 1;
    let turnFit = -1;
    for (let i = entries.length - 1; i > start; i--) {
      size += entrySize(entries[i]!, max);
      if (size > budget) break;
      anyFit = i;
      if (entries[i]!.kind === 'user') turnFit = i;
    }
    return turnFit > start ? turnFit : anyFit;
  }

  private async summarise(
    entries: readonly TranscriptEntry[],
    start: number,
    split: number,
    signal: AbortSignal,
  ): Promise<void> {
    const chunkChars = (this.deps.window * SUMMARISE_CHUNK * CHARS_PER_TOKEN) / this.ratio;
    const lines = entries.slice(start, split).flatMap((e) => render(e));
    let notes = this.summary?.text ?? '';
    for (let i = 0; i < lines.length;) {
      let chunk = '';
      while (i < lines.length && (chunk === '' || chunk.length + lines[i]!.length <= chunkChars)) {
        chunk += lines[i]!.slice(0, chunkChars) + '\n';
        i++;
      }
      const response = await this.deps.model.complete({
        system: SUMMARY_SYSTEM,
        messages: [
          {
            role: 'user',
            parts: [{ type: 'text', text: `Notes so far:\n${notes || '(none)'}\n\nConversation:\n${chunk}` }],
          },
        ],
        tools: [],
        maxTokens: Math.max(256, Math.min(2048, Math.floor(this.deps.window / 16))),
        signal: AbortSignal.any([signal]),
        onText: () => {},
      });
      this.deps.onUsage(response.usage);
      notes = response.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
    }
    const last = entries[split - 1]!;
    this.summary = { throughEntryId: last.id, text: notes, entries: split, createdAt: this.deps.now() };
    setContextSummary(this.doc.doc, this.summary, this.doc.origin);
    this.deps.notice(SUMMARY_NOTICE);
  }
}

function withSummary(summary: ContextSummary | null, messages: ChatMessage[]): ChatMessage[] {
  if (!summary) return messages;
  const note: ChatMessage = {
    role: 'user',
    parts: [
      {
        type: 'text',
        text: `[Notes on the earlier conversation, which no longer fits your context window; the people in the session still see all of it.]\n${summary.text}`,
      },
    ],
  };
  const first = messages[0];
  // Roles alternate: a first user message joins the note.
  if (first?.role === 'user')
    return [{ role: 'user', parts: [...note.parts, ...first.parts] }, ...messages.slice(1)];
  return [note, ...messages];
}

/** Roughly how many tokens an entry takes in the history (trimmed as the history trims it). */
function entrySize(entry: TranscriptEntry, maxToolChars: number): number {
  switch (entry.kind) {
    case 'user':
      return (entry.text.length + 200 * entry.attachments.length) / CHARS_PER_TOKEN + 10;
    case 'agent':
      return entry.text.length / CHARS_PER_TOKEN + 10;
    case 'tool':
      return (Math.min(entry.output.length, maxToolChars + 120) + entry.input.length) / CHARS_PER_TOKEN + 40;
    default:
      return 0;
  }
}

/** An entry as the summariser reads it. */
function render(entry: TranscriptEntry): string[] {
  switch (entry.kind) {
    case 'user':
      return [`User: ${entry.text}`];
    case 'agent':
      return entry.text ? [`Agent: ${entry.text}`] : [];
    case 'tool':
      return [
        `Tool ${entry.name} ${entry.input} → ${entry.status}${entry.exitCode !== null ? ` (exit ${entry.exitCode})` : ''}:\n${trimOutput(entry.output, 1500)}`,
      ];
    default:
      return [];
  }
}

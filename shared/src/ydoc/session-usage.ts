// The runner's parts of a `session/<id>` document that are about the model
// rather than the conversation: the tokens each turn used (the server keeps
// them with the session, clients show them) and the summary of earlier turns
// the model reads instead of them. Only the runner writes either (writers.ts).
import type * as Y from 'yjs';
import { num, str } from './session-entries.js';
import { SESSION_KEYS as K } from './session-doc.js';

/**
 * Tokens of one turn's model calls, summed. `inputTokens` is the input billed
 * at the full rate; input read from the provider's prompt cache is
 * `cachedInputTokens`, input written to it `cacheWriteTokens` (Anthropic bills
 * both differently). All input sent = the three added up.
 */
export interface TurnUsage {
  turnId: string;
  /** The provider's model name the calls went to. */
  model: string;
  /** How many model calls the turn made, summaries of earlier turns included. */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  updatedAt: number;
}

export type UsageTotals = Pick<
  TurnUsage,
  'calls' | 'inputTokens' | 'outputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'
>;

export interface SessionUsage {
  /** Oldest first. */
  turns: TurnUsage[];
  total: UsageTotals;
}

/** What one model call used, as the provider reported it. */
export type CallUsage = Omit<UsageTotals, 'calls'>;

/** The summary of earlier turns that stands in for them in what the model is sent. */
export interface ContextSummary {
  /** The last transcript entry the summary covers; the model is sent the entries after it verbatim. */
  throughEntryId: string;
  text: string;
  /** How many transcript entries it covers. */
  entries: number;
  createdAt: number;
}

const EMPTY: UsageTotals = {
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
};

export function sessionUsage(doc: Y.Doc): SessionUsage {
  const turns: TurnUsage[] = [];
  for (const [turnId, raw] of doc.getMap(K.usage).entries()) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    turns.push({
      turnId,
      model: str(r.model) ?? '',
      calls: count(r.calls),
      inputTokens: count(r.inputTokens),
      outputTokens: count(r.outputTokens),
      cachedInputTokens: count(r.cachedInputTokens),
      cacheWriteTokens: count(r.cacheWriteTokens),
      updatedAt: num(r.updatedAt) ?? 0,
    });
  }
  turns.sort((a, b) => a.updatedAt - b.updatedAt);
  return { turns, total: turns.reduce(add, { ...EMPTY }) };
}

/** The runner's side: one more model call of the turn; the turn's figures grow by its usage. */
export function recordCallUsage(
  doc: Y.Doc,
  call: { turnId: string; model: string; usage: CallUsage; now: number },
  origin?: unknown,
): void {
  const m = doc.getMap(K.usage);
  const before = sessionUsage(doc).turns.find((t) => t.turnId === call.turnId) ?? { ...EMPTY };
  const sum = add(before, { ...call.usage, calls: 1 });
  doc.transact(() => m.set(call.turnId, { ...sum, model: call.model, updatedAt: call.now }), origin ?? null);
}

export function contextSummary(doc: Y.Doc): ContextSummary | null {
  const raw = doc.getMap(K.modelContext).get('summary');
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const throughEntryId = str(r.throughEntryId);
  const text = str(r.text);
  if (!throughEntryId || text === null) return null;
  return { throughEntryId, text, entries: count(r.entries), createdAt: num(r.createdAt) ?? 0 };
}

/** The runner's side: a new summary replaces the last one (it covers what that one did). */
export function setContextSummary(doc: Y.Doc, summary: ContextSummary, origin?: unknown): void {
  doc.transact(() => doc.getMap(K.modelContext).set('summary', { ...summary }), origin ?? null);
}

function add(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    calls: a.calls + b.calls,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

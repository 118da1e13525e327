// Enhance prompt: rewrites a short prompt into a fuller one grounded in the
// session's conversation and the Environment's codebase (file tree and
// README). With a model, the Expert's model writes it; without one, a
// deterministic enhancer does, fast enough to answer within three seconds.
import type { TranscriptEntry } from '@orrery/shared';
import { enhanceDeterministically, type FoundInput } from './enhance-deterministic.js';
import type { ModelClient } from './model.js';

export {
  enhanceDeterministically,
  symbolsNamed,
  type Enhanced,
  type SymbolHit,
} from './enhance-deterministic.js';

export type EnhanceInput = FoundInput;

const MAX_FILES_IN_PROMPT = 400;
const MAX_README_CHARS = 6000;

export async function enhanceWithModel(
  model: ModelClient,
  input: EnhanceInput,
  signal: AbortSignal,
): Promise<string> {
  const context = [
    recentConversation(input.transcript, 6),
    input.files.length
      ? `Files in the workspace:\n${input.files.slice(0, MAX_FILES_IN_PROMPT).join('\n')}`
      : '',
    input.readme ? `README:\n${input.readme.slice(0, MAX_README_CHARS)}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const response = await model.complete({
    system:
      'You improve prompts for a coding agent. Rewrite the user’s short prompt into a fuller, specific one grounded in the conversation and codebase below: name the relevant files, the expected outcome and how to verify it. Keep the user’s intent and language; do not invent requirements. Reply with the rewritten prompt only, no preamble.',
    messages: [
      {
        role: 'user',
        parts: [{ type: 'text', text: `${context}\n\nPrompt to rewrite:\n${input.prompt}` }],
      },
    ],
    tools: [],
    maxTokens: 1024,
    signal,
    onText: () => undefined,
  });
  const text = response.parts
    .flatMap((p) => (p.type === 'text' ? [p.text] : []))
    .join('')
    .trim();
  return text || enhanceDeterministically(input).text;
}

function recentConversation(transcript: readonly TranscriptEntry[], n: number): string {
  const lines = transcript
    .filter((e) => e.kind === 'user' || e.kind === 'agent')
    .slice(-n)
    .map(
      (e) =>
        `${e.kind === 'user' ? 'User' : 'Agent'}: ${oneLine(e.kind === 'user' || e.kind === 'agent' ? e.text : '', 500)}`,
    );
  return lines.length ? `Conversation so far:\n${lines.join('\n')}` : '';
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

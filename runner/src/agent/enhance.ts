// Enhance prompt: rewrites a short prompt into a fuller one grounded in the
// session's conversation and the Environment's codebase (file tree and
// README). With a model, the Expert's model writes it; without one, a
// deterministic enhancer does, fast enough to answer within three seconds.
import type { TranscriptEntry } from '@orrery/shared';
import type { ModelClient } from './model.js';

export interface EnhanceInput {
  prompt: string;
  transcript: readonly TranscriptEntry[];
  /** Paths relative to /workspace. */
  files: readonly string[];
  readme: string | null;
}

const MAX_FILES_IN_PROMPT = 400;
const MAX_README_CHARS = 6000;
const STOP_WORDS = new Set(
  'a an the and or to of in on for with fix add make please can you it this that is be should from into all my our we i me'.split(
    ' ',
  ),
);

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
  return text || enhanceDeterministically(input);
}

/** No model needed: structure the request and point at what the codebase and conversation offer. */
export function enhanceDeterministically(input: EnhanceInput): string {
  const prompt = input.prompt.trim();
  const relevant = relevantFiles(prompt, input.files);
  const test = testCommand(input.files, input.readme);
  const earlier = input.transcript.filter((e) => e.kind === 'user').slice(-2);
  const lines = [prompt, ''];
  const context: string[] = [];
  const top = topLevel(input.files);
  if (top.length) context.push(`- The workspace contains ${top.join(', ')}.`);
  if (relevant.length) context.push(`- Likely relevant files: ${relevant.join(', ')}.`);
  const title = input.readme ? readmeTitle(input.readme) : null;
  if (title) context.push(`- The README describes the project as “${title}”.`);
  for (const e of earlier) {
    if (e.kind === 'user') context.push(`- Earlier in this session I asked: “${oneLine(e.text, 140)}”.`);
  }
  if (context.length) lines.push('Context:', ...context, '');
  lines.push(
    'Please:',
    `1. Look at ${relevant.length ? 'those files' : 'the relevant code'} first and briefly say what you find.`,
    '2. Make the change in small steps, following the existing style.',
    `3. Verify it${test ? ` (for example with \`${test}\`)` : ' by running the tests or the program'} and show the result.`,
    '4. Summarise what changed and anything left to do.',
  );
  return lines.join('\n');
}

function relevantFiles(prompt: string, files: readonly string[]): string[] {
  const words = prompt
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
  if (!words.length) return [];
  const scored = files
    .map((f) => {
      const lower = f.toLowerCase();
      // A crude stem, so "parsing" finds parse.rs and "tests" finds test files.
      return {
        f,
        score: words.filter((w) => lower.includes(w.length >= 6 ? w.slice(0, w.length - 3) : w)).length,
      };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.f.length - b.f.length);
  return scored.slice(0, 6).map((x) => x.f);
}

function testCommand(files: readonly string[], readme: string | null): string | null {
  const fromReadme = readme?.match(
    /`((?:npm|pnpm|yarn) (?:run )?test[^`]*|pytest[^`]*|cargo test[^`]*|go test[^`]*|make test[^`]*)`/,
  );
  if (fromReadme?.[1]) return fromReadme[1];
  const has = (name: string) => files.some((f) => f === name || f.endsWith(`/${name}`));
  if (has('package.json')) return 'npm test';
  if (has('Cargo.toml')) return 'cargo test';
  if (has('go.mod')) return 'go test ./...';
  if (has('pyproject.toml') || has('pytest.ini') || has('setup.py')) return 'pytest';
  if (has('Makefile')) return 'make test';
  return null;
}

function topLevel(files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const first = f.split('/')[0];
    if (first && !first.startsWith('.')) names.add(f.includes('/') ? `${first}/` : first);
    if (names.size >= 8) break;
  }
  return [...names];
}

function readmeTitle(readme: string): string | null {
  // The first paragraph of prose: not a heading, a badge row or HTML.
  const paragraph = readme
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p && !p.startsWith('#') && !p.startsWith('[![') && !p.startsWith('<'));
  return paragraph ? oneLine(paragraph, 160) : null;
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

// Enhance without a model: adds only what it found — the files the prompt
// names or whose names match its words, where the symbols it names are
// defined, the README section and test command that go with them, and the
// question the last turn left open. When it finds nothing, the prompt comes
// back as it was with a note that says so: never the same steps on every prompt.
import type { TranscriptEntry } from '@orrery/shared';

/** Where a symbol the prompt names occurs in the workspace (from grep). */
export interface SymbolHit {
  name: string;
  path: string;
  line: number;
}

export interface FoundInput {
  prompt: string;
  transcript: readonly TranscriptEntry[];
  /** Paths relative to /workspace. */
  files: readonly string[];
  readme: string | null;
  symbols?: readonly SymbolHit[];
}

export interface Enhanced {
  text: string;
  note: string;
}

const MAX_FILES = 8;
const MAX_SYMBOLS = 6;
const STOP_WORDS = new Set(
  'the and for with fix add make please can you this that should from into all our why how what when where then than them they there here have has had was were are not but use using also just like some any more most only very about after before again file files code test tests page'.split(
    ' ',
  ),
);

export function enhanceDeterministically(input: FoundInput): Enhanced {
  const prompt = input.prompt.trim();
  const files = relevantFiles(prompt, input.files);
  const symbols = (input.symbols ?? []).slice(0, MAX_SYMBOLS);
  const lines: string[] = [];
  const added: string[] = [];
  for (const f of files) lines.push(`- \`${f.path}\`${f.named ? ' (named in the prompt)' : ''}`);
  if (files.length) added.push(count(files.length, 'file'));
  for (const s of symbols) lines.push(`- \`${s.name}\` appears in \`${s.path}:${s.line}\``);
  if (symbols.length) added.push(count(new Set(symbols.map((s) => s.name)).size, 'symbol'));
  const section = input.readme ? readmeSection(prompt, input.readme) : null;
  if (section) {
    lines.push(`- The README's section “${section}” covers this`);
    added.push('a README section');
  }
  // The test command belongs to changes in this codebase: only once the prompt was found to be about it.
  const test = files.length || symbols.length ? testCommand(input.files, input.readme) : null;
  if (test) {
    lines.push(`- Verify with \`${test.command}\` (${test.from})`);
    added.push('the test command');
  }
  const question = openQuestion(input.transcript);
  if (question) {
    lines.push(`- The last turn asked: “${question}”`);
    added.push('the open question from the last turn');
  }
  if (!lines.length) {
    return {
      text: input.prompt,
      note: 'Found nothing to add: no file, symbol or README section in the workspace matches the prompt, and the last turn left no open question. Your text is unchanged.',
    };
  }
  return {
    text: `${prompt}\n\nFound in the workspace and session:\n${lines.join('\n')}`,
    note: `Added ${list(added)}.`,
  };
}

/** Names in the prompt that look like code symbols (camelCase, snake_case, `quoted`, call()), for the job to look up. */
export function symbolsNamed(prompt: string): string[] {
  const found = new Set<string>();
  for (const m of prompt.matchAll(/`([A-Za-z_$][\w$]{2,60})(?:\(\))?`/g)) found.add(m[1]!);
  for (const m of prompt.matchAll(/(?<![\w./-])([A-Za-z_$][\w$]{2,60})(?=\(\)|\b)/g)) {
    const word = m[1]!;
    const codeLike =
      /[a-z][A-Z]/.test(word) || /[A-Za-z]_[A-Za-z]/.test(word) || prompt.includes(`${word}()`);
    if (codeLike) found.add(word);
  }
  return [...found].slice(0, 8);
}

interface FileMatch {
  path: string;
  named: boolean;
  score: number;
}

function relevantFiles(prompt: string, files: readonly string[]): FileMatch[] {
  const named = namedPaths(prompt);
  const words = promptWords(prompt);
  const matches: FileMatch[] = [];
  for (const path of files) {
    const lower = path.toLowerCase();
    if (named.some((n) => lower === n || lower.endsWith(`/${n}`))) {
      matches.push({ path, named: true, score: 100 });
      continue;
    }
    const segments = lower.split('/');
    const stem = stemOf(segments[segments.length - 1]!.split('.')[0]!);
    const folders = segments.slice(0, -1).map(stemOf);
    const score =
      words.filter((w) => w === stem).length * 2 + words.filter((w) => folders.includes(w)).length;
    // A word that only names a folder ("src", "auth") is not enough on its own.
    if (words.some((w) => w === stem)) matches.push({ path, named: false, score });
  }
  return matches
    .sort((a, b) => b.score - a.score || a.path.length - b.path.length || a.path.localeCompare(b.path))
    .slice(0, MAX_FILES);
}

/** Paths or file names the prompt spells out: `src/app.ts`, README.md, parser.py. */
function namedPaths(prompt: string): string[] {
  const out = new Set<string>();
  for (const m of prompt.matchAll(/[\w@.-]*(?:\/[\w@.-]+)+|[\w@-]+\.[A-Za-z][A-Za-z0-9]{0,7}\b/g)) {
    const token = m[0]
      .replace(/^\.?\/+/, '')
      .replace(/[.,;:]+$/, '')
      .toLowerCase();
    if (token) out.add(token);
  }
  return [...out];
}

function promptWords(prompt: string): string[] {
  return prompt
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 4 && !STOP_WORDS.has(w))
    .map(stemOf);
}

/** A crude stem, so "invoices" finds invoice.ts and "parsing" finds parse.rs. */
function stemOf(word: string): string {
  const w = word.toLowerCase();
  for (const end of ['ing', 'es', 's', 'e']) {
    if (w.endsWith(end) && w.length - end.length >= 4) return w.slice(0, -end.length);
  }
  return w;
}

function readmeSection(prompt: string, readme: string): string | null {
  const words = new Set(promptWords(prompt));
  if (!words.size) return null;
  for (const line of readme.split('\n')) {
    const heading = /^#{2,4}\s+(.+?)\s*#*$/.exec(line)?.[1];
    if (heading && promptWords(heading).some((w) => words.has(w))) return oneLine(heading, 80);
  }
  return null;
}

function testCommand(
  files: readonly string[],
  readme: string | null,
): { command: string; from: string } | null {
  const fromReadme = readme?.match(
    /`((?:npm|pnpm|yarn) (?:run )?test[^`]*|pytest[^`]*|cargo test[^`]*|go test[^`]*|make test[^`]*)`/,
  );
  if (fromReadme?.[1]) return { command: fromReadme[1], from: 'from the README' };
  const has = (name: string) => files.some((f) => f === name);
  const from = (name: string) => `the workspace has ${name}`;
  if (has('package.json')) return { command: 'npm test', from: from('package.json') };
  if (has('Cargo.toml')) return { command: 'cargo test', from: from('Cargo.toml') };
  if (has('go.mod')) return { command: 'go test ./...', from: from('go.mod') };
  if (has('pyproject.toml')) return { command: 'pytest', from: from('pyproject.toml') };
  if (has('pytest.ini')) return { command: 'pytest', from: from('pytest.ini') };
  return null;
}

/** The question the agent's last reply ended on, when the last turn ended by asking something. */
function openQuestion(transcript: readonly TranscriptEntry[]): string | null {
  const last = transcript.findLast((e) => e.kind === 'user' || e.kind === 'agent');
  if (!last || last.kind !== 'agent' || !last.text.trim()) return null;
  const paragraphs = last.text.trim().split(/\n\s*\n/);
  const end = paragraphs[paragraphs.length - 1]!;
  const sentences = end.split(/(?<=[.!?])\s+/).filter((s) => s.trim().endsWith('?'));
  const question = sentences[sentences.length - 1];
  return question ? oneLine(question, 240) : null;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

// Reading the framed output of the container's git scripts (see shell.ts),
// and the bits of git's own formats the report needs: raw diff records and
// the paths in patch headers.
import { FRAME } from './shell.js';

export interface Frame {
  kind: string;
  /** The fields after the kind (the repository's index first, for most). */
  fields: string[];
  payload: string;
}

export function readFrames(stdout: string, nonce: string): Frame[] {
  const parts = stdout.split(`${FRAME}${nonce}:`);
  return parts.slice(1).map((part) => {
    const eol = part.indexOf('\n');
    const head = eol < 0 ? part : part.slice(0, eol);
    const [kind = '', ...fields] = head.split(':');
    return { kind, fields, payload: eol < 0 ? '' : part.slice(eol + 1) };
  });
}

/** key=value lines. */
export function readInfo(payload: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const line of payload.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) info.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return info;
}

export interface RawEntry {
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
  /** A, M, D, R, C, T (the similarity score dropped). */
  status: string;
  path: string;
  oldPath: string | null;
}

/** `git diff --raw -z`: ":old new oldsha newsha S\0path\0", two paths for renames and copies. */
export function parseRaw(payload: string, limit: number): RawEntry[] {
  const fields = payload.split('\0');
  const entries: RawEntry[] = [];
  for (let i = 0; i < fields.length && entries.length < limit;) {
    const meta = fields[i++]!;
    if (!meta.startsWith(':')) continue;
    const [oldMode = '', newMode = '', oldSha = '', newSha = '', score = ''] = meta.slice(1).split(' ');
    const status = score.charAt(0);
    const twoPaths = status === 'R' || status === 'C';
    const first = fields[i++];
    const second = twoPaths ? fields[i++] : undefined;
    if (first === undefined || (twoPaths && second === undefined)) break;
    entries.push({
      oldMode,
      newMode,
      oldSha,
      newSha,
      status,
      path: twoPaths ? second! : first,
      oldPath: twoPaths ? first : null,
    });
  }
  return entries;
}

/** The path a patch section is about: the "rename to"/"copy to" line, else the header's b/ side. */
export function sectionPath(payload: string): string | null {
  const lines = payload.split('\n');
  for (const line of lines) {
    if (line.startsWith('@@')) break;
    const moved = /^(?:rename|copy) to (.*)$/.exec(line);
    if (moved) return unquote(moved[1]!);
  }
  const header = lines[0];
  if (!header?.startsWith('diff --git ')) return null;
  const rest = header.slice('diff --git '.length);
  if (rest.startsWith('"')) {
    const a = readQuoted(rest, 0);
    if (!a) return null;
    const b = rest.slice(a.end + 1);
    return stripPrefix(b.startsWith('"') ? (readQuoted(b, 0)?.text ?? '') : b);
  }
  if (rest.endsWith('"')) {
    const start = rest.lastIndexOf(' "');
    return start < 0 ? null : stripPrefix(readQuoted(rest, start + 1)?.text ?? '');
  }
  // "a/P b/P": both sides are the same path when it is not a rename.
  const half = (rest.length - 5) / 2;
  return Number.isInteger(half) && half > 0 ? rest.slice(2, 2 + half) : null;
}

function stripPrefix(path: string): string {
  return path.replace(/^[ab]\//, '');
}

/** A path as git prints it: as is, or C-quoted when it has special characters. */
export function unquote(text: string): string {
  return text.startsWith('"') ? (readQuoted(text, 0)?.text ?? text) : text;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

function readQuoted(text: string, start: number): { text: string; end: number } | null {
  const bytes: number[] = [];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { text: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (c !== '\\') {
      const pair = c >= '\ud800' && c <= '\udbff' ? text.slice(i, ++i + 1) : c;
      bytes.push(...Buffer.from(pair, 'utf8'));
      continue;
    }
    const next = text[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return null;
}

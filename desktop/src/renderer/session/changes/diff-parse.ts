// Reads a unified diff as `git diff` prints it into files, hunks and lines.
// A hunk's header says how many old and new lines it holds, and those counts
// (not the first character alone) decide where it ends: a removed line that
// reads "--- x" or an added "+++ y" is a line of the hunk, not a new file.

export type DiffLineKind = 'context' | 'add' | 'del';

export interface DiffLine {
  kind: DiffLineKind;
  /** The line without its marker, its '\n' or a '\r' before it. */
  text: string;
  oldNo: number | null;
  newNo: number | null;
  /** The line ended in '\r\n' (a CRLF file). */
  cr: boolean;
  /** "\ No newline at end of file" followed this line. */
  noNewline: boolean;
}

export interface DiffHunk {
  /** The "@@ -1,3 +1,4 @@ section" line as printed. */
  header: string;
  /** What git printed after the second "@@": usually the enclosing function. */
  section: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface ParsedFileDiff {
  /** Null for an added file ("/dev/null"). */
  oldPath: string | null;
  /** Null for a deleted file. */
  newPath: string | null;
  oldMode: string | null;
  newMode: string | null;
  renamed: boolean;
  copied: boolean;
  /** "similarity index 92%", as a number. */
  similarity: number | null;
  binary: boolean;
  hunks: DiffHunk[];
  /** Some lines end in CRLF and others do not: the line ends are worth showing. */
  mixedLineEnds: boolean;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Every file of a patch, in order; text that is not a diff yields none. */
export function parseUnifiedDiff(patch: string): ParsedFileDiff[] {
  const lines = patch.split('\n');
  // A patch that ends in '\n' leaves one empty string after it, which is not a line.
  if (lines.at(-1) === '') lines.pop();
  const files: ParsedFileDiff[] = [];
  let file: ParsedFileDiff | null = null;
  let hunk: DiffHunk | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;

  const startFile = (): ParsedFileDiff => {
    const fresh: ParsedFileDiff = {
      oldPath: null,
      newPath: null,
      oldMode: null,
      newMode: null,
      renamed: false,
      copied: false,
      similarity: null,
      binary: false,
      hunks: [],
      mixedLineEnds: false,
    };
    files.push(fresh);
    return fresh;
  };

  for (const raw of lines) {
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const marker = raw[0];
      const cr = raw.endsWith('\r');
      const text = raw.slice(1, cr ? -1 : undefined);
      if (marker === '-' && oldLeft > 0) {
        hunk.lines.push({ kind: 'del', text, oldNo: oldNo++, newNo: null, cr, noNewline: false });
        oldLeft -= 1;
        continue;
      }
      if (marker === '+' && newLeft > 0) {
        hunk.lines.push({ kind: 'add', text, oldNo: null, newNo: newNo++, cr, noNewline: false });
        newLeft -= 1;
        continue;
      }
      // Some tools strip the space of an empty context line; it is still one.
      if ((marker === ' ' || raw === '' || raw === '\r') && oldLeft > 0 && newLeft > 0) {
        hunk.lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++, cr, noNewline: false });
        oldLeft -= 1;
        newLeft -= 1;
        continue;
      }
      if (marker !== '\\') {
        // The hunk's counts were wrong: what follows is read as headers again.
        oldLeft = 0;
        newLeft = 0;
      }
    }
    if (raw.startsWith('\\')) {
      const last = hunk?.lines.at(-1);
      if (last) last.noNewline = true;
      continue;
    }
    if (raw.startsWith('diff --git ')) {
      file = startFile();
      hunk = null;
      const paths = gitHeaderPaths(raw.slice('diff --git '.length));
      if (paths) [file.oldPath, file.newPath] = paths;
      continue;
    }
    const at = HUNK.exec(raw);
    if (at) {
      file ??= startFile();
      hunk = {
        header: raw,
        section: at[5]?.trim() ?? '',
        oldStart: Number(at[1]),
        oldLines: at[2] === undefined ? 1 : Number(at[2]),
        newStart: Number(at[3]),
        newLines: at[4] === undefined ? 1 : Number(at[4]),
        lines: [],
      };
      file.hunks.push(hunk);
      oldLeft = hunk.oldLines;
      newLeft = hunk.newLines;
      oldNo = hunk.oldStart;
      newNo = hunk.newStart;
      continue;
    }
    if (raw.startsWith('--- ') || raw.startsWith('+++ ')) {
      // A plain unified diff (no "diff --git" line) starts at its "---".
      if (raw.startsWith('--- ') && (!file || file.hunks.length)) file = startFile();
      file ??= startFile();
      hunk = null;
      const path = stripPrefix(unquote(raw.slice(4).replace(/\t.*$/, '')));
      if (raw.startsWith('---')) file.oldPath = path;
      else file.newPath = path;
      continue;
    }
    if (file && !hunk) readExtendedHeader(file, raw);
  }
  for (const f of files) f.mixedLineEnds = hasMixedLineEnds(f);
  return files;
}

function readExtendedHeader(file: ParsedFileDiff, raw: string): void {
  const line = raw.replace(/\r$/, '');
  const word = (prefix: string) => (line.startsWith(prefix) ? line.slice(prefix.length) : null);
  let v: string | null;
  if ((v = word('old mode '))) file.oldMode = v;
  else if ((v = word('new mode '))) file.newMode = v;
  else if ((v = word('new file mode '))) {
    file.newMode = v;
    file.oldPath = null;
  } else if ((v = word('deleted file mode '))) {
    file.oldMode = v;
    file.newPath = null;
  } else if ((v = word('rename from '))) {
    file.renamed = true;
    file.oldPath = unquote(v);
  } else if ((v = word('rename to '))) file.newPath = unquote(v);
  else if ((v = word('copy from '))) {
    file.copied = true;
    file.oldPath = unquote(v);
  } else if ((v = word('copy to '))) file.newPath = unquote(v);
  else if ((v = word('similarity index '))) file.similarity = Number.parseInt(v, 10);
  else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
}

/** "a/x b/y" → ["x", "y"]; quoted names are read as git writes them. */
function gitHeaderPaths(rest: string): [string | null, string | null] | null {
  const line = rest.replace(/\r$/, '');
  if (line.startsWith('"')) {
    const end = closingQuote(line);
    const first = unquote(line.slice(0, end + 1));
    return [stripPrefix(first), stripPrefix(unquote(line.slice(end + 2)))];
  }
  // Unquoted, both names are usually the same: split where the halves match.
  const half = (line.length - 1) / 2;
  if (Number.isInteger(half) && line[half] === ' ' && line.slice(2, half) === line.slice(half + 3)) {
    return [line.slice(2, half), line.slice(half + 3)];
  }
  const split = line.indexOf(' b/');
  if (split < 0) return null;
  return [stripPrefix(line.slice(0, split)), stripPrefix(unquote(line.slice(split + 1)))];
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i += 1) {
    if (s[i] === '\\') i += 1;
    else if (s[i] === '"') return i;
  }
  return s.length - 1;
}

function stripPrefix(path: string): string | null {
  if (path === '/dev/null') return null;
  return /^[ab]\//.test(path) ? path.slice(2) : path;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };

/** A C-quoted git path ("caf\303\251.txt") back to its UTF-8 text; others as they are. */
export function unquote(s: string): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...new TextEncoder().encode(c));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function hasMixedLineEnds(file: ParsedFileDiff): boolean {
  let withCr = false;
  let without = false;
  for (const h of file.hunks) {
    for (const l of h.lines) {
      if (l.noNewline) continue;
      if (l.cr) withCr = true;
      else without = true;
      if (withCr && without) return true;
    }
  }
  return false;
}

// The rows a diff is drawn as, one per screen line, for the virtualised view:
// unified (each line once) or side by side (removed lines beside the added
// lines that replace them).
import type { DiffHunk, DiffLine, ParsedFileDiff } from './diff-parse.js';

export type DiffLayout = 'unified' | 'split';

export type UnifiedRow = { kind: 'hunk'; hunk: DiffHunk } | { kind: 'line'; line: DiffLine };
export type SplitRow =
  { kind: 'hunk'; hunk: DiffHunk } | { kind: 'pair'; left: DiffLine | null; right: DiffLine | null };
export type DiffRow = UnifiedRow | SplitRow;

export function unifiedRows(file: ParsedFileDiff): UnifiedRow[] {
  const rows: UnifiedRow[] = [];
  for (const hunk of file.hunks) {
    rows.push({ kind: 'hunk', hunk });
    for (const line of hunk.lines) rows.push({ kind: 'line', line });
  }
  return rows;
}

export function splitRows(file: ParsedFileDiff): SplitRow[] {
  const rows: SplitRow[] = [];
  for (const hunk of file.hunks) {
    rows.push({ kind: 'hunk', hunk });
    let dels: DiffLine[] = [];
    let adds: DiffLine[] = [];
    const flush = () => {
      for (let i = 0; i < Math.max(dels.length, adds.length); i += 1) {
        rows.push({ kind: 'pair', left: dels[i] ?? null, right: adds[i] ?? null });
      }
      dels = [];
      adds = [];
    };
    for (const line of hunk.lines) {
      if (line.kind === 'context') {
        flush();
        rows.push({ kind: 'pair', left: line, right: line });
      } else if (line.kind === 'del') {
        // A removal after additions starts a new change block.
        if (adds.length) flush();
        dels.push(line);
      } else adds.push(line);
    }
    flush();
  }
  return rows;
}

/** The longest line, in columns (a tab counts as four), so rows that do not wrap share one width. */
export function widestLine(file: ParsedFileDiff): number {
  let widest = 0;
  for (const hunk of file.hunks) {
    widest = Math.max(widest, hunk.header.length);
    for (const line of hunk.lines) {
      let width = line.text.length;
      for (let i = line.text.indexOf('\t'); i >= 0; i = line.text.indexOf('\t', i + 1)) width += 3;
      if (width > widest) widest = width;
    }
  }
  return widest;
}

import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff, unquote, type DiffLine } from './diff-parse.js';

const shape = (lines: DiffLine[]) =>
  lines.map((l) => `${l.kind}:${l.oldNo ?? '-'}:${l.newNo ?? '-'}:${l.text}`);

describe('parseUnifiedDiff', () => {
  it('reads a modified file’s hunks with old and new line numbers', () => {
    const [file] = parseUnifiedDiff(
      [
        'diff --git a/src/app.ts b/src/app.ts',
        'index 1111111..2222222 100644',
        '--- a/src/app.ts',
        '+++ b/src/app.ts',
        '@@ -1,3 +1,4 @@ export function main() {',
        ' const a = 1;',
        '-const b = 2;',
        '+const b = 3;',
        '+const c = 4;',
        ' return a;',
        '@@ -10 +11 @@',
        '-x',
        '+y',
        '',
      ].join('\n'),
    );
    expect(file).toMatchObject({
      oldPath: 'src/app.ts',
      newPath: 'src/app.ts',
      binary: false,
      renamed: false,
    });
    expect(file!.hunks).toHaveLength(2);
    expect(file!.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 3, newStart: 1, newLines: 4 });
    expect(file!.hunks[0]!.section).toBe('export function main() {');
    expect(shape(file!.hunks[0]!.lines)).toEqual([
      'context:1:1:const a = 1;',
      'del:2:-:const b = 2;',
      'add:-:2:const b = 3;',
      'add:-:3:const c = 4;',
      'context:3:4:return a;',
    ]);
    // A count left out means one line.
    expect(file!.hunks[1]).toMatchObject({ oldStart: 10, oldLines: 1, newStart: 11, newLines: 1 });
    expect(shape(file!.hunks[1]!.lines)).toEqual(['del:10:-:x', 'add:-:11:y']);
  });

  it('keeps lines that start with --- or +++ inside a hunk as removed and added lines', () => {
    const [file, ...rest] = parseUnifiedDiff(
      [
        'diff --git a/notes.md b/notes.md',
        '--- a/notes.md',
        '+++ b/notes.md',
        '@@ -1,3 +1,3 @@',
        '--- a/old heading',
        '+++ b/new heading',
        ' ---',
        '-+++',
        '+--- a/notes.md',
        '',
      ].join('\n'),
    );
    expect(rest).toHaveLength(0);
    expect(shape(file!.hunks[0]!.lines)).toEqual([
      'del:1:-:-- a/old heading',
      'add:-:1:++ b/new heading',
      'context:2:2:---',
      'del:3:-:+++',
      'add:-:3:--- a/notes.md',
    ]);
  });

  it('marks the line that has no newline at its end, on either side', () => {
    const [file] = parseUnifiedDiff(
      [
        'diff --git a/a.txt b/a.txt',
        '--- a/a.txt',
        '+++ b/a.txt',
        '@@ -1,2 +1,2 @@',
        ' first',
        '-last',
        '\\ No newline at end of file',
        '+last',
        '',
      ].join('\n'),
    );
    const lines = file!.hunks[0]!.lines;
    expect(lines.map((l) => l.noNewline)).toEqual([false, true, false]);
    expect(lines[2]).toMatchObject({ kind: 'add', text: 'last', newNo: 2 });
  });

  it('reads a rename with its similarity, and the paths of a rename with spaces and unicode', () => {
    const [plain, quoted] = parseUnifiedDiff(
      [
        'diff --git a/docs/old name.md b/docs/new name.md',
        'similarity index 92%',
        'rename from docs/old name.md',
        'rename to docs/new name.md',
        'index 1..2 100644',
        '--- a/docs/old name.md\t',
        '+++ b/docs/new name.md\t',
        '@@ -1 +1 @@',
        '-Old',
        '+New',
        'diff --git "a/caf\\303\\251.txt" "b/na\\303\\257ve \\"q\\".txt"',
        'similarity index 100%',
        'rename from "caf\\303\\251.txt"',
        'rename to "na\\303\\257ve \\"q\\".txt"',
        '',
      ].join('\n'),
    );
    expect(plain).toMatchObject({
      renamed: true,
      similarity: 92,
      oldPath: 'docs/old name.md',
      newPath: 'docs/new name.md',
    });
    expect(quoted).toMatchObject({ renamed: true, oldPath: 'café.txt', newPath: 'naïve "q".txt', hunks: [] });
  });

  it('reads a change of mode alone, with no hunks', () => {
    const [file] = parseUnifiedDiff(
      ['diff --git a/run.sh b/run.sh', 'old mode 100644', 'new mode 100755', ''].join('\n'),
    );
    expect(file).toMatchObject({ oldMode: '100644', newMode: '100755', hunks: [], binary: false });
  });

  it('reads added, deleted and binary files', () => {
    const files = parseUnifiedDiff(
      [
        'diff --git a/new.txt b/new.txt',
        'new file mode 100644',
        'index 0000000..e69de29',
        '--- /dev/null',
        '+++ b/new.txt',
        '@@ -0,0 +1,2 @@',
        '+one',
        '+two',
        'diff --git a/gone.txt b/gone.txt',
        'deleted file mode 100755',
        '--- a/gone.txt',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-bye',
        'diff --git a/logo.png b/logo.png',
        'index 1..2 100644',
        'Binary files a/logo.png and b/logo.png differ',
      ].join('\n'),
    );
    expect(files).toHaveLength(3);
    expect(files[0]).toMatchObject({ oldPath: null, newPath: 'new.txt', newMode: '100644' });
    expect(shape(files[0]!.hunks[0]!.lines)).toEqual(['add:-:1:one', 'add:-:2:two']);
    expect(files[1]).toMatchObject({ oldPath: 'gone.txt', newPath: null, oldMode: '100755' });
    expect(shape(files[1]!.hunks[0]!.lines)).toEqual(['del:1:-:bye']);
    expect(files[2]).toMatchObject({ binary: true, hunks: [], oldPath: 'logo.png' });
  });

  it('takes the \\r of a CRLF file off the text, and says when line ends are mixed', () => {
    const crlf = parseUnifiedDiff(
      ['--- a/win.txt', '+++ b/win.txt', '@@ -1,2 +1,2 @@', ' keep\r', '-old\r', '+new\r', ''].join('\n'),
    );
    expect(crlf[0]!.hunks[0]!.lines.map((l) => [l.text, l.cr])).toEqual([
      ['keep', true],
      ['old', true],
      ['new', true],
    ]);
    expect(crlf[0]!.mixedLineEnds).toBe(false);

    // Only the line ends changed: the texts are equal, the ends say why the line is in the diff.
    const [ends] = parseUnifiedDiff(['--- a/x', '+++ b/x', '@@ -1 +1 @@', '-same\r', '+same', ''].join('\n'));
    expect(ends!.mixedLineEnds).toBe(true);
    expect(ends!.hunks[0]!.lines.map((l) => [l.kind, l.text, l.cr])).toEqual([
      ['del', 'same', true],
      ['add', 'same', false],
    ]);
  });

  it('keeps an empty context line whose space was stripped, and ignores text that is not a diff', () => {
    const [file] = parseUnifiedDiff(
      ['--- a/x', '+++ b/x', '@@ -1,3 +1,3 @@', ' a', '', '-b', '+c'].join('\n'),
    );
    expect(shape(file!.hunks[0]!.lines)).toEqual(['context:1:1:a', 'context:2:2:', 'del:3:-:b', 'add:-:3:c']);
    expect(parseUnifiedDiff('')).toEqual([]);
    expect(parseUnifiedDiff('hello\nworld\n')).toEqual([]);
  });

  it('reads a 20,000-line diff whole', () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `+line ${i}`);
    const patch = ['--- /dev/null', '+++ b/big.txt', '@@ -0,0 +1,20000 @@', ...body, ''].join('\n');
    const [file] = parseUnifiedDiff(patch);
    expect(file!.hunks[0]!.lines).toHaveLength(20_000);
    expect(file!.hunks[0]!.lines.at(-1)).toMatchObject({ newNo: 20_000, text: 'line 19999' });
  });
});

describe('unquote', () => {
  it('reads git’s C quoting back to text and leaves plain names alone', () => {
    expect(unquote('"a\\tb\\\\c"')).toBe('a\tb\\c');
    expect(unquote('"\\346\\227\\245\\346\\234\\254.md"')).toBe('日本.md');
    expect(unquote('plain name.txt')).toBe('plain name.txt');
  });
});

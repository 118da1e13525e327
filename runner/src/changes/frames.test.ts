// The parsing of git's output formats the report relies on, on the exact
// text git prints for awkward paths.
import { describe, expect, it } from 'vitest';
import { parseRaw, readFrames, sectionPath, unquote } from './frames.js';

describe('sectionPath', () => {
  it('reads plain, spaced, quoted and renamed paths from a patch header', () => {
    expect(sectionPath('diff --git a/src/x.ts b/src/x.ts\nindex 1..2\n')).toBe('src/x.ts');
    expect(sectionPath('diff --git a/my b/file b/my b/file\n')).toBe('my b/file');
    expect(sectionPath('diff --git "a/a\\tb.txt" "b/a\\tb.txt"\nnew file mode 100644\n')).toBe('a\tb.txt');
    expect(sectionPath('diff --git "a/say \\"hi\\".txt" "b/say \\"hi\\".txt"\n')).toBe('say "hi".txt');
    expect(
      sectionPath('diff --git a/old b/new name\nsimilarity index 90%\nrename from old\nrename to new name\n'),
    ).toBe('new name');
    expect(sectionPath('diff --git a/x b/y\ncopy from x\ncopy to "y\\303\\251"\n')).toBe('yé');
  });

  it('does not take a hunk line for a rename line', () => {
    expect(sectionPath('diff --git a/n.md b/n.md\n@@ -1 +1 @@\n-rename to other\n+x\n')).toBe('n.md');
  });
});

describe('parseRaw', () => {
  it('reads one path per record, two for renames and copies', () => {
    const raw = [
      ':100644 100755 aaaa bbbb M',
      'run.sh',
      ':100644 100644 cccc dddd R087',
      'old name.txt',
      ':weird path.txt',
      ':000000 100644 0000 eeee A',
      'n',
      '',
    ].join('\0');
    expect(parseRaw(raw, 10)).toEqual([
      {
        oldMode: '100644',
        newMode: '100755',
        oldSha: 'aaaa',
        newSha: 'bbbb',
        status: 'M',
        path: 'run.sh',
        oldPath: null,
      },
      {
        oldMode: '100644',
        newMode: '100644',
        oldSha: 'cccc',
        newSha: 'dddd',
        status: 'R',
        path: ':weird path.txt',
        oldPath: 'old name.txt',
      },
      {
        oldMode: '000000',
        newMode: '100644',
        oldSha: '0000',
        newSha: 'eeee',
        status: 'A',
        path: 'n',
        oldPath: null,
      },
    ]);
    expect(parseRaw(raw, 1)).toHaveLength(1);
  });
});

describe('readFrames', () => {
  it('splits on the nonce only, whatever the payload holds', () => {
    const out = 'login noise\n\x1eabc:raw:0\na\0b\x1eother:raw:1\n\x1eabc:count:0\n2\n';
    expect(readFrames(out, 'abc')).toEqual([
      { kind: 'raw', fields: ['0'], payload: 'a\0b\x1eother:raw:1\n' },
      { kind: 'count', fields: ['0'], payload: '2\n' },
    ]);
  });

  it('unquotes C-style escapes into UTF-8', () => {
    expect(unquote('"caf\\303\\251 \\\\ \\n"')).toBe('café \\ \n');
    expect(unquote('plain')).toBe('plain');
  });
});

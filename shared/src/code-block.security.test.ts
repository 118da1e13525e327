// Output that tries to end its code block: whatever a command prints stays on
// indented lines, so the markdown around it cannot change.
import { describe, expect, it } from 'vitest';
import { indentedCodeBlock } from './code-block.js';

function block(chunks: string[]): string {
  let markdown = '';
  const out = indentedCodeBlock((t) => (markdown += t));
  for (const c of chunks) out.push(c);
  out.end();
  return markdown;
}

const ATTACK = '```\n# Heading\n![x](http://127.0.0.1:9/track.png)\n';

describe('command output in a markdown code block', () => {
  it('indents every line, whatever line ending the output uses', () => {
    for (const ending of ['\n', '\r\n', '\r']) {
      const text = block([ATTACK.replaceAll('\n', ending), 'tail']);
      const lines = text.slice(0, -1).split('\n');
      expect(lines).toEqual([
        '    ```',
        '    # Heading',
        '    ![x](http://127.0.0.1:9/track.png)',
        '    tail',
      ]);
      expect(text).not.toMatch(/\r/);
    }
  });

  it('keeps lines whole across chunks, including a \\r\\n split between two', () => {
    expect(block(['a', 'b\r', '\nc\n', '\n', 'd'])).toBe('    ab\n    c\n    \n    d\n');
    expect(block(['one\n'])).toBe('    one\n');
    expect(block([])).toBe('');
  });
});

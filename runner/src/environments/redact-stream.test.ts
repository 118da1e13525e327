import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

describe('redacting secrets', () => {
  it('replaces every occurrence', () => {
    expect(new Redactor(['hunter2-secret']).redact('pw=hunter2-secret; again hunter2-secret')).toBe(
      'pw=[redacted]; again [redacted]',
    );
  });

  it('catches a secret split across streamed chunks', () => {
    const out: string[] = [];
    const stream = new Redactor(['TOKEN-abcdef-123']).stream((t) => out.push(t));
    for (const chunk of ['export X=TOK', 'EN-abc', 'def-1', '23 done\n']) stream.push(chunk);
    stream.end();
    expect(out.join('')).toBe('export X=[redacted] done\n');
  });

  it('leaves text alone when there are no secrets', () => {
    const out: string[] = [];
    const stream = new Redactor([]).stream((t) => out.push(t));
    stream.push('hello');
    expect(out).toEqual(['hello']);
  });
});

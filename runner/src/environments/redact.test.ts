import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from './redact.js';

describe('Redactor', () => {
  it('replaces every occurrence of every secret', () => {
    const r = new Redactor(['hunter22', 'tok-abc']);
    expect(r.redact('a hunter22 b tok-abc c hunter22')).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
  });

  it('redacts a secret split across streamed chunks and holds back only a possible prefix', () => {
    const r = new Redactor(['s3cr3t-value']);
    const out: string[] = [];
    const s = r.stream((t) => out.push(t));
    s.push('before s3cr');
    expect(out.join('')).toBe('before ');
    s.push('3t-val');
    s.push('ue after');
    s.end();
    expect(out.join('')).toBe(`before ${REDACTED} after`);
  });

  it('lets ordinary text through at once and ignores values too short to be secrets', () => {
    const r = new Redactor(['abc', 'longsecret']);
    const out: string[] = [];
    const s = r.stream((t) => out.push(t));
    s.push('abc xyz\n');
    expect(out).toEqual(['abc xyz\n']);
  });

  it('flushes a held-back tail that turned out not to be a secret', () => {
    const r = new Redactor(['password1']);
    const out: string[] = [];
    const s = r.stream((t) => out.push(t));
    s.push('pass');
    expect(out.join('')).toBe('');
    s.end();
    expect(out.join('')).toBe('pass');
  });
});

import { describe, expect, it } from 'vitest';
import { OutputCapture } from './output.js';
import { REDACTED, Redactor } from './redact.js';

const none = new Redactor([]);

describe('OutputCapture', () => {
  it('keeps output under the bound whole and streams it as it comes', () => {
    const seen: string[] = [];
    const c = new OutputCapture(1000, none, (t) => seen.push(t));
    c.push(Buffer.from('hello '));
    c.push(Buffer.from('world\n'));
    c.end();
    expect(c.text()).toBe('hello world\n');
    expect(c.truncated).toBe(false);
    expect(seen.join('')).toBe('hello world\n');
  });

  it('decodes a character split across chunks', () => {
    const c = new OutputCapture(1000, none, undefined);
    const bytes = Buffer.from('née');
    c.push(bytes.subarray(0, 2));
    c.push(bytes.subarray(2));
    c.end();
    expect(c.text()).toBe('née');
  });

  it('keeps the start and the end of long output with a marker saying how much was cut', () => {
    const seen: string[] = [];
    const c = new OutputCapture(100, none, (t) => seen.push(t));
    c.push(Buffer.from('A'.repeat(75)));
    for (let i = 0; i < 100; i++) c.push(Buffer.from('B'.repeat(100)));
    c.push(Buffer.from('the end'));
    c.end();
    const text = c.text();
    expect(c.truncated).toBe(true);
    expect(text.startsWith('A'.repeat(75))).toBe(true);
    expect(text).toMatch(/\[… 9\.[0-9] KiB of output cut here …\]/);
    expect(text.endsWith('the end')).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThan(200);
    expect(seen.join('')).toContain('[output cut after 75 bytes');
  });

  it('redacts secrets before they are kept or streamed', () => {
    const seen: string[] = [];
    const c = new OutputCapture(1000, new Redactor(['topsecret']), (t) => seen.push(t));
    c.push(Buffer.from('key=tops'));
    c.push(Buffer.from('ecret\n'));
    c.end();
    expect(c.text()).toBe(`key=${REDACTED}\n`);
    expect(seen.join('')).toBe(`key=${REDACTED}\n`);
  });
});

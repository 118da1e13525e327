import { describe, expect, it } from 'vitest';
import { shortTitle } from './title.js';

describe('a session title from its first message', () => {
  it('is the first non-empty line, its spaces tidied', () => {
    expect(shortTitle('\n\n  Fix   the   login page \nmore detail here')).toBe('Fix the login page');
  });

  it('is cut on a word boundary with an ellipsis when long, never ending in punctuation', () => {
    const title = shortTitle(
      'Investigate why the nightly billing export keeps failing, with a timeout on the reconciliation step',
    );
    expect(title).toBe('Investigate why the nightly billing export keeps failing…');
    expect(title.length).toBeLessThanOrEqual(61);
  });

  it('cuts inside a word only when no space comes near the end', () => {
    const title = shortTitle(`Deploy ${'x'.repeat(80)}`);
    expect(title).toBe(`Deploy ${'x'.repeat(53)}…`);
  });

  it('says "New session" for a message that is only attachments or blank lines', () => {
    expect(shortTitle(' \n\t\n')).toBe('New session');
  });
});

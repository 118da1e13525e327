import { describe, expect, it } from 'vitest';
import { defaultVisibility } from './visibility.js';

describe('the default visibility of a new session', () => {
  it('is shared for an Expert shared with the organisation', () => {
    expect(defaultVisibility({ expertScope: 'organisation', origin: 'manual' })).toBe('shared');
  });
  it('is private for a personal Expert', () => {
    expect(defaultVisibility({ expertScope: 'personal', origin: 'manual' })).toBe('private');
  });
  it('is shared for a trigger, even with a personal Expert', () => {
    expect(defaultVisibility({ expertScope: 'personal', origin: 'trigger' })).toBe('shared');
  });
});

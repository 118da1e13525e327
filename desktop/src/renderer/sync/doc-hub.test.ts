import { SyncCloseCode } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import { reconnectsAfter } from './doc-hub.js';

describe('reconnecting a document', () => {
  it('comes back after being told to slow down, a restart or an oversized frame; not after losing access or filling the document', () => {
    expect(reconnectsAfter(SyncCloseCode.rateLimited)).toBe(true);
    expect(reconnectsAfter(SyncCloseCode.goingAway)).toBe(true);
    expect(reconnectsAfter(SyncCloseCode.messageTooBig)).toBe(true);
    expect(reconnectsAfter(1006)).toBe(true);
    expect(reconnectsAfter(SyncCloseCode.accessRevoked)).toBe(false);
    expect(reconnectsAfter(SyncCloseCode.protocolError)).toBe(false);
    expect(reconnectsAfter(SyncCloseCode.quotaExceeded)).toBe(false);
  });
});

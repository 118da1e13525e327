import { ConfigError } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import { readSyncLimits } from './limits.js';

describe('storage quota settings', () => {
  it('reads sizes in bytes or with K, M and G, and leaves unset ones to the defaults', () => {
    expect(readSyncLimits({})).toEqual({});
    expect(readSyncLimits({ ORRERY_DOC_MAX_BYTES: '65536', ORRERY_USER_MAX_BYTES: '2G' })).toEqual({
      docMaxBytes: 65536,
      userMaxBytes: 2 * 1024 ** 3,
    });
    expect(readSyncLimits({ ORRERY_DOC_MAX_BYTES: ' 16MiB ' })).toEqual({ docMaxBytes: 16 * 1024 ** 2 });
  });

  it('refuses what is not a size, naming the variable', () => {
    for (const raw of ['lots', '-5', '12X', '1K']) {
      expect(() => readSyncLimits({ ORRERY_USER_MAX_BYTES: raw })).toThrow(ConfigError);
    }
    expect(() => readSyncLimits({ ORRERY_DOC_MAX_BYTES: 'lots' })).toThrow(/ORRERY_DOC_MAX_BYTES: "lots"/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseTrustedProxies } from './client-address.js';

describe('ORRERY_TRUSTED_PROXIES', () => {
  it('takes addresses and ranges of both families', () => {
    const list = parseTrustedProxies(' 10.0.0.0/8, 192.0.2.1 ,fd00::/8,');
    expect(list.check('10.9.8.7', 'ipv4')).toBe(true);
    expect(list.check('192.0.2.1', 'ipv4')).toBe(true);
    expect(list.check('192.0.2.2', 'ipv4')).toBe(false);
    expect(list.check('fd12::1', 'ipv6')).toBe(true);
    expect(parseTrustedProxies(undefined).rules).toEqual([]);
  });

  it('refuses a host name or a bad range with a message that says what to write', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/2', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(`192.0.2.1, ${bad}`)).toThrow(
        `ORRERY_TRUSTED_PROXIES: "${bad}" is not an IP address or a range like 10.0.0.0/8; list your proxies' addresses, separated by commas.`,
      );
    }
  });
});

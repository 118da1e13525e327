import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testClockFromEnv } from './test-clock.js';

describe('the test clock', () => {
  it('is off unless ORRERY_TEST_CLOCK_PORT is set', () => {
    expect(testClockFromEnv({})).toBeNull();
    expect(testClockFromEnv({ ORRERY_TEST_CLOCK_PORT: ' ' })).toBeNull();
  });

  it('moves forward when told over loopback, and runs the tick before answering', async () => {
    const clock = testClockFromEnv({ ORRERY_TEST_CLOCK_PORT: '0' })!;
    let ticked = 0;
    const server = await clock.serve(async () => {
      ticked = clock.now();
    });
    try {
      const { port } = server.address() as AddressInfo;
      const before = clock.now();
      const res = await fetch(`http://127.0.0.1:${port}/advance?ms=3600000`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(ticked - before).toBeGreaterThanOrEqual(3_600_000);
      expect((await fetch(`http://127.0.0.1:${port}/advance?ms=-1`, { method: 'POST' })).status).toBe(400);
    } finally {
      server.close();
    }
  });
});

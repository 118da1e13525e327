import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortWith, sleep } from './abort.js';

describe('waiting on the daemon stop signal', () => {
  it('leaves no listener behind after many waits', async () => {
    const stopping = new AbortController();
    for (let i = 0; i < 25; i++) await sleep(1, stopping.signal);
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once when the signal aborts', async () => {
    const stopping = new AbortController();
    const waited = sleep(60_000, stopping.signal);
    stopping.abort();
    await expect(waited).resolves.toBeUndefined();
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });
});

describe('a turn following its job lease', () => {
  it('stops when the lease is lost, and leaves no listener on the lease after each turn', () => {
    const lease = new AbortController();
    for (let i = 0; i < 25; i++) {
      const turn = new AbortController();
      const release = abortWith(lease.signal, turn);
      release();
    }
    expect(getEventListeners(lease.signal, 'abort')).toHaveLength(0);
    const turn = new AbortController();
    abortWith(lease.signal, turn);
    lease.abort();
    expect(turn.signal.aborted).toBe(true);
  });
});

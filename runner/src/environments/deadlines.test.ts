import { describe, expect, it } from 'vitest';
import { nextDeadline, type DeadlineInput } from './deadlines.js';

const H = 60 * 60 * 1000;
const base: DeadlineInput = {
  status: 'running',
  hasContainer: true,
  commandsRunning: 0,
  startedAt: 0,
  lastActivityAt: 0,
  suspendedAt: undefined,
  timeouts: { idleTimeoutMs: 20 * 60 * 1000, maxRunTimeMs: 24 * H, cleanRestartAfterMs: 7 * 24 * H },
};

describe('nextDeadline', () => {
  it('pauses a running Environment once it has been idle for the idle timeout', () => {
    expect(nextDeadline({ ...base, lastActivityAt: 5 * H })).toEqual({
      action: 'pause',
      at: 5 * H + 20 * 60 * 1000,
    });
  });

  it('never pauses while a command runs, but still stops at the maximum run time', () => {
    expect(nextDeadline({ ...base, commandsRunning: 1 })).toEqual({ action: 'stop', at: 24 * H });
  });

  it('stops at the maximum run time counted from the start, even when busy the whole time', () => {
    expect(nextDeadline({ ...base, lastActivityAt: 24 * H - 1000 })).toEqual({ action: 'stop', at: 24 * H });
  });

  it('removes a paused Environment after the clean-restart delay unless the run time ends first', () => {
    const paused = { ...base, status: 'paused' as const, startedAt: 0, suspendedAt: H };
    expect(nextDeadline(paused)).toEqual({ action: 'stop', at: 24 * H });
    const short = { ...paused, timeouts: { ...base.timeouts, cleanRestartAfterMs: 2 * H } };
    expect(nextDeadline(short)).toEqual({ action: 'remove', at: 3 * H });
  });

  it('removes a stopped Environment after the clean-restart delay', () => {
    expect(nextDeadline({ ...base, status: 'stopped', suspendedAt: 30 * H })).toEqual({
      action: 'remove',
      at: 30 * H + 7 * 24 * H,
    });
  });

  it('has nothing to do without a container or while starting', () => {
    expect(nextDeadline({ ...base, hasContainer: false })).toBeUndefined();
    expect(nextDeadline({ ...base, status: 'starting' })).toBeUndefined();
  });
});

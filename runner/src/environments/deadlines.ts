// When the lifecycle acts next on its own: pause after the idle timeout
// (never while a command runs), stop at the maximum run time, remove after a
// long pause. Pure, so every rule is tested without Docker or waiting.
import type { EnvironmentStatus } from '@orrery/shared';

export interface Timeouts {
  idleTimeoutMs: number;
  maxRunTimeMs: number;
  cleanRestartAfterMs: number;
}

export interface DeadlineInput {
  status: EnvironmentStatus;
  /** A container exists for the session. */
  hasContainer: boolean;
  commandsRunning: number;
  startedAt: number | undefined;
  lastActivityAt: number | undefined;
  suspendedAt: number | undefined;
  timeouts: Timeouts;
}

export type DeadlineAction = 'pause' | 'stop' | 'remove';

export interface Deadline {
  action: DeadlineAction;
  at: number;
}

export function nextDeadline(input: DeadlineInput): Deadline | undefined {
  if (!input.hasContainer) return undefined;
  const candidates: Deadline[] = [];
  const { timeouts } = input;
  if (input.status === 'running' || input.status === 'paused') {
    if (input.startedAt !== undefined) {
      candidates.push({ action: 'stop', at: input.startedAt + timeouts.maxRunTimeMs });
    }
  }
  if (input.status === 'running' && input.commandsRunning === 0) {
    const since = input.lastActivityAt ?? input.startedAt;
    if (since !== undefined) candidates.push({ action: 'pause', at: since + timeouts.idleTimeoutMs });
  }
  if ((input.status === 'paused' || input.status === 'stopped') && input.suspendedAt !== undefined) {
    candidates.push({ action: 'remove', at: input.suspendedAt + timeouts.cleanRestartAfterMs });
  }
  // The earliest wins; at equal times the heavier action (remove > stop > pause) goes first.
  const weight: Record<DeadlineAction, number> = { remove: 0, stop: 1, pause: 2 };
  return candidates.sort((a, b) => a.at - b.at || weight[a.action] - weight[b.action])[0];
}

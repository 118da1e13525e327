// How each Environment status reads to people.
import type { EnvironmentStatus } from '@orrery/shared';

export const ENVIRONMENT_LABELS: Record<EnvironmentStatus, string> = {
  none: 'No environment yet',
  building: 'Building',
  starting: 'Starting up',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  restarting_clean: 'Restarted from a clean state',
  error: 'Error',
};

export type StatusTone = 'neutral' | 'busy' | 'good' | 'warn' | 'bad';

export const ENVIRONMENT_TONES: Record<EnvironmentStatus, StatusTone> = {
  none: 'neutral',
  building: 'busy',
  starting: 'busy',
  running: 'good',
  paused: 'neutral',
  stopped: 'neutral',
  restarting_clean: 'warn',
  error: 'bad',
};

/** Any status a newer runner writes that this app does not know reads as itself. */
export function environmentLabel(status: string): string {
  return ENVIRONMENT_LABELS[status as EnvironmentStatus] ?? status;
}

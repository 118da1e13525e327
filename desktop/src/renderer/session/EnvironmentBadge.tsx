import type { EnvironmentState } from '@orrery/shared';
import { ENVIRONMENT_TONES, environmentLabel } from './environment-status.js';
import { displayName } from '../common/display-name.js';

export function EnvironmentBadge({ environment }: { environment: EnvironmentState }) {
  const tone = ENVIRONMENT_TONES[environment.status] ?? 'neutral';
  const label = environmentLabel(environment.status);
  const detail = displayName(environment.detail);
  return (
    <span
      className={`env-badge tone-${tone}`}
      role="status"
      aria-label={`Environment: ${label}${detail ? `. ${detail}` : ''}`}
      title={detail || undefined}
    >
      <span className="dot" aria-hidden="true" />
      Environment: {label}
    </span>
  );
}

import type { EnvironmentState } from '@orrery/shared';
import { ENVIRONMENT_TONES, environmentLabel } from './environment-status.js';

export function EnvironmentBadge({ environment }: { environment: EnvironmentState }) {
  const tone = ENVIRONMENT_TONES[environment.status] ?? 'neutral';
  const label = environmentLabel(environment.status);
  return (
    <span
      className={`env-badge tone-${tone}`}
      role="status"
      aria-label={`Environment: ${label}${environment.detail ? `. ${environment.detail}` : ''}`}
      title={environment.detail || undefined}
    >
      <span className="dot" aria-hidden="true" />
      Environment: {label}
    </span>
  );
}

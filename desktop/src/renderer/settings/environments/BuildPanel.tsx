// Placeholder for the build panel (Build now, the live build log, the last
// good build). The builds work replaces this file with the real panel; the
// editor already renders it for a saved Environment.
import type { Environment } from '@orrery/shared';

export function BuildPanel(_props: { environment: Environment }) {
  return null;
}

import type { Scope, SessionOrigin, Visibility } from './domain.js';

/**
 * The visibility a new session starts with (reference/using-sessions.md,
 * "Share a session"): launched from an Expert shared with the organisation,
 * or by a trigger or automation → shared; from a personal Expert → private.
 */
export function defaultVisibility(start: { expertScope: Scope; origin: SessionOrigin }): Visibility {
  if (start.origin === 'trigger') return 'shared';
  return start.expertScope === 'organisation' ? 'shared' : 'private';
}

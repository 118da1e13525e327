// Hands a drafted Environment to the Environments editor: the editor at
// #/settings/environments/new reads this sessionStorage key (JSON of an
// EnvironmentInput) as its starting draft, so "Review in Settings" opens it
// filled in (the editor then keeps it as its draft until saved or discarded).
import type { EnvironmentInput } from '@orrery/shared';

export const NEW_ENVIRONMENT_DRAFT_KEY = 'orrery:environment-draft:new';

export function saveNewEnvironmentDraft(draft: EnvironmentInput): void {
  sessionStorage.setItem(NEW_ENVIRONMENT_DRAFT_KEY, JSON.stringify(draft));
}

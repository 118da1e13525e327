// What a person typed in the ship dialogs, per session and repository: kept
// in this tab's sessionStorage, so closing a dialog, leaving the session or
// reloading loses nothing. Only fields the person changed are kept; the rest
// come from the server's draft each time.
import { storedDrafts } from '../../common/stored-drafts.js';

export interface ShipDraftInput {
  commitMessage?: string;
  branch?: string;
  title?: string;
  body?: string;
  base?: string;
}

const drafts = storedDrafts<ShipDraftInput>('orrery.shipDrafts');

const keyOf = (sessionId: string, repo: string) => `${sessionId}\n${repo}`;

export const shipDrafts = {
  get: (sessionId: string, repo: string): ShipDraftInput => drafts.get(keyOf(sessionId, repo)) ?? {},
  set(sessionId: string, repo: string, patch: ShipDraftInput): void {
    const key = keyOf(sessionId, repo);
    drafts.set(key, { ...drafts.get(key), ...patch });
  },
  /** After the action went through: what was typed for it is done with. */
  forget(sessionId: string, repo: string, fields: readonly (keyof ShipDraftInput)[]): void {
    const key = keyOf(sessionId, repo);
    const left = { ...drafts.get(key) };
    for (const f of fields) delete left[f];
    if (Object.keys(left).length) drafts.set(key, left);
    else drafts.delete(key);
  },
};

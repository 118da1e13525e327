// What to show when shipping or restoring fails: the server's own sentence,
// and for the codes where a person has something to do elsewhere, a line
// saying what (with a link when the place is in the app).
import { ApiError, describeError } from '../../api/api-error.js';
import { settingsHref } from '../../app/router.js';

export interface ShipFailure {
  message: string;
  next: { text: string; href?: string } | null;
}

const SECRETS = settingsHref('secrets');

const NEXT: Partial<Record<string, ShipFailure['next']>> = {
  auth_failed: {
    text: 'Check the repository credential for this host: it may have expired or lack write access.',
    href: SECRETS,
  },
  no_credential: {
    text: 'Add a repository credential for this host, then try again.',
    href: SECRETS,
  },
  protected_branch: { text: 'Push to another branch (Advanced, in Push branch) and open a pull request.' },
  not_fast_forward: {
    text: 'The remote branch has commits this session does not have: push to a new branch name instead.',
  },
  no_remote: { text: 'Download the patch instead, or add a remote to the repository.' },
  operation_in_progress: {
    text: 'Ask the agent to finish or abort the merge or rebase, then try again.',
  },
  offline: { text: 'Nothing was sent; try again once the server is reachable.' },
};

export function shipFailure(error: unknown): ShipFailure {
  const code = error instanceof ApiError ? error.code : null;
  return { message: describeError(error), next: (code && NEXT[code]) || null };
}

// The server's proposal for shipping one repository (commit message, branch,
// pull request text, and what blocks pushing), read when the controls appear
// and again after each action or new report of the changes.
import type { ShipDraft } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../app/services-context.js';
import { shipFailure, type ShipFailure } from './ship-errors.js';

export type DraftState =
  { status: 'loading' } | { status: 'ready'; draft: ShipDraft } | { status: 'error'; failure: ShipFailure };

export function useShipDraft(sessionId: string, repo: string, rev: number) {
  const { api } = useServices();
  const [state, setState] = useState<DraftState>({ status: 'loading' });
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let stale = false;
    api.shipDraft(sessionId, repo).then(
      (draft) => !stale && setState({ status: 'ready', draft }),
      (error: unknown) => !stale && setState({ status: 'error', failure: shipFailure(error) }),
    );
    return () => {
      stale = true;
    };
  }, [api, sessionId, repo, rev, asked]);
  const reload = useCallback(() => setAsked((n) => n + 1), []);
  return { state, reload };
}

// A session's server record (title, owner, visibility, archive state): from
// the cached list at once, and from the server when the list does not have it.
import type { SessionListItem } from '@orrery/shared';
import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError, isOffline } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { useSessionList } from '../sync/use-session-list.js';

export type SessionRecord =
  | { status: 'ready'; session: SessionListItem }
  | { status: 'loading' }
  | { status: 'missing'; message: string };

export const REVOKED = 'You no longer have access to this session. Its copy was removed from this device.';

export function useSessionRecord(sessionId: string): SessionRecord {
  const { api, sessionList } = useServices();
  const { byId, loaded } = useSessionList();
  const cached = byId.get(sessionId);
  const [problem, setProblem] = useState<string | null>(null);
  // A session that was here and left the list while open was taken away from this account.
  const seen = useRef(false);
  if (cached) seen.current = true;

  useEffect(() => {
    if (cached || !loaded || seen.current) return;
    let cancelled = false;
    api.getSession(sessionId).then(
      (res) => !cancelled && sessionList.upsert(res.session),
      (error: unknown) => {
        if (cancelled) return;
        if (isOffline(error))
          setProblem('This session is not saved on this device, and the server cannot be reached.');
        else if (error instanceof ApiError && (error.code === 'not_found' || error.code === 'forbidden'))
          setProblem('This session does not exist, or you do not have access to it.');
        else setProblem(describeError(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, sessionList, sessionId, cached, loaded]);

  if (cached) return { status: 'ready', session: cached };
  if (seen.current) return { status: 'missing', message: REVOKED };
  if (problem) return { status: 'missing', message: problem };
  return { status: 'loading' };
}

// The Experts this account can start sessions with (personal and the
// organisation's), fetched from the server when Home opens.
import type { Expert } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { describeError, isOffline } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';

export type ExpertsState =
  | { status: 'loading' }
  | { status: 'ready'; experts: Expert[] }
  | { status: 'error'; message: string; offline: boolean };

export function useExperts(): ExpertsState & { retry: () => void } {
  const { api } = useServices();
  const [state, setState] = useState<ExpertsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.experts().then(
      (res) => !cancelled && setState({ status: 'ready', experts: res.experts }),
      (error: unknown) =>
        !cancelled && setState({ status: 'error', message: describeError(error), offline: isOffline(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, attempt]);

  return { ...state, retry: () => setAttempt((n) => n + 1) };
}

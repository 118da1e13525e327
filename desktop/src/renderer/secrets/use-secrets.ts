// The secrets this account can see (names and scopes, never values), fetched
// when the page opens and again when the server is reachable after being
// offline. Kept in this component's state only: nothing about secrets is
// cached on the device.
import type { SecretScope, SecretSummary } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { isOffline } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { useSessionList } from '../sync/use-session-list.js';
import { describeSecretError } from './secret-errors.js';
import { removeSecret, sortSecrets, upsertSecret } from './secret-list.js';

export type SecretsState =
  | { status: 'loading' }
  | { status: 'ready'; secrets: SecretSummary[] }
  | { status: 'error'; message: string; offline: boolean };

export interface SecretsActions {
  retry: () => void;
  /** Sends the value; resolves with what the server stored (never the value). Throws ApiError. */
  save: (scope: SecretScope, name: string, value: string) => Promise<SecretSummary>;
  /** Throws ApiError; a secret that was already gone is taken off the list too. */
  remove: (scope: SecretScope, name: string) => Promise<void>;
}

export function useSecrets(): SecretsState & SecretsActions {
  const { api } = useServices();
  const { reachability } = useSessionList();
  const [state, setState] = useState<SecretsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.listSecrets().then(
      (res) => !cancelled && setState({ status: 'ready', secrets: sortSecrets(res.secrets) }),
      (error: unknown) =>
        !cancelled &&
        setState({
          status: 'error',
          message: describeSecretError(error, 'load').text,
          offline: isOffline(error),
        }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, attempt]);

  // Back online (the session list reached the server again): try again by itself.
  const failed = state.status === 'error';
  useEffect(() => {
    if (failed && reachability === 'online') setAttempt((n) => n + 1);
  }, [failed, reachability]);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);
  const change = useCallback(
    (update: (secrets: SecretSummary[]) => SecretSummary[]) =>
      setState((s) => (s.status === 'ready' ? { ...s, secrets: update(s.secrets) } : s)),
    [],
  );

  const save = useCallback(
    async (scope: SecretScope, name: string, value: string) => {
      const { secret } = await api.putSecret(scope, name, value);
      change((secrets) => upsertSecret(secrets, secret));
      return secret;
    },
    [api, change],
  );

  const remove = useCallback(
    async (scope: SecretScope, name: string) => {
      try {
        await api.deleteSecret(scope, name);
      } catch (error) {
        if (!isOffline(error)) refresh();
        throw error;
      }
      change((secrets) => removeSecret(secrets, scope, name));
    },
    [api, change, refresh],
  );

  return { ...state, retry: refresh, save, remove };
}

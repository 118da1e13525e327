// The repository credentials this account can see (name, scope, host and
// kind, never values), fetched when the section opens. Held in component
// state only: nothing about credentials is cached on the device.
import type {
  PutRepositoryCredentialRequest,
  RepositoryCredentialSummary,
  SecretScope,
} from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';

export type RepositoryCredentialsState =
  | { status: 'loading' }
  | { status: 'ready'; credentials: RepositoryCredentialSummary[] }
  | { status: 'error'; message: string };

export interface RepositoryCredentialActions {
  retry: () => void;
  /** Resolves with what the server stored (never the value); throws ApiError. */
  save: (
    scope: SecretScope,
    name: string,
    body: PutRepositoryCredentialRequest,
  ) => Promise<RepositoryCredentialSummary>;
  remove: (scope: SecretScope, name: string) => Promise<void>;
}

const byNameThenScope = (a: RepositoryCredentialSummary, b: RepositoryCredentialSummary) =>
  a.name.localeCompare(b.name) || a.scope.localeCompare(b.scope);

export function useRepositoryCredentials(): RepositoryCredentialsState & RepositoryCredentialActions {
  const { api } = useServices();
  const [state, setState] = useState<RepositoryCredentialsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.listRepositoryCredentials().then(
      (res) =>
        !cancelled && setState({ status: 'ready', credentials: [...res.credentials].sort(byNameThenScope) }),
      (error: unknown) => !cancelled && setState({ status: 'error', message: describeError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, attempt]);

  const change = useCallback(
    (update: (list: RepositoryCredentialSummary[]) => RepositoryCredentialSummary[]) =>
      setState((s) => (s.status === 'ready' ? { ...s, credentials: update(s.credentials) } : s)),
    [],
  );

  const save = useCallback(
    async (scope: SecretScope, name: string, body: PutRepositoryCredentialRequest) => {
      const { credential } = await api.putRepositoryCredential(scope, name, body);
      change((list) =>
        [...list.filter((c) => !(c.scope === scope && c.name === name)), credential].sort(byNameThenScope),
      );
      return credential;
    },
    [api, change],
  );

  const remove = useCallback(
    async (scope: SecretScope, name: string) => {
      await api.deleteRepositoryCredential(scope, name);
      change((list) => list.filter((c) => !(c.scope === scope && c.name === name)));
    },
    [api, change],
  );

  return { ...state, retry: () => setAttempt((n) => n + 1), save, remove };
}

// The repository credentials this person may name (names, hosts and kinds;
// never values). A server without them yet (404), or one that cannot be
// reached, leaves the editor usable with a sentence saying so.
import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';
import type { CredentialsState } from './RepositoriesField.js';

export function useRepositoryCredentials(): CredentialsState {
  const { api } = useServices();
  const [state, setState] = useState<CredentialsState>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    api.listRepositoryCredentials().then(
      (res) => !cancelled && setState({ status: 'ready', credentials: res.credentials }),
      (error: unknown) => !cancelled && setState({ status: 'error', message: whyNot(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);
  return state;
}

function whyNot(error: unknown): string {
  if (error instanceof ApiError && error.status === 404)
    return 'This server does not keep repository credentials yet, so only public repositories can be cloned. A credential named earlier is kept.';
  return `Repository credentials could not be loaded (${describeError(error)}), so none can be picked now. A credential named earlier is kept.`;
}

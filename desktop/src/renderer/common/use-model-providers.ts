// Which model providers can run now, from the server (runners report the
// providers they hold keys for). Every Expert picker asks through this, so an
// Expert that cannot run is marked the same way everywhere.
import { expertUnavailableReason, type ModelProviderStatus, type ModelRef } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { useServices } from '../app/services-context.js';

/** How long a picker trusts its answer before asking again (runners come and go). */
const REFRESH_MS = 30_000;

export function useModelProviders(): {
  providers: ModelProviderStatus[];
  /** Null when the Expert can run (or nothing is known yet); otherwise what an admin must do. */
  unavailable: (model: Pick<ModelRef, 'provider' | 'baseUrl'>) => string | null;
  /** Asks again now, e.g. after a key was stored. */
  reload: () => void;
} {
  const { api } = useServices();
  const [providers, setProviders] = useState<ModelProviderStatus[]>([]);
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api.modelProviders().then(
        (res) => !cancelled && setProviders(res.providers),
        // Offline or refused: nothing is marked; the server still refuses what cannot run.
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, asked]);

  return {
    providers,
    unavailable: (model) => expertUnavailableReason(model, providers),
    reload: () => setAsked((n) => n + 1),
  };
}

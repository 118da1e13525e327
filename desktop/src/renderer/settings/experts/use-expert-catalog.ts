// What Settings → Experts reads from the server: the Experts this person may
// use (with their authors) and the Environments an Expert may default to.
import type { Environment, ExpertListItem } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError, isOffline } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';

export type CatalogState =
  | { status: 'loading' }
  | { status: 'ready'; experts: ExpertListItem[]; environments: Environment[] }
  | { status: 'error'; message: string };

export function useExpertCatalog(): CatalogState & { reload: () => Promise<void> } {
  const { api } = useServices();
  const [state, setState] = useState<CatalogState>({ status: 'loading' });

  const reload = useCallback(async () => {
    try {
      const [experts, environments] = await Promise.all([api.experts(), api.environments()]);
      setState({ status: 'ready', experts: experts.experts, environments: environments.environments });
    } catch (error) {
      setState({
        status: 'error',
        message: isOffline(error)
          ? 'Experts cannot be loaded while offline. They live on the server, so this page needs it.'
          : describeError(error),
      });
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { ...state, reload };
}

/** Whether this person may change an Expert: the server decides all the same. */
export function canChangeExpert(
  expert: Pick<ExpertListItem, 'builtIn' | 'scope' | 'ownerId'>,
  user: { id: string; role: string },
): boolean {
  if (expert.builtIn) return false;
  if (expert.scope === 'organisation') return user.role === 'admin';
  return expert.ownerId === user.id;
}

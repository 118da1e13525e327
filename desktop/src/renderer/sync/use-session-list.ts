import { useSyncExternalStore } from 'react';
import { useServices } from '../app/services-context.js';
import type { SessionListState } from './session-list.js';

export function useSessionList(): SessionListState {
  const { sessionList } = useServices();
  return useSyncExternalStore(sessionList.subscribe, sessionList.getState);
}

// The account's pins, folders, recent sessions and drafts, from the synced
// `user/<id>` document.
import type { FolderEntry, PinEntry, RecentEntry } from '@orrery/shared';
import { useCallback } from 'react';
import { useServices } from '../app/services-context.js';
import { useDocValue } from './use-doc-value.js';

const NO_PINS: PinEntry[] = [];
const NO_FOLDERS: FolderEntry[] = [];
const NO_RECENT: RecentEntry[] = [];

export function usePins(): PinEntry[] {
  const { userDoc } = useServices();
  const read = useCallback(() => userDoc.pins(), [userDoc]);
  return useDocValue(userDoc.doc, read, NO_PINS);
}

export function useFolders(): FolderEntry[] {
  const { userDoc } = useServices();
  const read = useCallback(() => userDoc.folders(), [userDoc]);
  return useDocValue(userDoc.doc, read, NO_FOLDERS);
}

export function useRecent(): RecentEntry[] {
  const { userDoc } = useServices();
  const read = useCallback(() => userDoc.recent(), [userDoc]);
  return useDocValue(userDoc.doc, read, NO_RECENT);
}

export function useIsPinned(sessionId: string): boolean {
  const { userDoc } = useServices();
  const read = useCallback(() => userDoc.isPinned(sessionId), [userDoc, sessionId]);
  return useDocValue(userDoc.doc, read, false);
}

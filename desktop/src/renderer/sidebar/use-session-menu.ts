// The actions offered for a session wherever it is listed: pin or unpin, move
// a pin between folders, archive or unarchive, rename and delete (owners only).
import type { SessionListItem } from '@orrery/shared';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import type { MenuItem } from '../common/Menu.js';
import { useUi } from '../state/store.js';
import { useFolders, usePins } from '../sync/use-user-doc.js';

export function useSessionMenu(sessionId: string, session: SessionListItem | undefined): MenuItem[] {
  const { userDoc, api, sessionList } = useServices();
  const pins = usePins();
  const folders = useFolders();
  const showToast = useUi((s) => s.showToast);
  const setSessionDialog = useUi((s) => s.setSessionDialog);
  const pin = pins.find((p) => p.sessionId === sessionId);

  const items: MenuItem[] = [];
  if (!pin) {
    items.push({ label: 'Pin session', onSelect: () => userDoc.pin(sessionId) });
  } else {
    items.push({ label: 'Unpin session', onSelect: () => userDoc.unpin(sessionId) });
    for (const folder of folders) {
      if (folder.id === pin.folderId) continue;
      items.push({
        label: `Move to ${folder.name}`,
        onSelect: () => userDoc.movePin(sessionId, { folderId: folder.id }),
      });
    }
    if (pin.folderId) {
      items.push({
        label: 'Move out of folder',
        onSelect: () => userDoc.movePin(sessionId, { folderId: null }),
      });
    }
  }
  if (session?.access === 'owner') {
    const archive = async () => {
      try {
        const res = session.archived ? await api.unarchive(sessionId) : await api.archive(sessionId);
        sessionList.upsert(res.session);
      } catch (error) {
        showToast('error', describeError(error));
      }
    };
    items.push({ label: session.archived ? 'Unarchive' : 'Archive', onSelect: () => void archive() });
    items.push({ label: 'Rename…', onSelect: () => setSessionDialog({ kind: 'rename', sessionId }) });
    items.push({
      label: 'Delete…',
      danger: true,
      onSelect: () => setSessionDialog({ kind: 'delete', sessionId }),
    });
  }
  return items;
}

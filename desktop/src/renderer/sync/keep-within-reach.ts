// Whenever the server becomes reachable (at start and after being offline),
// brings the local copies of the sessions a person keeps within reach up to
// date in one batch: those already on this device, the pinned and the recent
// ones. They can then be read offline, even if never opened on this device.
// A newly pinned session is fetched the same way, a moment after it is pinned.
import { parseDocName, sessionDocName, type UserDoc } from '@orrery/shared';
import type { DocStore } from '../../platform/common/platform.js';
import type { ApiClient } from '../api/api-client.js';
import { catchUpDocs } from './catch-up.js';
import type { SessionList } from './session-list.js';

/** Reading each stored copy costs time: this many at most per catch-up. */
const MAX_DOCS = 300;

export function keepWithinReach(deps: {
  api: ApiClient;
  store: DocStore;
  sessionList: SessionList;
  userDoc: UserDoc;
  onError?: (error: unknown) => void;
}): () => void {
  const { api, store, sessionList, userDoc } = deps;
  let wasOnline = false;
  let running = false;
  let again = false;
  let pinTimer: ReturnType<typeof setTimeout> | null = null;

  async function run() {
    running = true;
    try {
      const known = sessionList.getState().byId;
      const stored = (await store.names())
        .map(parseDocName)
        .flatMap((d) => (d?.kind === 'session' ? [d.id] : []));
      // Pinned and recent first; then what is stored here, newest activity first, up to a bound.
      stored.sort((a, b) => (known.get(b)?.updatedAt ?? 0) - (known.get(a)?.updatedAt ?? 0));
      const wanted = [
        ...userDoc.pins().map((p) => p.sessionId),
        ...userDoc.recent().map((r) => r.sessionId),
        ...stored,
      ];
      const names = [...new Set(wanted)]
        .filter((id) => known.has(id))
        .slice(0, MAX_DOCS)
        .map(sessionDocName);
      if (names.length) await catchUpDocs({ store, catchUp: api.catchUp }, names);
    } catch (error) {
      deps.onError?.(error);
    } finally {
      running = false;
      if (again) {
        again = false;
        void run();
      }
    }
  }

  const request = () => {
    if (running) again = true;
    else void run();
  };

  const stopList = sessionList.subscribe(() => {
    const online = sessionList.getState().reachability === 'online';
    if (online && !wasOnline) request();
    wasOnline = online;
  });

  let pinned = new Set(userDoc.pins().map((p) => p.sessionId));
  const stopPins = userDoc.observe(() => {
    const now = new Set(userDoc.pins().map((p) => p.sessionId));
    const added = [...now].some((id) => !pinned.has(id));
    pinned = now;
    if (!added || !wasOnline) return;
    if (pinTimer) clearTimeout(pinTimer);
    pinTimer = setTimeout(request, 500);
  });

  return () => {
    stopList();
    stopPins();
    if (pinTimer) clearTimeout(pinTimer);
  };
}

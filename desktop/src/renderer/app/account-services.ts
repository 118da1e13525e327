// Everything the app runs for one signed-in account: the REST client, local
// storage, the document hub, the session list and the account's own user
// document. Started once after sign-in (or at launch when already signed in)
// and stopped on sign-out.
import { UserDoc, parseDocName, sessionDocName, userDocName } from '@orrery/shared';
import {
  accountKeyOf,
  type AccountStorage,
  type Platform,
  type StoredAccount,
} from '../../platform/common/platform.js';
import { ApiClient, syncUrlOf, type Fetch } from '../api/api-client.js';
import { DocHub, type HubDoc } from '../sync/doc-hub.js';
import { SessionList } from '../sync/session-list.js';
import { keepWithinReach } from '../sync/keep-within-reach.js';
import { SessionPrefetch } from '../sync/session-prefetch.js';

export interface AccountServices {
  account: StoredAccount;
  api: ApiClient;
  storage: AccountStorage;
  hub: DocHub;
  /** Starts reading a session from this device before its page renders. */
  sessionPrefetch: SessionPrefetch;
  sessionList: SessionList;
  /** The account's `user/<id>` document: pins, folders, recent sessions, drafts. */
  userDoc: UserDoc;
  userHubDoc: HubDoc;
  /** Stops syncing and closes storage; data stays on the device. */
  stop: () => Promise<void>;
}

export interface StartOptions {
  fetch?: Fetch;
  /** False keeps everything local (tests, benchmarks). */
  connect?: boolean;
  onUnauthenticated?: () => void;
  /** A session document was closed by the server because access was revoked. */
  onSessionRevoked?: (sessionId: string) => void;
  onError?: (error: unknown) => void;
}

export async function startAccount(
  platform: Platform,
  account: StoredAccount,
  options: StartOptions = {},
): Promise<AccountServices> {
  const connect = options.connect !== false;
  performance.mark('orrery:account-start');
  const storage = await platform.openAccountStorage(accountKeyOf(account));
  performance.mark('orrery:storage-open');
  const api = new ApiClient(account.serverUrl, account.token, options.fetch);
  let sessionList: SessionList | null = null;
  const hub = new DocHub({
    syncUrl: syncUrlOf(account.serverUrl),
    token: account.token,
    store: storage.docs,
    connect,
    onStoreError: options.onError,
    onRevoked: (name) => {
      const parsed = parseDocName(name);
      if (parsed?.kind !== 'session') return;
      sessionList?.remove(parsed.id);
      void sessionPrefetch.forget(parsed.id).catch(() => {});
      options.onSessionRevoked?.(parsed.id);
    },
  });
  const sessionPrefetch = new SessionPrefetch(hub, storage.viewCache);
  let forget: (ids: string[]) => void = () => {};
  sessionList = new SessionList({
    api,
    store: storage.sessionList,
    onRemoved: (ids) => forget(ids),
    onUnauthenticated: options.onUnauthenticated,
    onError: options.onError,
  });
  const user = hub.acquire(userDocName(account.user.id));
  await Promise.all([sessionList.loadCache(), user.doc.loaded]);
  performance.mark('orrery:cache-loaded');
  const userDoc = new UserDoc(user.doc.doc).init();
  // What this device kept of sessions the account may no longer open goes too.
  forget = (ids) => {
    for (const id of ids) {
      void storage.docs.remove(sessionDocName(id)).catch(options.onError);
      void sessionPrefetch.forget(id).catch(options.onError);
      userDoc.forgetRecent(id);
    }
  };
  const list = sessionList;
  // A session taken away while open comes back by itself when the changes feed lists it again.
  const stopRegaining = list.subscribe(() =>
    hub.regainAccess((name) => {
      const parsed = parseDocName(name);
      return parsed?.kind === 'session' && list.get(parsed.id) !== undefined;
    }),
  );
  const stopKeeping = connect
    ? keepWithinReach({ api, store: storage.docs, sessionList: list, userDoc, onError: options.onError })
    : () => {};
  if (connect) sessionList.start();
  return {
    account,
    api,
    storage,
    hub,
    sessionPrefetch,
    sessionList: list,
    userDoc,
    userHubDoc: user.doc,
    async stop() {
      list.stop();
      stopRegaining();
      stopKeeping();
      user.release();
      await hub.destroy();
      await storage.close();
    },
  };
}

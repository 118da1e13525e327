// The Electron implementation of the platform services: everything lives in
// the main process's SQLite store, reached through the preload's one bridge.
import type { DesktopBridge, SearchHit } from '@orrery/shared';
import type { AccountStorage, Platform, StoredAccount } from '../common/platform.js';

export interface ElectronPlatform extends Platform {
  /** Full-text search over every cached message of the account, online or not. */
  search(accountKey: string, query: string, limit?: number): Promise<SearchHit[]>;
  /** `orrery://session/<id>` links and notification clicks; returns the unsubscribe. */
  onOpenSession(listener: (sessionId: string) => void): () => void;
  onNewSession(listener: () => void): () => void;
  notify(title: string, body: string, sessionId?: string): Promise<void>;
  openExternal(url: string): Promise<void>;
}

export function createElectronPlatform(bridge: DesktopBridge): ElectronPlatform {
  return {
    kind: 'electron',
    credentials: {
      load: () => bridge.invoke('credentials:load'),
      save: (account: StoredAccount) => bridge.invoke('credentials:save', account),
      clear: () => bridge.invoke('credentials:clear'),
    },
    async openAccountStorage(key): Promise<AccountStorage> {
      return {
        docs: {
          load: (name) => bridge.invoke('docs:load', key, name),
          append: (name, update) => bridge.invoke('docs:append', key, name, update),
          replace: (name, state) => bridge.invoke('docs:replace', key, name, state),
          remove: (name) => bridge.invoke('docs:remove', key, name),
          names: () => bridge.invoke('docs:names', key),
        },
        sessionList: {
          load: () => bridge.invoke('sessions:load', key),
          save: (list) => bridge.invoke('sessions:save', key, list),
        },
        viewCache: {
          get: (viewKey) => bridge.invoke('view:get', key, viewKey),
          set: (viewKey, value) => bridge.invoke('view:set', key, viewKey, value),
          delete: (viewKey) => bridge.invoke('view:delete', key, viewKey),
        },
        // The main process owns the database; nothing to release here.
        close: async () => undefined,
      };
    },
    deleteAccountStorage: (key) => bridge.invoke('storage:delete', key),
    search: (key, query, limit = 50) => bridge.invoke('search:query', key, query, limit),
    onOpenSession: (listener) => bridge.on('app:open-session', listener),
    onNewSession: (listener) => bridge.on('app:new-session', () => listener()),
    notify: (title, body, sessionId) =>
      bridge.invoke('app:notify', { title, body, ...(sessionId ? { sessionId } : {}) }),
    openExternal: (url) => bridge.invoke('app:open-external', url),
  };
}

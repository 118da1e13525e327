// The main process's side of the IPC contract. Every call is checked against
// the contract's schemas first: the renderer shows web content, so nothing it
// sends is trusted. Returns plain data that survives structured cloning.
import {
  IpcArgs,
  describeIssues,
  type IpcChannel,
  type IpcResults,
  type NotifyRequest,
} from '@orrery/shared';
import type { z } from 'zod';
import type { AccountStores } from './account-stores.js';
import type { CredentialVault } from './credential-vault.js';

export class IpcError extends Error {
  constructor(
    readonly code: 'unknown_channel' | 'invalid_arguments' | 'refused',
    message: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
}

export interface IpcDeps {
  stores: AccountStores;
  vault: CredentialVault;
  openExternal: (url: string) => Promise<void>;
  notify: (request: NotifyRequest) => void;
}

type Handlers = {
  [C in IpcChannel]: (...args: z.output<(typeof IpcArgs)[C]>) => IpcResults[C] | Promise<IpcResults[C]>;
};

/** Only web pages and mail leave the app; anything else (file:, custom schemes) is refused. */
const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);

export function createIpcHandlers(deps: IpcDeps): (channel: string, args: unknown[]) => Promise<unknown> {
  const handlers: Handlers = {
    'credentials:load': () => deps.vault.load(),
    'credentials:save': (account) => deps.vault.save(account),
    'credentials:clear': () => deps.vault.clear(),
    'storage:delete': (key) => deps.stores.delete(key),
    'docs:load': (key, name) => deps.stores.get(key).loadDoc(name),
    'docs:append': (key, name, update) => {
      deps.stores.get(key).appendDoc(name, update);
      if (name.startsWith('session/')) deps.stores.scheduleIndex(key, name.slice('session/'.length));
    },
    'docs:replace': (key, name, state) => {
      deps.stores.get(key).replaceDoc(name, state);
      if (name.startsWith('session/')) deps.stores.scheduleIndex(key, name.slice('session/'.length));
    },
    'docs:remove': (key, name) => deps.stores.get(key).removeDoc(name),
    'docs:names': (key) => deps.stores.get(key).docNames(),
    'sessions:load': (key) => {
      const store = deps.stores.get(key);
      const meta = store.sessionListMeta();
      return meta ? { sessions: store.listSessions(), ...meta } : null;
    },
    'sessions:save': (key, list) =>
      deps.stores.get(key).saveSessionList(list.sessions, list.clock, list.savedAt),
    'search:query': (key, query, limit) => {
      deps.stores.flushIndex(key);
      return deps.stores.get(key).search(query, limit);
    },
    'attachments:get': (key, id) => deps.stores.get(key).getAttachment(id),
    'attachments:put': (key, id, mediaType, data) => deps.stores.get(key).putAttachment(id, mediaType, data),
    'view:get': (key, viewKey) => deps.stores.get(key).getView(viewKey),
    'view:set': (key, viewKey, value) => deps.stores.get(key).setView(viewKey, value),
    'view:delete': (key, viewKey) => deps.stores.get(key).deleteView(viewKey),
    'app:open-external': async (url) => {
      if (!EXTERNAL_PROTOCOLS.has(new URL(url).protocol)) {
        throw new IpcError(
          'refused',
          `Links to ${new URL(url).protocol} addresses are not opened outside the app.`,
        );
      }
      await deps.openExternal(url);
    },
    'app:notify': (request) => deps.notify(request),
  };

  return async (channel, args) => {
    if (!Object.hasOwn(IpcArgs, channel))
      throw new IpcError('unknown_channel', `There is no IPC channel "${channel}".`);
    const c = channel as IpcChannel;
    const parsed = IpcArgs[c].safeParse(args);
    if (!parsed.success) {
      const fields = Object.entries(describeIssues(parsed.error)).map(
        ([field, msg]) => `argument ${field}: ${msg}`,
      );
      throw new IpcError('invalid_arguments', `${channel} refused: ${fields.join('; ')}`);
    }
    const handler = handlers[c] as (...a: unknown[]) => unknown;
    return handler(...(parsed.data as unknown[]));
  };
}

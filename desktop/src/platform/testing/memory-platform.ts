// A platform held in memory: for component tests and benchmarks that need
// storage without a browser database. Behaves like the real ones, including
// copying data in and out so callers cannot share mutable state with it.
import type {
  AccountStorage,
  CachedSessionList,
  CredentialStore,
  DocStore,
  Platform,
  SessionListStore,
  StoredAccount,
} from '../common/platform.js';

class MemoryDocStore implements DocStore {
  private readonly docs = new Map<string, Uint8Array[]>();

  async load(name: string): Promise<Uint8Array[]> {
    return (this.docs.get(name) ?? []).map((u) => u.slice());
  }
  async append(name: string, update: Uint8Array): Promise<void> {
    const list = this.docs.get(name) ?? [];
    list.push(update.slice());
    this.docs.set(name, list);
  }
  async replace(name: string, state: Uint8Array): Promise<void> {
    this.docs.set(name, [state.slice()]);
  }
  async remove(name: string): Promise<void> {
    this.docs.delete(name);
  }
  async names(): Promise<string[]> {
    return [...this.docs.keys()];
  }
}

class MemorySessionListStore implements SessionListStore {
  private list: CachedSessionList | null = null;
  async load(): Promise<CachedSessionList | null> {
    return this.list ? structuredClone(this.list) : null;
  }
  async save(list: CachedSessionList): Promise<void> {
    this.list = structuredClone(list);
  }
}

export class MemoryPlatform implements Platform {
  readonly kind = 'testing' as const;
  private account: StoredAccount | null = null;
  private readonly storages = new Map<string, AccountStorage>();

  readonly credentials: CredentialStore = {
    load: async () => (this.account ? structuredClone(this.account) : null),
    save: async (account) => {
      this.account = structuredClone(account);
    },
    clear: async () => {
      this.account = null;
    },
  };

  async openAccountStorage(accountKey: string): Promise<AccountStorage> {
    let storage = this.storages.get(accountKey);
    if (!storage) {
      const views = new Map<string, string>();
      storage = {
        docs: new MemoryDocStore(),
        sessionList: new MemorySessionListStore(),
        viewCache: {
          get: async (key) => views.get(key) ?? null,
          set: async (key, value) => void views.set(key, value),
          delete: async (key) => void views.delete(key),
        },
        close: async () => {},
      };
      this.storages.set(accountKey, storage);
    }
    return storage;
  }

  async deleteAccountStorage(accountKey: string): Promise<void> {
    this.storages.delete(accountKey);
  }
}

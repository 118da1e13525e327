// The browser's platform: the account in localStorage, documents and the
// session-list cache in one IndexedDB database per account. One database per
// account (rather than y-indexeddb's one per document) lets sign-out delete
// everything at once and lets a catch-up write hundreds of documents in one
// transaction, and keeps the contract plain data like the Electron one.
import type {
  AccountStorage,
  CachedSessionList,
  CredentialStore,
  DocStore,
  Platform,
  SessionListStore,
  StoredAccount,
  ViewCache,
} from '../common/platform.js';
import { deleteDatabase, openDatabase, requestToPromise, transactionDone } from './idb.js';

const ACCOUNT_KEY = 'orrery.account';
const DB_VERSION = 1;
const UPDATES = 'updates';
const KV = 'kv';

function dbName(accountKey: string): string {
  return `orrery:${accountKey}`;
}

class LocalStorageCredentials implements CredentialStore {
  async load(): Promise<StoredAccount | null> {
    const raw = localStorage.getItem(ACCOUNT_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StoredAccount;
    } catch {
      localStorage.removeItem(ACCOUNT_KEY);
      return null;
    }
  }
  async save(account: StoredAccount): Promise<void> {
    localStorage.setItem(ACCOUNT_KEY, JSON.stringify(account));
  }
  async clear(): Promise<void> {
    localStorage.removeItem(ACCOUNT_KEY);
  }
}

interface UpdateRow {
  name: string;
  update: Uint8Array;
}

class IndexedDbDocStore implements DocStore {
  constructor(private readonly db: IDBDatabase) {}

  async load(name: string): Promise<Uint8Array[]> {
    const tx = this.db.transaction(UPDATES, 'readonly');
    const rows = await requestToPromise(
      tx.objectStore(UPDATES).index('name').getAll(IDBKeyRange.only(name)) as IDBRequest<UpdateRow[]>,
    );
    return rows.map((r) => r.update);
  }

  async append(name: string, update: Uint8Array): Promise<void> {
    const tx = this.db.transaction(UPDATES, 'readwrite');
    tx.objectStore(UPDATES).add({ name, update } satisfies UpdateRow);
    await transactionDone(tx);
  }

  async replace(name: string, state: Uint8Array): Promise<void> {
    const tx = this.db.transaction(UPDATES, 'readwrite');
    const store = tx.objectStore(UPDATES);
    const keys = await requestToPromise(store.index('name').getAllKeys(IDBKeyRange.only(name)));
    for (const key of keys) store.delete(key);
    store.add({ name, update: state } satisfies UpdateRow);
    await transactionDone(tx);
  }

  async remove(name: string): Promise<void> {
    const tx = this.db.transaction(UPDATES, 'readwrite');
    const store = tx.objectStore(UPDATES);
    const keys = await requestToPromise(store.index('name').getAllKeys(IDBKeyRange.only(name)));
    for (const key of keys) store.delete(key);
    await transactionDone(tx);
  }

  async names(): Promise<string[]> {
    const tx = this.db.transaction(UPDATES, 'readonly');
    const request = tx.objectStore(UPDATES).index('name').openKeyCursor(null, 'nextunique');
    const names: string[] = [];
    await new Promise<void>((resolve, reject) => {
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return resolve();
        names.push(cursor.key as string);
        cursor.continue();
      };
      request.onerror = () => reject(request.error ?? new Error('Could not list local documents'));
    });
    return names;
  }
}

class IndexedDbSessionListStore implements SessionListStore {
  constructor(private readonly db: IDBDatabase) {}

  // Stored as one JSON string: parsing one string is much faster than
  // structured-cloning ten thousand objects out of IndexedDB.
  async load(): Promise<CachedSessionList | null> {
    const tx = this.db.transaction(KV, 'readonly');
    const raw = await requestToPromise(
      tx.objectStore(KV).get('sessionList') as IDBRequest<string | undefined>,
    );
    if (typeof raw !== 'string') return null;
    try {
      return JSON.parse(raw) as CachedSessionList;
    } catch {
      return null;
    }
  }

  async save(list: CachedSessionList): Promise<void> {
    const tx = this.db.transaction(KV, 'readwrite');
    tx.objectStore(KV).put(JSON.stringify(list), 'sessionList');
    await transactionDone(tx);
  }
}

class IndexedDbViewCache implements ViewCache {
  constructor(private readonly db: IDBDatabase) {}

  async get(key: string): Promise<string | null> {
    const tx = this.db.transaction(KV, 'readonly');
    const value = await requestToPromise(tx.objectStore(KV).get(`view:${key}`) as IDBRequest<unknown>);
    return typeof value === 'string' ? value : null;
  }
  async set(key: string, value: string): Promise<void> {
    const tx = this.db.transaction(KV, 'readwrite');
    tx.objectStore(KV).put(value, `view:${key}`);
    await transactionDone(tx);
  }
  async delete(key: string): Promise<void> {
    const tx = this.db.transaction(KV, 'readwrite');
    tx.objectStore(KV).delete(`view:${key}`);
    await transactionDone(tx);
  }
}

export function createWebPlatform(): Platform {
  return {
    kind: 'web',
    credentials: new LocalStorageCredentials(),
    async openAccountStorage(accountKey) {
      const db = await openDatabase(dbName(accountKey), DB_VERSION, (db) => {
        const updates = db.createObjectStore(UPDATES, { autoIncrement: true });
        updates.createIndex('name', 'name');
        db.createObjectStore(KV);
      });
      // Another tab deleting this account's data (sign-out) must not be blocked by us.
      db.onversionchange = () => db.close();
      return {
        docs: new IndexedDbDocStore(db),
        sessionList: new IndexedDbSessionListStore(db),
        viewCache: new IndexedDbViewCache(db),
        close: async () => db.close(),
      } satisfies AccountStorage;
    },
    async deleteAccountStorage(accountKey) {
      await deleteDatabase(dbName(accountKey));
    },
  };
}

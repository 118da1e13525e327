// The platform services the renderer needs from whatever hosts it: a browser
// (IndexedDB, localStorage), the Electron shell (SQLite through IPC from the
// preload) or tests (memory). Every method is async and speaks plain data, so
// an implementation can live on the other side of an IPC channel.
import type { Organisation, SessionListItem, User } from '@orrery/shared';

/** Who is signed in, to which server; kept so the app opens signed in, also offline. */
export interface StoredAccount {
  /** The server's address as the user typed it, normalised: "http://host:port", no trailing slash. */
  serverUrl: string;
  token: string;
  user: User;
  organisation: Organisation;
}

export interface CredentialStore {
  load(): Promise<StoredAccount | null>;
  save(account: StoredAccount): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Local copies of Yjs documents, as binary updates. The renderer appends each
 * update as it happens and now and then replaces the log with one merged state.
 */
export interface DocStore {
  /** Every stored update of the document, oldest first; empty when none is stored. */
  load(name: string): Promise<Uint8Array[]>;
  append(name: string, update: Uint8Array): Promise<void>;
  /** Replaces everything stored for the document with one state (compaction). */
  replace(name: string, state: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
  /** Names of every stored document. */
  names(): Promise<string[]>;
}

/** The cached session list: what the server last said, plus its change clock. */
export interface CachedSessionList {
  sessions: SessionListItem[];
  clock: number;
  savedAt: number;
}

export interface SessionListStore {
  load(): Promise<CachedSessionList | null>;
  save(list: CachedSessionList): Promise<void>;
}

/**
 * Small values derived from documents, kept so screens can show something at
 * once while the documents load (e.g. the end of a transcript). Losing them
 * loses nothing: they are rebuilt from the documents.
 */
export interface ViewCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Everything kept for one signed-in account on this device. */
export interface AccountStorage {
  docs: DocStore;
  sessionList: SessionListStore;
  /** Optional: without it screens wait for their documents. */
  viewCache?: ViewCache;
  /** Releases handles (database connections); the data stays. */
  close(): Promise<void>;
}

export interface Platform {
  readonly kind: 'web' | 'electron' | 'testing';
  credentials: CredentialStore;
  /** Opens (creating when needed) the storage of one account, keyed by server and user. */
  openAccountStorage(accountKey: string): Promise<AccountStorage>;
  /** Deletes everything stored for the account (on sign-out). */
  deleteAccountStorage(accountKey: string): Promise<void>;
}

/** The key under which an account's local data is kept. */
export function accountKeyOf(account: Pick<StoredAccount, 'serverUrl' | 'user'>): string {
  return `${account.serverUrl}|${account.user.id}`;
}

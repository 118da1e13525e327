// One LocalStore per signed-in account, opened on first use. Session
// documents are indexed for search shortly after they change, off the
// append path, so writing stays fast while the agent streams.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LocalStore } from './store/local-store.js';

const INDEX_DELAY_MS = 1000;

export class AccountStores {
  private readonly stores = new Map<string, LocalStore>();
  private readonly pendingIndex = new Map<string, { key: string; timer: NodeJS.Timeout }>();

  constructor(
    private readonly dir: string,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void = () => undefined,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get(accountKey: string): LocalStore {
    let store = this.stores.get(accountKey);
    if (!store) {
      store = new LocalStore(this.fileOf(accountKey));
      this.stores.set(accountKey, store);
    }
    return store;
  }

  /** Deletes every local copy kept for the account (sign-out). */
  delete(accountKey: string): void {
    this.stores.get(accountKey)?.close();
    this.stores.delete(accountKey);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.fileOf(accountKey)}${suffix}`, { force: true });
  }

  /** Asks for a session to be (re)indexed soon; repeated requests collapse into one. */
  scheduleIndex(accountKey: string, sessionId: string): void {
    const id = `${accountKey}\n${sessionId}`;
    if (this.pendingIndex.has(id)) return;
    const timer = setTimeout(() => {
      this.pendingIndex.delete(id);
      this.indexNow(accountKey, sessionId);
    }, INDEX_DELAY_MS);
    timer.unref();
    this.pendingIndex.set(id, { key: accountKey, timer });
  }

  /** Runs every scheduled indexing now (before a search, so results are current). */
  flushIndex(accountKey: string): void {
    for (const [id, pending] of this.pendingIndex) {
      if (pending.key !== accountKey) continue;
      clearTimeout(pending.timer);
      this.pendingIndex.delete(id);
      this.indexNow(accountKey, id.slice(accountKey.length + 1));
    }
  }

  closeAll(): void {
    for (const pending of this.pendingIndex.values()) clearTimeout(pending.timer);
    this.pendingIndex.clear();
    for (const store of this.stores.values()) store.close();
    this.stores.clear();
  }

  private indexNow(accountKey: string, sessionId: string): void {
    try {
      this.get(accountKey).indexSession(sessionId);
    } catch (error) {
      this.log('could not index a session for search', { sessionId, error: String(error) });
    }
  }

  private fileOf(accountKey: string): string {
    // Account keys hold a URL and a user id: hashed, they can never become a path.
    const name = createHash('sha256').update(accountKey).digest('hex').slice(0, 32);
    return path.join(this.dir, `${name}.sqlite`);
  }
}

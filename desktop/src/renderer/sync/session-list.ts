// The list of sessions this account may open: read from the local cache at
// start, then kept current from the server (the whole list once, then only
// changes since the last clock), and written back to the cache. It is also
// where the app learns whether the server can be reached.
import type { SessionListItem } from '@orrery/shared';
import type { SessionListStore } from '../../platform/common/platform.js';
import type { ApiClient } from '../api/api-client.js';
import { ApiError, describeError, isOffline } from '../api/api-error.js';

export type Reachability = 'unknown' | 'online' | 'offline';

export interface SessionListState {
  /** Newest activity first. */
  sessions: readonly SessionListItem[];
  byId: ReadonlyMap<string, SessionListItem>;
  /** The cache (or the server) has answered at least once. */
  loaded: boolean;
  reachability: Reachability;
  /** The last error that was not just "offline", for people to read. */
  error: string | null;
}

const PAGE = 5_000;

export interface SessionListOptions {
  api: ApiClient;
  store: SessionListStore;
  clock?: () => number;
  /** How often to ask for changes while online / to retry while offline (ms). */
  pollMs?: number;
  retryMs?: number;
  /** Called when the server says the token is no longer valid. */
  onUnauthenticated?: () => void;
  /** Sessions the account may no longer open (deleted, made private, grant revoked). */
  onRemoved?: (ids: string[]) => void;
  onError?: (error: unknown) => void;
}

export class SessionList {
  private items = new Map<string, SessionListItem>();
  private serverClock = 0;
  /** The whole list has been received (or read from the cache) once; from then on only changes are asked for. */
  private complete = false;
  private state: SessionListState = {
    sessions: [],
    byId: new Map(),
    loaded: false,
    reachability: 'unknown',
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<void> | null = null;
  private stopped = false;
  /** The items changed since the sorted view was last built. */
  private dirty = false;

  constructor(private readonly options: SessionListOptions) {}

  getState = (): SessionListState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get(id: string): SessionListItem | undefined {
    return this.items.get(id);
  }

  async loadCache(): Promise<void> {
    try {
      const cached = await this.options.store.load();
      if (cached && !this.complete) {
        this.items = new Map(cached.sessions.map((s) => [s.id, s]));
        this.serverClock = cached.clock;
        this.complete = true;
        this.dirty = true;
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    this.publish({ loaded: true });
  }

  /** Starts keeping the list current; the first refresh happens at once. */
  start(): void {
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Asks the server now (e.g. after the window regains focus); shares a refresh already running. */
  refresh(): Promise<void> {
    this.refreshing ??= this.fetchFromServer().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Takes in a record the server just returned (created, archived, …). */
  upsert(item: SessionListItem): void {
    this.items.set(item.id, item);
    this.dirty = true;
    this.publish({});
    void this.save();
  }

  remove(id: string): void {
    if (this.items.delete(id)) {
      this.dirty = true;
      this.publish({});
      void this.save();
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.refresh();
    if (this.stopped) return;
    const delay =
      this.state.reachability === 'offline'
        ? (this.options.retryMs ?? 2_000)
        : (this.options.pollMs ?? 4_000);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async fetchFromServer(): Promise<void> {
    try {
      const changed = this.complete ? await this.fetchChanges() : await this.fetchAll();
      if (changed) this.dirty = true;
      this.publish({ reachability: 'online', error: null });
      if (changed) await this.save();
    } catch (error) {
      if (isOffline(error)) {
        this.publish({ reachability: 'offline' });
      } else if (error instanceof ApiError && error.code === 'unauthenticated') {
        this.options.onUnauthenticated?.();
      } else {
        this.publish({ reachability: 'online', error: describeError(error) });
        this.options.onError?.(error);
      }
    }
  }

  private async fetchAll(): Promise<boolean> {
    const all = new Map<string, SessionListItem>();
    let clock = 0;
    // "all" and "archived" together are every session the account may open.
    for (const filter of ['all', 'archived'] as const) {
      for (let offset = 0; ; offset += PAGE) {
        const page = await this.options.api.listSessions({ filter, limit: PAGE, offset });
        for (const s of page.sessions) all.set(s.id, s);
        clock = Math.max(clock, page.clock);
        if (page.sessions.length < PAGE || offset + PAGE >= page.total) break;
      }
    }
    this.items = all;
    this.serverClock = clock;
    this.complete = true;
    return true;
  }

  private async fetchChanges(): Promise<boolean> {
    const changes = await this.options.api.changes(this.serverClock);
    if (!changes.changed.length && !changes.removed.length && changes.clock === this.serverClock)
      return false;
    for (const s of changes.changed) this.items.set(s.id, s);
    for (const id of changes.removed) this.items.delete(id);
    this.serverClock = changes.clock;
    if (changes.removed.length) this.options.onRemoved?.(changes.removed);
    return true;
  }

  private async save(): Promise<void> {
    try {
      await this.options.store.save({
        sessions: [...this.items.values()],
        clock: this.serverClock,
        savedAt: (this.options.clock ?? Date.now)(),
      });
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private publish(patch: Partial<SessionListState>): void {
    if (this.dirty) {
      this.dirty = false;
      const sessions = [...this.items.values()].sort(
        (a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      patch = { ...patch, sessions, byId: new Map(this.items) };
    }
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

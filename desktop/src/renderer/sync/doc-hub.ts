// Opens Yjs documents for the app: each one is loaded from the local store,
// kept there as it changes, and synced with the server over y-websocket while
// something uses it. Documents are shared by name and closed a while after the
// last user lets go, so going back and forth between sessions stays instant.
import { SyncCloseCode } from '@orrery/shared';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { DocStore } from '../../platform/common/platform.js';
import { applyStoredUpdates, persistDoc, type DocPersistence } from './doc-persistence.js';

/** 'full': the server refused a change because the document (or its owner's storage) is full. */
export type DocConnection = 'connecting' | 'connected' | 'offline' | 'revoked' | 'full';

export interface DocState {
  /** The local copy has been read (it may be empty: never opened on this device). */
  loaded: boolean;
  /** Whether the local copy had anything in it. */
  hadLocalCopy: boolean;
  connection: DocConnection;
  /** The server's state has been received at least once since opening. */
  synced: boolean;
}

export interface HubDoc {
  readonly name: string;
  readonly doc: Y.Doc;
  /** Resolves when the local copy has been applied. */
  readonly loaded: Promise<void>;
  state: () => DocState;
  subscribe(listener: () => void): () => void;
}

export interface DocHubOptions {
  syncUrl: string;
  token: string;
  store: DocStore;
  /** Keep an unused document open this long (ms). */
  lingerMs?: number;
  /** Called when the server closes a document for good because access was revoked. */
  onRevoked?: (name: string) => void;
  onStoreError?: (error: unknown) => void;
  /** Tests and benchmarks may work without a server. */
  connect?: boolean;
}

/**
 * Whether a document reconnects after the server closed its socket with this
 * code (with the provider's growing back-off). A revoked access, a protocol
 * error and a full document are final (reconnecting would send the refused
 * change again); y-websocket's default would also give up after "too many
 * messages" (4429), which only asks the client to slow down.
 */
export function reconnectsAfter(code: number): boolean {
  return (
    code !== SyncCloseCode.accessRevoked &&
    code !== SyncCloseCode.protocolError &&
    code !== SyncCloseCode.quotaExceeded
  );
}

class OpenDoc implements HubDoc {
  readonly doc = new Y.Doc();
  readonly loaded: Promise<void>;
  refs = 0;
  lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private current: DocState = { loaded: false, hadLocalCopy: false, connection: 'connecting', synced: false };
  private readonly listeners = new Set<() => void>();
  private provider: WebsocketProvider | null = null;
  private persistence: DocPersistence | null = null;
  private closed = false;
  private revokeDone = false;

  constructor(
    readonly name: string,
    private readonly options: DocHubOptions,
    /** The local copy, when a prefetch has already started reading it. */
    stored?: Promise<Uint8Array[]>,
  ) {
    this.loaded = this.open(stored ?? options.store.load(name));
  }

  state(): DocState {
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<DocState>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }

  private async open(stored: Promise<Uint8Array[]>): Promise<void> {
    const { store, onStoreError } = this.options;
    let count = 0;
    try {
      performance.mark(`orrery:doc-load-start:${this.name}`);
      count = applyStoredUpdates(this.doc, await stored);
      performance.mark(`orrery:doc-loaded:${this.name}`);
    } catch (error) {
      onStoreError?.(error);
    }
    if (this.closed) return;
    this.persistence = persistDoc(this.doc, this.name, store, { onError: onStoreError });
    this.set({ loaded: true, hadLocalCopy: count > 0 });
    if (this.options.connect !== false) this.connect();
    else this.set({ connection: 'offline' });
  }

  private connect(): void {
    const provider = new WebsocketProvider(this.options.syncUrl, this.name, this.doc, {
      params: { token: this.options.token },
      // Tabs of one browser each keep their own socket; the server is the one source of truth.
      disableBc: true,
      shouldReconnect: (event) => reconnectsAfter(event.code),
    });
    this.provider = provider;
    provider.on('status', ({ status }) => {
      if (this.current.connection === 'revoked' || this.current.connection === 'full') return;
      this.set({ connection: status === 'connected' ? 'connected' : 'offline' });
    });
    provider.on('sync', (synced: boolean) => {
      if (synced) this.set({ synced: true });
    });
    provider.on('closed', ({ code }) => {
      if (code === SyncCloseCode.accessRevoked) void this.revoke();
      // The copy here stays readable; the change the server refused stays on this device only.
      else if (code === SyncCloseCode.quotaExceeded) this.set({ connection: 'full' });
    });
  }

  /**
   * Access came back (the owner granted it again): sync again, and keep a
   * local copy again, without the page having to be reloaded.
   */
  regain(): void {
    // Only once revoking has finished (the app was told, the list updated), so the two never interleave.
    if (this.closed || !this.revokeDone) return;
    this.revokeDone = false;
    const { store, onStoreError } = this.options;
    void store
      .replace(this.name, Y.encodeStateAsUpdate(this.doc))
      .catch((error: unknown) => onStoreError?.(error));
    this.persistence = persistDoc(this.doc, this.name, store, { onError: onStoreError });
    this.set({ connection: 'connecting', synced: false });
    if (this.options.connect !== false) this.connect();
    else this.set({ connection: 'offline' });
  }

  /** Access is gone: stop syncing, forget the local copy, tell the app. */
  private async revoke(): Promise<void> {
    this.set({ connection: 'revoked' });
    this.provider?.destroy();
    this.provider = null;
    await this.persistence?.destroy();
    this.persistence = null;
    try {
      await this.options.store.remove(this.name);
    } catch (error) {
      this.options.onStoreError?.(error);
    }
    this.options.onRevoked?.(this.name);
    this.revokeDone = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.provider?.destroy();
    this.provider = null;
    await this.persistence?.destroy();
    this.persistence = null;
    this.doc.destroy();
    this.listeners.clear();
  }
}

/** How long a prefetched local copy is kept for the document to be opened. */
const PREFETCH_KEEP_MS = 3_000;

export class DocHub {
  private readonly docs = new Map<string, OpenDoc>();
  private readonly prefetched = new Map<
    string,
    { stored: Promise<Uint8Array[]>; expiry: ReturnType<typeof setTimeout> }
  >();

  constructor(private readonly options: DocHubOptions) {}

  /**
   * Starts reading a document's local copy, because it is about to be opened
   * (a link was pressed, the address changed): the read then overlaps with
   * rendering instead of following it. Nothing is applied until it is acquired.
   */
  prefetch(name: string): void {
    if (this.docs.has(name) || this.prefetched.has(name)) return;
    const stored = this.options.store.load(name);
    // An unused prefetch is dropped (and its failure forgotten; opening reads again).
    stored.catch(() => {});
    const expiry = setTimeout(() => this.prefetched.delete(name), PREFETCH_KEEP_MS);
    this.prefetched.set(name, { stored, expiry });
  }

  private takePrefetched(name: string): Promise<Uint8Array[]> | undefined {
    const entry = this.prefetched.get(name);
    if (!entry) return undefined;
    clearTimeout(entry.expiry);
    this.prefetched.delete(name);
    return entry.stored;
  }

  /** Opens (or shares) a document; call the returned release when done with it. */
  acquire(name: string): { doc: HubDoc; release: () => void } {
    let open = this.docs.get(name);
    if (!open) {
      open = new OpenDoc(name, this.options, this.takePrefetched(name));
      this.docs.set(name, open);
    }
    const entry = open;
    entry.refs += 1;
    if (entry.lingerTimer) {
      clearTimeout(entry.lingerTimer);
      entry.lingerTimer = null;
    }
    let released = false;
    return {
      doc: entry,
      release: () => {
        if (released) return;
        released = true;
        entry.refs -= 1;
        if (entry.refs > 0) return;
        entry.lingerTimer = setTimeout(() => {
          if (entry.refs > 0 || this.docs.get(name) !== entry) return;
          this.docs.delete(name);
          void entry.close();
        }, this.options.lingerMs ?? 60_000);
      },
    };
  }

  /** Open documents whose access was revoked and that `mayOpen` now allows again start syncing again. */
  regainAccess(mayOpen: (name: string) => boolean): void {
    for (const open of this.docs.values()) {
      if (open.state().connection === 'revoked' && mayOpen(open.name)) open.regain();
    }
  }

  /** Closes every document, storing what is pending first. */
  async destroy(): Promise<void> {
    for (const { expiry } of this.prefetched.values()) clearTimeout(expiry);
    this.prefetched.clear();
    const all = [...this.docs.values()];
    this.docs.clear();
    for (const entry of all) if (entry.lingerTimer) clearTimeout(entry.lingerTimer);
    await Promise.all(all.map((entry) => entry.close()));
  }
}

// The runner joins session documents as an ordinary y-websocket peer with its
// service token. Peers are shared and reference-counted: a turn and a status
// change for the same session use one connection, closed after the last user
// released it and everything written has left the socket.
import { SessionDoc, sessionDocName } from '@orrery/shared';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export const RUNNER_ORIGIN = 'orrery-runner';
const SYNC_TIMEOUT_MS = 15_000;
/** A released connection stays open this long, so the next turn or status change of a busy session skips the handshake. */
const LINGER_MS = 30_000;

export interface DocPeer {
  session: SessionDoc;
  release(): Promise<void>;
}

interface Entry {
  doc: Y.Doc;
  provider: WebsocketProvider;
  users: number;
  synced: Promise<void>;
  linger: NodeJS.Timeout | null;
}

export class DocPeers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly server: { syncUrl: string; syncToken: string }) {}

  /** Joins (or shares) the session's document; resolves once it is in sync with the server. */
  async open(sessionId: string): Promise<DocPeer> {
    let entry = this.entries.get(sessionId);
    if (!entry) {
      entry = this.connect(sessionId);
      this.entries.set(sessionId, entry);
    }
    if (entry.linger) clearTimeout(entry.linger);
    entry.linger = null;
    entry.users += 1;
    const current = entry;
    try {
      await current.synced;
    } catch (error) {
      await this.releaseEntry(sessionId, current);
      throw error;
    }
    let released = false;
    return {
      session: new SessionDoc(current.doc, RUNNER_ORIGIN),
      release: async () => {
        if (released) return;
        released = true;
        await this.releaseEntry(sessionId, current);
      },
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.entries.entries()].map(async ([id, e]) => {
        if (e.linger) clearTimeout(e.linger);
        await flush(e.provider);
        e.provider.destroy();
        e.doc.destroy();
        this.entries.delete(id);
      }),
    );
  }

  private connect(sessionId: string): Entry {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(this.server.syncUrl, sessionDocName(sessionId), doc, {
      params: { token: this.server.syncToken },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 5_000,
    });
    const synced = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`could not sync session ${sessionId} with the server within ${SYNC_TIMEOUT_MS / 1000} s`),
        );
      }, SYNC_TIMEOUT_MS);
      provider.on('sync', (isSynced: boolean) => {
        if (!isSynced) return;
        clearTimeout(timer);
        resolve();
      });
      provider.on('closed', (event: { code: number; reason: string }) => {
        clearTimeout(timer);
        reject(new Error(`the server refused session ${sessionId} (${event.code} ${event.reason})`));
        // Refused for good (deleted, access revoked): the next open starts afresh.
        if (this.entries.get(sessionId) === entry) this.entries.delete(sessionId);
        if (entry.linger) clearTimeout(entry.linger);
        if (entry.users === 0) {
          provider.destroy();
          doc.destroy();
        }
      });
    });
    // Rejections are delivered to whoever awaits `synced`; never unhandled.
    synced.catch(() => undefined);
    const entry: Entry = { doc, provider, users: 0, synced, linger: null };
    return entry;
  }

  private async releaseEntry(sessionId: string, entry: Entry): Promise<void> {
    entry.users -= 1;
    if (entry.users > 0) return;
    await flush(entry.provider);
    if (entry.users > 0 || entry.linger) return;
    entry.linger = setTimeout(() => {
      if (entry.users > 0) return;
      this.entries.delete(sessionId);
      entry.provider.destroy();
      entry.doc.destroy();
    }, LINGER_MS);
    entry.linger.unref();
  }
}

/** Waits until what was written has been handed to the network (or the socket is gone). */
async function flush(provider: WebsocketProvider, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ws = provider.ws as unknown as { bufferedAmount?: number; readyState?: number } | null;
    if (!ws || ws.readyState !== 1 || !ws.bufferedAmount || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

// A room's presence (awareness): which socket speaks for which client id, so
// that no socket overwrites or removes another's; what read-only sockets and
// oversized states may not set (awareness-filter.ts); and, with several
// instances, the states other instances' sockets set, which are relayed here
// and never published back.
import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { admitAwareness } from './awareness-filter.js';
import { awarenessFrame } from './protocol.js';
import type { Conn } from './room.js';

/** The origin of what came from another instance. */
const REMOTE = Symbol('remote');

export interface PresenceDeps {
  /** Largest state kept per client, in bytes of JSON. */
  maxStateBytes: number;
  /** Sends a frame to every socket of the room. */
  broadcast(frame: Uint8Array): void;
  /** Tells the other instances of a change made here (ephemeral: no order, no retry). */
  publish?(update: Uint8Array): void;
}

export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly owners = new Map<number, Conn>();
  /** Awareness ids another instance's sockets speak for. */
  private readonly remoteIds = new Set<number>();

  constructor(
    doc: Y.Doc,
    private readonly deps: PresenceDeps,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.relay);
  }

  /** Every state known, for a socket that joins or asks; null when there is none. */
  everyone(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length ? awarenessFrame(this.awareness, ids) : null;
  }

  leave(conn: Conn): void {
    if (conn.controlled.size)
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.controlled], null);
    for (const id of conn.controlled) if (this.owners.get(id) === conn) this.owners.delete(id);
  }

  /** Presence from read-only sockets is not relayed; others' is bounded per client. Throws on bytes that do not decode. */
  receive(conn: Conn, update: Uint8Array): void {
    if (conn.access === 'read-only') return;
    const admitted = admitAwareness(update, {
      maxStateBytes: this.deps.maxStateBytes,
      own: conn.controlled,
      takenByOther: (id) => {
        if (this.remoteIds.has(id)) return true;
        const owner = this.owners.get(id);
        return owner !== undefined && owner !== conn;
      },
    });
    if (admitted) awarenessProtocol.applyAwarenessUpdate(this.awareness, admitted, conn);
  }

  /** Presence from another instance's sockets (admitted there). */
  receiveRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
  }

  /** The states this instance's sockets set, for another instance that just loaded the document. */
  local(): Uint8Array | null {
    const ids = [...this.owners.keys()];
    return ids.length ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  private readonly relay = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    const changed = [...added, ...updated, ...removed];
    const conn = origin && typeof origin === 'object' && 'controlled' in origin ? (origin as Conn) : null;
    if (origin === REMOTE) {
      for (const id of [...added, ...updated]) this.remoteIds.add(id);
      for (const id of removed) this.remoteIds.delete(id);
    } else if (conn || origin === null) {
      // A socket's own change, or its states removed as it left; each instance times out states itself.
      this.deps.publish?.(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    }
    if (conn) {
      for (const id of [...added, ...updated]) {
        conn.controlled.add(id);
        this.owners.set(id, conn);
      }
      for (const id of removed) {
        conn.controlled.delete(id);
        this.owners.delete(id);
      }
    }
    this.deps.broadcast(awarenessFrame(this.awareness, changed));
  };

  destroy(): void {
    this.awareness.off('update', this.relay);
    this.awareness.destroy();
  }
}

// One loaded Yjs document and the sockets open on it. Every accepted change
// is appended to the store before anyone else hears of it; a change that
// does not fit the document is refused and leaves nothing behind.
import * as decoding from 'lib0/decoding';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { SyncCloseCode, type DocName, type Writer } from '@orrery/shared';
import type { Principal } from '../records/accounts.js';
import type { DocAccess } from '../records/sessions.js';
import type { DocStore } from '../store/doc-store.js';
import type { Logger } from '../log.js';
import {
  MESSAGE,
  SYNC,
  awarenessFrame,
  permissionDeniedFrame,
  syncStep1Frame,
  syncStep2Frame,
  updateFrame,
} from './protocol.js';
import { Presence } from './presence.js';
import type { StorageQuota } from './quota.js';
import { Serial } from './serial.js';
import { checkUpdate, wouldChange } from './update-check.js';

export interface Conn {
  ws: WebSocket;
  principal: Principal;
  access: DocAccess;
  /** Awareness client ids this socket speaks for, removed when it closes. */
  controlled: Set<number>;
  alive: boolean;
  closed: boolean;
  tokens: number;
  refilledAt: number;
  /** Which slice of the ping interval probes this socket. */
  slot: number;
}

export interface RoomDeps {
  store: DocStore;
  log: Logger;
  /** Log entries after which the log is folded into the snapshot. */
  compactEvery: number;
  /** Largest presence (awareness) state kept per client, in bytes of JSON. */
  awarenessMaxBytes: number;
  quota: StorageQuota;
  /** Whose storage quota the document counts against. */
  ownerOf(name: string): Promise<string | null>;
  /** Called (at most once a tick) after the document changed. */
  onChanged: (room: Room) => void;
  /** Tells the other instances of an update once it is committed (sync/fanout.ts). */
  publish?(seq: number, update: Uint8Array): void;
  /** Tells the other instances of a presence change made here (ephemeral: no order, no retry). */
  publishAwareness?(update: Uint8Array): void;
}

/** Raised for frames that are not y-websocket protocol or changes that do not fit. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

const SERVER = Symbol('server');
/** The origin of what came from another instance. */
const REMOTE = Symbol('remote');

export class Room {
  // A guid of our own spares Yjs a random UUID per document (costly at thousands of rooms).
  doc: Y.Doc;
  readonly presence: Presence;
  readonly conns = new Set<Conn>();
  readonly serial = new Serial();
  /**
   * Every update through this sequence number is in `doc`. Beyond it, `ahead`
   * holds the ones applied out of order: a local append may be numbered past
   * another instance's update that has not arrived yet.
   */
  private applied = 0;
  private readonly ahead = new Set<number>();
  private logLength = 0;
  /** Bytes the store holds for this document (snapshot plus log). */
  storedBytes = 0;
  owner: string | null = null;
  private captured: Uint8Array[] = [];
  private changeScheduled = false;

  constructor(
    readonly name: string,
    readonly kind: DocName['kind'],
    readonly roots: ReadonlySet<string>,
    private readonly deps: RoomDeps,
  ) {
    this.doc = new Y.Doc({ gc: true, guid: name });
    this.presence = new Presence(this.doc, {
      maxStateBytes: deps.awarenessMaxBytes,
      broadcast: (frame) => {
        for (const conn of this.conns) send(conn, frame);
      },
      ...(deps.publishAwareness ? { publish: (update: Uint8Array) => deps.publishAwareness!(update) } : {}),
    });
  }

  async load(): Promise<void> {
    const stored = await this.deps.store.load(this.name);
    const doc = new Y.Doc({ gc: true, guid: this.name });
    if (stored.updates.length) Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
    this.attach(doc);
    this.applied = stored.seq;
    this.ahead.clear();
    this.logLength = stored.logLength;
    this.storedBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.owner = await this.deps.ownerOf(this.name);
  }

  private attach(doc: Y.Doc): void {
    this.doc = doc;
    doc.on('update', (update: Uint8Array) => this.captured.push(update));
  }

  // ── sockets ──

  join(conn: Conn): void {
    this.conns.add(conn);
    send(conn, syncStep1Frame(this.doc));
    const everyone = this.presence.everyone();
    if (everyone) send(conn, everyone);
  }

  leave(conn: Conn): void {
    this.conns.delete(conn);
    this.presence.leave(conn);
  }

  /** One frame from a socket; throws ProtocolError for anything that is not a valid frame. */
  async receive(conn: Conn, frame: Uint8Array): Promise<void> {
    if (conn.closed) return;
    const decoder = decoding.createDecoder(frame);
    const type = readUint(decoder);
    switch (type) {
      case MESSAGE.sync:
        return this.receiveSync(conn, decoder);
      case MESSAGE.awareness:
        return this.receiveAwareness(conn, readBytes(decoder));
      case MESSAGE.auth:
        return;
      case MESSAGE.queryAwareness:
        send(conn, this.presence.everyone() ?? awarenessFrame(this.presence.awareness, []));
        return;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }

  private receiveAwareness(conn: Conn, update: Uint8Array): void {
    try {
      this.presence.receive(conn, update);
    } catch (err) {
      throw new ProtocolError(`a presence (awareness) frame does not decode: ${String(err)}`);
    }
  }

  private async receiveSync(conn: Conn, decoder: decoding.Decoder): Promise<void> {
    const step = readUint(decoder);
    if (step === SYNC.step1) {
      const sv = readBytes(decoder);
      try {
        Y.decodeStateVector(sv);
      } catch {
        throw new ProtocolError('a sync step 1 frame carries a malformed state vector');
      }
      send(conn, syncStep2Frame(this.doc, sv));
      return;
    }
    if (step !== SYNC.step2 && step !== SYNC.update) throw new ProtocolError(`unknown sync step ${step}`);
    const update = readBytes(decoder);
    if (conn.access === 'read-only') {
      let changes: boolean;
      try {
        changes = wouldChange(this.doc, update);
      } catch {
        throw new ProtocolError('an update frame does not decode');
      }
      if (changes)
        send(conn, permissionDeniedFrame('This session is read-only for you; your change was not saved.'));
      return;
    }
    await this.applyFrom(conn, update);
  }

  private async applyFrom(conn: Conn, incoming: Uint8Array): Promise<void> {
    let update = incoming;
    let refusal: ReturnType<typeof checkUpdate>;
    try {
      refusal = checkUpdate(this.doc, update, this.roots, this.kind === 'session' ? writerOf(conn) : null);
    } catch {
      throw new ProtocolError('an update frame does not decode');
    }
    if (refusal?.kind === 'invalid') throw new ProtocolError(refusal.reason);
    if (refusal?.kind === 'forbidden') {
      // Applied as placeholders without content, so that the socket's later changes still fit.
      send(conn, permissionDeniedFrame(`Your change was not saved: ${refusal.reason}.`));
      update = refusal.update;
    } else if (refusal) return this.resync(conn);
    // Checked on the incoming bytes before anything is applied; an update that only deletes always passes.
    if (addsContent(update)) {
      const over = await this.deps.quota.refusal(this, update.byteLength, writerOf(conn).kind);
      if (over) throw over;
    }
    this.captured = [];
    try {
      Y.applyUpdate(this.doc, update, conn);
    } catch (err) {
      await this.reload();
      throw new ProtocolError(`an update could not be applied: ${String(err)}`);
    }
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      await this.reload();
      return this.resync(conn);
    }
    await this.persistAndBroadcast(conn, writerOf(conn).kind);
  }

  /**
   * An update that builds on changes the server has not seen is dropped, not
   * kept pending; the client is asked for everything it has that the server
   * lacks (its sync step 2 then carries the dropped change too).
   */
  private resync(conn: Conn): void {
    send(conn, syncStep1Frame(this.doc));
  }

  /** A change made by the server itself (a message sent over REST, a new session). */
  write(change: (doc: Y.Doc, origin: unknown) => void): Promise<void> {
    return this.serial.run(async () => {
      this.captured = [];
      try {
        change(this.doc, SERVER);
      } catch (error) {
        // A change that threw part-way may have left some of itself in memory; memory must equal the store.
        if (this.captured.length) await this.reload();
        throw error;
      }
      // The server writes for people (a message sent over REST): their quota applies.
      await this.persistAndBroadcast(null, 'person');
    });
  }

  private async persistAndBroadcast(sender: Conn | null, writer: Writer['kind']): Promise<void> {
    const captured = this.captured;
    this.captured = [];
    if (!captured.length) return;
    const update = captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured);
    const over = addsContent(update) ? await this.deps.quota.refusal(this, update.byteLength, writer) : null;
    if (over) {
      await this.reload();
      throw over;
    }
    // Counted as the store is asked, so a person's total read from the store meanwhile counts it once.
    this.charge(update.byteLength);
    let seq: number;
    try {
      seq = await this.deps.store.append(this.name, update);
    } catch (err) {
      // Not stored, so nobody may see it: drop it from memory too.
      this.charge(-update.byteLength);
      await this.reload();
      throw err;
    }
    this.noteApplied(seq);
    this.deps.publish?.(seq, update);
    this.logLength += 1;
    const frame = updateFrame(update);
    for (const conn of this.conns) if (conn !== sender) send(conn, frame);
    if (this.logLength >= this.deps.compactEvery) await this.compact();
    this.scheduleChanged();
  }

  private noteApplied(seq: number): void {
    if (seq <= this.applied) return;
    this.ahead.add(seq);
    while (this.ahead.delete(this.applied + 1)) this.applied += 1;
  }

  /**
   * An update another instance committed (run on `serial`). The next one in
   * sequence is applied and sent on; one seen already is ignored; after a gap
   * the room catches up from the store, which has everything committed.
   */
  async receiveRemote(seq: number, update: Uint8Array): Promise<void> {
    if (seq <= this.applied || this.ahead.has(seq)) return;
    if (seq !== this.applied + 1) return this.catchUp();
    this.applyRemote(update);
    this.charge(update.byteLength);
    this.logLength += 1;
    this.noteApplied(seq);
  }

  /** Applies what the store has past the contiguous prefix (run on `serial`). */
  async catchUp(): Promise<void> {
    const stored = await this.deps.store.loadAfter(this.name, this.applied);
    if (stored.updates.length) this.applyRemote(Y.mergeUpdates(stored.updates));
    this.logLength += stored.logLength;
    if (stored.seq > this.applied) {
      this.applied = stored.seq;
      for (const seq of this.ahead) if (seq <= this.applied) this.ahead.delete(seq);
      while (this.ahead.delete(this.applied + 1)) this.applied += 1;
    }
  }

  /** Sends local sockets what an update changed here (nothing when this room had it all). */
  private applyRemote(update: Uint8Array): void {
    this.captured = [];
    Y.applyUpdate(this.doc, update, REMOTE);
    const captured = this.captured;
    this.captured = [];
    if (!captured.length) return;
    const frame = updateFrame(captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured));
    for (const conn of this.conns) send(conn, frame);
    this.scheduleChanged();
  }

  private scheduleChanged(): void {
    if (this.changeScheduled) return;
    this.changeScheduled = true;
    setImmediate(() => {
      this.changeScheduled = false;
      this.deps.onChanged(this);
    });
  }

  private async reload(): Promise<void> {
    this.deps.log.warn(`sync: ${this.name}: refused a change; reloading the document from the store`);
    this.captured = [];
    await this.load();
  }

  /**
   * Folds the log into one snapshot, in one transaction. Only through the
   * contiguous prefix this room applied: several instances may fold the same
   * document, and none may drop from the log an update it has not got (the
   * snapshot may hold more, harmlessly: Yjs updates are idempotent). The
   * store never moves a snapshot back, so whichever instance folded furthest
   * wins; no lease is needed.
   */
  async compact(): Promise<void> {
    if (this.logLength === 0) return;
    // Updates of others numbered before one of ours may not have come (or never will, if Redis lost
    // them): read them, so that the fold reaches our own and the log cannot grow without bound.
    if (this.ahead.size) await this.catchUp();
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    const freed = this.storedBytes - snapshot.byteLength;
    this.charge(-freed);
    try {
      await this.deps.store.compact(this.name, snapshot, this.applied);
    } catch (err) {
      this.charge(freed);
      throw err;
    }
    this.logLength = 0;
  }

  private charge(bytes: number): void {
    this.storedBytes += bytes;
    this.deps.quota.charge(this.owner, bytes);
  }

  destroy(): void {
    this.presence.destroy();
    this.doc.destroy();
  }
}

/** Whether a (v1) update carries structs, not only deletions: its first number counts their clients. */
function addsContent(update: Uint8Array): boolean {
  return update.length > 0 && update[0] !== 0;
}

function writerOf(conn: Conn): Writer {
  const p = conn.principal;
  return p.kind === 'service' ? { kind: 'runner' } : { kind: 'person', userId: p.user.id };
}

function send(conn: Conn, frame: Uint8Array): void {
  if (conn.closed || conn.ws.readyState !== 1) return;
  conn.ws.send(frame);
}

function readUint(decoder: decoding.Decoder): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError('a frame ended early');
  }
}

function readBytes(decoder: decoding.Decoder): Uint8Array {
  try {
    return decoding.readVarUint8Array(decoder);
  } catch {
    throw new ProtocolError('a frame ended early');
  }
}

export { SyncCloseCode };

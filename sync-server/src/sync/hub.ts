// The /sync endpoint: decides access before the WebSocket upgrade, keeps the
// loaded rooms, closes sockets whose access ends, and unloads a document once
// its last socket closed and its writes are flushed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { SyncCloseCode, parseDocName } from '@orrery/shared';
import type { Principal } from '../records/accounts.js';
import type { DocAccess } from '../records/sessions.js';
import type { Bus } from '../cluster/bus.js';
import type { DocStore } from '../store/doc-store.js';
import type { Logger } from '../log.js';
import { ClusterLink, type Control } from './cluster-link.js';
import type { Fanout } from './fanout.js';
import type { SyncLimits } from './limits.js';
import { QuotaError, StorageQuota } from './quota.js';
import { ProtocolError, Room, type Conn } from './room.js';
import { ROOTS } from './update-check.js';
import { bearer, refuse, safeDecode, toBytes } from './wire.js';

export { DEFAULT_SYNC_LIMITS, type SyncLimits } from './limits.js';

/** The ping interval is spread over this many ticks. */
const PING_SLICES = 30;

export interface SyncHubDeps {
  store: DocStore;
  log: Logger;
  limits: SyncLimits;
  /** Who a token speaks for (null: unknown, expired or revoked). */
  resolve(token: string): Promise<Principal | null>;
  /** How the principal may use the named document, null when not at all. */
  access(principal: Principal, docName: string): Promise<DocAccess | null>;
  /** The clock tokens expire by. */
  clock: () => number;
  /** Whether the token behind a live socket is still valid. */
  tokenLive(tokenId: string): Promise<boolean>;
  /** After a document changed (at most once a tick per document). */
  onChanged(name: string, doc: Y.Doc): void;
  /** Whose storage quota a document counts against. */
  ownerOf(name: string): Promise<string | null>;
  /** Every document of a person, for their storage total. */
  docsOf(userId: string): Promise<string[]>;
  /** Control events and presence to the other instances (cluster/bus.ts); none in one process. */
  bus?: Bus;
  /** Document updates to and from the other instances (sync/fanout.ts); none in one process. */
  fanout?: Fanout;
}

interface HeldRoom extends Room {
  holds: number;
  ready: Promise<void>;
  gone: boolean;
}

export class SyncHub {
  private readonly rooms = new Map<string, HeldRoom>();
  private readonly conns = new Set<Conn>();
  private readonly wss: WebSocketServer;
  private readonly pinger: NodeJS.Timeout;
  private pingTick = 0;
  private nextSlot = 0;
  private readonly quota: StorageQuota;
  private readonly link: ClusterLink;

  constructor(private readonly deps: SyncHubDeps) {
    this.quota = new StorageQuota({
      store: deps.store,
      limits: deps.limits,
      ownerOf: (name) => deps.ownerOf(name),
      docsOf: (userId) => deps.docsOf(userId),
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.pinger = setInterval(() => this.ping(), Math.max(1, deps.limits.pingIntervalMs / PING_SLICES));
    this.pinger.unref();
    this.link = new ClusterLink(deps, {
      entry: ({ name, seq, update }) => this.onRoom(name, (room) => room.receiveRemote(seq, update)),
      resync: () => {
        for (const name of this.rooms.keys()) this.onRoom(name, (room) => room.catchUp());
      },
      control: (control) => this.control(control),
      awareness: (name, update) => this.onRoom(name, async (room) => room.presence.receiveRemote(update)),
      awarenessWanted: (name) =>
        this.onRoom(name, async (room) => {
          const update = room.presence.local();
          if (update) this.link.publishAwareness(name, update);
        }),
    });
  }

  // ── other instances ──

  /** Runs `task` on the loaded room in its order, if the document is loaded here. */
  private onRoom(name: string, task: (room: HeldRoom) => Promise<void>): void {
    const room = this.rooms.get(name);
    if (!room || room.gone) return;
    room.ready
      .then(() => room.serial.run(() => (room.gone ? undefined : task(room))))
      .catch((err: unknown) =>
        this.deps.log.error(`sync: ${name}: could not apply another instance's update: ${String(err)}`),
      );
  }

  /** Does here what another instance asked; the sender did it itself already. */
  private control(control: Control): void {
    switch (control.kind) {
      case 'recheck':
        return void this.recheckHere(control.name).catch((err: unknown) =>
          this.deps.log.error(`sync: ${control.name}: could not recheck access: ${String(err)}`),
        );
      case 'close-token':
        return this.closeTokenHere(control.tokenId);
      case 'remove':
        return void this.drop(control.name, 'this document was deleted').catch((err: unknown) =>
          this.deps.log.error(`sync: ${control.name}: could not close: ${String(err)}`),
        );
      case 'owners-changed':
        return this.quota.forgetAll();
    }
  }

  // ── upgrade ──

  /** For the node server's 'upgrade' event. Refuses with an HTTP status before any WebSocket exists. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.upgrade(req, socket, head).catch((err: unknown) => {
      this.deps.log.error(`sync: could not check access before an upgrade: ${String(err)}`);
      refuse(socket, 503, 'unavailable', 'The server could not check your access; try again shortly.');
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/sync/')) return refuse(socket, 404, 'not_found', 'Nothing to sync here.');
    const name = safeDecode(url.pathname.slice('/sync/'.length));
    if (!name || !parseDocName(name)) {
      return refuse(socket, 404, 'not_found', 'Sync paths look like /sync/session/<id> or /sync/user/<id>.');
    }
    const token = url.searchParams.get('token') ?? bearer(req.headers.authorization);
    const principal = token ? await this.deps.resolve(token) : null;
    if (!principal)
      return refuse(socket, 401, 'unauthenticated', 'Sign in: add ?token=<your token> to the URL.');
    const access = await this.deps.access(principal, name);
    if (!access) return refuse(socket, 403, 'forbidden', `You may not open ${name}.`);
    // The client may have given up while its access was read.
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, name, principal, access));
  }

  private connect(ws: WebSocket, name: string, principal: Principal, access: DocAccess): void {
    const { ratePerSecond, burst } = this.deps.limits;
    const conn: Conn = {
      ws,
      principal,
      access,
      controlled: new Set(),
      alive: true,
      closed: false,
      tokens: burst,
      refilledAt: Date.now(),
      slot: (this.nextSlot = (this.nextSlot + 1) % PING_SLICES),
    };
    this.conns.add(conn);
    let room: HeldRoom | null = null;
    let early: Uint8Array[] | null = [];
    const dispatch = (r: HeldRoom, frame: Uint8Array) =>
      void r.serial.run(() => this.receive(r, conn, frame));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (conn.closed) return;
      if (!this.takeToken(conn, ratePerSecond, burst)) {
        return this.closeConn(conn, SyncCloseCode.rateLimited, 'too many messages; slow down and reconnect');
      }
      if (!isBinary)
        return this.closeConn(conn, SyncCloseCode.protocolError, 'y-websocket frames are binary');
      const frame = toBytes(data);
      if (room) dispatch(room, frame);
      else early?.push(frame);
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (err) => this.deps.log.warn(`sync: ${name}: socket error: ${err.message}`));
    ws.on('close', () => {
      conn.closed = true;
      this.conns.delete(conn);
      if (room) {
        room.leave(conn);
        this.releaseIfIdle(room);
      }
    });
    this.acquire(name).then(
      (r) => {
        r.holds -= 1;
        if (conn.closed) return this.releaseIfIdle(r);
        room = r;
        r.join(conn);
        const frames = early ?? [];
        early = null;
        for (const frame of frames) dispatch(r, frame);
      },
      (err: unknown) => {
        this.deps.log.error(`sync: ${name}: could not load: ${String(err)}`);
        this.closeConn(conn, 1011, 'the document could not be loaded');
      },
    );
  }

  private async receive(room: Room, conn: Conn, frame: Uint8Array): Promise<void> {
    try {
      await room.receive(conn, frame);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.deps.log.warn(`sync: ${room.name}: closing a socket: ${err.message}`);
        this.closeConn(conn, SyncCloseCode.protocolError, err.message);
      } else if (err instanceof QuotaError) {
        this.deps.log.info(`sync: ${room.name}: refused a change over the storage quota: ${err.closeReason}`);
        this.closeConn(conn, SyncCloseCode.quotaExceeded, err.closeReason);
      } else {
        this.deps.log.error(`sync: ${room.name}: ${String(err)}`);
        this.closeConn(conn, 1011, 'the server could not store a change');
      }
    }
  }

  private takeToken(conn: Conn, rate: number, burst: number): boolean {
    const now = Date.now();
    conn.tokens = Math.min(burst, conn.tokens + ((now - conn.refilledAt) * rate) / 1000);
    conn.refilledAt = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  private closeConn(conn: Conn, code: number, reason: string): void {
    if (conn.closed) return;
    conn.closed = true;
    // Close reasons are limited to 123 bytes.
    conn.ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
  }

  /**
   * Probes one slice of the sockets per tick, so that thousands of sockets do
   * not all get their ping (and expiry check) in the same moment.
   */
  private ping(): void {
    this.pingTick = (this.pingTick + 1) % PING_SLICES;
    const now = this.deps.clock();
    for (const conn of this.conns) {
      if (conn.slot !== this.pingTick) continue;
      // Tokens expire while sockets stay open; the probe is where that is noticed.
      const { expiresAt } = conn.principal;
      if (expiresAt !== null && expiresAt <= now) {
        this.closeConn(conn, SyncCloseCode.accessRevoked, 'your sign-in expired');
        continue;
      }
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  // ── rooms ──

  /** The loaded room, loading it if needed; the caller holds it until it calls releaseIfIdle (holds -= 1 first). */
  private acquire(name: string): Promise<HeldRoom> {
    const existing = this.rooms.get(name);
    if (existing) {
      existing.holds += 1;
      return existing.ready.then(() => existing);
    }
    const kind = parseDocName(name)!.kind;
    const room = new Room(name, kind, ROOTS[kind], {
      store: this.deps.store,
      log: this.deps.log,
      compactEvery: this.deps.limits.compactEvery,
      awarenessMaxBytes: this.deps.limits.awarenessMaxBytes,
      quota: this.quota,
      ownerOf: (n) => this.deps.ownerOf(n),
      onChanged: (r) => this.deps.onChanged(r.name, r.doc),
      ...(this.link.fansOut
        ? {
            publish: (seq, update) => this.link.publishUpdate(name, seq, update),
            publishAwareness: (update) => this.link.publishAwareness(name, update),
          }
        : {}),
    }) as HeldRoom;
    room.holds = 1;
    room.gone = false;
    room.ready = room.load();
    if (this.link.fansOut)
      void room.ready.then(
        () => this.link.askAwareness(name),
        () => {},
      );
    this.rooms.set(name, room);
    return room.ready.then(
      () => room,
      (err: unknown) => {
        this.rooms.delete(name);
        throw err;
      },
    );
  }

  private releaseIfIdle(room: HeldRoom): void {
    if (room.conns.size || room.holds > 0 || room.gone) return;
    room.serial
      .run(async () => {
        if (room.conns.size || room.holds > 0 || room.gone) return;
        await room.compact();
        if (room.conns.size || room.holds > 0 || room.gone) return;
        room.gone = true;
        if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
        room.destroy();
      })
      .catch((err: unknown) => this.deps.log.error(`sync: ${room.name}: could not unload: ${String(err)}`));
  }

  /** Runs a server-side change on a document (loaded for the purpose when needed), durably. */
  async write(name: string, change: (doc: Y.Doc, origin: unknown) => void): Promise<void> {
    const room = await this.acquire(name);
    try {
      await room.write(change);
    } finally {
      room.holds -= 1;
      this.releaseIfIdle(room);
    }
  }

  /** Reads a document (loaded for the purpose when needed). */
  async read<T>(name: string, reader: (doc: Y.Doc) => T): Promise<T> {
    const room = await this.acquire(name);
    try {
      let result!: T;
      await room.serial.run(() => {
        result = reader(room.doc);
      });
      return result;
    } finally {
      room.holds -= 1;
      this.releaseIfIdle(room);
    }
  }

  /** What a peer with this state vector is missing, without loading the document into a room. */
  async missing(name: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const room = this.rooms.get(name);
    if (room && !room.gone) {
      await room.ready;
      return Y.encodeStateAsUpdate(room.doc, stateVector);
    }
    const stored = await this.deps.store.load(name);
    if (!stored.updates.length) return Y.encodeStateAsUpdate(new Y.Doc(), stateVector);
    return Y.diffUpdate(Y.mergeUpdates(stored.updates), stateVector);
  }

  isLoaded(name: string): boolean {
    return this.rooms.has(name);
  }

  connectionCount(name?: string): number {
    return name === undefined ? this.conns.size : (this.rooms.get(name)?.conns.size ?? 0);
  }

  // ── access changes ──

  /** Closes sockets on the document whose access ended, on every instance; downgrades the rest when needed. */
  async recheck(name: string): Promise<void> {
    this.link.tell({ kind: 'recheck', name });
    await this.recheckHere(name);
  }

  private async recheckHere(name: string): Promise<void> {
    const room = this.rooms.get(name);
    if (!room) return;
    for (const conn of [...room.conns]) {
      const access = (await this.deps.tokenLive(conn.principal.tokenId))
        ? await this.deps.access(conn.principal, name)
        : null;
      if (conn.closed) continue;
      if (!access) this.closeConn(conn, SyncCloseCode.accessRevoked, 'your access to this document ended');
      else conn.access = access;
    }
  }

  /** Closes every socket opened with that token (signed out, service token revoked), on every instance. */
  closeToken(tokenId: string): void {
    this.link.tell({ kind: 'close-token', tokenId });
    this.closeTokenHere(tokenId);
  }

  private closeTokenHere(tokenId: string): void {
    for (const conn of [...this.conns]) {
      if (conn.principal.tokenId === tokenId) this.closeConn(conn, SyncCloseCode.accessRevoked, 'signed out');
    }
  }

  /** Documents changed owner (sessions given to someone else): storage totals are read afresh. */
  ownersChanged(): void {
    this.link.tell({ kind: 'owners-changed' });
    this.quota.forgetAll();
  }

  /** The document was deleted: close its sockets and forget it, on every instance. */
  async remove(name: string): Promise<void> {
    await this.drop(name, 'this document was deleted');
    await this.deps.store.remove(name);
    this.link.tell({ kind: 'remove', name });
    // Its owner may be gone with it: everyone's total is read afresh when next needed.
    this.quota.forgetAll();
  }

  /** Closes the document's sockets here and unloads it without storing anything. */
  private async drop(name: string, reason: string): Promise<void> {
    const room = this.rooms.get(name);
    if (!room) return;
    for (const conn of [...room.conns]) this.closeConn(conn, SyncCloseCode.accessRevoked, reason);
    room.gone = true;
    this.rooms.delete(name);
    await room.serial.drained();
    room.destroy();
  }

  /** Shutdown: flush every room into its snapshot, then close the sockets. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    this.link.close();
    for (const conn of [...this.conns])
      this.closeConn(conn, SyncCloseCode.goingAway, 'the server is shutting down');
    for (const room of [...this.rooms.values()]) {
      await room.serial
        .run(() => room.compact())
        .catch((err: unknown) => this.deps.log.error(`sync: ${room.name}: could not flush: ${String(err)}`));
    }
    for (const conn of [...this.conns]) conn.ws.terminate();
    this.wss.close();
  }
}

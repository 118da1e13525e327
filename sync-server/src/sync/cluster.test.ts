// Two sync hubs, as two instances would run them: each with its own
// connections to one PostgreSQL database and one Redis, its own HTTP server,
// and the official y-websocket client on either. Who may open what is decided
// by the access functions the hub takes (the records are other tests' work).
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SyncCloseCode, UserDoc, userDocName } from '@orrery/shared';
import { redisBus, type Bus } from '../cluster/bus.js';
import { silentLogger } from '../log.js';
import type { Principal } from '../records/accounts.js';
import type { DocAccess } from '../records/sessions.js';
import { openDatabase, type Database } from '../store/database.js';
import { PostgresDocStore } from '../store/postgres-doc-store.js';
import { testPostgres } from '../testing/engines.js';
import { startRedis, type RedisServer } from '../testing/redis.js';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.js';
import { closeCode, connect, synced, waitFor } from '../test-support.js';
import { redisFanout, type Fanout, type RedisFanoutOptions } from './fanout.js';
import { awarenessFrame } from './protocol.js';
import { DEFAULT_SYNC_LIMITS, SyncHub } from './hub.js';

/** What the records would say: tokens that are live, and what each may do with a document. */
const tokens = new Map<string, DocAccess>();

const principal = (token: string): Principal => ({
  kind: 'service',
  tokenId: token,
  orgId: 'org',
  expiresAt: null,
  name: token,
});

interface Instance {
  hub: SyncHub;
  database: Database;
  store: PostgresDocStore;
  wsUrl: string;
  close(): Promise<void>;
}

let redis: RedisServer;
let dbUrl: string;
const instances: Instance[] = [];
const providers: WebsocketProvider[] = [];

async function startInstance(
  options: { redisUrl?: string; fanout?: RedisFanoutOptions; compactEvery?: number } = {},
): Promise<Instance> {
  const redisUrl = options.redisUrl ?? redis.url;
  const database: Database = await openDatabase({ url: dbUrl, file: '' });
  const store = new PostgresDocStore(database.db);
  const bus: Bus = redisBus(redisUrl, silentLogger, 'orrery-test:');
  const fanout: Fanout = redisFanout(
    redisUrl,
    process.env.D1_DEBUG
      ? { ...silentLogger, info: console.log, warn: console.log, error: console.log }
      : silentLogger,
    options.fanout,
  );
  const hub = new SyncHub({
    store,
    log: silentLogger,
    limits: { ...DEFAULT_SYNC_LIMITS, compactEvery: options.compactEvery ?? 50, burst: 5000 },
    resolve: async (token) => (tokens.has(token) ? principal(token) : null),
    access: async (p) => tokens.get(p.tokenId) ?? null,
    clock: Date.now,
    tokenLive: async (id) => tokens.has(id),
    onChanged: () => {},
    ownerOf: async () => null,
    docsOf: async () => [],
    bus,
    fanout,
  });
  const server: Server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const instance: Instance = {
    hub,
    database,
    store,
    wsUrl: `ws://127.0.0.1:${address.port}/sync`,
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fanout.close();
      await bus.close();
      await database.close();
    },
  };
  instances.push(instance);
  return instance;
}

const open = (instance: Instance, name: string, token: string) => {
  const provider = connect(instance, name, token);
  providers.push(provider);
  return provider;
};

const drafts = (doc: Y.Doc) => Object.keys(new UserDoc(doc).snapshot().drafts).length;

async function storedDoc(store: PostgresDocStore, name: string): Promise<Y.Doc> {
  const stored = await store.load(name);
  const doc = new Y.Doc();
  if (stored.updates.length) Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
  return doc;
}

async function storedDrafts(store: PostgresDocStore, name: string): Promise<number> {
  return drafts(await storedDoc(store, name));
}

async function waitForStored(store: PostgresDocStore, name: string, key: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (new UserDoc(await storedDoc(store, name)).draft(key)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${key} was never stored`);
}

/** Edits one at a time, letting the socket send between them, as a person typing would. */
async function edit(doc: Y.Doc, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    new UserDoc(doc).setDraft(`${prefix}${i}`, `${prefix} ${i}`);
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
}

/** Records whether the client ever held an update it could not place (a gap or a reordering). */
function watchGaps(doc: Y.Doc): { pendingSeen: boolean } {
  const seen = { pendingSeen: false };
  doc.on('afterTransaction', () => {
    if (doc.store.pendingStructs || doc.store.pendingDs) seen.pendingSeen = true;
  });
  return seen;
}

let counter = 0;
const freshDoc = () => userDocName(`doc${(counter += 1)}`);

beforeAll(async () => {
  redis = await startRedis();
  dbUrl = await (await testPostgres()).createDatabase();
  tokens.set('writer', 'read-write');
  tokens.set('writer2', 'read-write');
  tokens.set('viewer', 'read-only');
}, 60_000);

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  for (const i of instances.splice(0)) await i.close();
});

afterAll(async () => {
  await redis?.stop();
});

describe('documents across two instances', () => {
  it('a client on A and one on B converge on 1,000 concurrent edits, and the database holds them all', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    const onA = open(a, name, 'writer');
    const onB = open(b, name, 'writer2');
    await Promise.all([synced(onA), synced(onB)]);
    await Promise.all([edit(onA.doc, 'a', 500), edit(onB.doc, 'b', 500)]);
    await waitFor(() => drafts(onA.doc) === 1000 && drafts(onB.doc) === 1000, 30_000, '1,000 edits on both');
    expect(new UserDoc(onA.doc).snapshot()).toEqual(new UserDoc(onB.doc).snapshot());

    // Both folded the log along the way (every 50 updates) and again on unloading.
    onA.destroy();
    onB.destroy();
    await waitFor(() => !a.hub.isLoaded(name) && !b.hub.isLoaded(name), 10_000, 'both rooms to unload');
    expect(await storedDrafts(a.store, name)).toBe(1000);
  }, 60_000);

  it('an update written through A reaches the client on B in order, without gaps', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    const writer = open(a, name, 'writer');
    const reader = open(b, name, 'viewer');
    await Promise.all([synced(writer), synced(reader)]);
    const gaps = watchGaps(reader.doc);
    await edit(writer.doc, 'w', 300);
    await waitFor(() => drafts(reader.doc) === 300, 20_000, 'the reader to get 300 edits');
    expect(gaps.pendingSeen).toBe(false);
  }, 60_000);

  it('loses no update when Redis restarts mid-stream, and fan-out resumes', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    const writer = open(a, name, 'writer');
    const reader = open(b, name, 'viewer');
    await Promise.all([synced(writer), synced(reader)]);
    const writing = edit(writer.doc, 'w', 400);
    await waitFor(() => drafts(reader.doc) >= 50, 20_000, 'the first edits');
    await redis.restart();
    await writing;
    await waitFor(() => drafts(reader.doc) === 400, 20_000, 'every edit on the reader');

    // Only the stream brings this one: nothing else makes B look at the database.
    await new Promise((r) => setTimeout(r, 500));
    new UserDoc(writer.doc).setDraft('after', 'the restart');
    await waitFor(() => new UserDoc(reader.doc).draft('after') === 'the restart', 10_000, 'the edit after');
  }, 60_000);

  it('an instance whose stream entries were trimmed before it read them catches up from the database', async () => {
    const proxy: TcpProxy = await startTcpProxy(redis.url);
    try {
      const fanout = { stream: 'orrery:trim-test', maxLength: 5, exactTrim: true };
      const a = await startInstance({ fanout });
      const b = await startInstance({ fanout, redisUrl: proxy.url });
      const name = freshDoc();
      const writer = open(a, name, 'writer');
      const reader = open(b, name, 'viewer');
      await Promise.all([synced(writer), synced(reader)]);
      const gaps = watchGaps(reader.doc);
      proxy.hold();
      await edit(writer.doc, 'w', 60);
      // Every edit is committed and in the stream, which kept only the last 5.
      for (let i = 0; i < 200 && (await storedDrafts(a.store, name)) < 60; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      const peek = new Redis(redis.url);
      expect(await peek.xlen('orrery:trim-test')).toBeLessThanOrEqual(5);
      peek.disconnect();
      expect(drafts(reader.doc)).toBe(0);
      proxy.release();
      await waitFor(() => drafts(reader.doc) === 60, 20_000, 'the reader to catch up');
      expect(gaps.pendingSeen).toBe(false);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe('compaction across two instances', () => {
  it("folding on B never drops from the database A's update that B had not received", async () => {
    const proxy: TcpProxy = await startTcpProxy(redis.url);
    try {
      const a = await startInstance({ compactEvery: 1000 });
      const b = await startInstance({ compactEvery: 1, redisUrl: proxy.url });
      const name = freshDoc();
      const onA = open(a, name, 'writer');
      const onB = open(b, name, 'writer2');
      await Promise.all([synced(onA), synced(onB)]);
      proxy.hold();
      new UserDoc(onA.doc).setDraft('from-a', 'A');
      await waitForStored(a.store, name, 'from-a');
      // B's own update is numbered after A's, and B folds its log after every update.
      new UserDoc(onB.doc).setDraft('from-b', 'B');
      await waitForStored(a.store, name, 'from-b');
      const snapshot = async () =>
        (await a.database.db
          .selectFrom('doc_snapshots')
          .select('through_seq')
          .where('name', '=', name)
          .executeTakeFirst()) !== undefined;
      for (let i = 0; i < 200 && !(await snapshot()); i += 1) await new Promise((r) => setTimeout(r, 25));
      expect(await snapshot()).toBe(true);
      const stored = new UserDoc(await storedDoc(a.store, name)).snapshot().drafts;
      expect(stored).toEqual({ 'from-a': 'A', 'from-b': 'B' });

      proxy.release();
      await waitFor(() => new UserDoc(onB.doc).draft('from-a') === 'A', 10_000, "A's update on B");
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe('presence and access across two instances', () => {
  it("shows a writer's presence on the other instance and not a viewer's", async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    const writer = open(a, name, 'writer');
    const viewer = open(a, name, 'viewer');
    const onB = open(b, name, 'writer2');
    await Promise.all([synced(writer), synced(viewer), synced(onB)]);
    viewer.awareness.setLocalStateField('user', { name: 'Viewer' });
    writer.awareness.setLocalStateField('user', { name: 'Writer' });
    const names = () =>
      [...onB.awareness.getStates().values()].map((s) => (s.user as { name: string })?.name);
    await waitFor(() => names().includes('Writer'), 5000, "the writer's presence on B");
    expect(names()).not.toContain('Viewer');

    // Someone opening the document later on a third instance sees the writer at once, not at its next renewal.
    const c = await startInstance();
    const later = open(c, name, 'writer2');
    await synced(later);
    const laterNames = () =>
      [...later.awareness.getStates().values()].map((s) => (s.user as { name: string })?.name);
    await waitFor(() => laterNames().includes('Writer'), 5000, "the writer's presence for a later joiner");

    writer.destroy();
    await waitFor(() => !names().includes('Writer'), 5000, 'the presence to go when the writer leaves');
  }, 30_000);

  it('lets no socket on B take over the presence of a client on A', async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    const writer = open(a, name, 'writer');
    const watcher = open(a, name, 'writer2');
    await Promise.all([synced(writer), synced(watcher)]);
    writer.awareness.setLocalStateField('user', { name: 'Writer' });
    const nameOf = (id: number) => (watcher.awareness.getStates().get(id)?.user as { name?: string })?.name;
    const seenOnB = open(b, name, 'writer2');
    await waitFor(
      () =>
        (seenOnB.awareness.getStates().get(writer.doc.clientID)?.user as { name?: string })?.name ===
        'Writer',
      5000,
      "the writer's presence on B",
    );

    // A raw socket on B claims the writer's client id (with a newer clock), then sets a state of its own.
    const presence = (clientId: number, user: string, clock: number) => {
      const doc = new Y.Doc();
      doc.clientID = clientId;
      const awareness = new Awareness(doc);
      for (let i = 0; i < clock; i += 1) awareness.setLocalState({ user: { name: `${user}` } });
      return awarenessFrame(awareness, [clientId]);
    };
    const raw = new WebSocket(`${b.wsUrl}/${name}?token=writer2`);
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(presence(writer.doc.clientID, 'Forged', 20));
    const marker = writer.doc.clientID + 1;
    raw.send(presence(marker, 'Marker', 1));
    // The socket's frames are taken in order, so once its marker is on A the forgery would be too.
    await waitFor(() => nameOf(marker) === 'Marker', 5000, 'the marker on A');
    expect(nameOf(writer.doc.clientID)).toBe('Writer');
    raw.close();
  }, 30_000);

  it("revoking a token on A closes B's viewer socket with the revoked code", async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    tokens.set('doomed', 'read-only');
    const onB = open(b, name, 'doomed');
    await synced(onB);
    const closed = closeCode(onB);
    tokens.delete('doomed');
    a.hub.closeToken('doomed');
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
  }, 30_000);

  it("an access change rechecked on A closes B's socket whose access ended", async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    tokens.set('shared-with', 'read-only');
    const onB = open(b, name, 'shared-with');
    await synced(onB);
    const closed = closeCode(onB);
    tokens.delete('shared-with');
    await a.hub.recheck(name);
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
  }, 30_000);

  it("deleting a document on A closes B's sockets on it", async () => {
    const [a, b] = [await startInstance(), await startInstance()];
    const name = freshDoc();
    const onB = open(b, name, 'writer');
    await synced(onB);
    new UserDoc(onB.doc).setDraft('x', 'y');
    await waitFor(() => b.hub.isLoaded(name));
    const closed = closeCode(onB);
    await a.hub.remove(name);
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
  }, 30_000);
});

// Real parts for tests: a server on a loopback port with its SQLite file in a
// temp folder, people signed in over HTTP, and the official y-websocket client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { OrreryClient, Transport, type User } from '@orrery/shared';
import type { LoginThrottle } from './auth/login-throttle.js';
import { bootstrap } from './bootstrap.js';
import { silentLogger, type Logger } from './log.js';
import { createServices, type Services } from './services.js';
import { listen, type RunningServer } from './server.js';
import { localBus, redisBus } from './cluster/bus.js';
import { openDatabase, type Database, type Engine } from './store/database.js';
import { redisFanout } from './sync/fanout.js';
import { openTestDatabase, testEngine } from './testing/engines.js';
import { docStoreOf } from './store/doc-stores.js';
import type { SyncLimits } from './sync/hub.js';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };
export const PASSWORD = 'a long enough password';

export interface Person {
  user: User;
  token: string;
}

export interface TestServer {
  dir: string;
  database: Database;
  services: Services;
  server: RunningServer;
  url: string;
  wsUrl: string;
  orgId: string;
  admin: Person;
  /** Adds someone to the organisation (or another one) and signs them in. */
  person(name: string, options?: { orgId?: string; role?: 'admin' | 'member' }): Promise<Person>;
  serviceToken(orgId?: string): Promise<string>;
  api<T = unknown>(
    token: string | null,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** The shared typed client, as the app and the runner use it. */
  client(token: string | null): OrreryClient;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    limits?: Partial<SyncLimits>;
    dir?: string;
    clock?: () => number;
    enhanceWaitMs?: number;
    /** How long the ship and restore routes wait for a runner. */
    actionWaitMs?: number;
    trustedProxies?: string;
    /** Where the server's log goes; silent unless a test reads it. */
    log?: Logger;
    /** SQLite, or PostgreSQL; by default ORRERY_TEST_ENGINE's (testing/engines.ts). */
    engine?: Engine;
    /** A PostgreSQL database another test server uses too (a second instance), instead of a fresh one. */
    databaseUrl?: string;
    /** Control events and document updates through this Redis, as with ORRERY_REDIS_URL. */
    redisUrl?: string;
    /** Where sign-in attempts are counted (a Redis one to play several instances); this process by default. */
    loginAttempts?: LoginThrottle;
  } = {},
): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'orrery-sync-'));
  const database = options.databaseUrl
    ? await openDatabase({ url: options.databaseUrl, file: '' })
    : await openTestDatabase(options.engine ?? testEngine(), dir);
  const log = options.log ?? silentLogger;
  const bus = options.redisUrl ? redisBus(options.redisUrl, log) : localBus(log);
  const fanout = options.redisUrl ? redisFanout(options.redisUrl, log) : undefined;
  const services = createServices({
    bus,
    ...(fanout ? { fanout } : {}),
    database,
    docs: docStoreOf(database),
    dataDir: dir,
    log,
    limits: options.limits,
    clock: options.clock,
  });
  const boot = await bootstrap(
    services,
    { ORRERY_ADMIN_EMAIL: ADMIN.email, ORRERY_ADMIN_PASSWORD: ADMIN.password },
    () => {},
  );
  const server = await listen(services, {
    port: 0,
    enhanceWaitMs: options.enhanceWaitMs,
    actionWaitMs: options.actionWaitMs,
    trustedProxies: options.trustedProxies,
    loginAttempts: options.loginAttempts,
  });
  // Raw on purpose (any status, bodies the schemas would refuse), but through the shared transport.
  const api = async <T>(token: string | null, method: string, route: string, body?: unknown) => {
    const transport = new Transport({ baseUrl: server.url, token });
    const res = await transport.send(
      method,
      route,
      typeof body === 'string' ? { raw: body, contentType: 'application/json' } : { json: body },
    );
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.includes('json');
    return { status: res.status, body: (isJson && text ? JSON.parse(text) : text || null) as T };
  };
  const signIn = async (user: User) => ({
    user,
    token: (await services.accounts.issueUserToken(user)).token,
  });
  let counter = 0;
  return {
    dir,
    database,
    services,
    server,
    url: server.url,
    wsUrl: `${server.url.replace('http', 'ws')}/sync`,
    orgId: boot.orgId,
    admin: await signIn(boot.admin),
    async person(name, opts = {}) {
      counter += 1;
      const user = await services.accounts.createUser({
        orgId: opts.orgId ?? boot.orgId,
        email: `${name.toLowerCase().replace(/\W+/g, '.')}.${counter}@example.com`,
        name,
        role: opts.role ?? 'member',
        password: PASSWORD,
      });
      return signIn(user);
    },
    async serviceToken(orgId = boot.orgId) {
      return (await services.accounts.issueServiceToken(orgId, `test runner ${++counter}`)).token;
    },
    api,
    client: (token) => new OrreryClient({ baseUrl: server.url, token }),
    async close() {
      await server.close();
      await fanout?.close();
      await bus.close();
      await database.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The official y-websocket client on its own Y.Doc. */
export function connect(t: { wsUrl: string }, docName: string, token: string, doc = new Y.Doc()) {
  return new WebsocketProvider(t.wsUrl, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  });
}

export function synced(provider: WebsocketProvider, ms = 5000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not synced within ${ms} ms`)), ms);
    provider.once('sync', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** waitFor for a check that has to ask (the database, the network). */
export async function waitUntil(
  check: () => Promise<boolean>,
  ms = 5000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitFor(check: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with how a raw WebSocket upgrade ended: 'open' or the refusing HTTP status. */
export function tryUpgrade(
  t: { wsUrl: string },
  docName: string,
  token: string | null,
): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${t.wsUrl}/${docName}${token ? `?token=${token}` : ''}`);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

/** Resolves with the close code when the provider's socket closes. */
export function closeCode(provider: WebsocketProvider): Promise<number> {
  return new Promise((resolve) =>
    provider.on('connection-close', (event: unknown) =>
      resolve((event as { code?: number } | null)?.code ?? 0),
    ),
  );
}

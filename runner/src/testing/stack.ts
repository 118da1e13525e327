// The real stack for the agent's integration tests: the sync server as its
// own process (SQLite in a temp folder), runners on the real Docker engine,
// and observers that join session documents with the official client.
import {
  OrreryClient,
  SessionDoc,
  Transport,
  sessionDocName,
  type Expert,
  type SessionResponse,
  type SessionSnapshot,
} from '@orrery/shared';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { modelFactory, providersHeld, type ProviderKeys } from '../agent/models.js';
import { RunnerDaemon } from '../daemon.js';
import { changeKit } from '../changes/kit.js';
import { createShipper } from '../changes/ship.js';
import { DocPeers } from '../doc-peers.js';
import { EgressPolicy } from '../egress/policy.js';
import type { Engine } from '../environments/engines.js';
import { createEnvironmentManager, type DockerEnvironmentManager } from '../environments/index.js';
import { LABEL } from '../environments/naming.js';
import { removeScope, uniqueScope } from '../environments/test-support.js';
import { ServerClient } from '../server-client.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerProcess {
  url: string;
  dataDir: string;
  runnerToken(): string;
  api<T = unknown>(
    token: string | null,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  login(email?: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `sync-server/src/main.ts` the way `npm start` does, from sources. */
export async function startServerProcess(extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-stack-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(ROOT, 'sync-server/src/main.ts')],
    {
      env: {
        ...process.env,
        ORRERY_PORT: String(port),
        ORRERY_DATA_DIR: dataDir,
        ORRERY_ADMIN_EMAIL: ADMIN.email,
        ORRERY_ADMIN_PASSWORD: ADMIN.password,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`the server did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Raw on purpose (any status, bodies the schemas would refuse), but through the shared transport.
  const api = async <T>(token: string | null, method: string, route: string, body?: unknown) => {
    const res = await new Transport({ baseUrl: url, token }).send(
      method,
      route,
      typeof body === 'string' ? { raw: body, contentType: 'application/json' } : { json: body },
    );
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.includes('json');
    return { status: res.status, body: (isJson && text ? JSON.parse(text) : text) as T };
  };
  return {
    url,
    dataDir,
    runnerToken: () => readFileSync(path.join(dataDir, 'runner.token'), 'utf8').trim(),
    api,
    async login(email = ADMIN.email, password = ADMIN.password) {
      return (await new OrreryClient({ baseUrl: url }).auth.login({ email, password })).token;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await removeSnapshotsOf(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Snapshots are per installation, and this one is gone with its data folder: so are its images. */
async function removeSnapshotsOf(dataDir: string): Promise<void> {
  let installation: string;
  try {
    installation = readFileSync(path.join(dataDir, 'installation-id'), 'utf8').trim();
  } catch {
    return;
  }
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const images = await docker
    .listImages({ filters: { label: [`${LABEL.installation}=${installation}`] } })
    .catch(() => []);
  for (const image of images)
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => {});
}

export interface InProcessRunner {
  daemon: RunnerDaemon;
  manager: DockerEnvironmentManager;
  scope: string;
  stateDir: string;
  stop(): Promise<void>;
  /** Stops as the runner process ending would: its containers and state stay for the next runner to adopt. */
  detach(): Promise<void>;
}

/** A runner daemon in this process on the real engine, with a scope of its own. */
export async function startRunner(
  server: ServerProcess,
  options: {
    keys?: ProviderKeys;
    /** Model base URLs an administrator allows (ORRERY_MODEL_BASE_URLS), e.g. a scripted server's. */
    modelBaseUrls?: string[];
    scope?: string;
    claimWaitMs?: number;
    stateDir?: string;
    /** Another engine than the local one (its containers are then the test's to remove). */
    engine?: Engine;
    engineRetryMs?: number;
    /** Folders whose repositories may be named by path (ORRERY_LOCAL_REPOS). */
    localRepositories?: string[];
    /** Git hosts the runner may fetch from (ORRERY_GIT_HOSTS); the public forges by default. */
    gitHosts?: string[];
    /** Remote MCP servers an administrator allows (ORRERY_MCP_URLS). */
    mcpUrls?: string[];
    /** False: the manager starts (and adopts containers) but the daemon claims no work until daemon.start(). */
    claiming?: boolean;
  } = {},
): Promise<InProcessRunner> {
  const docker = options.engine?.docker ?? new Docker({ socketPath: '/var/run/docker.sock' });
  const scope = options.scope ?? uniqueScope('agent');
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'orrery-runner-state-'));
  const client = new ServerClient(server.url, server.runnerToken());
  const manager = createEnvironmentManager({
    ...(options.engine ? { engines: [options.engine] } : { docker }),
    config: {
      scope,
      stateDir,
      limits: { memoryBytes: 512 * 1024 * 1024, cpus: 1, pids: 256 },
      ...(options.localRepositories ? { localRepositories: options.localRepositories } : {}),
      ...(options.gitHosts ? { gitHosts: options.gitHosts } : {}),
      ...(options.engineRetryMs !== undefined ? { engineRetryMs: options.engineRetryMs } : {}),
    },
  });
  await manager.start();
  const peers = new DocPeers(client);
  const daemon = new RunnerDaemon({
    server: client,
    peers,
    environments: manager,
    modelFor: modelFactory(
      { maxRetries: 2, ...options.keys },
      EgressPolicy.of({ model: options.modelBaseUrls }),
    ),
    repositories: {
      localRepositories: options.localRepositories ?? [],
      egress: EgressPolicy.of({ git: options.gitHosts }),
    },
    changes: changeKit(client, createShipper({ egress: EgressPolicy.of({ git: options.gitHosts }) })),
    egress: EgressPolicy.of({ mcp: options.mcpUrls }),
    now: () => Date.now(),
    log: (m, f) => {
      if (process.env.ORRERY_TEST_LOG) console.error(m, f);
    },
    runnerId: scope,
    providers: providersHeld(options.keys ?? {}),
    concurrency: 2,
    claimWaitMs: options.claimWaitMs ?? 2_000,
  });
  if (options.claiming !== false) daemon.start();
  const detach = async () => {
    await daemon.stop();
    await manager.close();
    await peers.closeAll();
  };
  return {
    daemon,
    manager,
    scope,
    stateDir,
    detach,
    async stop() {
      await detach();
      await removeScope(docker, scope).catch(() => undefined);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The built-in Shell Expert, whose messages run as commands: what most runner journeys use. */
export async function shellExpert(server: ServerProcess, token: string): Promise<Expert> {
  const { experts } = (await server.api<{ experts: Expert[] }>(token, 'GET', '/api/experts')).body;
  const shell = experts.find((e) => e.name === 'Shell');
  if (!shell) throw new Error('the server has no built-in Shell Expert');
  return shell;
}

/** Starts a session with the Shell Expert (its first message `prompt`) and returns its id. */
export async function startShellSession(
  server: ServerProcess,
  token: string,
  prompt: string,
  options: { visibility?: 'private' | 'shared' } = {},
): Promise<string> {
  const shell = await shellExpert(server, token);
  const created = await server.api<SessionResponse>(token, 'POST', '/api/sessions', {
    expertId: shell.id,
    prompt,
    ...options,
  });
  if (created.status !== 201 && created.status !== 200) {
    throw new Error(`could not start a Shell session (${created.status}): ${JSON.stringify(created.body)}`);
  }
  return created.body.session.id;
}
/** Follows a session document as its owner's client would. */
export function watchSession(server: ServerProcess, token: string, sessionId: string) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${server.url.replace('http', 'ws')}/sync`,
    sessionDocName(sessionId),
    doc,
    {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
      disableBc: true,
    },
  );
  const session = new SessionDoc(doc);
  return {
    session,
    snapshot: (): SessionSnapshot => session.snapshot(),
    async until<T>(
      what: string,
      probe: (s: SessionSnapshot) => T | undefined | false,
      ms = 90_000,
    ): Promise<T> {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = probe(session.snapshot());
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${what}; the session has:\n${JSON.stringify(session.snapshot(), null, 1).slice(0, 4000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}

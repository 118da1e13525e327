// The runner daemon's process entry. Started by `npm start` beside the
// server, or on its own:
//   ORRERY_SERVER_URL=https://orrery.example.com ORRERY_RUNNER_TOKEN=… node runner/dist/main.js
import { readConfig } from '@orrery/shared';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { keyValues, modelFactory, providerKeysFromEnv, providersHeld } from './agent/models.js';
import { Redactor } from './environments/redact.js';
import { RunnerDaemon } from './daemon.js';
import { changeKit } from './changes/kit.js';
import { createShipper } from './changes/ship.js';
import { DocPeers } from './doc-peers.js';
import { egressListsFromEnv, EgressPolicy } from './egress/policy.js';
import {
  createEngine,
  createEnvironmentManager,
  engineConfigsFromEnv,
  type Log,
} from './environments/index.js';
import { ServerClient, ServerError } from './server-client.js';

const env = process.env;

function fail(message: string): never {
  console.error(`[runner] ${message}`);
  process.exit(1);
}

function readToken(): string {
  const direct = env.ORRERY_RUNNER_TOKEN?.trim();
  if (direct) return direct;
  const file = env.ORRERY_RUNNER_TOKEN_FILE?.trim() || path.resolve(readConfig(env).dataDir, 'runner.token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return token;
  } catch {
    // reported below
  }
  return fail(
    `no service token: set ORRERY_RUNNER_TOKEN, or ORRERY_RUNNER_TOKEN_FILE to a file holding one (looked in ${file}). An admin creates one with POST /api/service-tokens.`,
  );
}

const config = (() => {
  try {
    return readConfig(env);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
const serverUrl = (env.ORRERY_SERVER_URL?.trim() || `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
const token = readToken();
const keys = providerKeysFromEnv(env);
// Where the runner itself may connect: ORRERY_MODEL_BASE_URLS, ORRERY_GIT_HOSTS, ORRERY_MCP_URLS (see egress/policy.ts).
const egressLists = egressListsFromEnv(env);
const egress = (() => {
  try {
    return EgressPolicy.of(egressLists);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
const redactor = new Redactor([token, ...keyValues(keys)]);

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  console.log(redactor.redact(line));
}
const log: Log = {
  debug: (m, f) => {
    if (env.ORRERY_DEBUG) write('debug', m, f);
  },
  info: (m, f) => write('info', m, f),
  warn: (m, f) => write('warn', m, f),
  error: (m, f) => write('error', m, f),
};

const server = new ServerClient(serverUrl, token);
const engines = (() => {
  try {
    return engineConfigsFromEnv(env).map(createEngine);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
/**
 * The installation this runner serves, from its server (retried while the
 * server starts): containers carry it, and only its own are ever adopted or removed.
 */
async function installationOf(): Promise<string> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await server.installation();
    } catch (error) {
      if (error instanceof ServerError && (error.status === 401 || error.status === 403)) {
        return fail(`the server at ${serverUrl} refused this runner's service token (${error.message}).`);
      }
      log.warn('waiting for the server to say which installation this runner serves', {
        server: serverUrl,
        error: error instanceof Error ? error.message : String(error),
      });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
const installation = await installationOf();
const environments = createEnvironmentManager({
  engines,
  log,
  config: {
    // Unique to the installation by default, so two installs on one engine never share a scope.
    scope: env.ORRERY_RUNNER_SCOPE?.trim() || `i-${installation.slice(0, 12)}`,
    installation,
    stateDir: path.resolve(config.dataDir, 'runner'),
    gitHosts: egressLists.git,
    localRepositories: config.localRepos,
    gitKnownHostsFile: env.ORRERY_GIT_KNOWN_HOSTS?.trim() || undefined,
  },
  sessionExists: async (sessionId) => {
    try {
      await server.context(sessionId);
      return true;
    } catch (error) {
      // Only a clear "gone" removes a container; any other failure keeps it.
      return !(error instanceof ServerError && (error.status === 404 || error.status === 410));
    }
  },
});
const peers = new DocPeers(server);
const daemon = new RunnerDaemon({
  server,
  peers,
  environments,
  modelFor: modelFactory(keys, egress),
  egress,
  repositories: { localRepositories: config.localRepos, egress },
  // Pushes and pull requests go from here with the repository credentials, under the same egress rule as clones.
  changes: changeKit(
    server,
    createShipper({ egress, knownHostsFile: env.ORRERY_GIT_KNOWN_HOSTS?.trim() || undefined, log }),
  ),
  providers: providersHeld(keys),
  now: () => Date.now(),
  log: (message, fields) => log.info(message, fields),
  runnerId: env.ORRERY_RUNNER_ID?.trim() || `${hostname()}-${process.pid}`,
  concurrency: Number(env.ORRERY_RUNNER_CONCURRENCY) || 4,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  // Running turns get a moment to finish; past it the next runner marks them interrupted.
  const forced = setTimeout(() => process.exit(0), 10_000);
  forced.unref();
  await daemon.stop();
  await environments.close();
  await peers.closeAll();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await environments.start();
} catch (error) {
  // An engine that is down is retried by the manager; the daemon still takes work and reports it.
  log.warn('the Docker engine is not reachable yet', {
    error: error instanceof Error ? error.message : String(error),
  });
}
daemon.start();
log.info('runner ready', { server: serverUrl, engines: engines.length });

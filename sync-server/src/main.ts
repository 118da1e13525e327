#!/usr/bin/env node
// `npm start`: reads the configuration, opens the store under
// ORRERY_DATA_DIR, serves the API, sync and web app, writes a fresh runner
// token, and flushes everything on SIGTERM / SIGINT.
import { ConfigError, readConfig } from '@orrery/shared';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.js';
import { consoleLogger } from './log.js';
import { SecretBoxError, loadSecretsKey } from './auth/secret-box.js';
import { InstallationError, settleInstallation } from './installation.js';
import { MigrationError } from './store/migrations/index.js';
import { renewLocalRunnerToken } from './runner-token.js';
import { connectLoginThrottle } from './auth/redis-login-throttle.js';
import { createServices } from './services.js';
import { localBus, redisBus } from './cluster/bus.js';
import { listen } from './server.js';
import { startCheckpointer } from './store/checkpointer.js';
import { DatabaseUrlError, openDatabase } from './store/database.js';
import { makePrivate } from './store/private-files.js';
import { docStoreOf } from './store/doc-stores.js';
import { redisFanout } from './sync/fanout.js';
import { readSyncLimits } from './sync/limits.js';
import { TriggerScheduler } from './triggers/scheduler.js';
import { testClockFromEnv } from './triggers/test-clock.js';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const dataDir = path.resolve(config.dataDir);
  // Whatever this process creates is its owner's alone; what an older install left is tightened.
  process.umask(0o077);
  makePrivate(dataDir, (line) => console.warn(`[sync-server] ${line}`));
  const database = await openDatabase({
    url: process.env.ORRERY_DATABASE_URL,
    file: path.join(dataDir, 'orrery.sqlite'),
  });
  // SQLite's WAL is folded into the file off the event loop; PostgreSQL does its own.
  const checkpointer = database.sqlite ? startCheckpointer(database.sqlite) : null;
  const secretsKey = loadSecretsKey(dataDir, process.env.ORRERY_SECRETS_KEY);
  // Every instance on one database shares the installation id and the secrets key.
  const installationId = await settleInstallation(database.db, dataDir, secretsKey);
  const testClock = testClockFromEnv(process.env);
  const redisUrl = process.env.ORRERY_REDIS_URL?.trim();
  const bus = redisUrl ? redisBus(redisUrl, consoleLogger) : localBus(consoleLogger);
  // Document updates to and from the other instances; one process needs none.
  const fanout = redisUrl ? redisFanout(redisUrl, consoleLogger) : undefined;
  const services = createServices({
    bus,
    ...(fanout ? { fanout } : {}),
    ...(testClock ? { clock: testClock.now } : {}),
    database,
    docs: docStoreOf(database),
    dataDir,
    log: consoleLogger,
    secretsKey,
    installationId,
    limits: readSyncLimits(process.env),
  });
  const { orgId } = await bootstrap(services, process.env, (line) => console.log(`[sync-server] ${line}`));

  // A fresh token for the runner beside us on every start; our previous one (only ours) stops working.
  await renewLocalRunnerToken({
    accounts: services.accounts,
    orgId,
    dataDir,
    closeToken: (id) => services.hub.closeToken(id),
  });

  const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const webDir = process.env.ORRERY_WEB_DIR?.trim() || path.resolve(packageDir, '../desktop/dist/renderer');
  const hostname = process.env.ORRERY_HOST?.trim() || '127.0.0.1';
  // Several instances count sign-in attempts together, so the limits hold whichever instance a guess reaches.
  const signIns = redisUrl
    ? connectLoginThrottle(redisUrl, services.clock, (line) => console.warn(`[sync-server] ${line}`))
    : null;
  const server = await listen(services, {
    loginAttempts: signIns?.throttle,
    port: config.port,
    hostname,
    webDir,
    trustedProxies: process.env.ORRERY_TRUSTED_PROXIES,
  });
  console.log(`[sync-server] listening on ${server.url} (data in ${dataDir})`);
  const scheduler = new TriggerScheduler(services);
  scheduler.start();
  if (testClock) {
    await testClock.serve(() => scheduler.tick());
    console.warn('[sync-server] ORRERY_TEST_CLOCK_PORT is set: the clock can be moved forward (tests only)');
  }
  services
    .recoverTurns()
    .then(
      (n) => n && console.log(`[sync-server] queued turns for ${n} session(s) left waiting by the last stop`),
    )
    .catch((err: unknown) =>
      console.error(`[sync-server] could not check for waiting sessions: ${String(err)}`),
    );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sync-server] ${signal}: flushing documents and closing`);
    scheduler
      .stop()
      .then(() => server.close())
      .then(() => checkpointer?.stop())
      .then(() => database.close())
      .then(() => fanout?.close())
      .then(() => bus.close())
      .then(() => signIns?.close())
      .then(() => {
        process.exit(0);
      })
      .catch((err: unknown) => {
        console.error(`[sync-server] could not close cleanly: ${String(err)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(
    `[sync-server] ${err instanceof ConfigError || err instanceof SecretBoxError || err instanceof InstallationError || err instanceof DatabaseUrlError || err instanceof MigrationError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.exit(1);
});

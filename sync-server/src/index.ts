export { createApp, MAX_JSON_BYTES, type AppOptions, type OrreryApp } from './app.js';
export { bootstrap, type Bootstrapped } from './bootstrap.js';
export { createServices, type ServiceDeps, type Services } from './services.js';
export { listen, type RunningServer } from './server.js';
export { openDatabase, type Database, type Engine } from './store/database.js';
export type { DocStore, StoredDoc } from './store/doc-store.js';
export { SqliteDocStore } from './store/sqlite-doc-store.js';
export { PostgresDocStore } from './store/postgres-doc-store.js';
export { docStoreOf } from './store/doc-stores.js';
export {
  BUILT_IN_ENVIRONMENTS,
  BUILT_IN_EXPERTS,
  seedBuiltIns,
  type EnvironmentSeed,
  type ExpertSeed,
} from './seeds.js';
export { startSession, type StartSession } from './session-ops.js';
export { DEFAULT_SYNC_LIMITS, type SyncLimits } from './sync/hub.js';
export { consoleLogger, silentLogger, type Logger } from './log.js';
export { shortTitle } from './records/title.js';

// The Environment manager: session containers on Docker engines (local, TCP
// with TLS, SSH), from snapshot images built per Environment definition.
export type * from './types.js';
export { createEnvironmentManager, DockerEnvironmentManager } from './manager.js';
export type { EnvironmentManagerConfig, EnvironmentManagerDeps } from './manager.js';
export { createEngine, dockerOptionsFor, engineConfigFromEnv, engineConfigsFromEnv } from './engines.js';
export type { Engine, EngineConfig } from './engines.js';
export type { EngineLoad, PlacementRule } from './engine-pool.js';
export { EnvironmentError } from './errors.js';
export type { EnvironmentErrorCode } from './errors.js';
export { systemClock } from './clock.js';
export type { Clock, ScheduledTimer } from './clock.js';
export { ManualClock } from './manual-clock.js';
export type { Log } from './log.js';
export { silentLog } from './log.js';
export { DEFAULT_LIMITS } from './container-spec.js';
export type { ContainerLimits } from './container-spec.js';
export { snapshotHash, snapshotTag } from './naming.js';
// For the agent loop: secrets out of what the model sees, paths quoted into its commands.
export { Redactor } from './redact.js';
export { shellQuote } from './scripts.js';
// For the daemon: the sentences people read, so its notices match the manager's.
export { text as statusText } from './status-text.js';
// The Advisor reads repositories under the same rules a build does.
export { allowedLocalRepository, displayUrl, localPathOf, urlCredentials } from './repo-source.js';
// The Changes panel finds each repository in the folder the build cloned it into.
export { folderFor } from './repo-source.js';

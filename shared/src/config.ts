// Configuration by environment variables, the same names in every package.
// Pure: callers pass their environment (process.env in Node).

export const DEFAULT_PORT = 8787;
export const DEFAULT_DATA_DIR = '.orrery';

export interface OrreryConfig {
  port: number;
  /** Relative paths resolve against the working folder. */
  dataDir: string;
  /** Unset means the local engine (DOCKER_HOST's own default). */
  dockerHost: string | undefined;
  /**
   * ORRERY_LOCAL_REPOS: the folders (absolute, colon-separated) on the
   * runner's machine whose git repositories Environments may name by path or
   * file:// URL. Empty by default: local paths are refused.
   */
  localRepos: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function readConfig(env: Record<string, string | undefined>): OrreryConfig {
  return {
    port: readPort(env),
    dataDir: nonEmpty(env.ORRERY_DATA_DIR) ?? DEFAULT_DATA_DIR,
    dockerHost: nonEmpty(env.DOCKER_HOST),
    localRepos: readFolders(env, 'ORRERY_LOCAL_REPOS'),
  };
}

function readFolders(env: Record<string, string | undefined>, variable: string): string[] {
  const folders = (env[variable] ?? '')
    .split(':')
    .map((f) => f.trim())
    .filter(Boolean);
  const relative = folders.find((f) => !f.startsWith('/'));
  if (relative !== undefined) {
    throw new ConfigError(
      variable,
      `"${relative}" is not an absolute path; list folders like /srv/repos:/home/git, separated by ":"`,
    );
  }
  return folders;
}

function readPort(env: Record<string, string | undefined>): number {
  const raw = nonEmpty(env.ORRERY_PORT);
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('ORRERY_PORT', `"${raw}" is not a port number (0-65535)`);
  }
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

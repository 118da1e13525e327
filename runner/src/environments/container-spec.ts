// How a session container is created: from the snapshot, as the non-root
// user, with every capability dropped, no-new-privileges, memory, CPU and
// process limits, and an init process that reaps what commands leave behind.
import type Docker from 'dockerode';

export interface ContainerLimits {
  memoryBytes: number;
  /** Fractions allowed, e.g. 1.5. */
  cpus: number;
  pids: number;
}

export const DEFAULT_LIMITS: ContainerLimits = {
  memoryBytes: 4 * 1024 * 1024 * 1024,
  cpus: 2,
  pids: 1024,
};

export interface SessionContainerInput {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** The Environment's variables (not its secrets: those are given per command). */
  variables: Record<string, string>;
  user: string;
  workspace: string;
  /** "none" or the session's own network (session-network.ts); never one shared with others. */
  networkMode: string;
  limits: ContainerLimits;
}

/** Network modes that would put a session beside other sessions, installs or the host. */
const SHARED_NETWORKS = /^(bridge|default|host|container:.*|ns:.*)$/;

/** A process that lives as long as the container and does nothing. */
export const IDLE_COMMAND = ['sleep', 'infinity'];

export function sessionContainerSpec(input: SessionContainerInput): Docker.ContainerCreateOptions {
  if (SHARED_NETWORKS.test(input.networkMode)) {
    throw new Error(`A session container never joins the shared network "${input.networkMode}"`);
  }
  return {
    name: input.name,
    Image: input.image,
    Entrypoint: [],
    Cmd: IDLE_COMMAND,
    User: input.user,
    WorkingDir: input.workspace,
    Env: Object.entries(input.variables).map(([k, v]) => `${k}=${v}`),
    Labels: input.labels,
    Hostname: 'environment',
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      NetworkMode: input.networkMode,
      Init: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: input.limits.memoryBytes,
      MemorySwap: input.limits.memoryBytes,
      NanoCpus: Math.round(input.limits.cpus * 1e9),
      PidsLimit: input.limits.pids,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}

// How a snapshot's build container is created. The setup script runs as root
// there (it may install packages), so it keeps the capabilities package
// managers need, but otherwise gets a session container's hardening:
// no-new-privileges, the same memory, CPU and process limits, no logs kept by
// the engine, and (in snapshot.ts) a time limit. It never gets anyone's
// secrets: only the Environment's own variables reach its steps.
import type Docker from 'dockerode';
import { IDLE_COMMAND, type ContainerLimits } from './container-spec.js';

export interface BuildContainerInput {
  name: string;
  image: string;
  labels: Record<string, string>;
  networkMode: string;
  limits: ContainerLimits;
}

/**
 * Of the engine's default capabilities, the ones no package install or
 * setup script needs: raw sockets (spoofing on the network), device nodes,
 * and writing to the kernel's audit log.
 */
export const BUILD_CAP_DROP = ['NET_RAW', 'MKNOD', 'AUDIT_WRITE'];

export function buildContainerSpec(input: BuildContainerInput): Docker.ContainerCreateOptions {
  return {
    name: input.name,
    Image: input.image,
    Entrypoint: [],
    Cmd: IDLE_COMMAND,
    User: '0:0',
    WorkingDir: '/',
    Labels: input.labels,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      NetworkMode: input.networkMode,
      Init: true,
      CapDrop: BUILD_CAP_DROP,
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

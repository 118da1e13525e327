// A session container's network. Sessions never share one: "none" gives the
// container its own loopback and nothing else; "internet" gives it a bridge
// network of its own, created here, labelled, with inter-container traffic
// off, and removed with the container. What the engine enforces and what the
// runner does is in README.md ("Environment networks").
import type { EnvironmentNetwork } from '@orrery/shared';
import type Docker from 'dockerode';
import type { Engine } from './engines.js';
import { dockerMessageOf, dockerStatusOf, EnvironmentError } from './errors.js';
import { LABEL, ownedBy } from './naming.js';

export const SESSION_NETWORK_ROLE = 'session-network';

/** What the session container's spec uses, and why a session that asked for the internet has none. */
export interface SessionNetwork {
  networkMode: string;
  offline?: string;
}

export function sessionNetworkName(containerName: string): string {
  return `${containerName}-net`;
}

/**
 * The session's network, created when it asks for the internet on an engine an
 * administrator declared firewalled (ORRERY_DOCKER_INTERNET=firewalled: the
 * host drops traffic from session networks to itself and to link-local
 * addresses). Elsewhere the session runs without a network and says so.
 */
export async function prepareSessionNetwork(
  engine: Engine,
  scope: string,
  sessionId: string,
  containerName: string,
  wanted: EnvironmentNetwork | undefined,
  installation?: string,
): Promise<SessionNetwork> {
  if (wanted !== 'internet') return { networkMode: 'none' };
  if (engine.networkMode === 'none') {
    return {
      networkMode: 'none',
      offline: `It has no network access: the runner's administrator turned networks off on the Docker engine “${engine.name}” (ORRERY_DOCKER_NETWORK=none).`,
    };
  }
  if (!engine.internet) {
    return {
      networkMode: 'none',
      offline: `It has no network access: the Docker engine “${engine.name}” is not set up to keep sessions away from the host and cloud metadata addresses. An administrator can set that up and turn it on with ORRERY_DOCKER_INTERNET=firewalled (see the runner's README).`,
    };
  }
  const name = sessionNetworkName(containerName);
  const labels: Record<string, string> = {
    [LABEL.scope]: scope,
    ...(installation ? { [LABEL.installation]: installation } : {}),
    [LABEL.role]: SESSION_NETWORK_ROLE,
    [LABEL.session]: sessionId,
  };
  try {
    await engine.docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: false,
      Attachable: false,
      EnableIPv6: false,
      Labels: labels,
      Options: {
        // Nothing else on this bridge may talk to the session (there is nothing else, by design).
        'com.docker.network.bridge.enable_icc': 'false',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
      },
    });
  } catch (error) {
    if (!(await isOurs(engine.docker.getNetwork(name), labels))) {
      throw new EnvironmentError(
        'internal',
        `Could not give the session a network of its own on the Docker engine “${engine.name}”: ${dockerMessageOf(error)}. Ask an administrator to check that the engine can create bridge networks, or set the Environment's network to none.`,
        { cause: error },
      );
    }
  }
  return { networkMode: name };
}

/** Removes the session's network once its container is gone; a missing one is fine. */
export async function removeSessionNetwork(engine: Engine, containerName: string): Promise<void> {
  try {
    await engine.docker.getNetwork(sessionNetworkName(containerName)).remove();
  } catch (error) {
    if (dockerStatusOf(error) !== 404) throw error;
  }
}

/** Networks of this scope whose session has no container any more (the runner died between the two). */
export async function pruneSessionNetworks(
  engine: Engine,
  scope: string,
  keep: (sessionId: string) => boolean,
  installation?: string,
): Promise<void> {
  const networks = await engine.docker.listNetworks({
    filters: { label: ownedBy(scope, installation, `${LABEL.role}=${SESSION_NETWORK_ROLE}`) },
  });
  for (const network of networks) {
    const sessionId = network.Labels?.[LABEL.session];
    if (!sessionId || keep(sessionId)) continue;
    await engine.docker
      .getNetwork(network.Id)
      .remove()
      .catch(() => undefined);
  }
}

/** An existing network by that name is reused only when it is this session's, made by this runner scope. */
async function isOurs(network: Docker.Network, labels: Record<string, string>): Promise<boolean> {
  try {
    const info = (await network.inspect()) as { Labels?: Record<string, string> };
    return Object.entries(labels).every(([k, v]) => info.Labels?.[k] === v);
  } catch {
    return false;
  }
}

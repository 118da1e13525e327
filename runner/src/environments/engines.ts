// Docker engines: where an address comes from (DOCKER_HOST, DOCKER_CERT_PATH,
// DOCKER_TLS_VERIFY, or explicit settings), and how it becomes a dockerode
// client. Local socket by default; TCP with TLS; SSH through `docker system
// dial-stdio` on the remote host, with its host key checked against known_hosts.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { EnvironmentError } from './errors.js';
import { hostKeyVerifier } from './known-hosts.js';

export interface EngineConfig {
  /** A short name for logs, labels and placement, e.g. "local" or "gpu-1". */
  name: string;
  /** A DOCKER_HOST-style address: unix:///path, tcp://host:port or ssh://user@host[:port]. Unset: the local socket. */
  host?: string | undefined;
  /** A folder with ca.pem, cert.pem and key.pem (DOCKER_CERT_PATH). Setting it turns TLS on. */
  certPath?: string | undefined;
  /** DOCKER_TLS_VERIFY: TLS with the server's certificate checked against ca.pem. */
  tlsVerify?: boolean | undefined;
  /** SSH engines: the private key to log in with; else SSH_AUTH_SOCK's agent or ~/.ssh/id_*. */
  sshKeyPath?: string | undefined;
  /** SSH engines: the known_hosts file the host key must be in (default ~/.ssh/known_hosts). */
  sshKnownHostsPath?: string | undefined;
  /**
   * The containers' network: "none", "bridge", a network name, or "auto"
   * (the default: "bridge" when the engine has one, else "none").
   */
  networkMode?: string | undefined;
  /**
   * "firewalled": the administrator has set the engine's host to drop traffic
   * from session networks to the host itself and to link-local addresses (see
   * README.md, "Environment networks"), so sessions whose Environment asks for
   * the internet get a network of their own. Unset or "off": they get none.
   */
  internet?: 'off' | 'firewalled' | undefined;
  /** Placement skips the engine once it holds this many session containers. */
  maxContainers?: number | undefined;
}

export interface Engine {
  name: string;
  docker: Docker;
  /** Where the engine is, for messages people read (never credentials). */
  address: string;
  /** The folder its TLS files come from, to name the one that is wrong. */
  certPath?: string | undefined;
  networkMode: string;
  /** Whether sessions asking for the internet may have it here (see EngineConfig.internet). */
  internet?: boolean;
  maxContainers: number | undefined;
}

export const LOCAL_SOCKET = '/var/run/docker.sock';

/**
 * The engine the standard Docker variables describe (what the docker CLI would
 * use), named after its address unless a name is given: "local" is the local socket.
 */
export function engineConfigFromEnv(env: Record<string, string | undefined>, name?: string): EngineConfig {
  const tlsVerify = nonEmpty(env.DOCKER_TLS_VERIFY);
  const host = nonEmpty(env.DOCKER_HOST);
  return {
    name: name ?? nameForHost(host),
    host,
    certPath: nonEmpty(env.DOCKER_CERT_PATH) ?? (tlsVerify ? path.join(homedir(), '.docker') : undefined),
    tlsVerify: tlsVerify !== undefined && tlsVerify !== '0' && tlsVerify.toLowerCase() !== 'false',
    sshKeyPath: nonEmpty(env.ORRERY_DOCKER_SSH_KEY),
    sshKnownHostsPath: nonEmpty(env.ORRERY_DOCKER_SSH_KNOWN_HOSTS),
    networkMode: nonEmpty(env.ORRERY_DOCKER_NETWORK),
    internet: internetSetting(env.ORRERY_DOCKER_INTERNET, 'ORRERY_DOCKER_INTERNET'),
  };
}

/**
 * Several engines from ORRERY_ENGINES (a JSON array of EngineConfig), or the
 * one the standard Docker variables describe.
 */
export function engineConfigsFromEnv(env: Record<string, string | undefined>): EngineConfig[] {
  const raw = nonEmpty(env.ORRERY_ENGINES);
  if (!raw) return [engineConfigFromEnv(env)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new EnvironmentError('bad_request', 'ORRERY_ENGINES must be a JSON array of engines', { cause });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new EnvironmentError('bad_request', 'ORRERY_ENGINES must be a non-empty JSON array of engines');
  }
  const names = new Set<string>();
  return parsed.map((item: unknown, i) => {
    const config = item as EngineConfig;
    if (!config || typeof config.name !== 'string' || !/^[A-Za-z0-9_.-]{1,40}$/.test(config.name)) {
      throw new EnvironmentError(
        'bad_request',
        `ORRERY_ENGINES[${i}].name must be a short name (letters, digits, . _ -)`,
      );
    }
    if (names.has(config.name)) {
      throw new EnvironmentError('bad_request', `ORRERY_ENGINES has two engines named "${config.name}"`);
    }
    names.add(config.name);
    internetSetting(config.internet, `ORRERY_ENGINES[${i}].internet`);
    return config;
  });
}

/** The dockerode options for an engine; explicit in every field so the process's DOCKER_* variables cannot leak in. */
export function dockerOptionsFor(config: EngineConfig): Docker.DockerOptions & { address: string } {
  const host = config.host ?? `unix://${LOCAL_SOCKET}`;
  if (host.startsWith('unix://') || host.startsWith('/')) {
    const socketPath = host.startsWith('/') ? host : host.slice('unix://'.length) || LOCAL_SOCKET;
    return {
      socketPath,
      host: undefined,
      port: undefined,
      protocol: undefined,
      address: `unix://${socketPath}`,
    };
  }
  const url = parseUrl(host.includes('://') ? host : `tcp://${host}`, config.name);
  if (url.protocol === 'ssh:') return sshOptions(url, config);
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvironmentError(
      'bad_request',
      `Engine "${config.name}": unsupported address ${host}; use unix://, tcp:// or ssh://`,
    );
  }
  const tls = Boolean(
    config.tlsVerify || config.certPath || url.protocol === 'https:' || url.port === '2376',
  );
  const port = url.port || (tls ? '2376' : '2375');
  const address = `tcp://${url.hostname}:${port}`;
  if (!tls) return { socketPath: undefined, host: url.hostname, port, protocol: 'http', address };
  const certPath = config.certPath ?? path.join(homedir(), '.docker');
  return {
    socketPath: undefined,
    host: url.hostname,
    port,
    protocol: 'https',
    ca: readCert(certPath, 'ca.pem', config.name),
    cert: readCert(certPath, 'cert.pem', config.name),
    key: readCert(certPath, 'key.pem', config.name),
    address,
  };
}

function sshOptions(url: URL, config: EngineConfig): Docker.DockerOptions & { address: string } {
  const port = url.port || '22';
  const username = decodeURIComponent(url.username) || process.env.USER || 'root';
  const knownHosts = config.sshKnownHostsPath ?? path.join(homedir(), '.ssh', 'known_hosts');
  const sshOptions: Record<string, unknown> = {
    hostVerifier: hostKeyVerifier(knownHosts, url.hostname, Number(port)),
    readyTimeout: 15_000,
  };
  const key = config.sshKeyPath ?? defaultSshKey();
  if (key) sshOptions.privateKey = readFileSync(key);
  if (process.env.SSH_AUTH_SOCK) sshOptions.agent = process.env.SSH_AUTH_SOCK;
  return {
    socketPath: undefined,
    host: url.hostname,
    port,
    protocol: 'ssh',
    username,
    sshOptions,
    address: `ssh://${username}@${url.hostname}:${port}`,
  };
}

/** "local" for the local socket; otherwise the address people know the engine by, e.g. "build-host:2376". */
export function nameForHost(host: string | undefined): string {
  if (!host || host === `unix://${LOCAL_SOCKET}` || host === LOCAL_SOCKET) return 'local';
  try {
    const url = new URL(host.includes('://') ? host : `tcp://${host}`);
    if (url.protocol === 'unix:') return `local:${url.pathname}`;
    return url.port ? `${url.hostname}:${url.port}` : url.hostname;
  } catch {
    return host;
  }
}

export function createEngine(config: EngineConfig): Engine {
  const { address, ...options } = dockerOptionsFor(config);
  return {
    name: config.name,
    docker: new Docker(options),
    address,
    certPath: options.protocol === 'https' ? (config.certPath ?? path.join(homedir(), '.docker')) : undefined,
    networkMode: config.networkMode ?? 'auto',
    internet: config.internet === 'firewalled',
    maxContainers: config.maxContainers,
  };
}

function defaultSshKey(): string | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const candidate = path.join(homedir(), '.ssh', name);
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function readCert(dir: string, file: string, engine: string): Buffer {
  try {
    return readFileSync(path.join(dir, file));
  } catch (cause) {
    throw new EnvironmentError(
      'bad_request',
      `Engine "${engine}": cannot read ${path.join(dir, file)} for TLS; set DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem`,
      { cause },
    );
  }
}

function parseUrl(value: string, engine: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new EnvironmentError(
      'bad_request',
      `Engine "${engine}": "${value}" is not an engine address such as tcp://host:2376 or ssh://user@host`,
      { cause },
    );
  }
}

function internetSetting(value: string | undefined, where: string): 'off' | 'firewalled' | undefined {
  const v = nonEmpty(value);
  if (v === undefined || v === 'off' || v === 'firewalled') return v;
  throw new EnvironmentError(
    'bad_request',
    `${where} must be "off" or "firewalled" (after setting up the firewall the runner's README describes), not "${v}"`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

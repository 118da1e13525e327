// Issue 12 item 13: a session container must not sit on a network shared with
// other sessions or installs, nor reach the host's services or a metadata
// address. The engine here runs with --bridge=none, so sessions run with no
// network at all; the tests check that on the real engine, from inside.
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionContainerSpec, DEFAULT_LIMITS } from './container-spec.js';
import { createEngine } from './engines.js';
import { containerName } from './naming.js';
import {
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';

describe('the session container spec', () => {
  const base = {
    name: 'orrery-x-s1',
    image: 'img',
    labels: {},
    variables: {},
    user: '1000:1000',
    workspace: '/workspace',
    limits: DEFAULT_LIMITS,
  };

  it('uses the network it is given: none, or the session’s own', () => {
    expect(sessionContainerSpec({ ...base, networkMode: 'none' }).HostConfig?.NetworkMode).toBe('none');
    expect(sessionContainerSpec({ ...base, networkMode: 'orrery-x-s1-net' }).HostConfig?.NetworkMode).toBe(
      'orrery-x-s1-net',
    );
  });

  it.each(['bridge', 'default', 'host', 'container:orrery-x-other', 'ns:/proc/1/ns/net'])(
    'never joins the shared "%s"',
    (networkMode) => {
      expect(() => sessionContainerSpec({ ...base, networkMode })).toThrow(/never joins the shared network/);
    },
  );
});

let docker: Docker;
let t: TestManager;
const scope = uniqueScope('net');
let host: Server;
let hostPort: number;
let hostConnections = 0;

beforeAll(async () => {
  docker = await requireDocker();
  // What an administrator who wants "the engine's network" sets (ORRERY_DOCKER_NETWORK=bridge):
  // before, every session joined the engine's one default bridge.
  t = makeManager({ scope, engines: [createEngine({ name: 'local', networkMode: 'bridge' })] });
  await t.manager.start();
  // A service on the runner's host, on every address it has (loopback included).
  host = createServer((socket) => {
    hostConnections += 1;
    socket.end('host service\n');
  });
  await new Promise<void>((resolve) => host.listen(0, '0.0.0.0', resolve));
  hostPort = (host.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  await t?.manager.close();
  if (docker) await removeScope(docker, scope);
  await new Promise((r) => host?.close(r));
});

function hostAddresses(): string[] {
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a?.family === 'IPv4')
    .map((a) => a.address);
  return [...new Set(['127.0.0.1', ...all])];
}

async function inspectSession(sessionId: string): Promise<Docker.ContainerInspectInfo> {
  return docker.getContainer(containerName(scope, sessionId)).inspect();
}

async function interfaces(sessionId: string): Promise<string[]> {
  const res = await t.manager.exec(sessionId, { command: 'cat /proc/net/dev' });
  expect(res.exitCode).toBe(0);
  return res.stdout
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]!.trim())
    .filter(Boolean);
}

describe.each(['none', 'internet'] as const)('a session whose Environment asks for "%s"', (network) => {
  const sessionId = `net-${network}`;

  beforeAll(async () => {
    await t.manager.ensureRunning(sessionId, testDefinition({ network }));
  }, 300_000);

  it('is on no network shared with anything: its own loopback only', async () => {
    const info = await inspectSession(sessionId);
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual(['none']);
    expect(await interfaces(sessionId)).toEqual(['lo']);
  });

  it('cannot reach a service on the runner’s host, on any of its addresses, nor the metadata address', async () => {
    const before = hostConnections;
    const targets = [
      ...hostAddresses().map((a) => `${a} ${hostPort}`),
      '169.254.169.254 80',
      '169.254.170.2 80',
    ];
    // Each probe prints how it ended, so a probe that could not have worked is seen as such.
    const script = targets
      .map((target) => {
        const [addr, port] = target.split(' ');
        return `echo "${addr}:${port} $(timeout 5 bash -c 'exec 3<>/dev/tcp/${addr}/${port} && echo reached' 2>&1 | tail -1)"`;
      })
      .join('\n');
    const res = await t.manager.exec(sessionId, { command: script });
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(targets.length);
    for (const line of lines) {
      expect(line).not.toMatch(/reached/);
      // Its own loopback answers "refused" (nothing listens there); anything else has no route at all.
      expect(line).toMatch(line.startsWith('127.0.0.1:') ? /Connection refused/ : /Network is unreachable/);
    }
    expect(hostConnections).toBe(before);
  });

  if (network === 'internet') {
    it('says that it runs without network access, and why', () => {
      expect(t.manager.detail(sessionId)).toMatch(
        /no network access: the Docker engine “local” is not set up to keep sessions away from the host.*ORRERY_DOCKER_INTERNET=firewalled/,
      );
    });
  }
});

// Remote engines: a second private dockerd on TCP with TLS certificates the
// test makes, side by side with the local engine under one placement rule;
// a client certificate it does not trust; and the engine going away and
// coming back (a clear status, retries, recovery, no crash).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine, engineConfigFromEnv, type Engine } from './engines.js';
import type { EnvironmentError } from './errors.js';
import { createPrivateDockerd, loadImage, type PrivateDockerd } from './fixtures/private-dockerd.js';
import { containerName, LABEL } from './naming.js';
import {
  BASE_IMAGE,
  cleanupDir,
  dockerState,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  waitFor,
  type TestManager,
} from './test-support.js';

let local: Docker;
let remote: PrivateDockerd;
let engines: Engine[];
let t: TestManager;
const scope = uniqueScope('remote');
const made: string[] = [];
function cleanupLater(dir: string): string {
  made.push(dir);
  return dir;
}

beforeAll(async () => {
  local = await requireDocker();
  remote = await createPrivateDockerd();
  await remote.start();
  loadImage(BASE_IMAGE, remote.socket);
  const remoteEngine = createEngine(
    engineConfigFromEnv(
      {
        DOCKER_HOST: `tcp://127.0.0.1:${remote.port}`,
        DOCKER_CERT_PATH: remote.clientCerts,
        DOCKER_TLS_VERIFY: '1',
      },
      'remote',
    ),
  );
  engines = [createEngine({ name: 'local' }), remoteEngine];
  t = makeManager({ scope, engines, config: { placement: 'spread', engineRetryMs: 2_000 } });
  await t.manager.start();
}, 300_000);

afterAll(async () => {
  await t?.manager.close();
  if (local) await removeScope(local, scope);
  if (remote) {
    await removeScope(remote.local, scope).catch(() => {});
    await remote.destroy();
  }
  if (t) cleanupDir(t.stateDir);
  for (const dir of made) cleanupDir(dir);
}, 120_000);

describe('a remote engine over TCP with TLS', () => {
  it('places sessions across the local and the remote engine, and runs commands on both', async () => {
    await t.manager.ensureRunning('on-local', testDefinition());
    await t.manager.ensureRunning('on-remote', testDefinition());
    expect(t.manager.engineOf('on-local')).toBe('local');
    expect(t.manager.engineOf('on-remote')).toBe('remote');
    const r = await t.manager.exec('on-remote', { command: 'echo "over TLS as $(id -u)"' });
    expect(r.stdout).toBe('over TLS as 1000\n');
    expect(await dockerState(remote.local, containerName(scope, 'on-remote'))).toBe('running');
    expect(await dockerState(local, containerName(scope, 'on-remote'))).toBeUndefined();
  });

  async function refusedWith(certs: string, name: string): Promise<{ message: string; details: string[] }> {
    const engine = createEngine(
      engineConfigFromEnv(
        { DOCKER_HOST: `tcp://127.0.0.1:${remote.port}`, DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: '1' },
        name,
      ),
    );
    // A long retry window: a refusal must not use it.
    const other = makeManager({
      scope: uniqueScope(name),
      engines: [engine],
      config: { engineRetryMs: 120_000 },
    });
    try {
      await other.manager.start();
      const error = await other.manager.ensureRunning('x', testDefinition()).then(
        () => {
          throw new Error('the engine took a certificate it should have refused');
        },
        (e: unknown) => e as EnvironmentError,
      );
      expect(error.code).toBe('engine_refused');
      expect(other.manager.status('x')).toBe('error');
      // What admins read about the engine says the same, and not that it is retried.
      expect(other.manager.engineHealth()).toEqual([
        expect.objectContaining({ name, state: 'refused', detail: error.message }),
      ]);
      return {
        message: error.message,
        details: other.changes.filter((c) => c.sessionId === 'x').map((c) => c.detail),
      };
    } finally {
      await other.manager.close();
      cleanupDir(other.stateDir);
    }
  }

  it('refuses a client certificate the engine does not trust, saying which file to change, without retrying', async () => {
    const { message, details } = await refusedWith(remote.strangerCerts, 'stranger');
    expect(message).toBe(
      `The Docker engine “stranger” (tcp://127.0.0.1:${remote.port}) refused this runner's client certificate (${remote.strangerCerts}/cert.pem): check your TLS client certification settings. The engine must trust the CA that signed ${remote.strangerCerts}/cert.pem (its --tlscacert), and ${remote.strangerCerts}/key.pem must be that certificate's key.`,
    );
    expect(details.filter((d) => /Retrying/.test(d))).toEqual([]);
    expect(details.at(-1)).toBe(message);
  });

  it('says a server certificate from another CA is signed by unknown authority, without retrying', async () => {
    const { message, details } = await refusedWith(remote.wrongCaCerts, 'wrong-ca');
    expect(message).toContain('presented a certificate signed by unknown authority');
    expect(message).toContain(`${remote.wrongCaCerts}/ca.pem`);
    expect(message).not.toMatch(/\n|openssl|\.c:\d+/i);
    expect(details.filter((d) => /Retrying/.test(d))).toEqual([]);
  });

  it('stops at start-up with a clear message when a certificate file is missing', () => {
    const empty = cleanupLater(mkdtempSync(path.join(tmpdir(), 'orrery-nocerts-')));
    expect(() =>
      createEngine(
        engineConfigFromEnv({
          DOCKER_HOST: `tcp://127.0.0.1:${remote.port}`,
          DOCKER_CERT_PATH: empty,
          DOCKER_TLS_VERIFY: '1',
        }),
      ),
    ).toThrow(
      `Engine "127.0.0.1:${remote.port}": cannot read ${empty}/ca.pem for TLS; set DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem`,
    );
  });

  it('reports the engine going away, and recovers when it is back', async () => {
    await remote.stop();
    const down = await waitFor('the outage to be reported', () =>
      t.changes.find((c) => c.sessionId === 'on-remote' && c.status === 'error'),
    );
    expect(down.detail).toMatch(
      /^Cannot reach the Docker engine “remote” \(.+\)\. Retrying; the Environment comes back/,
    );
    // The local engine's session is not affected.
    expect(t.manager.status('on-local')).toBe('running');
    await expect(t.manager.exec('on-remote', { command: 'true' })).rejects.toMatchObject({
      code: 'engine_unavailable',
    });

    await remote.start();
    // A restarted daemon stops its containers; the manager sees that once it is back.
    await waitFor(
      'the manager to see the engine again',
      () => t.manager.status('on-remote') === 'stopped' || undefined,
      60_000,
    );
    const r = await t.manager.exec('on-remote', { command: 'echo back again' });
    expect(r.stdout).toBe('back again\n');
    expect(t.manager.status('on-remote')).toBe('running');
  });

  it('is adopted by a new runner on both engines without duplicates', async () => {
    const again = makeManager({ scope, engines, stateDir: t.stateDir });
    try {
      await again.manager.start();
      expect(again.manager.status('on-local')).toBe('running');
      expect(again.manager.status('on-remote')).toBe('running');
      expect(again.manager.engineOf('on-remote')).toBe('remote');
      const filters = { label: [`${LABEL.scope}=${scope}`] };
      expect(await local.listContainers({ all: true, filters })).toHaveLength(1);
      expect(await remote.local.listContainers({ all: true, filters })).toHaveLength(1);
    } finally {
      await again.manager.close();
    }
  });
});

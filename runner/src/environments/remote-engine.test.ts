// Remote engines: a second private dockerd on TCP with TLS certificates the
// test makes, side by side with the local engine under one placement rule;
// a client certificate it does not trust; and the engine going away and
// coming back (a clear status, retries, recovery, no crash).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, engineConfigFromEnv, type Engine } from './engines.js';
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

  it('refuses a client certificate the engine does not trust, saying which engine', async () => {
    const stranger = createEngine(
      engineConfigFromEnv(
        {
          DOCKER_HOST: `tcp://127.0.0.1:${remote.port}`,
          DOCKER_CERT_PATH: remote.strangerCerts,
          DOCKER_TLS_VERIFY: '1',
        },
        'stranger',
      ),
    );
    const other = makeManager({
      scope: uniqueScope('stranger'),
      engines: [stranger],
      config: { engineRetryMs: 500 },
    });
    try {
      await other.manager.start();
      await expect(other.manager.ensureRunning('x', testDefinition())).rejects.toMatchObject({
        code: 'engine_unavailable',
      });
      expect(other.manager.status('x')).toBe('error');
    } finally {
      await other.manager.close();
      cleanupDir(other.stateDir);
    }
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

// An engine over SSH: docker-modem runs `docker system dial-stdio` on the
// remote host. The host here is an SSH server on loopback (see
// fixtures/ssh-server.ts) whose docker CLI reaches this machine's engine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from './engines.js';
import { generateKeyPair, startSshServer, type TestSshServer } from './fixtures/ssh-server.js';
import {
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';

let docker: Docker;
let server: TestSshServer;
let t: TestManager;
const dir = mkdtempSync(path.join(tmpdir(), 'orrery-ssh-'));
const scope = uniqueScope('ssh');

beforeAll(async () => {
  docker = await requireDocker();
  const client = generateKeyPair();
  writeFileSync(path.join(dir, 'id_ed25519'), client.private, { mode: 0o600 });
  server = await startSshServer(client.public);
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${server.port} ${server.hostPublicKey}\n`);
  writeFileSync(path.join(dir, 'other_hosts'), `[127.0.0.1]:${server.port} ${generateKeyPair().public}\n`);
});

afterAll(async () => {
  await t?.manager.close();
  if (docker) await removeScope(docker, scope);
  if (t) cleanupDir(t.stateDir);
  await server?.close();
  cleanupDir(dir);
});

describe('an engine over SSH', () => {
  it('runs the Environment through the SSH connection, checking the host key', async () => {
    const engine = createEngine({
      name: 'over-ssh',
      host: `ssh://orrery@127.0.0.1:${server.port}`,
      sshKeyPath: path.join(dir, 'id_ed25519'),
      sshKnownHostsPath: path.join(dir, 'known_hosts'),
    });
    t = makeManager({ scope, engines: [engine] });
    await t.manager.start();
    await t.manager.ensureRunning('s-ssh', testDefinition());
    const r = await t.manager.exec('s-ssh', { command: 'echo "over ssh as $(id -u)"' });
    expect(r.stdout).toBe('over ssh as 1000\n');
    expect(server.refused).toEqual([]);
  });

  it('refuses a host whose key is not the one known_hosts lists', async () => {
    const engine = createEngine({
      name: 'impostor',
      host: `ssh://orrery@127.0.0.1:${server.port}`,
      sshKeyPath: path.join(dir, 'id_ed25519'),
      sshKnownHostsPath: path.join(dir, 'other_hosts'),
    });
    const other = makeManager({
      scope: uniqueScope('impostor'),
      engines: [engine],
      config: { engineRetryMs: 500 },
    });
    try {
      await other.manager.start();
      await expect(other.manager.ensureRunning('x', testDefinition())).rejects.toMatchObject({
        code: 'engine_unavailable',
      });
    } finally {
      await other.manager.close();
      cleanupDir(other.stateDir);
    }
  });
});

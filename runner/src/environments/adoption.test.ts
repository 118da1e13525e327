// A runner killed with kill -9 in the middle of a command, and started
// again: it adopts its container (no duplicate), reports the command as
// interrupted and leaves none of its processes behind. Also: containers of
// deleted sessions are removed at start.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpileEnvironments } from './fixtures/transpile.js';
import { containerName, LABEL } from './naming.js';
import {
  cleanupDir,
  dockerState,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  waitFor,
} from './test-support.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'runner-process.mjs');

interface Runner {
  child: ChildProcessWithoutNullStreams;
  messages: Record<string, unknown>[];
  send(request: Record<string, unknown>): void;
  next(type: string, match?: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

let docker: Docker;
let compiled: ReturnType<typeof transpileEnvironments>;
const scope = uniqueScope('adopt');
const stateDir = mkdtempSync(path.join(tmpdir(), 'orrery-adopt-'));
const children: ChildProcessWithoutNullStreams[] = [];

function startRunner(): Runner {
  const child = spawn(process.execPath, [fixture], {
    env: {
      ...process.env,
      ORRERY_ENV_MODULE: compiled.moduleUrl,
      ORRERY_SCOPE: scope,
      ORRERY_STATE_DIR: stateDir,
      ORRERY_DEFINITION: JSON.stringify(testDefinition()),
    },
  });
  children.push(child);
  const messages: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  createInterface({ input: child.stdout }).on('line', (line) =>
    messages.push(JSON.parse(line) as Record<string, unknown>),
  );
  return {
    child,
    messages,
    send: (request) => child.stdin.write(`${JSON.stringify(request)}\n`),
    next: (type, match = () => true) =>
      waitFor(
        `a "${type}" message from the runner process${stderr ? ` (stderr: ${stderr})` : ''}`,
        () => messages.find((m) => m.type === type && match(m)),
        120_000,
      ),
  };
}

async function processesStartingWith(prefix: string): Promise<number> {
  const exec = await docker.getContainer(containerName(scope, 's1')).exec({
    Cmd: [
      'bash',
      '-c',
      `n=0; for p in /proc/[0-9]*; do c=$(tr '\\0' ' ' < $p/cmdline 2>/dev/null); case "$c" in "${prefix}"*) n=$((n+1));; esac; done; echo $n`,
    ],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  // Skip the 8-byte frame header of the multiplexed stream.
  return Number(Buffer.concat(chunks).subarray(8).toString().trim());
}

beforeAll(async () => {
  docker = await requireDocker();
  compiled = transpileEnvironments();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await removeScope(docker, scope);
  cleanupDir(stateDir);
  compiled?.cleanup();
});

describe('a runner killed with kill -9', () => {
  it('is adopted by the next runner: one container, the command marked interrupted, its processes gone', async () => {
    const first = startRunner();
    await first.next('started');
    first.send({ op: 'ensure', session: 's1' });
    await first.next('ensured');
    const before = await docker.getContainer(containerName(scope, 's1')).inspect();
    first.send({ op: 'exec', session: 's1', id: 'tool-1', command: 'echo begun; sleep 600' });
    await first.next('stdout', (m) => m.id === 'tool-1');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(await processesStartingWith('sleep 600')).toBe(1);

    const second = startRunner();
    const started = await second.next('started');
    expect(started.interrupted).toEqual([
      {
        sessionId: 's1',
        id: 'tool-1',
        command: 'echo begun; sleep 600',
        startedAt: expect.any(Number) as number,
      },
    ]);
    second.send({ op: 'status', session: 's1' });
    expect((await second.next('status-now')).status).toBe('running');
    expect(await processesStartingWith('sleep 600')).toBe(0);

    // Asking for it twice at once still gives the one container it had.
    second.send({ op: 'ensure', session: 's1' });
    second.send({ op: 'ensure', session: 's1' });
    await waitFor(
      'both ensures',
      () => second.messages.filter((m) => m.type === 'ensured').length === 2 || undefined,
    );
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.scope}=${scope}`] },
    });
    expect(containers.map((c) => c.Id)).toEqual([before.Id]);

    second.send({ op: 'exec', session: 's1', id: 'tool-2', command: 'echo alive' });
    const done = await second.next('exec-done', (m) => m.id === 'tool-2');
    expect(done.result).toMatchObject({ stdout: 'alive\n', exitCode: 0 });
    second.child.kill('SIGKILL');
  });
});

describe('start', () => {
  it('removes the containers of sessions that no longer exist and adopts the others with their state', async () => {
    const own = uniqueScope('orphan');
    const first = makeManager({ scope: own });
    try {
      await first.manager.start();
      await first.manager.ensureRunning('kept', testDefinition());
      await first.manager.ensureRunning('deleted', testDefinition());
      await first.manager.pause('kept');
      await first.manager.close();

      const { manager } = makeManager({
        scope: own,
        stateDir: first.stateDir,
        sessionExists: async (id) => id !== 'deleted',
      });
      await manager.start();
      expect(await dockerState(docker, containerName(own, 'deleted'))).toBeUndefined();
      expect(manager.status('kept')).toBe('paused');
      expect(manager.status('deleted')).toBe('none');
      const r = await manager.exec('kept', { command: 'echo resumed' });
      expect(r.stdout).toBe('resumed\n');
      await manager.close();
    } finally {
      await removeScope(docker, own);
      cleanupDir(first.stateDir);
    }
  });
});

// A runner killed while a command runs, with another runner of the same
// scope already up (as with several runners on one engine): the runner that
// takes the session over kills every process the command started, a
// background subshell included, before it tells the user the turn was
// interrupted, so nothing of it writes to the workspace afterwards.
import type { SessionResponse } from '@orrery/shared';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_NOTICE } from '../daemon.js';
import { runScript } from '../environments/docker-exec.js';
import { containerName } from '../environments/naming.js';
import { requireDocker, uniqueScope } from '../environments/test-support.js';
import {
  type InProcessRunner,
  type ServerProcess,
  shellExpert,
  startRunner,
  startServerProcess,
  watchSession,
} from '../testing/stack.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/**
 * The subshell writes the file this long after the command started, unless
 * it is killed: well past the dead runner's lease (15 s), so the takeover
 * comes first.
 */
const LATE_WRITE_S = 40;
let docker: Docker;
let server: ServerProcess;
let second: InProcessRunner | undefined;
const stateDir = mkdtempSync(path.join(tmpdir(), 'orrery-takeover-kill-'));

beforeAll(async () => {
  docker = await requireDocker();
  server = await startServerProcess();
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Command lines of the container's processes, read through the engine, not through a runner. */
async function processes(name: string): Promise<string[]> {
  const result = await runScript(
    docker.getContainer(name),
    `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done`,
    'probe',
    [],
    '0:0',
  );
  return result.stdout.split('\n').filter(Boolean);
}

/** What is left of the interrupted command (the container's own init runs `sleep infinity`). */
async function commandsLeft(name: string): Promise<string[]> {
  const mine = ['sleep 300 ', `sleep ${LATE_WRITE_S} `];
  return (await processes(name)).filter((line) => mine.includes(line));
}

async function fileExists(name: string, file: string): Promise<boolean> {
  const result = await runScript(docker.getContainer(name), `test -e "$1"`, 'probe', [file], '0:0');
  return result.exitCode === 0;
}

describe('a runner killed while a command with a background subshell runs', () => {
  it('has the taking-over runner kill all of its processes before the interrupted notice; the late write never happens', async () => {
    const admin = await server.login();
    const shell = await shellExpert(server, admin);
    const scope = uniqueScope('takeover-kill');
    // The runner that will take over is up (and follows the engine) before the command starts, but claims nothing yet.
    second = await startRunner(server, { scope, claiming: false });
    const first = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(ROOT, 'runner/src/main.ts')],
      {
        env: {
          ...process.env,
          ORRERY_SERVER_URL: server.url,
          ORRERY_RUNNER_TOKEN: server.runnerToken(),
          ORRERY_DATA_DIR: stateDir,
          ORRERY_RUNNER_SCOPE: scope,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const created = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
      expertId: shell.id,
      prompt: `echo started; (sleep ${LATE_WRITE_S}; echo late > /workspace/late.txt) & sleep 300`,
    });
    const sessionId = created.body.session.id;
    const name = containerName(scope, sessionId);
    const watch = watchSession(server, admin, sessionId);
    try {
      await watch.until('the command to start', (s) =>
        s.transcript.some((e) => e.kind === 'agent' && e.text.includes('started')),
      );
      const startedAt = Date.now();
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      await server.api(admin, 'POST', `/api/sessions/${sessionId}/messages`, {
        text: 'echo after the takeover',
      });

      second.daemon.start();
      await watch.until(
        'the interrupted notice',
        (s) => s.transcript.find((e) => e.kind === 'notice' && e.text === INTERRUPTED_NOTICE),
        60_000,
      );
      // The notice says what was running was stopped: by the time it is written, it is.
      expect(await commandsLeft(name)).toEqual([]);

      await watch.until(
        'the answer to the queued message',
        (s) =>
          s.transcript.find((e) => e.kind === 'agent' && e.done && e.text.includes('after the takeover')),
        60_000,
      );
      // Past the moment the subshell would have written its file.
      const wait = startedAt + (LATE_WRITE_S + 3) * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      expect(await fileExists(name, '/workspace/late.txt')).toBe(false);
      expect(await commandsLeft(name)).toEqual([]);
    } finally {
      watch.close();
      if (first.exitCode === null) first.kill('SIGKILL');
    }
  });
});

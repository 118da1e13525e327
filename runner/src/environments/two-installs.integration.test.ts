// Two complete installs (a server and a runner each, with default settings)
// on one Docker engine, as two clones on one laptop would be: neither touches
// the other's containers.
import type { InstallationResponse } from '@orrery/shared';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, startShellSession, watchSession, type ServerProcess } from '../testing/stack.js';
import { LABEL } from './naming.js';
import { removeScope, requireDocker } from './test-support.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Install {
  server: ServerProcess;
  runner: ChildProcess;
  runnerData: string;
  installation: string;
}

let docker: Docker;
const installs: Install[] = [];

/** A server and a runner as `npm start` runs them: nothing set but where the server is. */
async function startInstall(): Promise<Install> {
  const server = await startServerProcess();
  const runnerData = mkdtempSync(path.join(tmpdir(), 'orrery-install-runner-'));
  const token = server.runnerToken();
  const runner = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', path.join(ROOT, 'runner/src/main.ts')],
    {
      env: {
        ...process.env,
        ORRERY_RUNNER_SCOPE: '',
        ORRERY_SERVER_URL: server.url,
        ORRERY_RUNNER_TOKEN: token,
        ORRERY_DATA_DIR: runnerData,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const installation = (await server.api<InstallationResponse>(token, 'GET', '/api/runner/installation')).body
    .installationId;
  const install = { server, runner, runnerData, installation };
  installs.push(install);
  return install;
}

async function answer(install: Install, admin: string, sessionId: string, marker: string): Promise<string> {
  const watch = watchSession(install.server, admin, sessionId);
  try {
    const reply = await watch.until(
      `the answer with ${marker}`,
      (s) => s.transcript.find((e) => e.kind === 'agent' && e.done && e.text.includes(marker)),
      180_000,
    );
    return reply.kind === 'agent' ? reply.text : '';
  } finally {
    watch.close();
  }
}

beforeAll(async () => {
  docker = await requireDocker();
});

afterAll(async () => {
  for (const install of installs) {
    install.runner.kill('SIGTERM');
    await new Promise((r) => (install.runner.exitCode === null ? install.runner.once('exit', r) : r(null)));
    await removeScope(docker, `i-${install.installation.slice(0, 12)}`);
    await install.server.stop();
    rmSync(install.runnerData, { recursive: true, force: true });
  }
}, 120_000);

describe('two installs on one Docker engine', () => {
  it("keep apart: the first's workspace survives the second running, and the second's sessions work", async () => {
    const first = await startInstall();
    const firstAdmin = await first.server.login();
    const kept = await startShellSession(
      first.server,
      firstAdmin,
      'echo kept-by-first > /workspace/kept.txt && echo wrote-it',
    );
    await answer(first, firstAdmin, kept, 'wrote-it');

    const second = await startInstall();
    expect(second.installation).not.toBe(first.installation);
    const secondAdmin = await second.server.login();
    const theirs = await startShellSession(second.server, secondAdmin, 'echo second-works');
    await answer(second, secondAdmin, theirs, 'second-works');

    // The second runs for a minute beside the first (adoption, reconciling, idle checks).
    await new Promise((r) => setTimeout(r, 60_000));

    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.session}=${kept}`] },
    });
    expect(containers.map((c) => c.Labels[LABEL.installation])).toEqual([first.installation]);
    await first.server.api(firstAdmin, 'POST', `/api/sessions/${kept}/messages`, {
      text: 'cat /workspace/kept.txt; echo read-back',
    });
    expect(await answer(first, firstAdmin, kept, 'read-back')).toContain('kept-by-first');
    const watch = watchSession(first.server, firstAdmin, kept);
    try {
      await watch.until('the session to load', (s) => s.transcript.length > 0);
      const notices = watch
        .snapshot()
        .transcript.filter((e) => e.kind === 'notice')
        .map((e) => e.text);
      expect(notices.filter((t) => /clean/i.test(t))).toEqual([]);
    } finally {
      watch.close();
    }
  });
});

// A runner killed in the middle of a turn: its lease expires, another runner
// takes the session over, marks the interrupted turn and goes on with the queue.
import type { SessionResponse } from '@orrery/shared';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_NOTICE } from '../daemon.js';
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
let server: ServerProcess;
let second: InProcessRunner | undefined;
const stateDir = mkdtempSync(path.join(tmpdir(), 'orrery-takeover-'));

beforeAll(async () => {
  await requireDocker();
  server = await startServerProcess();
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a runner killed mid-turn', () => {
  it('loses its lease; the next runner marks the turn interrupted, leaves no orphan command, and answers the queue', async () => {
    const admin = await server.login();
    const shell = await shellExpert(server, admin);
    const scope = uniqueScope('takeover');
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
      prompt: 'echo started; sleep 300',
    });
    const sessionId = created.body.session.id;
    const watch = watchSession(server, admin, sessionId);
    try {
      await watch.until('the command to start', (s) =>
        s.transcript.some((e) => e.kind === 'agent' && e.text.includes('started')),
      );
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const killedAt = Date.now();
      await server.api(admin, 'POST', `/api/sessions/${sessionId}/messages`, {
        text: 'echo after the takeover',
      });

      second = await startRunner(server, { scope });
      await watch.until(
        'the interrupted notice',
        (s) => s.transcript.find((e) => e.kind === 'notice' && e.text === INTERRUPTED_NOTICE),
        60_000,
      );
      const reply = await watch.until(
        'the answer to the queued message',
        (s) =>
          s.transcript.find((e) => e.kind === 'agent' && e.done && e.text.includes('after the takeover')),
        60_000,
      );
      expect(reply).toBeTruthy();
      // The lease had to run out first: nobody took the session over while the first runner still held it.
      expect(Date.now() - killedAt).toBeGreaterThan(5_000);
      const kinds = watch.snapshot().transcript.map((e) => e.kind);
      expect(kinds).toEqual(['user', 'agent', 'notice', 'user', 'agent']);
      const interrupted = watch.snapshot().transcript[1];
      expect(interrupted).toMatchObject({ kind: 'agent', done: true });

      // No `sleep 300` survives in the session's container.
      const probe = await second.manager.exec(sessionId, {
        command: `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -c '^sleep 300' || true`,
      });
      expect(probe.stdout.trim()).toBe('0');
    } finally {
      watch.close();
      if (first.exitCode === null) first.kill('SIGKILL');
    }
  });
});

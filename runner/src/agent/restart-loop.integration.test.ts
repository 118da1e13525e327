// A session's container removed from outside again and again (as a second
// Orrery on the same Docker engine once did): each removal gets one notice
// that says what happened, each restart waits longer than the one before,
// after the third the Environment is failed with a sentence saying why, and
// the next message starts it again.
import type { Notice } from '@orrery/shared';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_RESTART_NOTICE } from '../daemon.js';
import { containerName } from '../environments/naming.js';
import { DEFAULT_RESTART_POLICY } from '../environments/restarts.js';
import { text } from '../environments/status-text.js';
import { requireDocker } from '../environments/test-support.js';
import {
  type InProcessRunner,
  type ServerProcess,
  startRunner,
  startServerProcess,
  startShellSession,
  watchSession,
} from '../testing/stack.js';

let docker: Docker;
let server: ServerProcess;
let runner: InProcessRunner;

beforeAll(async () => {
  docker = await requireDocker();
  server = await startServerProcess();
  runner = await startRunner(server);
});
afterAll(async () => {
  await runner?.stop();
  await server?.stop();
});

describe('a container removed from outside three times in a row', () => {
  it('gets one notice per removal with its cause, growing back-off, the failed status, and a fresh start on the next message', async () => {
    const admin = await server.login();
    const sessionId = await startShellSession(server, admin, 'echo first answer');
    // This test's own container, by the name the runner of this test's scope gives it.
    const name = containerName(runner.scope, sessionId);
    const watch = watchSession(server, admin, sessionId);
    const reply = (words: string) =>
      watch.until(`the answer “${words}”`, (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done && e.text.includes(words)),
      );
    const notices = () => watch.snapshot().transcript.filter((e): e is Notice => e.kind === 'notice');
    const send = (words: string) =>
      server.api(admin, 'POST', `/api/sessions/${sessionId}/messages`, { text: `echo ${words}` });
    try {
      await reply('first answer');
      // From each removal to the creation of the container that replaced it, by the engine's timestamps.
      const delays: number[] = [];
      for (let removal = 1; removal <= 3; removal++) {
        const removedAt = Date.now();
        await docker.getContainer(name).remove({ force: true });
        await watch.until(`the notice of removal ${removal}`, () => notices().length >= removal || undefined);
        if (removal < 3) {
          await send(`again ${removal}`);
          await reply(`again ${removal}`);
          const replacement = await docker.getContainer(name).inspect();
          delays.push(Date.parse(replacement.Created) - removedAt);
        }
      }

      const failed = text.keepsFailing('external', 3, 10 * 60_000);
      expect(failed).toContain('keeps being removed outside Orrery');
      await watch.until('the failed status', (s) => s.environment.status === 'error' || undefined);
      expect(watch.snapshot().environment).toMatchObject({ status: 'error', detail: failed });
      const [first, second, third] = notices();
      expect([first?.text, second?.text, third?.text]).toEqual([
        text.notice.external(),
        text.notice.external(),
        failed,
      ]);
      expect(third?.level).toBe('error');
      // Each restart waited out the back-off, and the second waited longer than the first.
      expect(delays[0]).toBeGreaterThanOrEqual(DEFAULT_RESTART_POLICY.backoffMs);
      expect(delays[1]).toBeGreaterThanOrEqual(2 * DEFAULT_RESTART_POLICY.backoffMs);
      expect(delays[1]).toBeGreaterThan(delays[0]!);

      // The next message starts it again, with no further notice: the loss was told already.
      await send('back again');
      await reply('back again');
      expect(watch.snapshot().environment.status).toBe('running');
      expect(notices()).toHaveLength(3);
      expect(notices().some((n) => n.text === CLEAN_RESTART_NOTICE)).toBe(false);
      const info = await docker.getContainer(name).inspect();
      expect(info.State.Status).toBe('running');
    } finally {
      watch.close();
    }
  });
});

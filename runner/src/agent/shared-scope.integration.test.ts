// Several runners of one installation on one engine (one scope): a session's
// container is handled only by the runner doing the session's work, and a
// runner that gets the work takes the container over, workspace and all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueScope } from '../environments/test-support.js';
import {
  startRunner,
  startServerProcess,
  startShellSession,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

let server: ServerProcess;
const runners: InProcessRunner[] = [];

beforeAll(async () => {
  server = await startServerProcess();
}, 120_000);

afterAll(async () => {
  for (const runner of runners.reverse()) await runner.stop();
  await server?.stop();
}, 120_000);

async function answered(admin: string, sessionId: string, marker: string): Promise<string> {
  const watch = watchSession(server, admin, sessionId);
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

describe('two runners of one installation on one engine', () => {
  it('leave each other’s sessions alone, and the one that gets the work takes the container over', async () => {
    const scope = uniqueScope('pair');
    const first = await startRunner(server, { scope });
    runners.push(first);
    const admin = await server.login();
    const sessionId = await startShellSession(
      server,
      admin,
      'echo kept > /workspace/kept.txt && echo wrote-it',
    );
    await answered(admin, sessionId, 'wrote-it');
    expect(first.manager.status(sessionId)).toBe('running');

    // A second runner starts beside it (adopting, following events) but does not take the session's work.
    const second = await startRunner(server, { scope, claiming: false });
    runners.push(second);
    // The reply can land a moment before the command's bookkeeping ends; a pause is refused until it has.
    await expect
      .poll(
        () =>
          first.manager.pause(sessionId).then(
            () => 'paused',
            (error: unknown) => String(error),
          ),
        { timeout: 30_000, interval: 200 },
      )
      .toBe('paused');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(second.manager.status(sessionId)).toBe('none');
    expect(first.manager.status(sessionId)).toBe('paused');

    // The first goes away (its container stays); a third gets the next message and takes the container over.
    await first.detach();
    const third = await startRunner(server, { scope });
    runners.push(third);
    await server.api(admin, 'POST', `/api/sessions/${sessionId}/messages`, {
      text: 'cat /workspace/kept.txt; echo read-back',
    });
    expect(await answered(admin, sessionId, 'read-back')).toContain('kept');
    expect(third.manager.status(sessionId)).toBe('running');
    expect(second.manager.status(sessionId)).toBe('none');
  });
});

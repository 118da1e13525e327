// Deleting a session while its turn runs: the container goes at once and
// does not come back (no clean-restart re-creation by the still-running turn).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerName } from '../environments/naming.js';
import { dockerState, requireDocker } from '../environments/test-support.js';
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
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
});

describe('deleting a session while its turn runs', () => {
  it('removes its container at once, and it stays removed', async () => {
    const admin = await server.login();
    const sessionId = await startShellSession(server, admin, 'echo started; sleep 60; echo finished');
    const name = containerName(runner.scope, sessionId);
    const watch = watchSession(server, admin, sessionId);
    try {
      await watch.until('the command to start', (s) =>
        s.transcript.some((e) => e.kind === 'agent' && e.text.includes('started')),
      );
    } finally {
      watch.close();
    }
    // A second message waits in the queue: the turn that takes it must not bring the container back.
    await server.api(admin, 'POST', `/api/sessions/${sessionId}/messages`, { text: 'echo next' });
    expect((await server.api(admin, 'DELETE', `/api/sessions/${sessionId}`)).status).toBe(204);

    const deadline = Date.now() + 30_000;
    while ((await dockerState(docker, name)) !== undefined) {
      if (Date.now() > deadline) throw new Error(`${name} is still there 30 s after the session was deleted`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // Stays removed while the runner would have gone on with the turn and the queue.
    const states: (string | undefined)[] = [];
    for (let i = 0; i < 40; i++) {
      states.push(await dockerState(docker, name));
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(states.filter((s) => s !== undefined)).toEqual([]);
  });
});

// A message sent while the session's Docker engine (remote, over TLS) is down
// is held, not used up: the turn waits, and answers once the engine is back.
import type { EngineHealth, EnginesResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, engineConfigFromEnv } from '../environments/engines.js';
import {
  createPrivateDockerd,
  loadImage,
  type PrivateDockerd,
} from '../environments/fixtures/private-dockerd.js';
import { BASE_IMAGE, requireDocker } from '../environments/test-support.js';
import {
  type InProcessRunner,
  type ServerProcess,
  startRunner,
  startServerProcess,
  startShellSession,
  watchSession,
} from '../testing/stack.js';

let server: ServerProcess;
let engine: PrivateDockerd;
let runner: InProcessRunner | undefined;

beforeAll(async () => {
  await requireDocker();
  engine = await createPrivateDockerd();
  await engine.start();
  loadImage(BASE_IMAGE, engine.socket);
  server = await startServerProcess();
}, 300_000);

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await engine?.destroy();
}, 120_000);

async function waitForEngine(admin: string, state: EngineHealth['state']): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const seen = await server.api<EnginesResponse>(admin, 'GET', '/api/engines');
    if (seen.body.engines.some((e) => e.name === 'outage' && e.state === state)) return;
    if (Date.now() > deadline)
      throw new Error(`the engine never showed as ${state}: ${JSON.stringify(seen.body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a message sent while the Docker engine is down', () => {
  it('is held and answered when the engine returns', async () => {
    // A short retry window: without holding, the turn would fail within seconds.
    runner = await startRunner(server, {
      // A remote engine over TCP with TLS, as DOCKER_HOST / DOCKER_CERT_PATH / DOCKER_TLS_VERIFY describe it.
      engine: createEngine(
        engineConfigFromEnv(
          {
            DOCKER_HOST: `tcp://127.0.0.1:${engine.port}`,
            DOCKER_CERT_PATH: engine.clientCerts,
            DOCKER_TLS_VERIFY: '1',
          },
          'outage',
        ),
      ),
      engineRetryMs: 1_000,
    });
    const admin = await server.login();
    const sessionId = await startShellSession(server, admin, 'echo first');
    const watch = watchSession(server, admin, sessionId);
    try {
      await watch.until('the first answer', (s) =>
        s.transcript.some((e) => e.kind === 'agent' && e.done && e.text.includes('first')),
      );
      await engine.stop();
      await server.api(admin, 'POST', `/api/sessions/${sessionId}/messages`, {
        text: 'echo held until back',
      });
      await watch.until(
        'the Environment to say the engine is being retried',
        (s) =>
          s.environment.status === 'error' && /Cannot reach the Docker engine/.test(s.environment.detail),
        60_000,
      );
      // Admins see the outage in the engine health view.
      await waitForEngine(admin, 'down');
      // Several retry windows pass while the engine stays down.
      await new Promise((r) => setTimeout(r, 6_000));
      await engine.start();
      const reply = await watch.until(
        'the held message to be answered',
        (s) => s.transcript.find((e) => e.kind === 'agent' && e.done && e.text.includes('held until back')),
        120_000,
      );
      expect(reply).toBeTruthy();
      await waitForEngine(admin, 'up');
      const kinds = watch.snapshot().transcript.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'user')).toHaveLength(2);
      expect(
        watch.snapshot().transcript.filter((e) => e.kind === 'notice' && /turn failed/i.test(e.text)),
      ).toEqual([]);
    } finally {
      watch.close();
    }
  });
});

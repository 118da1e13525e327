// What the runner learns when the server refuses it: the shared error with the
// server's code, not only a status and a sentence.
import { OrreryClient } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerClient, ServerError } from './server-client.js';
import { startServerProcess, type ServerProcess } from './testing/stack.js';

let server: ServerProcess;
let runner: ServerClient;

beforeAll(async () => {
  server = await startServerProcess();
  runner = new ServerClient(server.url, server.runnerToken());
}, 90_000);
afterAll(() => server.stop());

async function refusal(call: Promise<unknown>): Promise<ServerError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServerError);
  return error as ServerError;
}

describe('the runner client', () => {
  it('keeps the code of a lost lease, so the daemon can tell it from other failures', async () => {
    const admin = new OrreryClient({ baseUrl: server.url, token: await server.login() });
    const shell = (await admin.experts.list()).experts.find((e) => e.model.provider === 'shell')!;
    await admin.sessions.create({ expertId: shell.id, prompt: 'echo hi' });
    const job = await runner.claim({ runnerId: 'test', waitMs: 5_000, kinds: ['turn'] });
    expect(job).not.toBeNull();
    const lost = await refusal(runner.heartbeat({ ...job!, leaseToken: 'someone-else' }));
    expect({ code: lost.code, status: lost.status }).toEqual({ code: 'conflict', status: 409 });
    await runner.complete(job!, 'failed', 'test over');
  });

  it('keeps the code of a session that is gone', async () => {
    const gone = await refusal(runner.context('no-such-session'));
    expect({ code: gone.code, status: gone.status }).toEqual({ code: 'not_found', status: 404 });
  });

  it('keeps the code of a refused token', async () => {
    const stranger = new ServerClient(server.url, 'not-a-token');
    const refused = await refusal(stranger.installation());
    expect({ code: refused.code, status: refused.status }).toEqual({ code: 'unauthenticated', status: 401 });
    expect(refused.message).toMatch(/token/i);
  });
});

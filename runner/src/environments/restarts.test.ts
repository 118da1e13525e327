// Containers that end without the manager asking, against a real engine:
// each loss is told once with its cause, commands bring the container back
// only after a back-off, and past the limit they are refused until the next
// ensureRunning (a new message).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerName } from './naming.js';
import { text } from './status-text.js';
import {
  cleanupDir,
  dockerState,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  waitFor,
  type TestManager,
} from './test-support.js';

const BACKOFF_MS = 400;
let docker: Docker;
const managers: TestManager[] = [];

function manager(prefix: string): TestManager {
  const t = makeManager({
    scope: uniqueScope(prefix),
    config: { restarts: { limit: 3, windowMs: 10 * 60_000, backoffMs: BACKOFF_MS, maxBackoffMs: 10_000 } },
  });
  managers.push(t);
  return t;
}

beforeAll(async () => {
  docker = await requireDocker();
});

afterAll(async () => {
  for (const t of managers) {
    await t.manager.close();
    await removeScope(docker, t.scope);
    cleanupDir(t.stateDir);
  }
});

function notices(t: TestManager, sessionId: string) {
  return t.changes.filter((c) => c.sessionId === sessionId && c.notice).map((c) => c.notice!.text);
}

describe('a container that stops by itself', () => {
  it('is told as an unexpected stop (not a clean restart), and the next command starts it again with its files', async () => {
    const t = manager('killed');
    await t.manager.start();
    const name = containerName(t.scope, 's-killed');
    await t.manager.ensureRunning('s-killed', testDefinition());
    await t.manager.writeFile('s-killed', 'kept.txt', 'still here');
    await docker.getContainer(name).kill();
    const stopped = await waitFor('the stop to be noticed', () =>
      t.changes.find((c) => c.sessionId === 's-killed' && c.notice),
    );
    expect(stopped).toMatchObject({ status: 'stopped', notice: { text: text.notice.exited(137) } });

    const r = await t.manager.exec('s-killed', { command: 'cat kept.txt' });
    expect(r.stdout).toBe('still here');
    expect(notices(t, 's-killed')).toEqual([text.notice.exited(137)]);
    expect(t.changes.some((c) => c.sessionId === 's-killed' && c.cleanRestart)).toBe(false);
  });
});

describe('a container removed again and again', () => {
  it('waits longer before each restart, refuses commands after the third loss, and starts on the next message', async () => {
    const t = manager('loop');
    await t.manager.start();
    const id = 's-loop';
    const name = containerName(t.scope, id);
    await t.manager.ensureRunning(id, testDefinition());
    const waits: number[] = [];
    for (let removal = 1; removal <= 2; removal++) {
      const removedAt = Date.now();
      await docker.getContainer(name).remove({ force: true });
      await waitFor(`removal ${removal} to be noticed`, () => notices(t, id).length >= removal || undefined);
      const r = await t.manager.exec(id, { command: `echo back ${removal}` });
      expect(r.stdout).toBe(`back ${removal}\n`);
      waits.push(Date.now() - removedAt);
    }
    // The back-off doubles: no restart came sooner after its removal than the back-off allows.
    expect(waits[0]).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(waits[1]).toBeGreaterThanOrEqual(2 * BACKOFF_MS);

    await docker.getContainer(name).remove({ force: true });
    const failed = text.keepsFailing('external', 3, 10 * 60_000);
    await waitFor('the Environment to fail', () => t.manager.status(id) === 'error' || undefined);
    expect(t.manager.detail(id)).toBe(failed);
    expect(notices(t, id)).toEqual([text.notice.external(), text.notice.external(), failed]);
    // A command within the same turn does not bring it back.
    await expect(t.manager.exec(id, { command: 'echo no' })).rejects.toMatchObject({
      code: 'restart_loop',
      message: failed,
    });
    expect(await dockerState(docker, name)).toBeUndefined();

    // The next message does, at once.
    await t.manager.ensureRunning(id, testDefinition());
    expect(t.manager.status(id)).toBe('running');
    expect((await t.manager.exec(id, { command: 'echo again' })).stdout).toBe('again\n');
    expect(notices(t, id)).toHaveLength(3);
  });
});

// The lifecycle against a real engine: idle pause and resume, the 24-hour
// limit and the clean restart with an injected clock, a container removed
// behind the runner's back, and removal with the session.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
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
  waitForStatus,
  type TestManager,
} from './test-support.js';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let docker: Docker;
const managers: TestManager[] = [];

function manager(prefix: string, clock?: ManualClock): TestManager {
  const t = makeManager({ scope: uniqueScope(prefix), clock });
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

describe('idle pause', () => {
  it('pauses after the idle timeout, never while a command runs, and resumes when work arrives', async () => {
    const t = manager('idle');
    await t.manager.start();
    const name = containerName(t.scope, 's-idle');
    await t.manager.ensureRunning('s-idle', testDefinition({ idleTimeoutMs: 1500 }));

    // A command longer than the idle timeout keeps the Environment running.
    const long = t.manager.exec('s-idle', { command: 'sleep 3; echo done' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await dockerState(docker, name)).toBe('running');
    expect((await long).stdout).toBe('done\n');

    const paused = await waitForStatus(t, 's-idle', 'paused', 10_000);
    expect(paused.detail).toBe(
      'Paused after 1.5 seconds without activity. It starts again when you send a message.',
    );
    expect(await dockerState(docker, name)).toBe('paused');

    const r = await t.manager.exec('s-idle', { command: 'echo back' });
    expect(r.stdout).toBe('back\n');
    expect(t.manager.status('s-idle')).toBe('running');
    expect(await dockerState(docker, name)).toBe('running');
    const after = t.changes.slice(t.changes.indexOf(paused) + 1).map((c) => c.status);
    expect(after).toEqual(['starting', 'running']);
  });

  it('stops on request and starts the same container again, work intact, when work arrives', async () => {
    const t = manager('stop');
    await t.manager.start();
    const name = containerName(t.scope, 's-stop');
    await t.manager.ensureRunning('s-stop', testDefinition());
    await t.manager.writeFile('s-stop', 'notes.txt', 'kept');
    await t.manager.stop('s-stop');
    expect(t.manager.status('s-stop')).toBe('stopped');
    expect(await dockerState(docker, name)).toBe('exited');
    const r = await t.manager.exec('s-stop', { command: 'cat notes.txt' });
    expect(r.stdout).toBe('kept');
    expect(t.manager.status('s-stop')).toBe('running');
  });
});

describe('the maximum run time', () => {
  it('stops the Environment after 24 hours of running, whatever the activity, and starts it on the next message', async () => {
    const clock = new ManualClock();
    const t = manager('24h', clock);
    await t.manager.start();
    const name = containerName(t.scope, 's-24h');
    // Idle timeout longer than the run time: only the 24-hour limit can stop it.
    await t.manager.ensureRunning('s-24h', testDefinition({ idleTimeoutMs: 2 * DAY, maxRunTimeMs: DAY }));

    clock.advance(DAY - MIN);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.manager.status('s-24h')).toBe('running');
    expect(await dockerState(docker, name)).toBe('running');

    clock.advance(MIN);
    const stopped = await waitForStatus(t, 's-24h', 'stopped');
    expect(stopped.detail).toBe(
      'Stopped after running 24 hours, the longest an Environment runs at a time. It starts again when you send a message.',
    );
    expect(await dockerState(docker, name)).toBe('exited');

    const r = await t.manager.exec('s-24h', { command: 'echo again' });
    expect(r.stdout).toBe('again\n');
    expect(await dockerState(docker, name)).toBe('running');
  });
});

describe('clean restart', () => {
  it('removes the container after a long pause; the next message starts from the snapshot and says work was lost', async () => {
    const clock = new ManualClock();
    const t = manager('clean', clock);
    await t.manager.start();
    const name = containerName(t.scope, 's-clean');
    const definition = testDefinition({ idleTimeoutMs: 20 * MIN, cleanRestartAfterMs: 7 * DAY });
    await t.manager.ensureRunning('s-clean', definition);
    await t.manager.writeFile('s-clean', 'uncommitted.txt', 'work in progress');

    clock.advance(20 * MIN);
    await waitForStatus(t, 's-clean', 'paused');
    clock.advance(DAY);
    await waitForStatus(t, 's-clean', 'stopped');
    clock.advance(7 * DAY);
    const removed = await waitFor('the removal', () =>
      t.changes.find((c) => c.sessionId === 's-clean' && c.detail.startsWith('Removed after')),
    );
    expect(removed).toMatchObject({
      status: 'stopped',
      detail:
        'Removed after 7 days without use, to free its resources. The next message starts it again from a clean copy of the Environment; uncommitted changes are lost.',
    });
    expect(await dockerState(docker, name)).toBeUndefined();

    await t.manager.ensureRunning('s-clean', definition);
    expect(t.changes.find((c) => c.status === 'restarting_clean')).toEqual({
      sessionId: 's-clean',
      status: 'restarting_clean',
      detail:
        'Starting from a clean copy of the Environment: it was unused for more than 7 days and was removed. Uncommitted changes in its workspace are lost.',
      cleanRestart: true,
      notice: {
        text: 'This Environment had been paused for a long time, so it restarted from a clean state: uncommitted changes in its workspace were lost.',
        level: 'warning',
      },
    });
    await expect(t.manager.readFile('s-clean', 'uncommitted.txt')).rejects.toMatchObject({
      code: 'file_not_found',
    });
    expect(t.manager.status('s-clean')).toBe('running');
  });

  it('notices a container removed behind its back and recreates it when work arrives', async () => {
    const t = manager('gone');
    await t.manager.start();
    const name = containerName(t.scope, 's-gone');
    await t.manager.ensureRunning('s-gone', testDefinition());
    await docker.getContainer(name).remove({ force: true });
    const gone = await waitFor('the removal to be noticed', () =>
      t.changes.find((c) => c.sessionId === 's-gone' && c.detail.includes('removed outside Orrery')),
    );
    expect(gone).toMatchObject({ status: 'stopped', notice: { text: text.notice.external() } });

    const r = await t.manager.exec('s-gone', { command: 'echo recreated' });
    expect(r.stdout).toBe('recreated\n');
    const restart = t.changes.find((c) => c.status === 'restarting_clean');
    // Clean, and no second notice: the removal's own said what happened.
    expect(restart).toMatchObject({ cleanRestart: true });
    expect(restart?.notice).toBeUndefined();
    expect(await dockerState(docker, name)).toBe('running');
  });
});

describe('removal', () => {
  it('removes the container and forgets the session when the session is deleted', async () => {
    const t = manager('rm');
    await t.manager.start();
    const name = containerName(t.scope, 's-rm');
    await t.manager.ensureRunning('s-rm', testDefinition());
    await t.manager.remove('s-rm');
    expect(await dockerState(docker, name)).toBeUndefined();
    expect(t.manager.status('s-rm')).toBe('none');
    expect(t.changes.at(-1)).toEqual({
      sessionId: 's-rm',
      status: 'none',
      detail: 'The Environment was removed with its session.',
    });
    expect(existsSync(path.join(t.stateDir, 'environments', 's-rm.json'))).toBe(false);
  });
});

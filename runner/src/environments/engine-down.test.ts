// With no engine to talk to, the manager starts anyway, says what is wrong
// in the status, retries for a while, then fails with an error a person can
// act on — and nothing crashes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engines.js';
import { EnvironmentError } from './errors.js';
import { createEnvironmentManager } from './manager.js';
import { cleanupDir, testDefinition } from './test-support.js';
import type { StatusChange } from './types.js';

describe('an engine that is not there', () => {
  it('starts, reports the engine down with retries, and fails ensureRunning with engine_unavailable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-down-'));
    const socket = path.join(dir, 'no-docker.sock');
    const manager = createEnvironmentManager({
      engines: [createEngine({ name: 'gone', host: `unix://${socket}` })],
      config: { scope: 't-down', stateDir: dir, engineRetryMs: 1_500 },
    });
    const changes: StatusChange[] = [];
    manager.onStatus((c) => changes.push(c));
    try {
      await manager.start();
      const failure = await manager.ensureRunning('s', testDefinition()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EnvironmentError);
      expect(failure).toMatchObject({ code: 'engine_unavailable' });
      expect((failure as Error).message).toContain(
        'No Docker engine can take the Environment: gone at unix://',
      );
      expect(changes.filter((c) => c.status === 'error').length).toBeGreaterThan(1);
      expect(changes[0]?.detail).toMatch(
        /^No Docker engine can take the Environment: gone at unix:\/\/.*ENOENT.*\. Retrying; the Environment starts when an engine answers\.$/,
      );
      expect(manager.status('s')).toBe('error');
    } finally {
      await manager.close();
      cleanupDir(dir);
    }
  });
});

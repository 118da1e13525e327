// The test git host answers real git over HTTP, and only with its token.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';

const run = promisify(execFile);
let host: GitHttpServer;
let dir: string;
const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };

beforeAll(async () => {
  host = await startGitHttpServer({ token: 'tok-abc' });
  await host.createRepository('app', { 'README.md': '# app\n' }, 'Start the app');
  dir = await mkdtemp(path.join(tmpdir(), 'orrery-ghs-test-'));
});

afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the test git host', () => {
  it('serves a clone to the token holder', async () => {
    const target = path.join(dir, 'ok');
    await run(
      'git',
      ['-c', 'http.extraHeader=Authorization: Bearer tok-abc', 'clone', '-q', host.repoUrl('app'), target],
      { env },
    );
    const { stdout } = await run('git', ['-C', target, 'log', '--format=%s']);
    expect(stdout.trim()).toBe('Start the app');
  });

  it('refuses anyone else with 401', async () => {
    const failed = await run('git', ['clone', '-q', host.repoUrl('app'), path.join(dir, 'no')], { env }).then(
      () => '',
      (error: { stderr: string }) => error.stderr,
    );
    expect(failed).toMatch(/could not read Username|Authentication failed/);
    expect(host.requests.some((r) => !r.allowed)).toBe(true);
  });
});

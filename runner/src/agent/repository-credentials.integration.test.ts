// The whole way on the real stack: an admin saves a shared repository
// credential for a git host on loopback (behind a token), a member's
// Environment names it, and a Shell session on it runs `git log` in the
// repository. The server hands the token to the runner in the session's
// context; the runner clones on its own side; the token is nowhere in the
// session's container, its transcript, or the runner's build log.
import { randomBytes } from 'node:crypto';
import type { Environment, Expert, SessionResponse } from '@orrery/shared';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../environments/naming.js';
import { requireDocker } from '../environments/test-support.js';
import type { BuildLogEntry } from '../environments/types.js';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
let server: ServerProcess;
let runner: InProcessRunner;
let git: GitHttpServer;
let member: string;
let shell: Expert;
const buildLog: BuildLogEntry[] = [];
let environmentId: string | undefined;

beforeAll(async () => {
  await requireDocker();
  git = await startGitHttpServer({ token: TOKEN });
  await git.createRepository(
    'app',
    { 'README.md': '# app\n' },
    `Start the app ${randomBytes(3).toString('hex')}`,
  );
  server = await startServerProcess();
  const admin = await server.login();
  runner = await startRunner(server, { gitHosts: ['127.0.0.1'] });
  runner.manager.onBuildLog((entry) => buildLog.push(entry));
  const put = await server.api(admin, 'PUT', '/api/repository-credentials/shared/ORG_GIT', {
    host: git.host,
    kind: 'https-token',
    value: TOKEN,
  });
  expect(put.status).toBe(200);
  const email = `member-${Date.now()}@example.com`;
  await server.api(admin, 'POST', '/api/users', {
    email,
    name: 'Member',
    password: 'a long enough password',
  });
  member = await server.login(email, 'a long enough password');
  const experts = (await server.api<{ experts: Expert[] }>(member, 'GET', '/api/experts')).body.experts;
  shell = experts.find((e) => e.name === 'Shell')!;
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await git?.close();
  // The snapshot this test built is its own to remove.
  if (environmentId) {
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const images = await docker.listImages({ filters: { label: [`${LABEL.environment}=${environmentId}`] } });
    for (const image of images)
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
  }
});

describe('an Environment whose repository names a repository credential', () => {
  it('builds, and its session has the repository with its history and no trace of the token', async () => {
    const env = await server.api<{ environment: Environment }>(member, 'POST', '/api/environments', {
      name: `From git ${randomBytes(3).toString('hex')}`,
      image: 'orrery/env-base:bookworm',
      scope: 'personal',
      repositories: [{ url: git.repoUrl('app'), credential: 'ORG_GIT' }],
    });
    expect(env.status).toBe(201);
    environmentId = env.body.environment.id;
    const res = await server.api<SessionResponse>(member, 'POST', '/api/sessions', {
      expertId: shell.id,
      environmentId: env.body.environment.id,
      prompt:
        'git -C /workspace/app log --format=%s; git -C /workspace/app remote get-url origin; env; cat /workspace/app/.git/config',
    });
    expect(res.status).toBe(201);
    const watch = watchSession(server, member, res.body.session.id);
    try {
      const reply = await watch.until(
        'the reply',
        (s) => s.transcript.find((e) => e.kind === 'agent' && e.done),
        300_000,
      );
      const text = reply.kind === 'agent' ? reply.text : '';
      expect(text).toMatch(/Start the app [0-9a-f]{6}/);
      expect(text).toContain(git.repoUrl('app'));
      expect(text).toContain('Exit code 0.');
      expect(JSON.stringify(watch.snapshot())).not.toContain(TOKEN);
      expect(JSON.stringify(buildLog)).not.toContain(TOKEN);
      expect(buildLog.map((l) => l.text).join('')).toContain(
        `Cloning ${git.repoUrl('app')} into /workspace/app`,
      );
    } finally {
      watch.close();
    }
  }, 400_000);
});

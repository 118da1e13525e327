// Environment builds end to end: the server process queues a build when an
// Environment is made or changed (or on Build now), a runner on the real
// Docker engine builds its snapshot, and the log streams to the server as it
// goes. A failed build keeps the last good one in use for sessions.
import type { BuildLogLine, BuildLogResponse, BuildsResponse, EnvironmentBuild } from '@orrery/shared';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../environments/naming.js';
import { requireDocker } from '../environments/test-support.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

let server: ServerProcess;
let runner: InProcessRunner;
let admin: string;
let repo: string;
let environmentId: string;

beforeAll(async () => {
  await requireDocker();
  repo = mkdtempSync(path.join(tmpdir(), 'orrery-build-repo-'));
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(path.join(repo, 'README.md'), 'from the repository\n');
  execFileSync('git', ['-C', repo, 'add', '.']);
  execFileSync('git', [
    '-C',
    repo,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@t',
    'commit',
    '-q',
    '-m',
    'first',
  ]);
  server = await startServerProcess();
  admin = await server.login();
  runner = await startRunner(server, { localRepositories: [repo] });
});
afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

async function newestBuild(): Promise<EnvironmentBuild> {
  const res = await server.api<BuildsResponse>(admin, 'GET', `/api/environments/${environmentId}/builds`);
  const build = res.body.builds[0];
  if (!build) throw new Error('no build');
  return build;
}

/** Follows a build's log as the page does (long-poll after the last line) until it ends. */
async function follow(buildId: string): Promise<{ build: EnvironmentBuild; lines: BuildLogLine[] }> {
  const lines: BuildLogLine[] = [];
  for (;;) {
    const after = lines.at(-1)?.n ?? 0;
    const res = await server.api<BuildLogResponse>(
      admin,
      'GET',
      `/api/builds/${buildId}/log?after=${after}&waitMs=20000`,
    );
    expect(res.status).toBe(200);
    lines.push(...res.body.lines);
    const { build } = res.body;
    if ((build.status === 'ready' || build.status === 'failed') && res.body.lines.length === 0)
      return { build, lines };
  }
}

describe('Environment builds on a runner', () => {
  it('builds a new Environment from a local folder, streaming the clone, the setup output and the commit, and ends ready', async () => {
    const created = await server.api<{ environment: { id: string } }>(admin, 'POST', '/api/environments', {
      name: 'Built from a folder',
      image: 'orrery/env-base:bookworm',
      repositories: [{ url: repo, path: 'app' }],
      setupScript: 'echo "setup says hi"\ncp app/README.md /workspace/first-build.txt',
      scope: 'organisation',
    });
    expect(created.status).toBe(201);
    environmentId = created.body.environment.id;

    const { build, lines } = await follow((await newestBuild()).id);
    const text = lines.map((l) => l.text);
    expect(build).toMatchObject({ status: 'ready', step: 'done', trigger: 'created', error: null });
    expect(build.finishedAt).toBeGreaterThanOrEqual(build.startedAt ?? Number.POSITIVE_INFINITY);
    expect(text).toContain(`Cloning ${repo} into /workspace/app`);
    expect(lines).toContainEqual(expect.objectContaining({ stream: 'stdout', text: 'setup says hi' }));
    expect(text).toContain('Saving the snapshot');
    expect(text.indexOf('Saving the snapshot')).toBeGreaterThan(text.indexOf('setup says hi'));

    // Build now: again, on request, with a log of its own.
    const again = await server.api<{ build: EnvironmentBuild }>(
      admin,
      'POST',
      `/api/environments/${environmentId}/builds`,
    );
    expect(again.status).toBe(201);
    const rebuilt = await follow(again.body.build.id);
    expect(rebuilt.build).toMatchObject({ status: 'ready', trigger: 'manual' });
    expect(rebuilt.lines.map((l) => l.text)).toContain('setup says hi');
  });

  it('ends a build whose setup script fails as failed at the setup step, and sessions keep the last good build', async () => {
    const good = (await server.api<BuildsResponse>(admin, 'GET', `/api/environments/${environmentId}/builds`))
      .body.inUse;
    expect(good?.status).toBe('ready');
    const changed = await server.api(admin, 'PATCH', `/api/environments/${environmentId}`, {
      setupScript: 'echo "about to fail"\necho "no such package" >&2\nexit 7',
    });
    expect(changed.status).toBe(200);
    const { build, lines } = await follow((await newestBuild()).id);
    expect(build).toMatchObject({ status: 'failed', step: 'setup', trigger: 'changed' });
    expect(build.error).toContain('The setup script failed (exit code 7)');
    expect(build.error).toContain('no such package');
    expect(lines).toContainEqual(expect.objectContaining({ stream: 'stderr', text: 'no such package' }));

    const after = await server.api<BuildsResponse>(admin, 'GET', `/api/environments/${environmentId}/builds`);
    expect(after.body.inUse?.id).toBe(good?.id);

    // A session on the Environment runs on the snapshot that built.
    const expert = await server.api<{ expert: { id: string } }>(admin, 'POST', '/api/experts', {
      name: 'Folder shell',
      instructions: 'Runs commands.',
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'] },
      defaultEnvironmentId: environmentId,
      scope: 'organisation',
    });
    const session = await server.api<{ session: { id: string } }>(admin, 'POST', '/api/sessions', {
      expertId: expert.body.expert.id,
      prompt: 'cat /workspace/first-build.txt',
    });
    expect(session.status).toBe(201);
    const watch = watchSession(server, admin, session.body.session.id);
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done),
      );
      expect(reply.kind === 'agent' && reply.text).toContain('from the repository');
    } finally {
      watch.close();
    }
  });

  it("shows a session started while its Environment builds the build's progress, then runs it on that build", async () => {
    // The setup script waits until the test lets it go, so the session surely starts mid-build.
    const created = await server.api<{ environment: { id: string } }>(admin, 'POST', '/api/environments', {
      name: 'Slow to build',
      image: 'orrery/env-base:bookworm',
      setupScript:
        'while [ ! -f /tmp/go ]; do echo "waiting for the go"; sleep 0.5; done\necho released > /workspace/released.txt',
      scope: 'organisation',
    });
    const id = created.body.environment.id;
    const expert = await server.api<{ expert: { id: string } }>(admin, 'POST', '/api/experts', {
      name: 'Slow shell',
      instructions: 'Runs commands.',
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'] },
      defaultEnvironmentId: id,
      scope: 'organisation',
    });
    const session = await server.api<{ session: { id: string } }>(admin, 'POST', '/api/sessions', {
      expertId: expert.body.expert.id,
      prompt: 'cat /workspace/released.txt',
    });
    const watch = watchSession(server, admin, session.body.session.id);
    try {
      const waiting = await watch.until('the build in the session', (s) =>
        s.environment.status === 'building' && s.environment.detail.includes('waiting for the go')
          ? s.environment.detail
          : undefined,
      );
      expect(waiting).toContain('Building the Environment “Slow to build”: running the setup script');
      expect((await newestBuildOf(id)).status).toBe('building');

      const docker = new Docker({ socketPath: '/var/run/docker.sock' });
      const [container] = await docker.listContainers({
        filters: { label: [`${LABEL.environment}=${id}`, `${LABEL.role}=build`] },
      });
      if (!container) throw new Error('no build container');
      const exec = await docker.getContainer(container.Id).exec({ Cmd: ['touch', '/tmp/go'], User: '0:0' });
      await exec.start({ Detach: true });

      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done),
      );
      expect(reply.kind === 'agent' && reply.text).toContain('released');
      // One build served both: the build record ended ready.
      const build = await newestBuildOf(id);
      expect(build.status).toBe('ready');
    } finally {
      watch.close();
    }
  });
});

async function newestBuildOf(id: string): Promise<EnvironmentBuild> {
  const res = await server.api<BuildsResponse>(admin, 'GET', `/api/environments/${id}/builds`);
  const build = res.body.builds[0];
  if (!build) throw new Error('no build');
  return build;
}

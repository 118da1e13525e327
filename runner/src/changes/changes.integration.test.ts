// The agent's changes the whole way on the real stack: a server process, a
// runner on the real Docker engine, a repository from a git host on
// loopback. A command changes files and the server has the changes before
// the turn ends; restoring the turn's checkpoint puts the files back byte for
// byte and can itself be undone, also after a pause; a clean restart says
// which checkpoints it took; the agent's commit waits for the owner's Approve.
import { randomBytes } from 'node:crypto';
import type {
  Environment,
  Expert,
  FileDiff,
  RestoreResponse,
  SessionChanges,
  SessionResponse,
} from '@orrery/shared';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import {
  shellExpert,
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

let server: ServerProcess;
let runner: InProcessRunner;
let git: GitHttpServer;
let models: ScriptedModelServer;
let owner: string;
let environment: Environment;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

beforeAll(async () => {
  await requireDocker();
  git = await startGitHttpServer();
  await git.createRepository(
    'app',
    { 'README.md': '# app\n', 'run.sh': 'echo run\n', 'docs/guide.md': 'one\ntwo\nthree\n' },
    'First commit',
  );
  models = new ScriptedModelServer();
  const modelUrl = await models.start();
  server = await startServerProcess();
  owner = await server.login();
  runner = await startRunner(server, {
    gitHosts: ['127.0.0.1'],
    keys: { anthropicApiKey: 'sk-ant-scripted-key', anthropicBaseUrl: modelUrl },
    modelBaseUrls: [modelUrl],
  });
  const made = await server.api<{ environment: Environment }>(owner, 'POST', '/api/environments', {
    name: `Changes ${randomBytes(3).toString('hex')}`,
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
    repositories: [{ url: git.repoUrl('app') }],
  });
  expect(made.status).toBe(201);
  environment = made.body.environment;
}, 300_000);

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await git?.close();
  await models?.close();
  const images = await docker.listImages({
    filters: { label: [`dev.orrery.environment=${environment?.id ?? 'none'}`] },
  });
  for (const image of images)
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
});

async function session(expertId: string, prompt: string): Promise<string> {
  const res = await server.api<SessionResponse>(owner, 'POST', '/api/sessions', {
    expertId,
    environmentId: environment.id,
    prompt,
  });
  expect(res.status).toBe(201);
  return res.body.session.id;
}

/** A person's action, once the turn before it has let go of the session (the server refuses actions during a turn). */
async function act<T>(path: string): Promise<{ status: number; body: T }> {
  for (let tries = 0; ; tries += 1) {
    const res = await server.api<T>(owner, 'POST', path);
    const busy = res.status === 409 && JSON.stringify(res.body).includes('The agent is working');
    if (!busy || tries > 100) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Pauses once the runner's own bookkeeping after the turn has ended: a pause
 * during a command is refused, and the runner's look at the file tree after
 * a turn wakes the Environment once; it is paused again until it stays so.
 */
async function pauseSoon(id: string): Promise<void> {
  for (let tries = 0; ; tries += 1) {
    try {
      await runner.manager.pause(id);
      await new Promise((r) => setTimeout(r, 1_000));
      if (runner.manager.status(id) === 'paused') return;
    } catch (error) {
      if (!String(error).includes('A command is running')) throw error;
    }
    if (tries > 100) throw new Error(`the Environment would not stay paused (${runner.manager.status(id)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shellWords = (s: { transcript: { kind: string; text?: string; done?: boolean }[] }, n: number) =>
  s.transcript.filter((e) => e.kind === 'agent' && e.done).length >= n;

describe('the changes of a session', () => {
  it('reach the server after a command, restore puts the turn back exactly, and the restore undoes', async () => {
    const shell = await shellExpert(server, owner);
    const id = await session(shell.id, 'cd /workspace/app && sha256sum README.md run.sh docs/guide.md');
    const watch = watchSession(server, owner, id);
    try {
      await watch.until('the first reply', (s) => shellWords(s, 1), 300_000);
      const before = (watch.snapshot().transcript.find((e) => e.kind === 'agent') as { text: string }).text;

      // The second turn changes, adds, deletes, renames and makes a file executable.
      await server.api(owner, 'POST', `/api/sessions/${id}/messages`, {
        text: [
          'cd /workspace/app',
          'printf "# app\\nchanged line\\n" > README.md',
          'echo new > "new file ü.txt"',
          'git mv docs/guide.md docs/manual.md',
          'chmod +x run.sh',
          'echo ignored > .orrery-ignored && echo .orrery-ignored >> .git/info/exclude',
        ].join(' && '),
        attachments: [],
      });
      await watch.until('the second reply', (s) => shellWords(s, 2), 120_000);
      await watch.until('the changes summary', () => watch.session.changes().files >= 4 || undefined, 30_000);

      const changes = await server.api<SessionChanges>(owner, 'GET', `/api/sessions/${id}/changes`);
      expect(changes.status).toBe(200);
      const repo = changes.body.repositories.find((r) => r.path === 'app')!;
      expect(repo.branch).toBe('main');
      const byPath = new Map(repo.files.map((f) => [f.path, f]));
      expect(byPath.get('README.md')).toMatchObject({ status: 'modified', added: 1 });
      expect(byPath.get('new file ü.txt')).toMatchObject({ status: 'added', untracked: true });
      expect(byPath.get('docs/manual.md')).toMatchObject({ status: 'renamed', oldPath: 'docs/guide.md' });
      expect(byPath.get('run.sh')).toMatchObject({ oldMode: '100644', newMode: '100755' });
      expect(byPath.has('.orrery-ignored')).toBe(false);
      const diff = await server.api<FileDiff>(
        owner,
        'GET',
        `/api/sessions/${id}/changes/diff?repo=app&path=README.md`,
      );
      expect(diff.body.patch).toContain('+changed line');

      // Restore to before the second turn.
      const second = watch.session.checkpoints().filter((c) => c.kind === 'turn')[1]!;
      const restored = await act<RestoreResponse>(`/api/sessions/${id}/checkpoints/${second.id}/restore`);
      expect(restored.status).toBe(200);
      await server.api(owner, 'POST', `/api/sessions/${id}/messages`, {
        text: 'cd /workspace/app && sha256sum README.md run.sh docs/guide.md && stat -c %a run.sh && ls && cat .orrery-ignored',
        attachments: [],
      });
      await watch.until('the third reply', (s) => shellWords(s, 3), 120_000);
      const agents = watch.snapshot().transcript.filter((e) => e.kind === 'agent') as { text: string }[];
      const after = agents[2]!.text;
      for (const line of before.split('\n').filter((l) => /[0-9a-f]{64}/.test(l)))
        expect(after).toContain(line);
      expect(after).toContain('644');
      expect(after).not.toContain('new file');
      // Ignored files are not part of a checkpoint: they stay as they are.
      expect(after).toContain('ignored');
      expect(watch.snapshot().transcript.some((e) => e.kind === 'restore')).toBe(true);

      // Undo the restore: the second turn's work is back.
      const undo = await act<RestoreResponse>(
        `/api/sessions/${id}/checkpoints/${restored.body.undoCheckpointId}/restore`,
      );
      expect(undo.status).toBe(200);
      const back = await server.api<SessionChanges>(owner, 'GET', `/api/sessions/${id}/changes`);
      const paths = back.body.repositories[0]!.files.map((f) => f.path);
      expect(paths).toContain('new file ü.txt');
      expect(paths).toContain('docs/manual.md');
    } finally {
      watch.close();
    }
  }, 600_000);

  it('keeps checkpoints across a pause, and says which it lost when the workspace starts clean', async () => {
    const shell = await shellExpert(server, owner);
    const id = await session(shell.id, 'echo one > /workspace/app/one.txt');
    const watch = watchSession(server, owner, id);
    try {
      await watch.until('the first reply', (s) => shellWords(s, 1), 300_000);
      await server.api(owner, 'POST', `/api/sessions/${id}/messages`, {
        text: 'echo two > /workspace/app/two.txt',
        attachments: [],
      });
      await watch.until('the second reply', (s) => shellWords(s, 2), 120_000);
      const second = watch.session.checkpoints().find((c) => c.turnId === watch.session.turn().turnId)!;

      await pauseSoon(id);
      await watch.until('paused', (s) => s.environment.status === 'paused', 30_000);
      // Reading the record does not wake it.
      const paused = await server.api<SessionChanges>(owner, 'GET', `/api/sessions/${id}/changes`);
      expect(paused.body.repositories[0]!.files.map((f) => f.path)).toEqual(
        expect.arrayContaining(['one.txt', 'two.txt']),
      );
      expect(runner.manager.status(id)).toBe('paused');
      const restored = await server.api(
        owner,
        'POST',
        `/api/sessions/${id}/checkpoints/${second.id}/restore`,
      );
      expect(restored.status).toBe(200);
      const now = await server.api<SessionChanges>(owner, 'GET', `/api/sessions/${id}/changes`);
      expect(now.body.repositories[0]!.files.map((f) => f.path)).toEqual(['one.txt']);

      // Someone removes the container: the next turn starts from the snapshot, without the checkpoints.
      const containers = await docker.listContainers({
        all: true,
        filters: { label: [`dev.orrery.session=${id}`] },
      });
      for (const c of containers) await docker.getContainer(c.Id).remove({ force: true });
      await server.api(owner, 'POST', `/api/sessions/${id}/messages`, {
        text: 'ls /workspace/app',
        attachments: [],
      });
      await watch.until('the third reply', (s) => shellWords(s, 3), 300_000);
      const notice = await watch.until('the lost checkpoints notice', (s) =>
        s.transcript.find((e) => e.kind === 'notice' && /can no longer be restored/.test(e.text)),
      );
      expect(notice.kind === 'notice' && notice.text).toMatch(/checkpoints of 2 earlier turns/);
      expect(watch.session.checkpoint(second.id)?.lost).toBe(true);
      const refused = await act(`/api/sessions/${id}/checkpoints/${second.id}/restore`);
      expect(refused.status).toBeGreaterThanOrEqual(400);
    } finally {
      watch.close();
    }
  }, 600_000);

  it("makes the agent's commit wait for the owner's Approve", async () => {
    const expert = await server.api<{ expert: Expert }>(owner, 'POST', '/api/experts', {
      name: `Committer ${randomBytes(3).toString('hex')}`,
      instructions: 'Commit what you are asked to.',
      model: { provider: 'anthropic', name: 'scripted' },
      capabilities: { tools: ['run_command', 'commit_changes'], integrations: [] },
      defaultEnvironmentId: environment.id,
      scope: 'personal',
    });
    expect(expert.status).toBe(201);
    models.reset().script(
      {
        toolCalls: [
          {
            id: 'call-edit',
            name: 'run_command',
            input: { command: 'echo fix >> /workspace/app/README.md' },
          },
        ],
      },
      {
        toolCalls: [
          {
            id: 'call-commit',
            name: 'commit_changes',
            input: { message: 'Fix the readme\n\nAdds a line.' },
          },
        ],
      },
      { text: 'Committed.' },
    );
    const id = await session(expert.body.expert.id, 'Fix the readme and commit it.');
    const watch = watchSession(server, owner, id);
    try {
      await watch.until(
        'the commit to wait for approval',
        (s) =>
          s.transcript.find(
            (e) => e.kind === 'tool' && e.name === 'commit_changes' && e.status === 'awaiting_approval',
          ),
        300_000,
      );
      // Nothing is committed while it waits.
      expect(models.requests.length).toBe(2);
      watch.session.decide('call-commit', 'approve');
      const done = await watch.until(
        'the commit',
        (s) =>
          s.transcript.find((e) => e.kind === 'tool' && e.name === 'commit_changes' && e.status === 'done'),
        120_000,
      );
      expect(done.kind === 'tool' && done.output).toMatch(/Committed [0-9a-f]{40}/);
      await watch.until('the turn to end', (s) => s.turn.state === 'idle' || undefined, 60_000);
      const changes = await server.api<SessionChanges>(owner, 'GET', `/api/sessions/${id}/changes`);
      const repo = changes.body.repositories[0]!;
      expect(repo.ahead).toBe(1);
      expect(repo.commits[0]!.subject).toBe('Fix the readme');
    } finally {
      watch.close();
    }
  }, 600_000);
});

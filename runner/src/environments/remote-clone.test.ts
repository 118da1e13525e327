// Remote repositories are cloned on the runner's side with a repository
// credential and bundled into the build: against a real git host over HTTP on
// loopback and a real Docker engine (whose build containers have no network).
// The session's workspace has the repository and its history, and the token
// is nowhere in the container, the image or the build log.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import { snapshotHash, snapshotTag } from './naming.js';
import {
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';
import type { BuildLogEntry, EnvironmentDefinition } from './types.js';

const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const nonce = randomBytes(4).toString('hex');
const scope = uniqueScope('rclone');
const logs: BuildLogEntry[] = [];
const builtHashes: string[] = [];
let docker: Docker;
let host: GitHttpServer;
let t: TestManager;
let commit: string;

function definition(overrides: Partial<EnvironmentDefinition>): EnvironmentDefinition {
  const d = testDefinition({
    id: `env-rclone-${nonce}`,
    name: 'Remote clone',
    setupScript: `# ${nonce}`,
    ...overrides,
  });
  builtHashes.push(snapshotHash(d));
  return d;
}

const credentials = (value: string) => ({ DEPLOY: { host: host.host, kind: 'https-token' as const, value } });

beforeAll(async () => {
  docker = await requireDocker();
  host = await startGitHttpServer({ token: TOKEN });
  commit = await host.createRepository(
    'app',
    { 'README.md': '# app\n', 'src/main.txt': 'hello\n' },
    'Start the app',
  );
  // Loopback is no public forge: the administrator's list allows it, as ORRERY_GIT_HOSTS would.
  t = makeManager({ scope, config: { gitHosts: ['127.0.0.1'] } });
  t.manager.onBuildLog((entry) => logs.push(entry));
  await t.manager.start();
});

afterAll(async () => {
  await t?.manager.close();
  if (docker) {
    await removeScope(docker, scope);
    for (const hash of builtHashes)
      await docker
        .getImage(snapshotTag(hash))
        .remove({ force: true })
        .catch(() => {});
  }
  if (t) cleanupDir(t.stateDir);
  await host?.close();
});

async function run(session: string, command: string): Promise<string> {
  const r = await t.manager.exec(session, { command });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

/** Whether the bytes occur anywhere in the saved image (every layer, its config and history). */
async function imageContains(tag: string, needle: string): Promise<boolean> {
  const stream = await docker.getImage(tag).get();
  const wanted = Buffer.from(needle);
  let tail = Buffer.alloc(0);
  let found = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const window = Buffer.concat([tail, chunk]);
    if (window.includes(wanted)) found = true;
    tail = window.subarray(Math.max(0, window.length - wanted.length));
  }
  return found;
}

describe('repositories cloned on the runner’s side', () => {
  it('a token credential builds the Environment; the session has the repository and its history', async () => {
    const d = definition({ repositories: [{ url: host.repoUrl('app'), credential: 'DEPLOY' }] });
    await t.manager.ensureRunning('rc1', d, {}, credentials(TOKEN));

    expect(await run('rc1', 'git -C /workspace/app log --format=%s')).toBe('Start the app\n');
    expect(await run('rc1', 'git -C /workspace/app rev-parse HEAD; cat /workspace/app/src/main.txt')).toBe(
      `${commit}\nhello\n`,
    );
    // The clone's remote is the repository's URL, with nothing of the credential.
    expect(await run('rc1', 'git -C /workspace/app remote get-url origin')).toBe(`${host.repoUrl('app')}\n`);
    expect(await run('rc1', 'env; cat /workspace/*/.git/config')).not.toContain(TOKEN);
    expect(await run('rc1', `grep -r -l -s -F ${TOKEN} /workspace /tmp /home /etc || echo none`)).toBe(
      'none\n',
    );

    const tag = snapshotTag(snapshotHash(d));
    const history: unknown = await docker.getImage(tag).history();
    expect(JSON.stringify(history)).not.toContain(TOKEN);
    expect(await imageContains(tag, TOKEN)).toBe(false);
    // The image does carry the repository: the search would find what is there.
    expect(await imageContains(tag, commit)).toBe(true);

    const log = logs
      .filter((l) => l.hash === snapshotHash(d))
      .map((l) => l.text)
      .join('');
    expect(log).toContain(`Cloning ${host.repoUrl('app')} into /workspace/app`);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
    // The runner, not the container, fetched it, and sent the token only after the host asked.
    expect(host.requests.some((r) => r.allowed && r.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('a wrong token fails the build with “authentication failed”, naming the repository and not the token', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const d = definition({
      repositories: [{ url: host.repoUrl('app'), credential: 'DEPLOY' }],
      setupScript: `# wrong ${nonce}`,
    });
    const error = await t.manager.ensureRunning('rc2', d, {}, credentials(wrong)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      `Cloning ${host.repoUrl('app')} failed: authentication failed. ${host.host} refused the repository credential DEPLOY; check that it is current and may read this repository.`,
    );
    expect(JSON.stringify([logs, t.changes, error?.message])).not.toContain(wrong);
  });
});

// Pushing the agent's commits from the runner to a real git remote over
// loopback HTTP, and opening pull requests on scripted GitHub and GitLab
// APIs through the official clients: what lands, and what each refusal says.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnerRepositoryCredential } from '@orrery/shared';
import { EgressPolicy } from '../egress/policy.js';
import { githubPeer, gitlabPeer, type ForgePeer } from '../testing/forge-peers.js';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import { createShipper, prerequisites } from './ship.js';
import { failureOf, recordingLog, workspace, type Workspace } from './ship-test-support.js';
import type { WorkspaceRepository } from './types.js';

const run = promisify(execFile);
const TOKEN = 'tok-ship-7c1e93ab';
let host: GitHttpServer;
let github: ForgePeer;
let gitlab: ForgePeer;
let ws: Workspace;
const { lines, log } = recordingLog();
const shipper = createShipper({ egress: EgressPolicy.of({ git: ['127.0.0.1'] }), timeoutMs: 60_000, log });

const repo = (project = 'acme/app'): WorkspaceRepository => ({
  path: '',
  url: host.repoUrl(project),
  credential: 'ACME_TOKEN',
});
const token = (value = TOKEN, forge?: 'github' | 'gitlab'): RunnerRepositoryCredential => ({
  host: host.host,
  kind: 'https-token',
  value,
  ...(forge ? { forge } : {}),
});

beforeAll(async () => {
  host = await startGitHttpServer({ token: TOKEN });
  await host.createRepository('acme/app', { 'README.md': '# app\n' }, 'Start');
  await host.createRepository('acme/lab', { 'README.md': '# lab\n' }, 'Start');
  github = githubPeer(host, { token: TOKEN });
  gitlab = gitlabPeer(host, { token: TOKEN });
  ws = await workspace(host, 'acme/app', TOKEN, 'orrery/fix-readme');
});

afterAll(async () => {
  await ws.close();
  await host.close();
});

describe('pushing a branch from a bundle', () => {
  let first: string;

  it('creates the branch on the remote with the workspace’s commit', async () => {
    const { bundle, head } = await ws.commit('README.md', '# app\nfixed\n', 'Fix the readme');
    const pushed = await shipper.push({
      repo: repo(),
      credential: token(),
      bundle,
      head,
      branch: 'orrery/fix-readme',
      ours: null,
    });
    expect(pushed).toEqual({
      branch: 'orrery/fix-readme',
      remote: host.repoUrl('acme/app'),
      sha: head,
      created: true,
    });
    expect(await host.branchTip('acme/app', 'orrery/fix-readme')).toBe(head);
    expect(await host.fileAt('acme/app', 'orrery/fix-readme', 'README.md')).toBe('# app\nfixed\n');
    first = head;
  });

  it('moves the session’s own branch after an amend, with a lease on what it pushed', async () => {
    const { bundle, head } = await ws.amend('README.md', '# app\nfixed properly\n');
    const pushed = await shipper.push({
      repo: repo(),
      credential: token(),
      bundle,
      head,
      branch: 'orrery/fix-readme',
      ours: { sha: first },
    });
    expect(pushed.created).toBe(false);
    expect(await host.branchTip('acme/app', 'orrery/fix-readme')).toBe(head);
    expect(await host.fileAt('acme/app', 'orrery/fix-readme', 'README.md')).toBe('# app\nfixed properly\n');
  });

  it('refuses a branch the session did not create that already exists on the remote', async () => {
    const { bundle, head } = await ws.commit('NOTES.md', 'notes\n', 'Notes', 'main');
    const main = await host.branchTip('acme/app', 'main');
    const error = await failureOf(
      shipper.push({ repo: repo(), credential: token(), bundle, head, branch: 'main', ours: null }),
    );
    expect(error.code).toBe('already_exists');
    expect(error.message).toBe(
      `The branch main already exists on ${host.repoUrl('acme/app')} and this session did not create it, so it is not overwritten: push to another branch name.`,
    );
    expect(await host.branchTip('acme/app', 'main')).toBe(main);
  });

  it('says the branch moved on when someone else pushed to it since the session did', async () => {
    const { bundle, head } = await ws.commit('MORE.md', 'more\n', 'More');
    const error = await failureOf(
      shipper.push({
        repo: repo(),
        credential: token(),
        bundle,
        head,
        branch: 'orrery/fix-readme',
        ours: { sha: first }, // the amend moved it on from here
      }),
    );
    expect(error.code).toBe('not_fast_forward');
    expect(error.message).toContain(
      'Push to a new branch name, or bring those commits into the workspace first.',
    );
    expect(await host.branchTip('acme/app', 'orrery/fix-readme')).not.toBe(head);
  });

  it('a protected branch: the remote’s refusal, and what to do', async () => {
    await host.protectBranch('acme/app', 'orrery/guarded');
    const { bundle, head } = await ws.commit('GUARD.md', 'g\n', 'Guarded', 'orrery/guarded');
    const error = await failureOf(
      shipper.push({ repo: repo(), credential: token(), bundle, head, branch: 'orrery/guarded', ours: null }),
    );
    expect(error.code).toBe('protected_branch');
    expect(error.message).toMatch(
      /^127\.0\.0\.1:\d+ refused the push to the branch orrery\/guarded: it is protected \("GH006: Protected branch update failed for refs\/heads\/orrery\/guarded\."\)\. Push to another branch name/,
    );
    expect(await host.branchTip('acme/app', 'orrery/guarded')).toBeNull();
  });

  it('a token the remote refuses: auth_failed, naming the credential and never its value', async () => {
    const { bundle, head } = await ws.commit('X.md', 'x\n', 'X', 'orrery/x');
    const error = await failureOf(
      shipper.push({
        repo: repo(),
        credential: token('tok-wrong-55aa21'),
        bundle,
        head,
        branch: 'orrery/x',
        ours: null,
      }),
    );
    expect(error.code).toBe('auth_failed');
    expect(error.message).toBe(
      `The remote refused the credential ACME_TOKEN for ${host.host}: check it in Settings → Secrets → Repository credentials (it must be current and allowed to push to ${host.repoUrl('acme/app')}).`,
    );
    expect(JSON.stringify([error.message, lines])).not.toContain('tok-wrong-55aa21');
  });

  it('no credential where the host asks for one: no_credential, and which one is missing', async () => {
    const { bundle, head } = await ws.commit('Y.md', 'y\n', 'Y', 'orrery/y');
    const error = await failureOf(
      shipper.push({ repo: repo(), credential: undefined, bundle, head, branch: 'orrery/y', ours: null }),
    );
    expect(error.code).toBe('no_credential');
    expect(error.message).toContain(`${host.host} asks for a login to push to ${host.repoUrl('acme/app')}`);
    expect(error.message).toContain(
      'The credential ACME_TOKEN the Environment names was not available to this session',
    );
  });

  it('a bundle of the whole history (no base to fetch) lands as well', async () => {
    await ws.commit('FULL.md', 'full\n', 'Full', 'orrery/full');
    const file = path.join(tmpdir(), `orrery-ship-full-${process.pid}.bundle`);
    await run('git', ['-C', ws.dir, 'bundle', 'create', '-q', file, 'refs/heads/orrery/full']);
    const bundle = new Uint8Array(await readFile(file));
    await rm(file, { force: true });
    expect(prerequisites(bundle)).toEqual([]);
    const head = (await run('git', ['-C', ws.dir, 'rev-parse', 'orrery/full'])).stdout.trim();
    await shipper.push({
      repo: repo(),
      credential: token(),
      bundle,
      head,
      branch: 'orrery/full',
      ours: null,
    });
    expect(await host.fileAt('acme/app', 'orrery/full', 'FULL.md')).toBe('full\n');
  });

  it('a local folder has no remote: Download patch instead', async () => {
    const { bundle, head } = await ws.commit('Z.md', 'z\n', 'Z', 'orrery/z');
    for (const url of [ws.dir, `file://${ws.dir}`]) {
      const error = await failureOf(
        shipper.push({
          repo: { path: '', url },
          credential: undefined,
          bundle,
          head,
          branch: 'orrery/z',
          ours: null,
        }),
      );
      expect(error.code).toBe('no_remote');
      expect(error.message).toContain('use Download patch');
    }
  });

  it('a host the egress rule does not list gets no connection', async () => {
    const strict = createShipper({ egress: EgressPolicy.of({ git: ['git.example.com'] }) });
    const before = host.requests.length;
    const { bundle, head } = await ws.commit('W.md', 'w\n', 'W', 'orrery/w');
    const error = await failureOf(
      strict.push({ repo: repo(), credential: token(), bundle, head, branch: 'orrery/w', ours: null }),
    );
    expect(error.code).toBe('remote_error');
    expect(error.message).toContain('ORRERY_GIT_HOSTS');
    expect(host.requests.length).toBe(before);
  });
});

describe('opening a pull request', () => {
  beforeAll(async () => {
    const lab = await workspace(host, 'acme/lab', TOKEN, 'orrery/lab-change');
    const { bundle, head } = await lab.commit('lab.txt', 'lab\n', 'Lab change');
    await shipper.push({
      repo: repo('acme/lab'),
      credential: token(),
      bundle,
      head,
      branch: 'orrery/lab-change',
      ours: null,
    });
    await lab.close();
  });

  const draft = {
    branch: 'orrery/fix-readme',
    base: 'main',
    title: 'Fix the readme',
    body: 'The readme said too little.',
  };

  it('GitHub: octokit creates it on the API of the repository’s host, with the title, body, head and base', async () => {
    const opened = await shipper.openPullRequest({
      repo: repo(),
      credential: token(),
      forge: 'github',
      ...draft,
    });
    expect(opened).toEqual({
      url: `${host.url}/acme/app/pull/1`,
      number: 1,
      title: 'Fix the readme',
      forge: 'github',
      branch: 'orrery/fix-readme',
      base: 'main',
    });
    const sent = github.requests.find((r) => r.method === 'POST');
    expect(sent?.path).toBe('/api/v3/repos/acme/app/pulls');
    expect(sent?.body).toEqual({ title: draft.title, body: draft.body, head: draft.branch, base: 'main' });
    expect(sent?.auth).toBe(`token ${TOKEN}`);
  });

  it('GitHub: the same pull request again is already open, with its link', async () => {
    const error = await failureOf(
      shipper.openPullRequest({ repo: repo(), credential: token(), forge: 'github', ...draft }),
    );
    expect(error.code).toBe('already_exists');
    expect(error.message).toBe(
      `A pull request from orrery/fix-readme into main is already open on ${host.host}: ${host.url}/acme/app/pull/1.`,
    );
  });

  it('GitHub: a refused token is auth_failed; a repository it cannot see says so', async () => {
    const refused = await failureOf(
      shipper.openPullRequest({ repo: repo(), credential: token('tok-bad-9d'), forge: 'github', ...draft }),
    );
    expect(refused.code).toBe('auth_failed');
    expect(refused.message).toBe(
      `The remote refused the credential ACME_TOKEN for ${host.host}: check it in Settings → Secrets → Repository credentials.`,
    );
    const missing = await failureOf(
      shipper.openPullRequest({ repo: repo('acme/gone'), credential: token(), forge: 'github', ...draft }),
    );
    expect(missing.code).toBe('remote_error');
    expect(missing.message).toContain(
      `The repository acme/gone was not found on ${host.host}, or the credential ACME_TOKEN cannot see it`,
    );
  });

  it('GitHub: a head the remote does not have is refused in GitHub’s words', async () => {
    const error = await failureOf(
      shipper.openPullRequest({
        repo: repo(),
        credential: token(),
        forge: 'github',
        ...draft,
        branch: 'orrery/never-pushed',
      }),
    );
    expect(error.code).toBe('invalid');
    expect(error.message).toContain(`${host.host} refused the pull request: Validation Failed`);
  });

  it('GitLab: gitbeaker creates the merge request with the title, description and branches', async () => {
    const opened = await shipper.openPullRequest({
      repo: repo('acme/lab'),
      credential: token(TOKEN, 'gitlab'),
      forge: 'gitlab',
      branch: 'orrery/lab-change',
      base: 'main',
      title: 'Lab change',
      body: 'Changes the lab.',
    });
    expect(opened).toEqual({
      url: `${host.url}/acme/lab/-/merge_requests/1`,
      number: 1,
      title: 'Lab change',
      forge: 'gitlab',
      branch: 'orrery/lab-change',
      base: 'main',
    });
    const sent = gitlab.requests.find((r) => r.method === 'POST');
    expect(sent?.path).toBe('/api/v4/projects/acme%2Flab/merge_requests');
    expect(sent?.body).toEqual({
      source_branch: 'orrery/lab-change',
      target_branch: 'main',
      title: 'Lab change',
      description: 'Changes the lab.',
    });
    expect(sent?.auth).toBe(TOKEN);
  });

  it('GitLab: the same merge request again is already open (409), with its link', async () => {
    const error = await failureOf(
      shipper.openPullRequest({
        repo: repo('acme/lab'),
        credential: token(),
        forge: 'gitlab',
        branch: 'orrery/lab-change',
        base: 'main',
        title: 'Again',
        body: '',
      }),
    );
    expect(error.code).toBe('already_exists');
    expect(error.message).toBe(
      `A merge request from orrery/lab-change into main is already open on ${host.host}: ${host.url}/acme/lab/-/merge_requests/1.`,
    );
  });

  it('the default branch, from either forge, for a pull request whose base nobody named', async () => {
    expect(await shipper.defaultBranchOf({ repo: repo(), credential: token(), forge: 'github' })).toBe(
      'main',
    );
    expect(
      await shipper.defaultBranchOf({ repo: repo('acme/lab'), credential: token(), forge: 'gitlab' }),
    ).toBe('main');
  });

  it('without a token for the host, nothing is sent and the message says what to add', async () => {
    const before = github.requests.length;
    const error = await failureOf(
      shipper.openPullRequest({ repo: repo(), credential: undefined, forge: 'github', ...draft }),
    );
    expect(error.code).toBe('no_credential');
    expect(error.message).toContain(`Opening a pull request on ${host.host} needs a token for ${host.host}`);
    expect(github.requests.length).toBe(before);
  });

  it('a stopped call sends nothing: the signal is the caller’s', async () => {
    const stopped = AbortSignal.abort(new Error('stopped by the person'));
    const before = [github.requests.length, host.requests.length];
    const pr = await failureOf(
      shipper.openPullRequest({
        repo: repo(),
        credential: token(),
        forge: 'github',
        ...draft,
        signal: stopped,
      }),
    );
    const { bundle, head } = await ws.commit('S.md', 's\n', 'S', 'orrery/stopped');
    const push = await failureOf(
      shipper.push({
        repo: repo(),
        credential: token(),
        bundle,
        head,
        branch: 'orrery/stopped',
        ours: null,
        signal: stopped,
      }),
    );
    expect([pr.message, push.message]).toEqual(['stopped by the person', 'stopped by the person']);
    expect([github.requests.length, host.requests.length]).toEqual(before);
  });

  it('no log line holds a token', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});

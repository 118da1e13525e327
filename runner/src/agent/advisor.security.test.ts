// The Advisor's tools never reach further than an Environment build would for
// the same person: local folders only under ORRERY_LOCAL_REPOS, remotes only
// on allowed git hosts, and a proposal never carries a secret value.
import type { EnvironmentInput } from '@orrery/shared';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '../egress/policy.js';
import type { AdvisorContext } from './advisor-tools.js';
import { MAX_RESULT_CHARS, runTool, type ToolContext } from './tools.js';
import type { Workspace } from './workspace.js';

const base = mkdtempSync(path.join(tmpdir(), 'orrery-advisor-sec-'));
const allowed = path.join(base, 'allowed');
const outside = path.join(base, 'outside');
let http: Server;
let httpUrl: string;
const hits: string[] = [];

function repo(dir: string, files: Record<string, string>): string {
  execFileSync('git', ['init', '--quiet', dir]);
  for (const [f, t] of Object.entries(files)) writeFileSync(path.join(dir, f), t);
  execFileSync('git', ['-C', dir, 'add', '.']);
  execFileSync('git', [
    '-C',
    dir,
    '-c',
    'user.name=T',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-qm',
    'x',
  ]);
  return dir;
}

beforeAll(async () => {
  mkdirSync(allowed);
  mkdirSync(outside);
  repo(path.join(outside, 'private'), { 'package.json': '{"name":"do-not-read-me"}' });
  repo(path.join(allowed, 'ok'), { 'go.mod': 'module example.com/ok\n\ngo 1.23\n' });
  // A link inside the allowed folder to a repository outside it.
  symlinkSync(path.join(outside, 'private'), path.join(allowed, 'sneaky'));
  http = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => http.close(r));
  rmSync(base, { recursive: true, force: true });
});

const SECRET = 'ghp_s3cretvalue0123456789';

function context(proposals: { text: string; draft: EnvironmentInput }[]): ToolContext {
  const advisor: AdvisorContext = {
    localRepositories: [allowed],
    egress: EgressPolicy.of({ git: ['github.com'] }),
    secretValues: [SECRET],
    propose: (p) => proposals.push(p),
  };
  return {
    // The Advisor's tools never touch the container.
    workspace: null as unknown as Workspace,
    signal: new AbortController().signal,
    onOutput: () => {},
    advisor,
  };
}

const TOOLS = ['inspect_repository', 'propose_environment'] as const;

describe('inspect_repository', () => {
  it('reads a repository inside the allowed folder', async () => {
    const out = await runTool(
      'inspect_repository',
      { repository: path.join(allowed, 'ok') },
      TOOLS,
      context([]),
    );
    expect(out.isError).toBe(false);
    expect(out.content).toContain('--- go.mod ---\nmodule example.com/ok');
  });

  it('refuses a folder outside ORRERY_LOCAL_REPOS, and a link out of it, without reading either', async () => {
    for (const repository of [
      path.join(outside, 'private'),
      path.join(allowed, 'sneaky'),
      `file://${outside}/private`,
    ]) {
      const out = await runTool('inspect_repository', { repository }, TOOLS, context([]));
      expect(out.isError).toBe(true);
      expect(out.content).toContain('ORRERY_LOCAL_REPOS');
      expect(out.content).not.toContain('do-not-read-me');
    }
  });

  it('refuses a git host the egress policy does not allow, before connecting', async () => {
    const out = await runTool(
      'inspect_repository',
      { repository: `${httpUrl}/team/app.git` },
      TOOLS,
      context([]),
    );
    expect(out.isError).toBe(true);
    expect(out.content).toContain('ORRERY_GIT_HOSTS');
    expect(hits).toEqual([]);
  });

  it('answers within what the model is handed back, version files first, however large the repository', async () => {
    const files: Record<string, string> = {
      '.nvmrc': '22.11.0\n',
      'package.json': `{"name":"big","description":"${'x'.repeat(50_000)}"}`,
      'package-lock.json': 'y'.repeat(200_000),
      'Gemfile.lock': 'z'.repeat(100_000),
    };
    for (let i = 0; i < 400; i++) files[`file-with-a-rather-long-name-number-${i}.txt`] = '';
    const big = repo(path.join(allowed, 'big'), files);
    let streamed = '';
    const out = await runTool('inspect_repository', { repository: big }, TOOLS, {
      ...context([]),
      onOutput: (c) => (streamed += c),
    });
    expect(out.isError).toBe(false);
    expect(streamed.length).toBeLessThanOrEqual(MAX_RESULT_CHARS);
    expect(streamed).toContain('--- .nvmrc ---\n22.11.0\n');
    expect(streamed).toContain('--- package.json (start only) ---');
  });

  it('refuses transports that run programs and refs that read as options', async () => {
    const ext = await runTool(
      'inspect_repository',
      { repository: 'ext::sh -c touch% /tmp/pwned' },
      TOOLS,
      context([]),
    );
    expect(ext.isError).toBe(true);
    const ref = await runTool(
      'inspect_repository',
      { repository: path.join(allowed, 'ok'), ref: '--output=/tmp/x' },
      TOOLS,
      context([]),
    );
    expect(ref).toMatchObject({ isError: true, content: '"--output=/tmp/x" is not a branch or tag name.' });
  });
});

describe('propose_environment', () => {
  const draft = { name: 'App', image: 'orrery/env-base:bookworm' };

  it('refuses a secret-looking variable, a secret value anywhere, and a token in a URL; nothing is proposed', async () => {
    const proposals: { text: string; draft: EnvironmentInput }[] = [];
    const attempts = [
      { ...draft, variables: { GITHUB_TOKEN: 'anything' } },
      { ...draft, setupScript: `echo ${SECRET}` },
      { ...draft, repositories: [{ url: `https://x:${SECRET.slice(0, 10)}@github.com/a/b.git` }] },
    ];
    const answers = [];
    for (const environment of attempts) {
      const out = await runTool('propose_environment', { environment }, TOOLS, context(proposals));
      expect(out.isError).toBe(true);
      expect(out.content).not.toContain(SECRET);
      answers.push(out.content);
    }
    expect(answers[0]).toContain('add GITHUB_TOKEN in Settings → Secrets');
    expect(proposals).toEqual([]);
  });

  it('answers a draft the shared schema refuses with what to fix, and proposes a valid one as personal', async () => {
    const proposals: { text: string; draft: EnvironmentInput }[] = [];
    const bad = await runTool(
      'propose_environment',
      { environment: { ...draft, variables: { 'bad name': 'x' } } },
      TOOLS,
      context(proposals),
    );
    expect(bad.isError).toBe(true);
    expect(bad.content).toContain('variables.bad name');
    const good = await runTool(
      'propose_environment',
      { summary: 'Go 1.23', environment: { ...draft, variables: { GOFLAGS: '-mod=mod' } } },
      TOOLS,
      context(proposals),
    );
    expect(good.isError).toBe(false);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ text: 'Go 1.23', draft: { ...draft, scope: 'personal' } });
  });

  it('is not available to an Expert that was not given it', async () => {
    const out = await runTool('propose_environment', { environment: draft }, ['run_command'], context([]));
    expect(out).toMatchObject({ isError: true });
    expect(out.content).toContain('There is no tool named propose_environment');
  });
});

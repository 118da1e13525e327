// The Orrery Advisor end to end: the built-in Expert on the real sync server,
// a runner on the real Docker engine, and a scripted Anthropic model that
// reads what inspect_repository really returned before it proposes. The
// fixture repositories are real git folders under an allowed root.
//
// The base image has neither Node nor Python and builds have no network, so
// the proposed setup scripts check the checkout rather than install packages:
// what is proven is that the manifests reach the model and that the proposed
// definition (image, local repository, setup script, variables) builds.
import { EnvironmentInput, type Environment, type Expert, type SessionResponse } from '@orrery/shared';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import {
  ScriptedModelServer,
  type RecordedRequest,
  type ScriptedReply,
} from '../testing/scripted-model-server.js';
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
let models: ScriptedModelServer;
let admin: string;
let advisor: Expert;
let modelUrl: string;
const root = mkdtempSync(path.join(tmpdir(), 'orrery-advisor-repos-'));

beforeAll(async () => {
  await requireDocker();
  models = new ScriptedModelServer();
  modelUrl = await models.start();
  server = await startServerProcess();
  admin = await server.login();
  // The built-in Advisor names no base URL: the runner's configured one is used, as an admin would set it.
  runner = await startRunner(server, {
    keys: { anthropicApiKey: 'sk-ant-scripted-key', anthropicBaseUrl: modelUrl },
    // Where an OpenAI-compatible copy of the Advisor may send its requests (ORRERY_MODEL_BASE_URLS).
    modelBaseUrls: [modelUrl],
    localRepositories: [root],
  });
  const experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
  advisor = experts.find((e) => e.name === 'Orrery Advisor')!;
});

beforeEach(() => {
  models.reset();
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await models?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A committed git repository under the allowed root. */
function fixture(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  execFileSync('git', ['-C', dir, 'add', '.']);
  execFileSync('git', [
    '-C',
    dir,
    '-c',
    'user.name=Fixture',
    '-c',
    'user.email=fixture@example.com',
    'commit',
    '--quiet',
    '-m',
    'fixture',
  ]);
  return dir;
}

/** The text of the newest tool result the model was sent, in either provider's format. */
function lastToolResult(request: RecordedRequest): string {
  const messages = request.body.messages as { role: string; content: unknown }[];
  for (const m of [...messages].reverse()) {
    if (m.role === 'tool' && typeof m.content === 'string') return m.content;
    if (!Array.isArray(m.content)) continue;
    for (const part of [...(m.content as Record<string, unknown>[])].reverse()) {
      if (part.type !== 'tool_result') continue;
      const content = part.content;
      return typeof content === 'string'
        ? content
        : ((content as { text?: string }[]) ?? []).map((c) => c.text ?? '').join('');
    }
  }
  return '';
}

/** The manifest `name` as inspect_repository showed it, or undefined. */
function manifestIn(result: string, name: string): string | undefined {
  const start = result.indexOf(`--- ${name} ---\n`);
  if (start < 0) return undefined;
  const rest = result.slice(start + name.length + 9);
  const end = rest.indexOf('\n--- ');
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The Advisor duplicated onto another model, as an admin does for a team without Anthropic. */
async function advisorOn(model: Expert['model']): Promise<Expert> {
  // As listed, with its author's name: the input is the rest.
  const listed = advisor as Expert & { ownerName?: string };
  const {
    id: _id,
    orgId: _o,
    ownerId: _w,
    builtIn: _b,
    createdAt: _c,
    updatedAt: _u,
    ownerName: _n,
    ...input
  } = listed;
  const res = await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', {
    ...input,
    name: `Advisor ${Math.random().toString(36).slice(2, 7)}`,
    model,
    scope: 'personal',
  });
  expect(res.status).toBe(201);
  return res.body.expert;
}

async function askAdvisor(prompt: string, expert: Expert = advisor) {
  const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
    expertId: expert.id,
    prompt,
  });
  expect(res.status).toBe(201);
  return watchSession(server, admin, res.body.session.id);
}

/** Creates the proposed Environment as the owner's Create button does, and builds it in a Shell session. */
async function createAndBuild(draft: EnvironmentInput, command: string): Promise<string> {
  const created = await server.api<{ environment: Environment }>(admin, 'POST', '/api/environments', draft);
  expect(created.status).toBe(201);
  const shell = await shellExpert(server, admin);
  const session = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
    expertId: shell.id,
    environmentId: created.body.environment.id,
    prompt: command,
  });
  expect(session.status).toBe(201);
  const watch = watchSession(server, admin, session.body.session.id);
  try {
    const reply = await watch.until(
      'the command in the proposed Environment',
      (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done) ?? (s.environment.status === 'error' && s),
      240_000,
    );
    expect(watch.snapshot().environment.status).toBe('running');
    return 'text' in reply && typeof reply.text === 'string' ? reply.text : '';
  } finally {
    watch.close();
  }
}

const proposeFrom =
  (repo: string, build: (result: string) => Record<string, unknown>): ScriptedReply =>
  (request) => ({
    toolCalls: [
      {
        id: 'toolu_propose',
        name: 'propose_environment',
        input: {
          summary: 'Drafted from the repository’s manifests.',
          environment: build(lastToolResult(request)),
        },
      },
    ],
  });

describe('the Orrery Advisor', () => {
  it('reads a Node repository’s real manifests and proposes an Environment that builds', async () => {
    const marker = `shop-${Math.random().toString(36).slice(2, 8)}`;
    const repo = fixture(marker, {
      'package.json': JSON.stringify({
        name: marker,
        engines: { node: '>=22' },
        scripts: { test: 'node --test' },
      }),
      'package-lock.json': JSON.stringify({ name: marker, lockfileVersion: 3, packages: {} }),
      '.nvmrc': '22.11.0\n',
      'index.js': 'console.log("hi")\n',
    });
    models.script(
      { toolCalls: [{ id: 'toolu_inspect', name: 'inspect_repository', input: { repository: repo } }] },
      proposeFrom(repo, (result) => {
        const node = manifestIn(result, '.nvmrc')?.trim() ?? 'unknown';
        const name = (JSON.parse(manifestIn(result, 'package.json') ?? '{}') as { name?: string }).name;
        return {
          name: `Node ${name}`,
          image: 'orrery/env-base:bookworm',
          repositories: [{ url: repo, path: 'shop' }],
          setupScript: 'cd /workspace/shop && test -f package-lock.json && echo "lock file present"',
          variables: { NODE_VERSION: node },
        };
      }),
      { text: 'I proposed an Environment; review it or create it.' },
    );
    const watch = await askAdvisor(`Help me create an Environment for my Node project at ${repo}.`);
    try {
      const proposal = await watch.until('the proposal', (s) =>
        s.transcript.find((e) => e.kind === 'environment_proposal'),
      );
      await watch.until('the turn to end', (s) => s.turn.state === 'idle');
      // The model was sent the repository's real files, from git.
      const inspected = lastToolResult(models.requests[1]!);
      expect(inspected).toContain('Top-level entries:\n.nvmrc\nindex.js\npackage-lock.json\npackage.json');
      expect(manifestIn(inspected, 'package.json')).toContain(`"name":"${marker}"`);
      expect(manifestIn(inspected, 'package-lock.json')).toContain('"lockfileVersion":3');
      const tools = watch.snapshot().transcript.filter((e) => e.kind === 'tool');
      expect(tools.map((t) => [t.name, t.status])).toEqual([
        ['inspect_repository', 'done'],
        ['propose_environment', 'done'],
      ]);
      if (proposal.kind !== 'environment_proposal') throw new Error('not a proposal');
      const draft = EnvironmentInput.parse(proposal.draft);
      expect(draft).toMatchObject({
        name: `Node ${marker}`,
        image: 'orrery/env-base:bookworm',
        repositories: [{ url: repo, path: 'shop' }],
        variables: { NODE_VERSION: '22.11.0' },
        scope: 'personal',
      });
      expect(proposal.text).toBe('Drafted from the repository’s manifests.');

      const out = await createAndBuild(draft, 'cat /workspace/shop/.nvmrc; echo "want $NODE_VERSION"');
      expect(out).toContain('22.11.0');
      expect(out).toContain('want 22.11.0');
    } finally {
      watch.close();
    }
  });

  it('does the same on an OpenAI-compatible model: a Python repository’s pyproject and requirements', async () => {
    const marker = `api-${Math.random().toString(36).slice(2, 8)}`;
    const repo = fixture(marker, {
      'pyproject.toml': `[project]\nname = "${marker}"\nrequires-python = ">=3.12"\n`,
      'requirements.txt': 'flask==3.0.3\n',
      '.python-version': '3.12.7\n',
      'app.py': 'print("hi")\n',
    });
    models.script(
      {
        toolCalls: [
          { id: 'toolu_inspect', name: 'inspect_repository', input: { repository: `file://${repo}` } },
        ],
      },
      proposeFrom(repo, (result) => ({
        name: `Python ${/name = "([^"]+)"/.exec(manifestIn(result, 'pyproject.toml') ?? '')?.[1] ?? 'x'}`,
        image: 'orrery/env-base:bookworm',
        repositories: [{ url: repo, path: 'api' }],
        setupScript: 'cd /workspace/api && grep -q flask requirements.txt',
        variables: { PYTHON_VERSION: manifestIn(result, '.python-version')?.trim() ?? '' },
      })),
      { text: 'Done.' },
    );
    const openai = await advisorOn({ provider: 'openai', name: 'scripted', baseUrl: modelUrl });
    const watch = await askAdvisor(`Help me create an Environment for the Python project ${repo}.`, openai);
    try {
      const proposal = await watch.until('the proposal', (s) =>
        s.transcript.find((e) => e.kind === 'environment_proposal'),
      );
      expect(models.requests.slice(0, 2).map((r) => r.format)).toEqual(['openai', 'openai']);
      const inspected = lastToolResult(models.requests[1]!);
      expect(manifestIn(inspected, 'requirements.txt')).toBe('flask==3.0.3\n');
      expect(manifestIn(inspected, 'pyproject.toml')).toContain(`name = "${marker}"`);
      if (proposal.kind !== 'environment_proposal') throw new Error('not a proposal');
      const draft = EnvironmentInput.parse(proposal.draft);
      expect(draft).toMatchObject({ name: `Python ${marker}`, variables: { PYTHON_VERSION: '3.12.7' } });

      const out = await createAndBuild(
        draft,
        'cat /workspace/api/requirements.txt; echo "py $PYTHON_VERSION"',
      );
      expect(out).toContain('flask==3.0.3');
      expect(out).toContain('py 3.12.7');
    } finally {
      watch.close();
    }
  });

  it('says what an administrator must set when its model has no key on the runner', async () => {
    // No OPENAI_API_KEY on this runner, and the copy names no base URL: the server refuses to start it.
    const keyless = await advisorOn({ provider: 'openai', name: 'gpt-4.1' });
    const res = await server.api<{ error: { message: string } }>(admin, 'POST', '/api/sessions', {
      expertId: keyless.id,
      prompt: 'Help me create an Environment for a Ruby on Rails project.',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(`The Expert "${keyless.name}" cannot run now.`);
    expect(res.body.error.message).toContain('OPENAI_API_KEY');
    expect(models.requests).toEqual([]);
  });
});

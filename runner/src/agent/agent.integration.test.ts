// The agent loop end to end: the real sync server process, a runner on the
// real Docker engine, and scripted model servers speaking the Anthropic and
// OpenAI wire formats through the official SDKs.
import type {
  AttachmentRef,
  Expert,
  ExpertInput,
  SessionResponse,
  TriggerResponse,
  WebhookAccepted,
} from '@orrery/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import { ScriptedModelServer, type RecordedRequest } from '../testing/scripted-model-server.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

let server: ServerProcess;
let runner: InProcessRunner;
let models: ScriptedModelServer;
let modelUrl: string;
let admin: string;
let experts: Expert[];

beforeAll(async () => {
  await requireDocker();
  models = new ScriptedModelServer();
  modelUrl = await models.start();
  server = await startServerProcess();
  admin = await server.login();
  runner = await startRunner(server, {
    keys: { anthropicApiKey: 'sk-ant-scripted-key', openaiApiKey: 'sk-openai-scripted-key' },
    modelBaseUrls: [modelUrl],
  });
  experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
});

beforeEach(() => {
  models.reset();
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await models?.close();
});

const shell = () => experts.find((e) => e.name === 'Shell')!;

async function expert(overrides: Partial<ExpertInput>): Promise<Expert> {
  const input: ExpertInput = {
    name: `Scripted ${Math.random().toString(36).slice(2, 7)}`,
    description: '',
    instructions: 'You are a careful engineer.',
    model: { provider: 'anthropic', name: 'claude-scripted', baseUrl: modelUrl },
    capabilities: {
      tools: ['run_command', 'read_file', 'write_file', 'edit_file', 'list_files', 'search_text'],
      integrations: [],
    },
    defaultEnvironmentId: shell().defaultEnvironmentId,
    scope: 'personal',
    ...overrides,
  };
  const res = await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', input);
  expect(res.status).toBe(201);
  return res.body.expert;
}

async function start(expertId: string, prompt: string) {
  const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', { expertId, prompt });
  expect(res.status).toBe(201);
  return { id: res.body.session.id, watch: watchSession(server, admin, res.body.session.id) };
}

function lastUserText(request: RecordedRequest): string {
  const messages = request.body.messages as { role: string; content: unknown }[];
  const user = [...messages]
    .reverse()
    .find((m) => m.role === 'user' && JSON.stringify(m.content).includes('"text"'));
  const content = user?.content;
  if (typeof content === 'string') return content;
  return ((content as { type: string; text?: string }[]) ?? [])
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

describe('the shell Expert', () => {
  it('runs the message as a command in the Environment and replies with its output', async () => {
    const { watch } = await start(shell().id, 'echo "hello from $(whoami) in $(pwd)"');
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done),
      );
      expect(reply).toMatchObject({ kind: 'agent' });
      expect(reply.kind === 'agent' && reply.text).toContain('hello from orrery in /workspace');
      expect(reply.kind === 'agent' && reply.text).toContain('Exit code 0.');
      expect(watch.snapshot().environment.status).toBe('running');
    } finally {
      watch.close();
    }
  });
});

describe('secrets', () => {
  it('are exported into the Environment as variables and stripped from what the session shows', async () => {
    const value = `dtk-${Math.random().toString(36).slice(2)}-live`;
    const set = await server.api(admin, 'PUT', '/api/secrets/private/DEPLOY_TOKEN', { value });
    expect(set.status).toBe(200);
    const { watch } = await start(
      shell().id,
      'printf "token=%s length=%s\\n" "$DEPLOY_TOKEN" "${#DEPLOY_TOKEN}"',
    );
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done),
      );
      const text = reply.kind === 'agent' ? reply.text : '';
      expect(text).toContain(`token=[redacted] length=${value.length}`);
      expect(JSON.stringify(watch.snapshot())).not.toContain(value);
    } finally {
      watch.close();
      await server.api(admin, 'DELETE', '/api/secrets/private/DEPLOY_TOKEN');
    }
  });
});

describe('a model with tools', () => {
  it('writes a file in the Environment and runs it; the transcript shows each call with its output', async () => {
    models.script(
      {
        text: 'I will write the script.',
        toolCalls: [
          {
            id: 'toolu_write',
            name: 'write_file',
            input: { path: 'hello.sh', content: 'echo "hi from $(whoami)"\n' },
          },
        ],
      },
      { toolCalls: [{ id: 'toolu_run', name: 'run_command', input: { command: 'bash hello.sh' } }] },
      { text: 'The script printed a greeting.' },
    );
    const e = await expert({});
    const { watch } = await start(e.id, 'write a hello script and run it');
    try {
      await watch.until(
        'the final reply',
        (s) =>
          s.transcript.some(
            (x) => x.kind === 'agent' && x.text === 'The script printed a greeting.' && x.done,
          ) && s.turn.state === 'idle',
      );
      const t = watch.snapshot().transcript;
      expect(t.map((x) => x.kind)).toEqual(['user', 'agent', 'tool', 'tool', 'agent']);
      expect(t[2]).toMatchObject({ kind: 'tool', name: 'write_file', status: 'done' });
      expect(t[3]).toMatchObject({ kind: 'tool', name: 'run_command', status: 'done', exitCode: 0 });
      expect(t[3]?.kind === 'tool' && t[3].output).toContain('hi from orrery');
      expect(t[3]?.kind === 'tool' && t[3].durationMs).toBeGreaterThanOrEqual(0);
      // The model saw the command's output as the tool result.
      const third = JSON.stringify(models.requests.at(-1)?.body);
      expect(third).toContain('toolu_run');
      expect(third).toContain('hi from orrery');
    } finally {
      watch.close();
    }
  });

  it('answers three messages sent mid-turn in order', async () => {
    models.chunkDelayMs = 30;
    const echo = (r: RecordedRequest) => ({ text: `You said: ${lastUserText(r)}` });
    models.script(
      { text: 'Working on the first one, slowly and with care, one word at a time.' },
      echo,
      echo,
      echo,
    );
    const e = await expert({ capabilities: { tools: [], integrations: [] } });
    const { id, watch } = await start(e.id, 'first');
    try {
      await watch.until('the turn to run', (s) => s.turn.state === 'running');
      for (const text of ['second', 'third', 'fourth']) {
        const res = await server.api(admin, 'POST', `/api/sessions/${id}/messages`, { text });
        expect(res.status).toBe(201);
      }
      expect(watch.snapshot().queue.map((q) => q.text)).toEqual(['second', 'third', 'fourth']);
      await watch.until(
        'four replies',
        (s) =>
          s.transcript.filter((x) => x.kind === 'agent' && x.done).length === 4 && s.turn.state === 'idle',
      );
      const agentTexts = watch
        .snapshot()
        .transcript.filter((x) => x.kind === 'agent')
        .map((x) => (x.kind === 'agent' ? x.text : ''));
      expect(agentTexts.slice(1)).toEqual(['You said: second', 'You said: third', 'You said: fourth']);
      const users = watch
        .snapshot()
        .transcript.filter((x) => x.kind === 'user')
        .map((x) => (x.kind === 'user' ? x.text : ''));
      expect(users).toEqual(['first', 'second', 'third', 'fourth']);
    } finally {
      watch.close();
    }
  });

  it('completes a turn when the provider answers 429 and then 200 (OpenAI-compatible)', async () => {
    models.script(
      { status: 429, message: 'Rate limit reached', retryAfterSeconds: 0 },
      { text: 'Answered after a retry.' },
    );
    const e = await expert({
      model: { provider: 'openai', name: 'gpt-scripted', baseUrl: `${modelUrl}/v1` },
      capabilities: { tools: [], integrations: [] },
    });
    const { watch } = await start(e.id, 'hello?');
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((x) => x.kind === 'agent' && x.done),
      );
      expect(reply.kind === 'agent' && reply.text).toBe('Answered after a retry.');
      expect(watch.snapshot().transcript.some((x) => x.kind === 'notice')).toBe(false);
    } finally {
      watch.close();
    }
  });

  it('tells the user clearly when the provider rejects the key, without showing it', async () => {
    models.script({ status: 401, message: 'invalid x-api-key' });
    const e = await expert({ capabilities: { tools: [], integrations: [] } });
    const { watch } = await start(e.id, 'hello?');
    try {
      const notice = await watch.until('the notice', (s) => s.transcript.find((x) => x.kind === 'notice'));
      expect(notice).toMatchObject({ kind: 'notice', level: 'error' });
      expect(notice.kind === 'notice' && notice.text).toMatch(/rejected the runner's API key \(401\)/);
      expect(JSON.stringify(watch.snapshot())).not.toContain('sk-ant-scripted-key');
      await watch.until('the turn to end', (s) => s.turn.state === 'idle');
    } finally {
      watch.close();
    }
  });
});

describe('a webhook trigger', () => {
  it('starts a shared session from the payload, which is archived once the agent finishes', async () => {
    models.script((r) => ({
      text: `Triaged: ${lastUserText(r).includes('"service": "billing"') ? 'billing' : 'unknown'}`,
    }));
    const e = await expert({ capabilities: { tools: [], integrations: [] } });
    const made = await server.api<TriggerResponse>(admin, 'POST', `/api/experts/${e.id}/triggers`, {
      kind: 'webhook',
      name: 'Alerts',
    });
    const res = await fetch(made.body.webhook!.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${made.body.webhook!.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alert: 'latency', service: 'billing' }),
    });
    expect(res.status).toBe(202);
    const { sessionId } = (await res.json()) as WebhookAccepted;
    const watch = watchSession(server, admin, sessionId!);
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((x) => x.kind === 'agent' && x.done),
      );
      expect(reply.kind === 'agent' && reply.text).toBe('Triaged: billing');
      const deadline = Date.now() + 30_000;
      let session = (await server.api<SessionResponse>(admin, 'GET', `/api/sessions/${sessionId}`)).body
        .session;
      while (!session.archived && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        session = (await server.api<SessionResponse>(admin, 'GET', `/api/sessions/${sessionId}`)).body
          .session;
      }
      expect(session).toMatchObject({ origin: 'trigger', visibility: 'shared', archived: true });
    } finally {
      watch.close();
    }
  });
});

describe('attachments', () => {
  // A 1×1 PNG.
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );

  async function upload(name: string, type: string, bytes: Buffer): Promise<AttachmentRef> {
    const res = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': type,
        'x-file-name': encodeURIComponent(name),
      },
      body: bytes,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { attachment: AttachmentRef }).attachment;
  }

  it('are placed in the Environment, and images reach a model that takes them', async () => {
    const image = await upload('screenshot.png', 'image/png', PNG);
    const notes = await upload('notes.txt', 'text/plain', Buffer.from('the bug is in parse()\n'));
    models.script(
      {
        toolCalls: [
          { id: 'toolu_cat', name: 'run_command', input: { command: 'cat .orrery/attachments/*notes.txt' } },
        ],
      },
      { text: 'Read both.' },
    );
    const e = await expert({});
    const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
      expertId: e.id,
      prompt: 'look at these',
      attachments: [image, notes],
    });
    const watch = watchSession(server, admin, res.body.session.id);
    try {
      await watch.until('the reply', (s) =>
        s.transcript.some((x) => x.kind === 'agent' && x.text === 'Read both.'),
      );
      const first = JSON.stringify(models.requests[0]?.body);
      expect(first).toContain(PNG.toString('base64'));
      expect(first).toContain('notes.txt (text/plain, 22 bytes) at /workspace/.orrery/attachments/');
      const cat = watch.snapshot().transcript.find((x) => x.kind === 'tool');
      expect(cat?.kind === 'tool' && cat.output).toContain('the bug is in parse()');
      expect(watch.snapshot().transcript[0]).toMatchObject({ kind: 'user', attachments: [image, notes] });
    } finally {
      watch.close();
    }
  });
});

describe('the owner’s Environment controls', () => {
  it('pause the Environment now and restart it with the workspace kept', async () => {
    const { id, watch } = await start(shell().id, 'echo kept > note.txt && echo written');
    try {
      await watch.until(
        'the reply',
        (s) => s.turn.state === 'idle' && s.transcript.some((e) => e.kind === 'agent' && e.done),
      );
      expect(
        (await server.api(admin, 'POST', `/api/sessions/${id}/environment`, { action: 'pause' })).status,
      ).toBe(202);
      await watch.until('the pause', (s) => s.environment.status === 'paused');
      expect(
        (await server.api(admin, 'POST', `/api/sessions/${id}/environment`, { action: 'restart' })).status,
      ).toBe(202);
      await watch.until('the restart', (s) => s.environment.status === 'running');
      const probe = await runner.manager.exec(id, { command: 'cat /workspace/note.txt' });
      expect(probe.stdout.trim()).toBe('kept');
      // Only the owner may: a teammate who can read the shared session cannot.
      const email = `teammate-${Date.now()}@example.com`;
      await server.api(admin, 'POST', '/api/users', {
        email,
        name: 'Teammate',
        password: 'a long enough password',
      });
      const teammate = await server.login(email, 'a long enough password');
      expect(
        (await server.api(teammate, 'POST', `/api/sessions/${id}/environment`, { action: 'pause' })).status,
      ).toBe(403);
    } finally {
      watch.close();
    }
  });
});

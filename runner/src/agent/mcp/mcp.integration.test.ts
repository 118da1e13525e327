// MCP tools end to end: the real sync server process, a runner on the real
// Docker engine, a scripted model that calls the tools, and real MCP servers
// written with the official SDK — over Streamable HTTP on loopback, and on
// stdio inside the session's Environment.
import type { Expert, ExpertInput, McpServer, SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireDocker } from '../../environments/test-support.js';
import { HttpMcpServer } from '../../testing/mcp-http-server.js';
import { MCP_SERVER_PATH, mcpTestImage } from '../../testing/mcp-test-image.js';
import { ScriptedModelServer, type RecordedRequest } from '../../testing/scripted-model-server.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../../testing/stack.js';

const AUTH = `Bearer trk-${Math.random().toString(36).slice(2)}-live`;

let server: ServerProcess;
let runner: InProcessRunner;
let models: ScriptedModelServer;
let modelUrl: string;
let tracker: HttpMcpServer;
let trackerUrl: string;
let elsewhere: HttpMcpServer;
let elsewhereUrl: string;
let admin: string;
let baseEnvironment: string | null;
let nodeImage: { image: string } | { skip: string };

beforeAll(async () => {
  const docker = await requireDocker();
  nodeImage = await mcpTestImage(docker);
  models = new ScriptedModelServer();
  modelUrl = await models.start();
  tracker = new HttpMcpServer(AUTH);
  trackerUrl = await tracker.start();
  elsewhere = new HttpMcpServer(AUTH);
  elsewhereUrl = (await elsewhere.start()).replace('127.0.0.1', 'localhost');
  server = await startServerProcess();
  admin = await server.login();
  runner = await startRunner(server, {
    keys: { anthropicApiKey: 'sk-ant-scripted-key' },
    modelBaseUrls: [modelUrl],
    mcpUrls: [trackerUrl],
  });
  const { experts } = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body;
  baseEnvironment = experts.find((e) => e.name === 'Shell')!.defaultEnvironmentId;
  expect((await server.api(admin, 'PUT', '/api/secrets/private/TRACKER_AUTH', { value: AUTH })).status).toBe(
    200,
  );
}, 300_000);

beforeEach(() => {
  models.reset();
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
  await models?.close();
  await tracker?.close();
  await elsewhere?.close();
});

async function expert(mcpServers: McpServer[], environmentId = baseEnvironment): Promise<Expert> {
  const input: ExpertInput = {
    name: `MCP ${Math.random().toString(36).slice(2, 7)}`,
    description: '',
    instructions: 'You use the tracker.',
    model: { provider: 'anthropic', name: 'claude-scripted', baseUrl: modelUrl },
    capabilities: { tools: ['run_command'], integrations: [], mcpServers },
    defaultEnvironmentId: environmentId,
    scope: 'personal',
  };
  const res = await server.api<{ expert: Expert }>(admin, 'POST', '/api/experts', input);
  expect(res.status).toBe(201);
  return res.body.expert;
}

async function run(expertId: string, prompt: string) {
  const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', { expertId, prompt });
  expect(res.status).toBe(201);
  const watch = watchSession(server, admin, res.body.session.id);
  try {
    await watch.until('the reply', (s) => s.transcript.find((e) => e.kind === 'agent' && e.done));
    return await watch.until('the turn to end', (s) => (s.turn.state === 'idle' ? s : undefined));
  } finally {
    watch.close();
  }
}

const toolNames = (request: RecordedRequest) => (request.body.tools as { name: string }[]).map((t) => t.name);

/** The model calls `name` with `input` once it is offered, then answers. */
function callWhenOffered(name: string, input: unknown) {
  models.script(
    (request) =>
      toolNames(request).includes(name)
        ? { toolCalls: [{ id: 'toolu_mcp', name, input }] }
        : { text: `I was not offered ${name}; I had ${toolNames(request).join(', ')}.` },
    { text: 'The tracker answered.' },
  );
}

describe('a remote MCP server over Streamable HTTP', () => {
  it('offers its tools by prefixed names, runs the call with the header from the secret, and shows it in the transcript', async () => {
    callWhenOffered('tracker__lookup_ticket', { id: 'ORR-7' });
    const e = await expert([
      { transport: 'http', name: 'tracker', url: trackerUrl, headers: { Authorization: 'TRACKER_AUTH' } },
    ]);
    const session = await run(e.id, 'What is ORR-7 about?');

    expect(toolNames(models.requests[0]!)).toEqual(
      expect.arrayContaining(['run_command', 'tracker__lookup_ticket', 'tracker__tickets_count']),
    );
    const call = session.transcript.find((x) => x.kind === 'tool');
    expect(call).toMatchObject({ kind: 'tool', name: 'tracker__lookup_ticket', status: 'done' });
    expect(call?.kind === 'tool' && call.output).toContain(
      'ORR-7: Login page flickers on Safari (open, assigned to Ana) [served over HTTP]',
    );
    // The model read the result on its next call.
    expect(JSON.stringify(models.requests[1]!.body.messages)).toContain('Login page flickers on Safari');
    expect(tracker.seen.some((h) => h.authorization === AUTH)).toBe(true);
    // The header's value is a secret: never in what the session shows.
    expect(JSON.stringify(session)).not.toContain(AUTH.slice('Bearer '.length));
    expect(session.transcript.filter((x) => x.kind === 'notice')).toEqual([]);
  });

  it('on a host an administrator does not allow is refused with a notice, and never contacted', async () => {
    models.script((request) => ({ text: `Tools: ${toolNames(request).join(', ')}` }));
    const e = await expert([
      { transport: 'http', name: 'other', url: elsewhereUrl, headers: { Authorization: 'TRACKER_AUTH' } },
    ]);
    const session = await run(e.id, 'Anything open?');
    const notices = session.transcript.filter((x) => x.kind === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ level: 'warning' });
    expect(notices[0]!.kind === 'notice' && notices[0]!.text).toMatch(
      /The MCP server "other" is not available this turn: The runner does not connect to the MCP server http:\/\/localhost:\d+\/mcp .*ORRERY_MCP_URLS/,
    );
    expect(elsewhere.seen).toEqual([]);
    expect(toolNames(models.requests[0]!)).toEqual(['run_command']);
  });
});

describe('a broken MCP server', () => {
  it('gives one notice and the turn goes on with the tools that work', async () => {
    callWhenOffered('tracker__lookup_ticket', { id: 'ORR-9' });
    const e = await expert([
      {
        transport: 'stdio',
        name: 'broken',
        command: 'bash',
        args: ['-c', 'echo "no config file" >&2; exit 3'],
      },
      { transport: 'http', name: 'tracker', url: trackerUrl, headers: { Authorization: 'TRACKER_AUTH' } },
    ]);
    const session = await run(e.id, 'And ORR-9?');
    const notices = session.transcript.filter((x) => x.kind === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.kind === 'notice' && notices[0]!.text).toContain(
      'The MCP server "broken" is not available this turn: "bash" did not answer as an MCP server',
    );
    expect(notices[0]!.kind === 'notice' && notices[0]!.text).toContain('no config file');
    expect(session.transcript.find((x) => x.kind === 'tool')).toMatchObject({
      name: 'tracker__lookup_ticket',
      status: 'done',
    });
    expect(session.transcript.findLast((x) => x.kind === 'agent')).toMatchObject({
      text: 'The tracker answered.',
    });
    expect(toolNames(models.requests[0]!).some((n) => n.startsWith('broken__'))).toBe(false);
  });
});

describe('a stdio MCP server in the Environment', () => {
  it('starts inside the session container, is listed and called, and shows in the transcript', async (t) => {
    if ('skip' in nodeImage) return t.skip(nodeImage.skip);
    const created = await server.api<{ environment: { id: string } }>(admin, 'POST', '/api/environments', {
      name: `Node for MCP ${Math.random().toString(36).slice(2, 7)}`,
      image: nodeImage.image,
      repositories: [],
      scope: 'personal',
    });
    expect(created.status).toBe(201);
    callWhenOffered('tickets__lookup_ticket', { id: 'ORR-7' });
    const e = await expert(
      [{ transport: 'stdio', name: 'tickets', command: 'node', args: [MCP_SERVER_PATH] }],
      created.body.environment.id,
    );
    const session = await run(e.id, 'Look up ORR-7 in the local tracker.');
    expect(session.transcript.filter((x) => x.kind === 'notice')).toEqual([]);
    expect(toolNames(models.requests[0]!)).toEqual(
      expect.arrayContaining(['tickets__lookup_ticket', 'tickets__tickets_count']),
    );
    const call = session.transcript.find((x) => x.kind === 'tool');
    expect(call).toMatchObject({ kind: 'tool', name: 'tickets__lookup_ticket', status: 'done' });
    // The server ran in the container, as the Environment's user.
    expect(call?.kind === 'tool' && call.output).toContain('[served in the container as uid 1000]');
  });
});

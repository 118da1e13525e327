// The MCP servers an Expert lists, connected for one turn through the
// official SDK: stdio servers as programs in the session's Environment,
// remote ones over Streamable HTTP to places an administrator allows. Their
// tools are offered beside the built-in ones; a server that cannot be
// reached, started or listed gives one notice and the turn goes on without it.
import type { McpServer } from '@orrery/shared';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { messageOf, type AttachedProcess, type AttachOptions } from '../../environments/index.js';
import { EgressError, type EgressPolicy } from '../../egress/policy.js';
import type { ToolSpec } from '../model.js';
import type { ToolOutcome } from '../tools.js';
import { ExecTransport } from './exec-transport.js';
import { offeredName } from './names.js';
import { resultText } from './results.js';

/** Starting a server and listing its tools may take this long. */
const CONNECT_TIMEOUT_MS = 30_000;
/** One tool call may take this long. */
const CALL_TIMEOUT_MS = 10 * 60_000;
const CLIENT_INFO = { name: 'orrery-runner', version: '0.1.0' };

export interface McpOpenOptions {
  servers: readonly McpServer[];
  /** The session owner's secrets by name: where headers and variables take their values. */
  secrets: Record<string, string>;
  egress: EgressPolicy;
  /** Who names the servers, for messages: `the Expert "…"`. */
  whose: string;
  /** Starts a program in the session's Environment. */
  attach: (options: AttachOptions) => Promise<AttachedProcess>;
  signal: AbortSignal;
  /** One per server that is not available this turn. */
  notice: (text: string) => void;
}

export interface McpTools {
  specs: ToolSpec[];
  has(name: string): boolean;
  call(
    name: string,
    input: unknown,
    ctx: { signal: AbortSignal; onOutput: (chunk: string) => void },
  ): Promise<ToolOutcome>;
  close(): Promise<void>;
}

interface Offered {
  client: Client;
  server: string;
  tool: string;
}

export const NO_MCP_TOOLS: McpTools = {
  specs: [],
  has: () => false,
  call: (name) =>
    Promise.resolve({ content: `There is no tool named ${name}.`, isError: true, exitCode: null }),
  close: () => Promise.resolve(),
};

export async function openMcpTools(options: McpOpenOptions): Promise<McpTools> {
  if (!options.servers.length) return NO_MCP_TOOLS;
  const connected = await Promise.all(options.servers.map((server) => connect(server, options)));
  const clients = connected.filter((c): c is Connected => !!c);
  const offered = new Map<string, Offered>();
  const specs: ToolSpec[] = [];
  for (const { client, server, tools } of clients) {
    for (const tool of tools) {
      const name = offeredName(server.name, tool.name, new Set(offered.keys()));
      offered.set(name, { client, server: server.name, tool: tool.name });
      specs.push({
        name,
        description: `${tool.description ?? tool.title ?? tool.name} (from the MCP server "${server.name}")`,
        inputSchema: tool.inputSchema,
      });
    }
  }
  return {
    specs,
    has: (name) => offered.has(name),
    call: async (name, input, ctx) => {
      const target = offered.get(name);
      if (!target) return failed(`There is no tool named ${name}.`);
      if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
        return failed(`Invalid input for ${name}: the arguments must be an object.`);
      }
      try {
        const result = await target.client.callTool(
          { name: target.tool, arguments: (input ?? {}) as Record<string, unknown> },
          undefined,
          { signal: ctx.signal, timeout: CALL_TIMEOUT_MS },
        );
        const text = resultText(result as { content?: unknown; structuredContent?: unknown });
        ctx.onOutput(text);
        return { content: text, isError: result.isError === true, exitCode: null };
      } catch (error) {
        return failed(`${name} failed on the MCP server "${target.server}": ${messageOf(error)}`);
      }
    },
    close: async () => {
      await Promise.all(clients.map(({ client }) => client.close().catch(() => undefined)));
    },
  };
}

interface Connected {
  client: Client;
  server: McpServer;
  tools: Awaited<ReturnType<Client['listTools']>>['tools'];
}

async function connect(server: McpServer, options: McpOpenOptions): Promise<Connected | null> {
  const unavailable = (why: string) => {
    options.notice(`The MCP server "${server.name}" is not available this turn: ${why}`);
    return null;
  };
  const values = fromSecrets(server.transport === 'stdio' ? server.env : server.headers, options.secrets);
  if (typeof values === 'string') {
    return unavailable(
      `it needs the secret "${values}", which the session's owner does not have. Add it in Settings → Secrets.`,
    );
  }
  let transport: Transport;
  let stdio: ExecTransport | null = null;
  if (server.transport === 'http') {
    try {
      options.egress.check('mcp', server.url, options.whose);
    } catch (error) {
      if (error instanceof EgressError) return unavailable(error.message);
      throw error;
    }
    transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: values },
      // Every request, redirects included, goes only where the rule allows: the headers carry secrets.
      fetch: (url, init) => {
        options.egress.check('mcp', url.toString(), options.whose);
        return fetch(url, { ...init, redirect: 'error' });
      },
    });
  } else {
    let process: AttachedProcess;
    try {
      process = await options.attach({ argv: [server.command, ...server.args], env: values });
    } catch (error) {
      return unavailable(`it could not be started in the Environment: ${messageOf(error)}`);
    }
    stdio = new ExecTransport(process);
    transport = stdio;
  }
  const client = new Client(CLIENT_INFO);
  // Errors after connecting surface on the calls; the SDK reports them here as well.
  client.onerror = () => undefined;
  try {
    const request = { signal: options.signal, timeout: CONNECT_TIMEOUT_MS };
    await client.connect(transport, request);
    const tools: Connected['tools'] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, request);
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor && tools.length < 500);
    return { client, server, tools };
  } catch (error) {
    await client.close().catch(() => undefined);
    const stderr = stdio?.stderr();
    const why = `${messageOf(error)}${stderr ? `\n${stderr}` : ''}`;
    return unavailable(
      server.transport === 'stdio'
        ? `"${server.command}" did not answer as an MCP server: ${why}`
        : `${shownUrl(server.url)} did not answer as an MCP server: ${why}`,
    );
  }
}

/** The values named by secret, or the name of the first secret that is missing. */
function fromSecrets(
  names: Record<string, string> | undefined,
  secrets: Record<string, string>,
): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const [key, secret] of Object.entries(names ?? {})) {
    const value = secrets[secret];
    if (value === undefined) return secret;
    out[key] = value;
  }
  return out;
}

function failed(content: string): ToolOutcome {
  return { content, isError: true, exitCode: null };
}

function shownUrl(raw: string): string {
  return raw.replace(/[?#].*$/, '');
}

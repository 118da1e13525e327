// A scripted model provider on loopback for tests and benchmarks. It speaks
// the real wire formats — Anthropic Messages and OpenAI chat completions,
// both streamed as server-sent events — so the official SDKs and our
// adapters run unchanged against it. Each request takes the next scripted reply.
// It reports usage as the real APIs do, derives cached tokens from the
// prompt's prefixes and, given a context window, refuses prompts that do not
// fit it with the real APIs' errors (scripted-model-accounting.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contextError, PromptCache, tokensOf, type Accounting } from './scripted-model-accounting.js';

export type ScriptedReply =
  | {
      text?: string;
      toolCalls?: { id: string; name: string; input: unknown }[];
      stop?: 'end_turn' | 'max_tokens';
    }
  | { status: number; message: string; retryAfterSeconds?: number }
  /** An error answered with this body as it is (an HTML page, a proxy's text), not the provider's JSON. */
  | { status: number; rawBody: string; contentType: string; headers?: Record<string, string> }
  /** Computes the reply from the request body (e.g. to echo what the model was sent). */
  | ((request: RecordedRequest) => ScriptedReply);

export interface RecordedRequest {
  format: 'anthropic' | 'openai';
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  receivedAt: number;
  /** The input tokens the server counted, as it reports them (also for refused requests). */
  usage: Accounting;
  /** Refused: the prompt did not fit the context window. */
  refused: boolean;
}

export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  /** Every request that reached the server, whatever its path, with its headers. */
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  private readonly replies: ScriptedReply[] = [];
  private server: Server | null = null;
  /** Used when the script runs dry. */
  fallback: ScriptedReply = { text: 'Done.' };
  /** Delay between streamed chunks, in ms (0 = as fast as possible). */
  chunkDelayMs = 0;
  /** The model's context window in tokens; prompts beyond it are refused. Null: no limit. */
  contextWindow: number | null = null;
  /** What the provider holds in its prompt cache. */
  readonly cache = new PromptCache();

  /** Forgets unused replies, recorded requests, the cache and the window. */
  reset(): this {
    this.replies.length = 0;
    this.requests.length = 0;
    this.seen.length = 0;
    this.chunkDelayMs = 0;
    this.contextWindow = null;
    this.cache.clear();
    return this;
  }

  script(...replies: ScriptedReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '';
    const format = url.includes('/chat/completions')
      ? 'openai'
      : url.includes('/messages')
        ? 'anthropic'
        : null;
    if (!format || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const recorded: RecordedRequest = {
      format,
      path: url,
      headers: req.headers,
      body,
      receivedAt: performance.now(),
      usage: this.cache.account(format, body),
      refused: false,
    };
    this.requests.push(recorded);
    const prompt = recorded.usage.promptTokens;
    const tooLong =
      this.contextWindow === null
        ? null
        : contextError(format, this.contextWindow, prompt, Number(body.max_tokens ?? 0));
    if (tooLong) {
      // Refused before the model runs: no scripted reply is used up.
      recorded.refused = true;
      res.writeHead(tooLong.status, { 'content-type': 'application/json' }).end(JSON.stringify(tooLong.body));
      return;
    }
    let reply = this.replies.shift() ?? this.fallback;
    while (typeof reply === 'function') reply = reply(recorded);
    if ('rawBody' in reply) {
      res.writeHead(reply.status, { ...reply.headers, 'content-type': reply.contentType }).end(reply.rawBody);
      return;
    }
    if ('status' in reply) return this.error(res, format, reply);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const output = Math.max(1, tokensOf([reply.text ?? '', reply.toolCalls ?? []]));
    const events =
      format === 'anthropic'
        ? anthropicEvents(reply, recorded.usage, output)
        : openaiEvents(reply, wantsUsage(body) ? { ...recorded.usage, output } : null);
    for (const event of events) {
      res.write(event);
      if (this.chunkDelayMs) await new Promise((r) => setTimeout(r, this.chunkDelayMs));
    }
    res.end();
  }

  private error(
    res: ServerResponse,
    format: 'anthropic' | 'openai',
    reply: { status: number; message: string; retryAfterSeconds?: number },
  ): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
    const type =
      reply.status === 401 ? 'authentication_error' : reply.status === 429 ? 'rate_limit_error' : 'api_error';
    const body =
      format === 'anthropic'
        ? { type: 'error', error: { type, message: reply.message } }
        : { error: { message: reply.message, type, code: null } };
    res.writeHead(reply.status, headers).end(JSON.stringify(body));
  }
}

type Scripted = { text?: string; toolCalls?: { id: string; name: string; input: unknown }[]; stop?: string };

/** Splits text the way models stream it: a few characters at a time. */
function pieces(text: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function wantsUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  return options?.include_usage === true;
}

function anthropicEvents(reply: Scripted, usage: Accounting, output: number): string[] {
  const out = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_scripted',
        type: 'message',
        role: 'assistant',
        model: 'scripted',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.inputTokens,
          cache_read_input_tokens: usage.cachedInputTokens,
          cache_creation_input_tokens: usage.cacheWriteTokens,
          output_tokens: 1,
        },
      },
    }),
  ];
  let index = 0;
  if (reply.text) {
    out.push(
      sse('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      }),
    );
    for (const p of pieces(reply.text)) {
      out.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: p },
        }),
      );
    }
    out.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  for (const call of reply.toolCalls ?? []) {
    out.push(
      sse('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      }),
    );
    for (const p of pieces(JSON.stringify(call.input), 16)) {
      out.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: p },
        }),
      );
    }
    out.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  const stop = reply.toolCalls?.length ? 'tool_use' : (reply.stop ?? 'end_turn');
  out.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: output },
    }),
  );
  out.push(sse('message_stop', { type: 'message_stop' }));
  return out;
}

function openaiEvents(reply: Scripted, usage: (Accounting & { output: number }) | null): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-scripted',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'scripted',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const out = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(reply.text ?? '')) out.push(chunk({ content: p }));
  (reply.toolCalls ?? []).forEach((call, index) => {
    out.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const p of pieces(JSON.stringify(call.input), 16)) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
    }
  });
  const finish = reply.toolCalls?.length ? 'tool_calls' : reply.stop === 'max_tokens' ? 'length' : 'stop';
  out.push(chunk({}, finish));
  if (usage) {
    // The real API's last chunk: no choices, the usage of the whole call.
    out.push(
      `data: ${JSON.stringify({
        id: 'chatcmpl-scripted',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'scripted',
        choices: [],
        usage: {
          prompt_tokens: usage.inputTokens,
          completion_tokens: usage.output,
          total_tokens: usage.inputTokens + usage.output,
          prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
        },
      })}\n\n`,
    );
  }
  out.push('data: [DONE]\n\n');
  return out;
}

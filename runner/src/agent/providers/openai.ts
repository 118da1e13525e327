// OpenAI-compatible chat completions through the official SDK: streaming and
// tools, with a configurable base URL so local model servers work too. The
// request keeps a stable prefix (system, then tools, then the conversation in
// order) so servers that cache prompts by prefix reuse it.
import OpenAI from 'openai';
import type {
  CallUsage,
  ChatMessage,
  ModelClient,
  ModelRequest,
  ModelResponse,
  Part,
  StopReason,
} from '../model.js';
import { toModelError } from './errors.js';

export interface OpenAIOptions {
  apiKey: string;
  model: string;
  baseUrl?: string | undefined;
  maxRetries?: number;
  /** Whether the model takes images (vision); off for most local models. */
  acceptsImages?: boolean;
}

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export class OpenAIClient implements ModelClient {
  readonly provider = 'openai';
  readonly model: string;
  readonly acceptsImages: boolean;
  private readonly client: OpenAI;
  private readonly baseUrl: string;

  constructor(options: OpenAIOptions) {
    this.model = options.model;
    this.acceptsImages = options.acceptsImages ?? true;
    this.baseUrl = options.baseUrl ?? 'https://api.openai.com/v1';
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: this.baseUrl,
      maxRetries: options.maxRetries ?? 4,
      // The key goes to the allowed base URL only, never along a redirect to somewhere else.
      fetchOptions: { redirect: 'error' },
    });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.model,
          max_tokens: request.maxTokens,
          messages: [
            { role: 'system', content: request.system },
            ...request.messages.flatMap(toOpenAIMessages),
          ],
          ...(request.tools.length
            ? {
                tools: request.tools.map((t) => ({
                  type: 'function' as const,
                  function: { name: t.name, description: t.description, parameters: t.inputSchema },
                })),
              }
            : {}),
          stream: true,
          // Usage arrives in a last chunk only when asked for.
          stream_options: { include_usage: true },
        },
        { signal: request.signal },
      );
      return await collect(stream, request.onText);
    } catch (error) {
      throw toModelError(error, {
        provider: 'OpenAI-compatible server',
        model: this.model,
        baseUrl: this.baseUrl,
      });
    }
  }
}

async function collect(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
  onText: (delta: string) => void,
): Promise<ModelResponse> {
  let text = '';
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let stopReason: StopReason = 'other';
  const usage: CallUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
  for await (const chunk of stream) {
    if (chunk.usage) {
      // prompt_tokens counts the cached ones too; ours are the two apart.
      const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      usage.cachedInputTokens = cached;
      usage.inputTokens = Math.max(0, chunk.usage.prompt_tokens - cached);
      usage.outputTokens = chunk.usage.completion_tokens;
    }
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta;
    if (delta.content) {
      text += delta.content;
      onText(delta.content);
    }
    for (const call of delta.tool_calls ?? []) {
      const entry = calls.get(call.index) ?? { id: '', name: '', args: '' };
      if (call.id) entry.id = call.id;
      if (call.function?.name) entry.name += call.function.name;
      if (call.function?.arguments) entry.args += call.function.arguments;
      calls.set(call.index, entry);
    }
    if (choice.finish_reason) stopReason = mapStop(choice.finish_reason);
  }
  const parts: Part[] = [];
  if (text) parts.push({ type: 'text', text });
  for (const [index, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
    parts.push({
      type: 'tool_use',
      id: call.id || `call_${index}`,
      name: call.name,
      input: parseJson(call.args),
    });
  }
  if (calls.size && stopReason !== 'max_tokens') stopReason = 'tool_use';
  return { parts, stopReason, usage };
}

function mapStop(reason: string): StopReason {
  if (reason === 'stop') return 'end_turn';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_use';
  if (reason === 'length') return 'max_tokens';
  return 'other';
}

function toOpenAIMessages(message: ChatMessage): Msg[] {
  if (message.role === 'assistant') {
    const text = message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
    const toolCalls = message.parts.flatMap((p) =>
      p.type === 'tool_use'
        ? [
            {
              id: p.id,
              type: 'function' as const,
              function: { name: p.name, arguments: JSON.stringify(p.input) },
            },
          ]
        : [],
    );
    return [
      { role: 'assistant', content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
    ];
  }
  // Tool results become `tool` messages; the rest of the user's parts one user message.
  const out: Msg[] = message.parts.flatMap((p): Msg[] =>
    p.type === 'tool_result' ? [{ role: 'tool', tool_call_id: p.toolUseId, content: p.content }] : [],
  );
  const content = message.parts.flatMap((p): OpenAI.Chat.Completions.ChatCompletionContentPart[] => {
    if (p.type === 'text') return [{ type: 'text', text: p.text }];
    if (p.type === 'image')
      return [{ type: 'image_url', image_url: { url: `data:${p.mediaType};base64,${p.data}` } }];
    return [];
  });
  if (content.length) out.push({ role: 'user', content });
  return out;
}

function parseJson(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { _unparsed: text };
  }
}

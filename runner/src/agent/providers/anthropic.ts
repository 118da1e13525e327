// Anthropic Messages through the official SDK: streaming, tool use, images,
// and prompt caching: breakpoints on the tools, the system prompt and the
// conversation's end, so the next call reads all of it from the cache.
import Anthropic from '@anthropic-ai/sdk';
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

export interface AnthropicOptions {
  apiKey: string;
  model: string;
  baseUrl?: string | undefined;
  maxRetries?: number;
  /** Cache breakpoints on (the default); off only to measure what caching saves. */
  promptCaching?: boolean;
}

type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

export class AnthropicClient implements ModelClient {
  readonly provider = 'anthropic';
  readonly acceptsImages = true;
  readonly model: string;
  private readonly client: Anthropic;
  private readonly baseUrl: string;
  private readonly caching: boolean;

  constructor(options: AnthropicOptions) {
    this.model = options.model;
    this.caching = options.promptCaching ?? true;
    this.baseUrl = options.baseUrl ?? 'https://api.anthropic.com';
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: this.baseUrl,
      maxRetries: options.maxRetries ?? 4,
      // The key goes to the allowed base URL only, never along a redirect to somewhere else.
      fetchOptions: { redirect: 'error' },
    });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    try {
      const stream = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: request.maxTokens,
          // The API refuses an empty text block; no system prompt is no block.
          ...(request.system
            ? {
                system: [
                  {
                    type: 'text' as const,
                    text: request.system,
                    ...(this.caching ? { cache_control: EPHEMERAL } : {}),
                  },
                ],
              }
            : {}),
          messages: this.caching
            ? withConversationBreakpoints(request.messages.map(toAnthropicMessage))
            : request.messages.map(toAnthropicMessage),
          tools: request.tools.map((t, i, all) => ({
            name: t.name,
            description: t.description,
            input_schema: t.inputSchema as Anthropic.Messages.Tool.InputSchema,
            ...(this.caching && i === all.length - 1 ? { cache_control: EPHEMERAL } : {}),
          })),
          stream: true,
        },
        { signal: request.signal },
      );
      return await collect(stream, request.onText);
    } catch (error) {
      throw toModelError(error, { provider: 'Anthropic', model: this.model, baseUrl: this.baseUrl });
    }
  }
}

async function collect(
  stream: AsyncIterable<Anthropic.Messages.RawMessageStreamEvent>,
  onText: (delta: string) => void,
): Promise<ModelResponse> {
  const parts: Part[] = [];
  // Tool inputs arrive as JSON fragments per content block.
  const json = new Map<number, string>();
  let stopReason: StopReason = 'other';
  const usage: CallUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start': {
        const u = event.message.usage;
        usage.inputTokens = u.input_tokens;
        usage.outputTokens = u.output_tokens;
        usage.cachedInputTokens = u.cache_read_input_tokens ?? 0;
        usage.cacheWriteTokens = u.cache_creation_input_tokens ?? 0;
        break;
      }
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          parts[event.index] = { type: 'text', text: block.text };
          if (block.text) onText(block.text);
        } else if (block.type === 'tool_use') {
          parts[event.index] = { type: 'tool_use', id: block.id, name: block.name, input: {} };
          json.set(event.index, '');
        }
        break;
      }
      case 'content_block_delta': {
        const part = parts[event.index];
        if (event.delta.type === 'text_delta' && part?.type === 'text') {
          part.text += event.delta.text;
          onText(event.delta.text);
        } else if (event.delta.type === 'input_json_delta') {
          json.set(event.index, (json.get(event.index) ?? '') + event.delta.partial_json);
        }
        break;
      }
      case 'content_block_stop': {
        const part = parts[event.index];
        if (part?.type === 'tool_use') part.input = parseJson(json.get(event.index) ?? '');
        break;
      }
      case 'message_delta':
        stopReason = mapStop(event.delta.stop_reason);
        // Cumulative for the message, so it replaces the count message_start had.
        usage.outputTokens = event.usage.output_tokens;
        break;
      default:
        break;
    }
  }
  return { parts: parts.filter(Boolean), stopReason, usage };
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Breakpoints at the end of the conversation and at the end of the previous
 * call's (two messages earlier: its answer and the results came since), so a
 * call reads what the last one wrote and writes what the next will read.
 */
function withConversationBreakpoints(
  messages: Anthropic.Messages.MessageParam[],
): Anthropic.Messages.MessageParam[] {
  for (const at of [messages.length - 1, messages.length - 3]) {
    const content = messages[at]?.content;
    if (!Array.isArray(content) || !content.length) continue;
    const last = content[content.length - 1]!;
    if (
      last.type === 'text' ||
      last.type === 'tool_result' ||
      last.type === 'tool_use' ||
      last.type === 'image'
    )
      content[content.length - 1] = { ...last, cache_control: EPHEMERAL };
  }
  return messages;
}

function mapStop(reason: string | null): StopReason {
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'end_turn';
  if (reason === 'tool_use') return 'tool_use';
  if (reason === 'max_tokens') return 'max_tokens';
  return 'other';
}

function toAnthropicMessage(message: ChatMessage): Anthropic.Messages.MessageParam {
  const content: ContentBlockParam[] = message.parts.map((part): ContentBlockParam => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return {
          type: 'image',
          source: {
            type: 'base64',
            media_type: part.mediaType as 'image/png',
            data: part.data,
          },
        };
      case 'tool_use':
        return { type: 'tool_use', id: part.id, name: part.name, input: part.input };
      case 'tool_result':
        return {
          type: 'tool_result',
          tool_use_id: part.toolUseId,
          content: part.content,
          is_error: part.isError,
        };
    }
  });
  return { role: message.role, content };
}

function parseJson(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { _unparsed: text };
  }
}

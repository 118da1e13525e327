// A provider-neutral view of a chat with tools. Adapters translate it to
// each provider's official SDK; the turn loop only sees this.
import type { CallUsage } from '@orrery/shared';

export type { CallUsage } from '@orrery/shared';

export type Part =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaType: string; /** base64 */ data: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError: boolean };

export interface ChatMessage {
  role: 'user' | 'assistant';
  parts: Part[];
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxTokens: number;
  signal: AbortSignal;
  /** Streamed text as it arrives. */
  onText: (delta: string) => void;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'other';

export interface ModelResponse {
  /** Text and tool_use parts, in order. */
  parts: Part[];
  stopReason: StopReason;
  /** Tokens the call used, from the provider's usage fields (zeros where it reports none). */
  usage: CallUsage;
}

export const NO_USAGE: CallUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
};

export interface ModelClient {
  readonly provider: string;
  readonly model: string;
  /** Whether image parts may be sent. */
  readonly acceptsImages: boolean;
  complete(request: ModelRequest): Promise<ModelResponse>;
}

/** Why a model call failed, in words a person can act on. */
export type ModelErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'context_too_long'
  | 'network'
  | 'bad_request'
  | 'server'
  | 'no_key'
  /** The Expert names a model server the runner may not connect to. */
  | 'not_allowed'
  | 'cancelled';

export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelError';
  }
}

// How the scripted model server counts tokens, enforces a context window and
// derives cached tokens, the way the real APIs do: Anthropic reads from the
// cache the longest prefix ending at a `cache_control` breakpoint that an
// earlier request wrote (byte-identical, in the order tools → system →
// messages), and writes the prefix up to its last breakpoint; OpenAI caches
// the longest prefix shared with an earlier request, in steps of 128 tokens
// from 1024 on. Tokens are counted as 4 characters of the request's JSON
// each (an image as 1600), a stand-in tokenizer that is the same every run.
import { createHash } from 'node:crypto';

export const IMAGE_TOKENS = 1600;

export interface Accounting {
  /** Every input token of the request, cached or not. */
  promptTokens: number;
  /** As the provider reports it: Anthropic's excludes the cached tokens, OpenAI's includes them. */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
}

export function tokensOf(value: unknown): number {
  let images = 0;
  const text = JSON.stringify(value, (key, v: unknown) => {
    if (key === 'cache_control') return undefined;
    // Anthropic's base64 source, OpenAI's data URL: counted per image, not per character.
    if ((key === 'data' || key === 'url') && typeof v === 'string' && v.length > 256) {
      images += 1;
      return '';
    }
    return v;
  });
  return Math.ceil((text?.length ?? 0) / 4) + images * IMAGE_TOKENS;
}

type Json = Record<string, unknown>;

/** The request's blocks in cache order, each with whether a breakpoint ends at it. */
function anthropicBlocks(body: Json): { block: unknown; breakpoint: boolean }[] {
  const out: { block: unknown; breakpoint: boolean }[] = [];
  const mark = (b: unknown) => !!b && typeof b === 'object' && 'cache_control' in (b as Json);
  for (const tool of (body.tools as unknown[] | undefined) ?? [])
    out.push({ block: tool, breakpoint: mark(tool) });
  const system = body.system;
  if (typeof system === 'string') out.push({ block: system, breakpoint: false });
  else for (const b of (system as unknown[] | undefined) ?? []) out.push({ block: b, breakpoint: mark(b) });
  for (const m of (body.messages as Json[] | undefined) ?? []) {
    const content = m.content;
    if (typeof content === 'string') out.push({ block: [m.role, content], breakpoint: false });
    else for (const b of content as unknown[]) out.push({ block: [m.role, b], breakpoint: mark(b) });
  }
  return out;
}

export class PromptCache {
  private readonly anthropic = new Set<string>();
  private readonly openai: string[] = [];

  clear(): void {
    this.anthropic.clear();
    this.openai.length = 0;
  }

  account(format: 'anthropic' | 'openai', body: Json): Accounting {
    return format === 'anthropic' ? this.anthropicCall(body) : this.openaiCall(body);
  }

  private anthropicCall(body: Json): Accounting {
    const blocks = anthropicBlocks(body);
    const total = tokensOf(blocks.map((b) => b.block));
    let read = 0;
    let written = 0;
    const hash = createHash('sha256');
    const prefixes: { key: string; tokens: number }[] = [];
    blocks.forEach((b, i) => {
      hash.update(JSON.stringify(b.block, (k, v: unknown) => (k === 'cache_control' ? undefined : v)));
      if (!b.breakpoint) return;
      prefixes.push({
        key: hash.copy().digest('hex'),
        tokens: tokensOf(blocks.slice(0, i + 1).map((x) => x.block)),
      });
    });
    for (const p of prefixes) if (this.anthropic.has(p.key)) read = Math.max(read, p.tokens);
    const longest = prefixes.at(-1);
    if (longest && longest.tokens > read) written = longest.tokens - read;
    for (const p of prefixes) this.anthropic.add(p.key);
    return {
      promptTokens: total,
      inputTokens: total - read - written,
      cachedInputTokens: read,
      cacheWriteTokens: written,
    };
  }

  private openaiCall(body: Json): Accounting {
    // Tools come first in the prompt the model sees, then the messages in order.
    const text = JSON.stringify([body.tools ?? [], ...((body.messages as unknown[] | undefined) ?? [])]);
    const total = tokensOf({ tools: body.tools ?? [], messages: body.messages ?? [] });
    let shared = 0;
    for (const earlier of this.openai) shared = Math.max(shared, commonPrefix(earlier, text));
    const sharedTokens = Math.floor(shared / 4);
    const cached = sharedTokens >= 1024 ? Math.floor(sharedTokens / 128) * 128 : 0;
    this.openai.push(text);
    if (this.openai.length > 16) this.openai.shift();
    return {
      promptTokens: total,
      inputTokens: total,
      cachedInputTokens: Math.min(cached, total),
      cacheWriteTokens: 0,
    };
  }
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The error a real API answers when the prompt does not fit the window, or null when it fits. */
export function contextError(
  format: 'anthropic' | 'openai',
  window: number,
  promptTokens: number,
  maxTokens: number,
): { status: number; body: Json } | null {
  if (format === 'anthropic') {
    if (promptTokens > window) {
      return anthropicInvalid(`prompt is too long: ${promptTokens} tokens > ${window} maximum`);
    }
    if (promptTokens + maxTokens > window) {
      return anthropicInvalid(
        `input length and \`max_tokens\` exceed context limit: ${promptTokens} + ${maxTokens} > ${window}, decrease input length or \`max_tokens\` and try again`,
      );
    }
    return null;
  }
  if (promptTokens + maxTokens <= window) return null;
  return {
    status: 400,
    body: {
      error: {
        message: `This model's maximum context length is ${window} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  };
}

function anthropicInvalid(message: string) {
  return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message } } };
}

// Turns SDK errors into ModelErrors whose messages tell the user what to do.
// Both official SDKs share the same error classes by shape (status, name).
// What a model server answered is summarised, never echoed: its status, and
// at most a short provider message and code from the JSON error field,
// cleaned of markup, control characters and anything that looks like a key.
import { STATUS_CODES } from 'node:http';
import { ModelError } from '../model.js';

interface SdkErrorShape {
  status?: number;
  /** OpenAI: the body's `error` field; Anthropic: the whole body ({ error: { type, message } }). */
  error?: unknown;
}

const MAX_PROVIDER_MESSAGE = 160;

export function toModelError(
  error: unknown,
  where: { provider: string; model: string; baseUrl: string },
): ModelError {
  if (error instanceof ModelError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  // The SDKs' error classes are told apart by class name; `name` is not always set.
  const name = typeof error === 'object' && error !== null ? error.constructor.name : '';
  const who = `${where.provider} (${where.model})`;
  if (name === 'APIUserAbortError' || name === 'AbortError') {
    return new ModelError('cancelled', 'The request was cancelled.', { cause: error });
  }
  if (name === 'APIConnectionError' || name === 'APIConnectionTimeoutError') {
    return new ModelError(
      'network',
      `Could not reach ${who} at ${where.baseUrl}. Check that the runner can reach it (network, proxy, base URL), then send your message again.`,
      { cause: error },
    );
  }
  const detail = providerError(e.error);
  const answered = summary(e.status, detail);
  switch (e.status) {
    case 401:
    case 403:
      return new ModelError(
        'auth',
        `${who} rejected the runner's API key (${e.status}). ${answered} Set a valid key in the runner's configuration and send your message again.`,
        { cause: error },
      );
    case 429:
      return new ModelError(
        'rate_limit',
        `${who} is rate-limiting requests and retries did not get through. ${answered} Wait a minute, then send your message again.`,
        { cause: error },
      );
    case 400:
    case 413:
      // Told apart on the provider's own words, which are not shown as they are.
      if (/context|too long|too many tokens|maximum.*tokens/i.test(`${detail.code} ${detail.raw}`)) {
        return new ModelError(
          'context_too_long',
          `This conversation no longer fits ${who}'s context window. Start a new session and summarise what matters there.`,
          { cause: error },
        );
      }
      return new ModelError('bad_request', `${who} refused the request. ${answered}`, { cause: error });
    default:
      if (e.status && e.status >= 500) {
        return new ModelError(
          'server',
          `${who} had an internal error and retries did not help. ${answered} Send your message again in a little while.`,
          { cause: error },
        );
      }
      return new ModelError('bad_request', `${who} failed. ${answered}`, { cause: error });
  }
}

/** "The model server answered 401 Unauthorized (invalid_api_key: Incorrect API key provided)." */
export function summary(status: number | undefined, detail: ProviderErrorDetail): string {
  const line = status
    ? `The model server answered ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`
    : 'The model server gave no status';
  const said = [detail.code, detail.message].filter(Boolean).join(': ');
  return `${line}${said ? ` (${said})` : ''}.`;
}

export interface ProviderErrorDetail {
  /** Cleaned, for people. */
  message?: string;
  code?: string;
  /** The provider's message as sent, only to tell kinds of error apart; never shown. */
  raw?: string;
}

/** The message and code of a provider's JSON error field, each cleaned; the rest of the body is ignored. */
export function providerError(body: unknown): ProviderErrorDetail {
  const outer = asRecord(body);
  // Anthropic nests the error one level deeper than OpenAI.
  const field = asRecord(outer?.error) ?? outer;
  if (!field) return {};
  const out: ProviderErrorDetail = {};
  if (typeof field.message === 'string') out.raw = field.message.slice(0, 1000);
  const code = [field.code, field.type].find(
    (c) => typeof c === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(c),
  );
  if (typeof code === 'string') out.code = code;
  const message = typeof field.message === 'string' ? cleanMessage(field.message) : undefined;
  if (message) out.message = message;
  return out;
}

function cleanMessage(raw: string): string | undefined {
  // Markup means a page, not an error message: nothing of it is kept.
  if (/[<>]/.test(raw)) return undefined;
  const flat = raw
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    // Addresses can carry credentials (postgres://user:password@…) and name internal hosts.
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '[address]')
    .replace(/\S+@\S+/g, '[address]')
    // Long unbroken runs of key-like characters (API keys, tokens, hashes).
    .replace(/[A-Za-z0-9_\-+/=.]{24,}/g, '[hidden]')
    .replace(/\b(?:sk|pk|rk|key|token)[-_][A-Za-z0-9_-]{6,}/gi, '[hidden]')
    .replace(/\s+/g, ' ')
    .trim();
  if (!flat) return undefined;
  return flat.length <= MAX_PROVIDER_MESSAGE ? flat : `${flat.slice(0, MAX_PROVIDER_MESSAGE - 1)}…`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

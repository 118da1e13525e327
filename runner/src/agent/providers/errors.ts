// Turns SDK errors into ModelErrors whose messages tell the user what to do.
// Both official SDKs share the same error classes by shape (status, name).
import { ModelError } from '../model.js';

interface SdkErrorShape {
  status?: number;
  message?: string;
}

export function toModelError(
  error: unknown,
  where: { provider: string; model: string; baseUrl: string },
): ModelError {
  if (error instanceof ModelError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  // The SDKs' error classes are told apart by class name; `name` is not always set.
  const name = typeof error === 'object' && error !== null ? error.constructor.name : '';
  const raw = (e.message ?? String(error)).slice(0, 300);
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
  switch (e.status) {
    case 401:
    case 403:
      return new ModelError(
        'auth',
        `${who} rejected the runner's API key (${e.status}). Set a valid key in the runner's configuration and send your message again.`,
        { cause: error },
      );
    case 429:
      return new ModelError(
        'rate_limit',
        `${who} is rate-limiting requests (429) and retries did not get through. Wait a minute, then send your message again.`,
        { cause: error },
      );
    case 400:
    case 413:
      if (/context|too long|too many tokens|maximum.*tokens|prompt is too long/i.test(raw)) {
        return new ModelError(
          'context_too_long',
          `This conversation no longer fits ${who}'s context window. Start a new session and summarise what matters there.`,
          { cause: error },
        );
      }
      return new ModelError('bad_request', `${who} refused the request: ${raw}`, { cause: error });
    default:
      if (e.status && e.status >= 500) {
        return new ModelError(
          'server',
          `${who} had an internal error (${e.status}) and retries did not help. Send your message again in a little while.`,
          { cause: error },
        );
      }
      return new ModelError('bad_request', `${who} failed: ${raw}`, { cause: error });
  }
}

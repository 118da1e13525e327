// The one error type at the REST boundary, the same for the app, the runner
// and tests: the server's code and per-field messages survive the trip, and a
// client adds the two codes only it can see.
import { ApiErrorBody, type ErrorCode } from '../errors.js';

/** The server's codes, plus the two only a client can see. */
export type ClientErrorCode = ErrorCode | 'offline' | 'bad_response';

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** The HTTP status, or null when no answer came (offline, cancelled). */
    readonly status: number | null,
    /** Per-field problems of a validation_failed answer, keyed by dotted path. */
    readonly fields: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/**
 * The error a failed answer stands for: the server's own `{ error }` body when
 * it sent one, otherwise a code guessed from the status and a sentence that
 * names the route, so a proxy's HTML error page still reads sensibly.
 */
export function errorFromAnswer(status: number, statusText: string, text: string, route: string): ApiError {
  const parsed = ApiErrorBody.safeParse(parseJson(text));
  if (parsed.success) {
    const { code, message, fields } = parsed.data.error;
    return new ApiError(code, message, status, fields ?? {});
  }
  const code: ErrorCode =
    status === 401
      ? 'unauthenticated'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : status === 409
            ? 'conflict'
            : status === 413
              ? 'payload_too_large'
              : status === 429
                ? 'rate_limited'
                : status >= 400 && status < 500
                  ? 'bad_request'
                  : 'internal';
  const answer = `${status} ${statusText}`.trim();
  return new ApiError(code, `The server answered ${answer} for ${route}.`, status);
}

export function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return undefined;
  }
}

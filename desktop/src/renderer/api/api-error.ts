// The one error type at the boundary between the app and the server.
import type { ErrorCode } from '@orrery/shared';

/** The server's codes, plus the two only a client can see. */
export type ClientErrorCode = ErrorCode | 'offline' | 'bad_response';

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status: number | null,
    readonly fields: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'offline';
}

/** A sentence to show a person for any error the app meets. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

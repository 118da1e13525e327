// The one error type at the boundary between the app and the server is the
// shared client's: the server's code, status, message and per-field problems.
import { ApiError } from '@orrery/shared';

export { ApiError, type ClientErrorCode } from '@orrery/shared';

export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'offline';
}

/** A sentence to show a person for any error the app meets. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

// The one error type of the sync server's REST boundary: a code from
// shared/errors, a message a person can act on, and the HTTP status.
import type { ErrorCode } from '@orrery/shared';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    options?: { cause?: unknown },
  ) {
    super(status, { message, cause: options?.cause });
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, fields?: Record<string, string>) =>
  new ApiError(400, 'bad_request', message, fields);
export const unauthenticated = (message = 'Sign in first: send "Authorization: Bearer <token>".') =>
  new ApiError(401, 'unauthenticated', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string, fields?: Record<string, string>) =>
  new ApiError(409, 'conflict', message, fields);

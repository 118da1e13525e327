// Error codes shared by the server, the runner and clients, and the one error
// shape the REST API answers with.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'engine_unavailable',
  'image_missing',
  'provider_error',
  'internal',
  // Why a ship or restore action failed (changes.ts ShipErrorCode), so the app can say what to do next.
  'auth_failed',
  'protected_branch',
  'not_fast_forward',
  'no_remote',
  'no_credential',
  'nothing_to_commit',
  'operation_in_progress',
  'repository_missing',
  'checkpoint_lost',
  'already_exists',
  'remote_error',
  'too_large',
  'invalid',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorBody = z.strictObject({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string(),
    /** Per-field problems for validation_failed, keyed by dotted path. */
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Turns a zod error into per-field messages that name the field. */
export function describeIssues(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    fields[path] ??= issue.message;
  }
  return fields;
}

export function summariseIssues(error: z.ZodError): string {
  return Object.entries(describeIssues(error))
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
}

// One way for every Settings form to find its errors: the same zod schema the
// server parses with, checked as the person types, and the server's own
// answer (per-field messages of a validation_failed error) when it differs.
import type { z } from 'zod';
import { ApiError, describeError } from '../../api/api-error.js';

/** Field problems keyed by dotted path ("model.baseUrl", "repositories.0.url"), plus "" for the form. */
export type FieldErrors = Record<string, string>;

export function checkWith<S extends z.ZodType>(schema: S, value: unknown): FieldErrors {
  const result = schema.safeParse(value);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.');
    errors[key] ??= sentence(issue.message);
  }
  return errors;
}

/** What a failed save says, by field where the server said which field. */
export function errorsOfFailure(error: unknown): FieldErrors {
  if (error instanceof ApiError && Object.keys(error.fields).length) {
    const errors: FieldErrors = { '': error.message };
    for (const [key, message] of Object.entries(error.fields)) errors[key] = sentence(message);
    return errors;
  }
  return { '': describeError(error) };
}

/** The first problem at or under a path: errors under "repositories.0" for that row. */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const prefix = `${path}.`;
  const key = Object.keys(errors).find((k) => k.startsWith(prefix));
  return key ? errors[key] : undefined;
}

function sentence(message: string): string {
  const text = message.trim();
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

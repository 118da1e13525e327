// What every resource router shares: the request context type, the
// validation hook that turns zod issues into the one error shape, and helpers
// to name who is calling.
import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { ApiErrorBody, Id, describeIssues, summariseIssues, type User } from '@orrery/shared';
import type { Context, Env } from 'hono';
import { z } from 'zod';
import { ApiError, forbidden, unauthenticated } from '../errors.js';
import type { Principal } from '../records/accounts.js';

export interface AppEnv extends Env {
  Variables: { principal: Principal | null };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) {
    throw new ApiError(400, 'validation_failed', summariseIssues(result.error), describeIssues(result.error));
  }
};

export function router(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw unauthenticated();
  return p;
}

/** The signed-in user; service tokens are refused here. */
export function userOf(c: Context<AppEnv>): User {
  const p = principalOf(c);
  if (p.kind !== 'user') throw forbidden('Service tokens may only use the runner API, attachments and sync.');
  return p.user;
}

export function serviceOf(c: Context<AppEnv>): Extract<Principal, { kind: 'service' }> {
  const p = principalOf(c);
  if (p.kind !== 'service') throw forbidden('Only runners (service tokens) may use the runner API.');
  return p;
}

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  content: { 'application/json': { schema } },
  description,
});

export const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const err = (description: string) => json(ApiErrorBody, description);
export const errors = {
  400: err('The request is malformed or fails validation'),
  401: err('Not signed in'),
  403: err('Not allowed'),
  404: err('Not found, or not visible to the caller'),
  409: err('Conflicts with the current state'),
  413: err('The body is too large'),
  422: err('Refused by the attachment policy'),
  429: err('Too many attempts; see Retry-After'),
} as const;

export const security = [{ bearer: [] }];

export const IdParam = z.object({ id: Id });

/**
 * A PATCH keeps only the fields the request named: zod fills defaults into
 * absent fields of a partial schema, which must not reset stored values.
 */
export async function presentFields<T extends object>(c: Context<AppEnv>, parsed: T): Promise<Partial<T>> {
  const raw = await c.req.json<Record<string, unknown>>();
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => Object.hasOwn(raw, k))) as Partial<T>;
}

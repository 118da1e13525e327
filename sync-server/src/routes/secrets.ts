// Secrets: names and scopes can be listed, values only set or removed.
import { createRoute } from '@hono/zod-openapi';
import {
  PutSecretParams,
  PutSecretRequest,
  SecretParams,
  SecretResponse,
  SecretsResponse,
} from '@orrery/shared';
import type { Services } from '../services.js';
import { body, errors, json, router, security, userOf } from './common.js';

export function secretRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Secrets'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/secrets',
      summary: 'Your private secrets and your organisation’s shared ones (names only; values are write-only)',
      responses: { 200: json(SecretsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ secrets: await s.secrets.list(userOf(c)) }, 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/secrets/{scope}/{name}',
      summary: 'Set or replace a secret’s value (shared: admins)',
      request: { params: PutSecretParams, ...body(PutSecretRequest) },
      responses: { 200: json(SecretResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { scope, name } = c.req.valid('param');
      return c.json({ secret: await s.secrets.put(userOf(c), scope, name, c.req.valid('json').value) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/secrets/{scope}/{name}',
      summary: 'Remove a secret (shared: admins)',
      request: { params: SecretParams },
      responses: { 204: { description: 'Removed' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { scope, name } = c.req.valid('param');
      await s.secrets.remove(userOf(c), scope, name);
      return c.body(null, 204);
    },
  );

  return app;
}

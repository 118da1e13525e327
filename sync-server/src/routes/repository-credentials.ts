// Repository credentials: names, hosts and kinds can be listed, values only set or removed.
import { createRoute } from '@hono/zod-openapi';
import {
  PutRepositoryCredentialRequest,
  RepositoryCredentialResponse,
  RepositoryCredentialsResponse,
  SecretParams,
} from '@orrery/shared';
import type { Services } from '../services.js';
import { body, errors, json, router, security, userOf } from './common.js';

export function repositoryCredentialRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Repository credentials'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/repository-credentials',
      summary: 'Your private repository credentials and your organisation’s shared ones (never their values)',
      responses: { 200: json(RepositoryCredentialsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ credentials: await s.repositoryCredentials.list(userOf(c)) }, 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/repository-credentials/{scope}/{name}',
      summary: 'Set or replace a repository credential: its host, kind and value (shared: admins)',
      request: { params: SecretParams, ...body(PutRepositoryCredentialRequest) },
      responses: {
        200: json(RepositoryCredentialResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const { scope, name } = c.req.valid('param');
      const credential = await s.repositoryCredentials.put(userOf(c), scope, name, c.req.valid('json'));
      return c.json({ credential }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/repository-credentials/{scope}/{name}',
      summary: 'Remove a repository credential (shared: admins)',
      request: { params: SecretParams },
      responses: { 204: { description: 'Removed' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { scope, name } = c.req.valid('param');
      await s.repositoryCredentials.remove(userOf(c), scope, name);
      return c.body(null, 204);
    },
  );

  return app;
}

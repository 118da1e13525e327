// Teammates (search, added by admins) and runner service tokens (admins).
import { createRoute } from '@hono/zod-openapi';
import {
  CreateServiceTokenRequest,
  CreateUserRequest,
  Id,
  ServiceTokenResponse,
  ServiceTokensResponse,
  TeammatesResponse,
  UserResponse,
  type User,
} from '@orrery/shared';
import { z } from 'zod';
import { conflict, forbidden, notFound } from '../errors.js';
import { EmailTakenError } from '../records/accounts.js';
import type { Services } from '../services.js';
import { body, errors, json, router, security, userOf } from './common.js';

export function adminOf(user: User): User {
  if (user.role !== 'admin') throw forbidden('Only an admin of your organisation may do this.');
  return user;
}

export function userRoutes(s: Services) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      summary: 'Search teammates in your organisation by name or email',
      security,
      request: {
        query: z.strictObject({
          q: z.string().max(200).default(''),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
      responses: { 200: json(TeammatesResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const user = userOf(c);
      const { q, limit } = c.req.valid('query');
      const users = await s.accounts.searchTeammates(user.orgId, q.trim(), limit);
      return c.json({ users: users.map((u) => ({ id: u.id, name: u.name, email: u.email })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      summary: 'Add a teammate (admins)',
      security,
      request: body(CreateUserRequest),
      responses: {
        201: json(UserResponse, 'Added'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const input = c.req.valid('json');
      const taken = () => conflict(`${input.email} already has an account.`);
      if (await s.accounts.emailTaken(input.email)) throw taken();
      try {
        return c.json({ user: await s.accounts.createUser({ ...input, orgId: admin.orgId }) }, 201);
      } catch (err) {
        // Made by another request between the check and the insert.
        throw err instanceof EmailTakenError ? taken() : err;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/service-tokens',
      summary: 'Live service tokens of your organisation (admins)',
      security,
      responses: { 200: json(ServiceTokensResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      return c.json({ tokens: await s.accounts.serviceTokens(admin.orgId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/service-tokens',
      summary: 'Create a service token for a runner (admins); the token is shown once',
      security,
      request: body(CreateServiceTokenRequest),
      responses: {
        201: json(ServiceTokenResponse, 'Created'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      return c.json(await s.accounts.issueServiceToken(admin.orgId, c.req.valid('json').name), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/service-tokens/{id}',
      summary: 'Revoke a service token (admins); its sockets close at once',
      security,
      request: { params: z.object({ id: Id }) },
      responses: { 204: { description: 'Revoked' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { id } = c.req.valid('param');
      if (!(await s.accounts.revokeToken(admin.orgId, id, 'service')))
        throw notFound(`No live service token ${id}.`);
      s.hub.closeToken(id);
      return c.body(null, 204);
    },
  );

  return app;
}

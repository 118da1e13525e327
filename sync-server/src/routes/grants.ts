// Viewer grants on a session: list, grant, revoke (owner only).
import { createRoute } from '@hono/zod-openapi';
import { GrantsResponse, Id } from '@orrery/shared';
import { z } from 'zod';
import { badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { ownedRow, revokeGrant } from '../session-ops.js';
import { IdParam, errors, json, router, security, userOf } from './common.js';

const GrantParams = z.object({ id: Id, userId: Id });

export function grantRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Sessions'] };
  const list = async (sessionId: string) => ({
    grants: (await s.sessions.grants(sessionId)).map((g) => ({
      user: { id: g.userId, name: g.name, email: g.email },
      grantedAt: g.grantedAt,
    })),
  });

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/{id}/grants',
      summary: 'Teammates with viewer access (owner)',
      request: { params: IdParam },
      responses: { 200: json(GrantsResponse), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const row = await ownedRow(s, userOf(c), c.req.valid('param').id);
      return c.json(await list(row.id), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/sessions/{id}/grants/{userId}',
      summary: 'Give a teammate viewer access (owner); idempotent',
      request: { params: GrantParams },
      responses: {
        204: { description: 'Granted' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const owner = userOf(c);
      const { id, userId } = c.req.valid('param');
      const row = await ownedRow(s, owner, id);
      const teammate = await s.accounts.user(userId);
      if (!teammate || teammate.orgId !== owner.orgId || (await s.accounts.isDeactivated(teammate.id)))
        throw notFound(`No teammate ${userId} in your organisation.`);
      if (teammate.id === owner.id) throw badRequest('You own this session already.');
      if (!(await s.sessions.grant(row, teammate.id, owner.id)))
        throw notFound(`No session ${id} that you can open.`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/sessions/{id}/grants/{userId}',
      summary: "Revoke a teammate's viewer access (owner); their sockets close at once",
      request: { params: GrantParams },
      responses: { 204: { description: 'Revoked' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      const row = await ownedRow(s, userOf(c), id);
      if (!(await revokeGrant(s, row, userId)))
        throw notFound(`${userId} has no viewer access to this session.`);
      return c.body(null, 204);
    },
  );

  return app;
}

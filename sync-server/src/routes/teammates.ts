// The people of the organisation (everyone sees the list; admins change it)
// and the organisation's name (admins).
import { createRoute } from '@hono/zod-openapi';
import {
  ChangeRoleRequest,
  MemberResponse,
  MembersResponse,
  OrganisationResponse,
  ReassignSessionsRequest,
  ReassignSessionsResponse,
  RenameOrganisationRequest,
  sessionDocName,
  type Member,
  type User,
} from '@orrery/shared';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Refusal } from '../records/teammates.js';
import type { Services } from '../services.js';
import { IdParam, body, errors, json, router, security, userOf } from './common.js';
import { adminOf } from './users.js';

export function teammateRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Teammates'] };
  const orgName = async (user: User) => (await s.accounts.organisation(user.orgId)).name;

  /** Puts a refusal into words; `member` is who the change was about. */
  const refuse = async (admin: User, id: string, refusal: Refusal): Promise<never> => {
    const member = await s.teammates.member(admin.orgId, id);
    if (refusal === 'not-found' || !member) throw notFound(`No teammate ${id} in your organisation.`);
    if (refusal === 'deactivated')
      throw badRequest(`${member.name} is deactivated; choose someone active.`, {
        toUserId: 'is deactivated',
      });
    const org = await orgName(admin);
    throw conflict(
      `${member.name} is the only admin of ${org}. Make someone else an admin first, so that ${org} keeps one.`,
    );
  };
  const answer = async (admin: User, id: string, result: Member | Refusal) =>
    typeof result === 'string' ? refuse(admin, id, result) : { member: result };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/teammates',
      summary: 'Everyone in your organisation, with role and when they were last active',
      responses: { 200: json(MembersResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ members: await s.teammates.list(userOf(c).orgId) }, 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/teammates/{id}',
      summary: "Change a teammate's role (admins); the last admin cannot be demoted",
      request: { params: IdParam, ...body(ChangeRoleRequest) },
      responses: {
        200: json(MemberResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { id } = c.req.valid('param');
      const result = await s.teammates.setRole(admin.orgId, id, c.req.valid('json').role);
      return c.json(await answer(admin, id, result), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/teammates/{id}/deactivate',
      summary:
        'Deactivate a teammate (admins): signed out everywhere, sockets closed, sessions kept; the last admin cannot be',
      request: { params: IdParam },
      responses: {
        200: json(MemberResponse),
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { id } = c.req.valid('param');
      const result = await answer(admin, id, await s.teammates.deactivate(admin.orgId, id));
      for (const tokenId of await s.accounts.revokeUserTokens(id)) s.hub.closeToken(tokenId);
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/teammates/{id}/reactivate',
      summary: 'Let a deactivated teammate sign in again (admins)',
      request: { params: IdParam },
      responses: { 200: json(MemberResponse), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { id } = c.req.valid('param');
      return c.json(await answer(admin, id, await s.teammates.reactivate(admin.orgId, id)), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/teammates/{id}/sessions/reassign',
      summary: "Give a deactivated teammate's sessions to another teammate (admins), with their access",
      request: { params: IdParam, ...body(ReassignSessionsRequest) },
      responses: {
        200: json(ReassignSessionsResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { id } = c.req.valid('param');
      const { toUserId } = c.req.valid('json');
      const from = await s.teammates.member(admin.orgId, id);
      if (!from) throw notFound(`No teammate ${id} in your organisation.`);
      if (from.deactivatedAt === null)
        throw badRequest(`${from.name} is active and owns their sessions. Deactivate them first.`);
      if (toUserId === id)
        throw badRequest('Choose someone else to give the sessions to.', { toUserId: 'is the same person' });
      const moved = await s.teammates.reassignSessions(admin.orgId, id, toUserId);
      if (typeof moved === 'string') return refuse(admin, toUserId, moved);
      s.hub.ownersChanged();
      // Sockets open on them now have the new owner's access (and the old owner's ends).
      for (const sessionId of moved) await s.hub.recheck(sessionDocName(sessionId));
      return c.json({ moved: moved.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/organisation',
      summary: 'Rename your organisation (admins)',
      security,
      tags: ['Teammates'],
      request: body(RenameOrganisationRequest),
      responses: { 200: json(OrganisationResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      return c.json(
        { organisation: await s.accounts.renameOrganisation(admin.orgId, c.req.valid('json').name) },
        200,
      );
    },
  );

  return app;
}

// Invitations: admins make, list and revoke one-time links; the invitee,
// not signed in, looks one up and accepts it with their name and password,
// and is signed in. The token travels in bodies, never in a URL the server
// sees (the link's #fragment stays in the browser).
import { createRoute } from '@hono/zod-openapi';
import {
  AcceptInvitationRequest,
  CreateInvitationRequest,
  CreatedInvitationResponse,
  InvitationPreviewResponse,
  InvitationTokenRequest,
  InvitationsResponse,
  LoginResponse,
} from '@orrery/shared';
import { hashPassword } from '../auth/secrets.js';
import { ApiError, notFound } from '../errors.js';
import type { TokenState } from '../records/invitations.js';
import type { Services } from '../services.js';
import { IdParam, body, errors, json, router, security, userOf } from './common.js';
import { adminOf } from './users.js';

export function invitationRoutes(s: Services) {
  const app = router();
  const base = { tags: ['Invitations'] };

  /** What the invitee's page says when the link no longer works. */
  const unusable = async (
    state: Exclude<TokenState['state'], 'pending'> | 'taken',
    orgId?: string,
  ): Promise<ApiError> => {
    const org = orgId ? (await s.accounts.organisation(orgId)).name : null;
    const ask = org ? `Ask an admin of ${org} for a new invitation.` : 'Ask an admin for a new invitation.';
    const messages = {
      unknown: `This invitation link is not valid; check that it was copied whole. ${ask}`,
      expired: `This invitation has expired (links work for 7 days). ${ask}`,
      revoked: `This invitation was withdrawn by an admin. ${ask}`,
      accepted: 'This invitation has been used already. Sign in with the email it was sent to.',
      taken: 'An account with this email exists already. Sign in with it instead.',
    } as const;
    return new ApiError(
      state === 'accepted' || state === 'taken' ? 409 : 404,
      state === 'accepted' || state === 'taken' ? 'conflict' : 'not_found',
      messages[state],
    );
  };

  app.openapi(
    createRoute({
      ...base,
      security,
      method: 'get',
      path: '/invitations',
      summary: 'Invitations of your organisation: pending, expired and accepted (admins)',
      responses: { 200: json(InvitationsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      return c.json({ invitations: await s.invitations.list(admin.orgId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      security,
      method: 'post',
      path: '/invitations',
      summary: 'Invite someone by email with a role (admins); the one-time token is in this answer only',
      request: body(CreateInvitationRequest),
      responses: {
        201: json(CreatedInvitationResponse, 'Invited'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { email, role } = c.req.valid('json');
      const existingOrg = await s.invitations.organisationOfEmail(email);
      if (existingOrg) {
        const org = (await s.accounts.organisation(admin.orgId)).name;
        const [message, field] =
          existingOrg === admin.orgId
            ? [`${email} is already a member of ${org}.`, `${org} already has a member with this email.`]
            : [
                `${email} already has an Orrery account on this server.`,
                'This email already has an Orrery account on this server.',
              ];
        throw new ApiError(409, 'conflict', message, { email: field });
      }
      return c.json(await s.invitations.create(admin, email, role), 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      security,
      method: 'delete',
      path: '/invitations/{id}',
      summary: 'Revoke an invitation not yet accepted (admins); its link stops working',
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const admin = adminOf(userOf(c));
      const { id } = c.req.valid('param');
      if (!(await s.invitations.revoke(admin.orgId, id)))
        throw notFound(`No invitation ${id} that is still open.`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/invitations/lookup',
      summary: 'What an invitation link is for (no sign-in): the organisation, the email and the role',
      request: body(InvitationTokenRequest),
      responses: {
        200: json(InvitationPreviewResponse),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const found = await s.invitations.byToken(c.req.valid('json').token);
      if (found.state !== 'pending')
        throw await unusable(found.state, 'row' in found ? found.row.org_id : undefined);
      const { row } = found;
      return c.json(
        {
          organisation: { name: (await s.accounts.organisation(row.org_id)).name },
          email: row.email,
          role: row.role,
          expiresAt: row.expires_at,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/invitations/accept',
      summary:
        'Accept an invitation (no sign-in): sets name and password, answers a sign-in like /auth/login',
      request: body(AcceptInvitationRequest),
      responses: {
        200: json(LoginResponse),
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { token, name, password } = c.req.valid('json');
      const before = await s.invitations.byToken(token);
      if (before.state !== 'pending')
        throw await unusable(before.state, 'row' in before ? before.row.org_id : undefined);
      const hash = await hashPassword(password);
      const result = await s.invitations.accept(token, name, hash);
      if (typeof result === 'string') throw await unusable(result, before.row.org_id);
      const { token: bearer, expiresAt } = await s.accounts.issueUserToken(result);
      return c.json(
        { token: bearer, expiresAt, user: result, organisation: await s.accounts.organisation(result.orgId) },
        200,
      );
    },
  );

  return app;
}

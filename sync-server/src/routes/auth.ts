// Sign in, sign out, who am I.
import { createRoute } from '@hono/zod-openapi';
import { LoginRequest, LoginResponse, MeResponse } from '@orrery/shared';
import { unauthenticated } from '../errors.js';
import type { Services } from '../services.js';
import { body, errors, json, principalOf, router, security, userOf } from './common.js';

export function authRoutes(s: Services) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password; answers a bearer token',
      request: body(LoginRequest),
      responses: { 200: json(LoginResponse), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const user = await s.accounts.checkPassword(email, password);
      if (!user) throw unauthenticated('That email and password do not match an account.');
      const { token, expiresAt } = s.accounts.issueUserToken(user);
      return c.json({ token, expiresAt, user, organisation: s.accounts.organisation(user.orgId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out: revokes the token of this request and closes its sync sockets',
      security,
      responses: { 204: { description: 'Signed out' }, 401: errors[401] },
    }),
    (c) => {
      const p = principalOf(c);
      s.accounts.revokeToken(p.orgId, p.tokenId);
      s.hub.closeToken(p.tokenId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      summary: 'The signed-in user and their organisation',
      security,
      responses: { 200: json(MeResponse), 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      const user = userOf(c);
      return c.json({ user, organisation: s.accounts.organisation(user.orgId) }, 200);
    },
  );

  return app;
}

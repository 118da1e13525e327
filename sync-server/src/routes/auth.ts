// Sign in, sign out, who am I.
import { createRoute } from '@hono/zod-openapi';
import {
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  MeResponse,
  SignInsResponse,
  SignOutOthersResponse,
  UpdateMeRequest,
} from '@orrery/shared';
import type { BlockList } from 'node:net';
import { clientAddress } from '../auth/client-address.js';
import {
  MemoryLoginThrottle,
  retryMessage,
  type LoginThrottle,
  type ThrottleLimits,
} from '../auth/login-throttle.js';
import { ApiError, badRequest, forbidden, notFound, unauthenticated } from '../errors.js';
import type { Services } from '../services.js';
import { IdParam, body, errors, json, principalOf, router, security, userOf } from './common.js';

export interface AuthOptions {
  /** Proxies whose X-Forwarded-For names the client. */
  trustedProxies: BlockList;
  throttle?: ThrottleLimits | undefined;
  /** Where sign-in attempts are counted; by default in this process (with `throttle`'s limits). */
  attempts?: LoginThrottle | undefined;
}

export function authRoutes(s: Services, options: AuthOptions) {
  const app = router();
  const throttle = options.attempts ?? new MemoryLoginThrottle(s.clock, options.throttle);
  let warnedAboutProxy = options.trustedProxies.rules.length > 0;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password; answers a bearer token',
      request: body(LoginRequest),
      responses: {
        200: json(LoginResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        429: errors[429],
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      if (!warnedAboutProxy && c.req.header('x-forwarded-for')) {
        warnedAboutProxy = true;
        s.log.warn(
          'A sign-in came with X-Forwarded-For, but ORRERY_TRUSTED_PROXIES is not set: sign-in limits count every client behind that proxy as one. List the proxy there if there is one.',
        );
      }
      // Counted before the (slow) password check, so parallel guesses cannot overtake the count.
      const reserved = await throttle.reserve(clientAddress(c, options.trustedProxies), email);
      if ('retryAfterMs' in reserved) {
        c.header('Retry-After', String(Math.ceil(reserved.retryAfterMs / 1000)));
        throw new ApiError(429, 'rate_limited', retryMessage(reserved.retryAfterMs));
      }
      const user = await s.accounts.checkPassword(email, password);
      if (!user) throw unauthenticated('That email and password do not match an account.');
      await throttle.succeeded(reserved.attempt);
      // Said only to someone who knows the password, so it tells a stranger nothing.
      if (await s.accounts.isDeactivated(user.id)) {
        const org = (await s.accounts.organisation(user.orgId)).name;
        throw forbidden(
          `Your account in ${org} was deactivated by an admin, so you cannot sign in. Ask an admin of ${org} to reactivate it.`,
        );
      }
      const { token, expiresAt } = await s.accounts.issueUserToken(user, c.req.header('user-agent') ?? null);
      return c.json({ token, expiresAt, user, organisation: await s.accounts.organisation(user.orgId) }, 200);
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
    async (c) => {
      const p = principalOf(c);
      await s.accounts.revokeToken(p.orgId, p.tokenId);
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
    async (c) => {
      const user = userOf(c);
      return c.json({ user, organisation: await s.accounts.organisation(user.orgId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/me',
      summary: 'Change your own name',
      security,
      request: body(UpdateMeRequest),
      responses: { 200: json(MeResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const me = userOf(c);
      const user = await s.accounts.rename(me.id, c.req.valid('json').name);
      return c.json({ user, organisation: await s.accounts.organisation(user.orgId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/password',
      summary: 'Change your password (the current one is required); your other sign-ins end',
      security,
      request: body(ChangePasswordRequest),
      responses: {
        204: { description: 'Changed' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        429: errors[429],
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const me = userOf(c);
      const { currentPassword, newPassword } = c.req.valid('json');
      // The same count as sign-in: a stolen token must not become a way to guess the password.
      const reserved = await throttle.reserve(clientAddress(c, options.trustedProxies), me.email);
      if ('retryAfterMs' in reserved) {
        c.header('Retry-After', String(Math.ceil(reserved.retryAfterMs / 1000)));
        throw new ApiError(429, 'rate_limited', retryMessage(reserved.retryAfterMs));
      }
      if (!(await s.accounts.passwordMatches(me.id, currentPassword)))
        throw badRequest('The current password is not right.', {
          currentPassword: 'is not your current password',
        });
      await throttle.succeeded(reserved.attempt);
      await s.accounts.setPassword(me.id, newPassword);
      for (const id of await s.accounts.revokeOtherSignIns(me.id, p.tokenId)) s.hub.closeToken(id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/sign-ins',
      summary: 'Your live sign-ins (devices), newest use first',
      security,
      responses: { 200: json(SignInsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const p = principalOf(c);
      const me = userOf(c);
      const signIns = (await s.accounts.signIns(me.id)).map((x) => ({ ...x, current: x.id === p.tokenId }));
      return c.json({ signIns }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/me/sign-ins/{id}',
      summary: 'End one of your sign-ins; its sync sockets close at once',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Signed out' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const me = userOf(c);
      const { id } = c.req.valid('param');
      // Someone else's sign-in answers as an unknown one: ids do not tell who is signed in.
      if (!(await s.accounts.revokeSignIn(me.id, id))) throw notFound(`You have no live sign-in ${id}.`);
      s.hub.closeToken(id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/sign-ins/sign-out-others',
      summary: 'End every sign-in of yours but this one',
      security,
      responses: { 200: json(SignOutOthersResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const p = principalOf(c);
      const me = userOf(c);
      const ids = await s.accounts.revokeOtherSignIns(me.id, p.tokenId);
      for (const id of ids) s.hub.closeToken(id);
      return c.json({ signedOut: ids.length }, 200);
    },
  );

  return app;
}

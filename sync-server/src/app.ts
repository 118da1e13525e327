// createApp(services) builds the HTTP app without listening: tests call
// app.request(); main.ts serves it and hands WebSocket upgrades to the hub.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ErrorCode } from '@orrery/shared';
import { parseTrustedProxies } from './auth/client-address.js';
import type { LoginThrottle, ThrottleLimits } from './auth/login-throttle.js';
import { ApiError } from './errors.js';
import { attachmentRoutes } from './routes/attachments.js';
import { authRoutes } from './routes/auth.js';
import { buildRoutes } from './routes/builds.js';
import { catchUpRoutes } from './routes/catch-up.js';
import { changesRoutes } from './routes/changes.js';
import { environmentRoutes, expertRoutes } from './routes/catalog.js';
import { enhanceRoutes } from './routes/enhance.js';
import { environmentActionRoutes } from './routes/environment-actions.js';
import { validationHook, type AppEnv } from './routes/common.js';
import { grantRoutes } from './routes/grants.js';
import { engineRoutes } from './routes/engines.js';
import { modelSettingsRoutes } from './routes/model-settings.js';
import { runnerRoutes } from './routes/runner.js';
import { secretRoutes } from './routes/secrets.js';
import { repositoryCredentialRoutes } from './routes/repository-credentials.js';
import { sessionRoutes } from './routes/sessions.js';
import { shipRoutes } from './routes/ship.js';
import { triggerRoutes } from './routes/triggers.js';
import { userRoutes } from './routes/users.js';
import { invitationRoutes } from './routes/invitations.js';
import { teammateRoutes } from './routes/teammates.js';
import type { Services } from './services.js';
import { securityHeaders } from './web/security-headers.js';
import { webRoutes } from './web/static.js';

/** JSON bodies above this are refused with 413 (attachments have their own limit). */
export const MAX_JSON_BYTES = 1024 * 1024;

export interface AppOptions {
  /** Where the built web app is; absent means no web app is served. */
  webDir?: string | undefined;
  /** How long POST /api/enhance waits for a runner (default 60 s). */
  enhanceWaitMs?: number | undefined;
  /** ORRERY_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed (none by default). */
  trustedProxies?: string | undefined;
  /** Sign-in attempt limits; tests lower them. */
  loginThrottle?: ThrottleLimits | undefined;
  /** Where sign-in attempts are counted: Redis when several instances share the limits; this process by default. */
  loginAttempts?: LoginThrottle | undefined;
  /** How long commit, push, pull request, patch and restore wait for a runner (default 120 s). */
  actionWaitMs?: number | undefined;
}

export function createApp(s: Services, options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // First, so that errors and "not found" answers carry them too.
  app.use('*', securityHeaders);
  app.get('/healthz', (c) => c.json({ ok: true }));

  // The desktop renderer calls the API from its own origin; bearer tokens (never
  // cookies) carry the identity, so any origin may call.
  app.use(
    '/api/*',
    cors({
      origin: '*',
      allowHeaders: ['Authorization', 'Content-Type', 'X-File-Name'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['Content-Disposition'],
      maxAge: 600,
    }),
  );
  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
    c.set('principal', token ? await s.accounts.resolve(token) : null);
    await next();
  });
  app.use(
    '/api/*',
    except(
      // These two take more, and set their own limits.
      ['/api/attachments', '/api/runner/sessions/:id/changes'],
      bodyLimit({
        maxSize: MAX_JSON_BYTES,
        onError: () => {
          throw new ApiError(413, 'payload_too_large', 'Request bodies can be up to 1 MiB.');
        },
      }),
    ),
  );

  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.route(
    '/',
    authRoutes(s, {
      trustedProxies: parseTrustedProxies(options.trustedProxies),
      throttle: options.loginThrottle,
      attempts: options.loginAttempts,
    }),
  );
  api.route('/', userRoutes(s));
  api.route('/', expertRoutes(s));
  api.route('/', environmentRoutes(s));
  api.route('/', sessionRoutes(s));
  api.route('/', grantRoutes(s));
  api.route('/', attachmentRoutes(s));
  api.route('/', catchUpRoutes(s));
  api.route('/', secretRoutes(s));
  api.route('/', enhanceRoutes(s, options.enhanceWaitMs));
  api.route('/', triggerRoutes(s));
  api.route('/', environmentActionRoutes(s));
  api.route('/', runnerRoutes(s));
  api.route('/', engineRoutes(s));
  api.route('/', repositoryCredentialRoutes(s));
  api.route('/', teammateRoutes(s));
  api.route('/', invitationRoutes(s));
  api.route('/', modelSettingsRoutes(s));
  api.route('/', buildRoutes(s));
  api.route('/', changesRoutes(s));
  api.route('/', shipRoutes(s, options.actionWaitMs));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.doc('/openapi.json', {
    openapi: '3.0.0',
    info: { title: 'Orrery sync server', version: '0.1.0' },
    servers: [{ url: '/api' }],
  });
  app.route('/api', api);
  app.all('/api/*', () => {
    throw new ApiError(404, 'not_found', 'No such API route; see /api/openapi.json.');
  });

  if (options.webDir) app.route('/', webRoutes(options.webDir));

  app.onError((err, c) => {
    // A body refused before it was read leaves the connection unusable for the next request.
    if (err instanceof HTTPException && err.status === 413) c.header('Connection', 'close');
    if (err instanceof ApiError) {
      const body = {
        error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) },
      };
      return c.json(body, err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code: ErrorCode =
        status === 413 ? 'payload_too_large' : status === 401 ? 'unauthenticated' : 'bad_request';
      const message = /json/i.test(err.message)
        ? 'The body is not valid JSON.'
        : err.message || 'Bad request.';
      return c.json({ error: { code, message } }, status);
    }
    s.log.error(
      `${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return c.json(
      { error: { code: 'internal', message: 'Something went wrong on the server; it was logged.' } },
      500,
    );
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `Nothing at ${c.req.path}.` } }, 404));

  return app;
}

export type OrreryApp = ReturnType<typeof createApp>;

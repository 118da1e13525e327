// What runners need to know of where they run: the installation they serve,
// and Docker engine health (runners report what they see, admins read it).
import { createRoute } from '@hono/zod-openapi';
import { EngineReport, EnginesResponse, InstallationResponse, ModelProvidersResponse } from '@orrery/shared';
import { forbidden } from '../errors.js';
import type { Services } from '../services.js';
import { body, errors, json, router, security, serviceOf, userOf } from './common.js';

export function engineRoutes(s: Services) {
  const app = router();

  app.openapi(
    createRoute({
      security,
      tags: ['Runner'],
      method: 'post',
      path: '/runner/engines',
      summary: "Report the health of the runner's Docker engines",
      request: body(EngineReport),
      responses: { 204: { description: 'Noted' }, 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      const runner = serviceOf(c);
      const { runnerId, engines, providers } = c.req.valid('json');
      s.engines.report(runner.orgId, runnerId, engines, providers);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      security,
      tags: ['Runner'],
      method: 'get',
      path: '/runner/installation',
      summary: 'The installation this server is: a runner touches only the containers it labelled with it',
      responses: { 200: json(InstallationResponse), 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      serviceOf(c);
      return c.json({ installationId: s.installationId }, 200);
    },
  );

  app.openapi(
    createRoute({
      security,
      tags: ['Engines'],
      method: 'get',
      path: '/engines',
      summary: "The Docker engines of the organisation's runners and how each is doing (admins)",
      responses: { 200: json(EnginesResponse), 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      const user = userOf(c);
      if (user.role !== 'admin')
        throw forbidden('Only an admin of your organisation can see the Docker engines.');
      return c.json({ engines: s.engines.list(user.orgId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      security,
      tags: ['Model providers'],
      method: 'get',
      path: '/model-providers',
      summary: 'Which model providers can run now, and what an admin must do for those that cannot',
      responses: { 200: json(ModelProvidersResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { orgId } = userOf(c);
      return c.json({ providers: s.engines.providers(orgId, await s.modelSettings.stored(orgId)) }, 200);
    },
  );

  return app;
}

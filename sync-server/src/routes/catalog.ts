// Experts and Environments: create, read, update, delete; personal or organisation-wide.
import { createRoute } from '@hono/zod-openapi';
import {
  EnvironmentInput,
  EnvironmentPatch,
  EnvironmentResponse,
  EnvironmentsResponse,
  ExpertInput,
  ExpertPatch,
  ExpertResponse,
  ExpertsResponse,
} from '@orrery/shared';
import type { Services } from '../services.js';
import { buildIfChanged } from './builds.js';
import { IdParam, body, errors, json, presentFields, router, security, userOf } from './common.js';

export function expertRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Experts'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/experts',
      summary: 'Experts you may use',
      responses: { 200: json(ExpertsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ experts: await s.catalog.experts(userOf(c)) }, 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/experts',
      summary: 'Create an Expert (organisation-wide: admins; names unique among those you can use)',
      request: body(ExpertInput),
      responses: {
        201: json(ExpertResponse, 'Created'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json({ expert: await s.catalog.createExpert(userOf(c), c.req.valid('json')) }, 201),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/experts/{id}',
      summary: 'One Expert',
      request: { params: IdParam },
      responses: { 200: json(ExpertResponse), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json({ expert: await s.catalog.expert(userOf(c), c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/experts/{id}',
      summary: 'Change an Expert (its author when personal, an admin when organisation-wide)',
      request: { params: IdParam, ...body(ExpertPatch) },
      responses: {
        200: json(ExpertResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const patch = await presentFields(c, c.req.valid('json'));
      return c.json({ expert: await s.catalog.updateExpert(userOf(c), c.req.valid('param').id, patch) }, 200);
    },
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/experts/{id}',
      summary: 'Delete an Expert (not built-ins)',
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      await s.catalog.deleteExpert(userOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}

export function environmentRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Environments'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/environments',
      summary: 'Environments you may use',
      responses: { 200: json(EnvironmentsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ environments: await s.catalog.environments(userOf(c)) }, 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/environments',
      summary: 'Create an Environment (names are unique in the organisation)',
      request: body(EnvironmentInput),
      responses: {
        201: json(EnvironmentResponse, 'Created'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const user = userOf(c);
      const input = c.req.valid('json');
      await s.repositoryCredentials.checkRepositories(user, input.repositories);
      const environment = await s.catalog.createEnvironment(user, input);
      await buildIfChanged(s, environment, user.id, true);
      return c.json({ environment }, 201);
    },
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/environments/{id}',
      summary: 'One Environment',
      request: { params: IdParam },
      responses: { 200: json(EnvironmentResponse), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) =>
      c.json({ environment: await s.catalog.environment(userOf(c), c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/environments/{id}',
      summary: 'Change an Environment',
      request: { params: IdParam, ...body(EnvironmentPatch) },
      responses: {
        200: json(EnvironmentResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const user = userOf(c);
      const patch = await presentFields(c, c.req.valid('json'));
      if (patch.repositories) await s.repositoryCredentials.checkRepositories(user, patch.repositories);
      const environment = await s.catalog.updateEnvironment(user, c.req.valid('param').id, patch);
      await buildIfChanged(s, environment, user.id, false);
      return c.json({ environment }, 200);
    },
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/environments/{id}',
      summary: 'Delete an Environment (not built-ins)',
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      await s.catalog.deleteEnvironment(userOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}

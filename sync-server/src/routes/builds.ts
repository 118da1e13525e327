// Environment builds (shared/src/builds.ts): Build now, the builds of an
// Environment, a build's log (long-poll for live lines), and the runner's
// side: what to build and how it goes. Whoever may see an Environment may read
// its builds and logs; whoever may change it may build it.
import { createRoute } from '@hono/zod-openapi';
import {
  BuildContext,
  BuildLogQuery,
  BuildLogResponse,
  BuildReport,
  BuildResponse,
  BuildsResponse,
  type BuildTrigger,
  type Environment,
  type EnvironmentBuild,
} from '@orrery/shared';
import { notFound } from '../errors.js';
import { toBuild } from '../records/builds.js';
import type { Services } from '../services.js';
import { IdParam, body, errors, json, router, security, serviceOf, userOf } from './common.js';

/** Queues a build of the Environment as it is now, with the job a runner claims. */
export async function queueBuild(
  s: Services,
  environment: Environment,
  trigger: BuildTrigger,
  requestedBy: string | null,
): Promise<EnvironmentBuild> {
  const build = await s.builds.create(environment, trigger, requestedBy);
  await s.builds.attachJob(build.id, await s.jobs.enqueueBuild(environment.orgId, build.id));
  return build;
}

/** After a create or change: a build when what the snapshot is made from changed. */
export async function buildIfChanged(
  s: Services,
  environment: Environment,
  by: string,
  created: boolean,
): Promise<void> {
  if (await s.builds.needsBuild(environment))
    await queueBuild(s, environment, created ? 'created' : 'changed', by);
}

export function buildRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Environments'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/environments/{id}/builds',
      summary: "Build now: a new build of the Environment's snapshot",
      request: { params: IdParam },
      responses: {
        201: json(BuildResponse, 'Queued'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const user = userOf(c);
      const environment = await s.catalog.environmentToChange(user, c.req.valid('param').id);
      return c.json({ build: await queueBuild(s, environment, 'manual', user.id) }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/environments/{id}/builds',
      summary: 'The latest builds of an Environment, newest first, and the one sessions use',
      request: { params: IdParam },
      responses: { 200: json(BuildsResponse), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const environment = await s.catalog.environment(userOf(c), c.req.valid('param').id);
      return c.json(
        { builds: await s.builds.list(environment.id), inUse: await s.builds.inUse(environment.id) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/builds/{id}/log',
      summary: "A build's log lines after `after`; with waitMs, waits for the next line or change of status",
      request: { params: IdParam, query: BuildLogQuery },
      responses: { 200: json(BuildLogResponse), 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const user = userOf(c);
      const { id } = c.req.valid('param');
      const { after, waitMs } = c.req.valid('query');
      const readable = async () => {
        const row = await s.builds.row(id);
        // One answer for "no such build" and "not yours to see", as for Environments.
        if (!row || row.org_id !== user.orgId) hiddenBuild(id);
        try {
          await s.catalog.environment(user, row.environment_id);
        } catch {
          hiddenBuild(id);
        }
        return row;
      };
      let row = await readable();
      const ended = () => row.status === 'ready' || row.status === 'failed';
      if (waitMs > 0 && row.lines <= after && !ended()) {
        await s.builds.changed(id, waitMs, c.req.raw.signal);
        row = await readable();
      }
      // The status read before the lines: a build that ended has written all of them.
      const { lines, dropped } = await s.builds.log(id, after);
      return c.json({ build: toBuild(row), lines, dropped }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      tags: ['Runner'],
      method: 'get',
      path: '/runner/builds/{id}/context',
      summary: 'What a runner builds: the Environment as it was when the build was asked for',
      request: { params: IdParam },
      responses: { 200: json(BuildContext), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const id = c.req.valid('param').id;
      const row = await s.builds.row(id);
      if (!row || row.org_id !== runner.orgId) throw notFound('No such build in your organisation.');
      const current = await s.catalog.environmentForRunner(row.org_id, row.environment_id);
      if (!current) throw notFound('The Environment of this build no longer exists.');
      const environment = { ...current, ...s.builds.definitionOf(row) };
      const repositoryCredentials = await s.repositoryCredentials.forRunner(
        row.org_id,
        row.requested_by ?? current.ownerId,
        environment.repositories,
      );
      return c.json(
        {
          build: toBuild(row),
          environment,
          installationId: s.installationId,
          repositoryCredentials,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      tags: ['Runner'],
      method: 'post',
      path: '/runner/builds/{id}/report',
      summary: "A build's progress, log lines and outcome, under its job's lease",
      request: { params: IdParam, ...body(BuildReport) },
      responses: {
        204: { description: 'Recorded' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const id = c.req.valid('param').id;
      const report = c.req.valid('json');
      const row = await s.builds.row(id);
      if (!row || row.org_id !== runner.orgId || !row.job_id)
        throw notFound('No such build in your organisation.');
      await s.jobs.checkLease(runner.orgId, row.job_id, report.leaseToken);
      await s.builds.report(id, report);
      return c.body(null, 204);
    },
  );

  return app;
}

function hiddenBuild(id: string): never {
  throw notFound(`No build ${id} that you can see.`);
}

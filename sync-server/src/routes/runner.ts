// The runner API of shared/runner-api.ts: claim jobs with leases, heartbeat,
// complete, fetch a session's context, report a drained queue.
import { createRoute } from '@hono/zod-openapi';
import {
  ClaimRequest,
  ClaimResponse,
  CompleteRequest,
  ExpertContext,
  HeartbeatResponse,
  Id,
  LeaseRequest,
  SessionContext,
} from '@orrery/shared';
import { z } from 'zod';
import { notFound } from '../errors.js';
import { toSession } from '../records/sessions.js';
import type { Services } from '../services.js';
import { IdParam, body, errors, json, router, security, serviceOf } from './common.js';

const JobParam = z.object({ id: Id });

export function runnerRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Runner'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/runner/claim',
      summary: 'Claim a job (long-poll up to waitMs)',
      request: body(ClaimRequest),
      responses: { 200: json(ClaimResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const { runnerId, waitMs, kinds } = c.req.valid('json');
      const job = await s.jobs.claim(runner.orgId, runnerId, kinds, waitMs, c.req.raw.signal);
      return c.json({ job }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/runner/jobs/{id}/heartbeat',
      summary: 'Keep a lease alive',
      request: { params: JobParam, ...body(LeaseRequest) },
      responses: {
        200: json(HeartbeatResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const leaseExpiresAt = await s.jobs.heartbeat(
        runner.orgId,
        c.req.valid('param').id,
        c.req.valid('json').leaseToken,
      );
      return c.json({ leaseExpiresAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/runner/jobs/{id}/complete',
      summary: 'Finish a job',
      request: { params: JobParam, ...body(CompleteRequest) },
      responses: {
        204: { description: 'Completed' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const { leaseToken, outcome, detail, result, actionResult, failure } = c.req.valid('json');
      await s.jobs.complete(runner.orgId, c.req.valid('param').id, leaseToken, outcome, detail, {
        result,
        actionResult,
        failure,
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/runner/sessions/{id}/context',
      summary: 'What a runner needs to run the turns of a session',
      request: { params: IdParam },
      responses: { 200: json(SessionContext), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const row = await s.sessions.row(c.req.valid('param').id);
      if (!row || row.org_id !== runner.orgId) throw notFound('No such session in your organisation.');
      const expert = await s.catalog.expertForRunner(row.org_id, row.expert_id);
      if (!expert) throw notFound(`The Expert ${row.expert_id} of this session no longer exists.`);
      const current = row.environment_id
        ? await s.catalog.environmentForRunner(row.org_id, row.environment_id)
        : null;
      // The last good build stays in use while a newer one is queued, running or failed.
      const environment = current && (await s.builds.asInUse(current));
      const secrets = await s.secrets.forSession(row.org_id, row.owner_id);
      const repositoryCredentials = await s.repositoryCredentials.forRunner(
        row.org_id,
        row.owner_id,
        environment?.repositories ?? [],
      );
      return c.json(
        {
          session: toSession(row),
          expert,
          environment,
          secrets,
          installationId: s.installationId,
          repositoryCredentials,
          models: await s.modelSettings.forRunner(row.org_id),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/runner/experts/{id}/context',
      summary: 'An Expert and its default Environment (enhancing on Home, before a session exists)',
      request: { params: IdParam },
      responses: { 200: json(ExpertContext), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const expert = await s.catalog.expertForRunner(runner.orgId, c.req.valid('param').id);
      if (!expert) throw notFound('No such Expert in your organisation.');
      const current = expert.defaultEnvironmentId
        ? await s.catalog.environmentForRunner(runner.orgId, expert.defaultEnvironmentId)
        : null;
      return c.json(
        {
          expert,
          environment: current && (await s.builds.asInUse(current)),
          models: await s.modelSettings.forRunner(runner.orgId),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/runner/sessions/{id}/finished',
      summary: "The session's queue is drained; sessions from an auto-archiving trigger are archived",
      request: { params: IdParam },
      responses: { 204: { description: 'Noted' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const row = await s.sessions.row(c.req.valid('param').id);
      if (!row || row.org_id !== runner.orgId) throw notFound('No such session in your organisation.');
      if (row.origin === 'trigger' && row.auto_archive === 1 && row.archived === 0)
        await s.sessions.setArchived(row.id, true);
      return c.body(null, 204);
    },
  );

  return app;
}

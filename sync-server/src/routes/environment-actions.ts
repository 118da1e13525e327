// The owner's hands on a session's Environment: pause it now, or restart it.
// The server queues the request; a runner carries it out and the session's
// document shows each status change.
import { createRoute } from '@hono/zod-openapi';
import { EnvironmentActionRequest } from '@orrery/shared';
import { badRequest } from '../errors.js';
import { ownedRow } from '../session-ops.js';
import type { Services } from '../services.js';
import { IdParam, body, errors, router, security, userOf } from './common.js';

export function environmentActionRoutes(s: Services) {
  const app = router();
  app.openapi(
    createRoute({
      security,
      tags: ['Sessions'],
      method: 'post',
      path: '/sessions/{id}/environment',
      summary: "Pause or restart the session's Environment (owner only)",
      request: { params: IdParam, ...body(EnvironmentActionRequest) },
      responses: {
        202: { description: 'A runner will carry it out' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const row = await ownedRow(s, userOf(c), c.req.valid('param').id);
      if (!row.environment_id) throw badRequest('This session has no Environment.');
      const { action } = c.req.valid('json');
      await s.jobs.enqueue(
        row.org_id,
        action === 'pause' ? 'pause_environment' : 'restart_environment',
        row.id,
      );
      return c.body(null, 202);
    },
  );
  return app;
}

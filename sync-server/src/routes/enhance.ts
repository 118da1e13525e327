// Enhance prompt: the rewrite runs on a runner (it needs the Expert's model and
// the Environment); this route queues the job and waits for its answer.
import { createRoute } from '@hono/zod-openapi';
import { EnhanceRequest, EnhanceResponse, type Expert, type User } from '@orrery/shared';
import { ApiError, badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { visibleRow } from '../session-ops.js';
import { body, errors, json, router, security, userOf } from './common.js';

/** How long a request waits for a runner's answer. */
export const ENHANCE_WAIT_MS = 60_000;

function expertFor(
  s: Services,
  user: User,
  request: EnhanceRequest,
): { expert: Expert; sessionId: string | null } {
  if (request.sessionId) {
    const row = visibleRow(s, user, request.sessionId);
    // The session's own Expert may be its owner's personal one; the session makes it usable here.
    const expert = request.expertId
      ? s.catalog.expert(user, request.expertId)
      : s.catalog.expertForRunner(row.org_id, row.expert_id);
    if (!expert) throw notFound('The Expert of this session no longer exists; choose another.');
    return { expert, sessionId: row.id };
  }
  if (!request.expertId)
    throw badRequest('Choose an Expert to enhance with.', { expertId: 'is required without a session' });
  return { expert: s.catalog.expert(user, request.expertId), sessionId: null };
}

export function enhanceRoutes(s: Services, waitMs = ENHANCE_WAIT_MS) {
  const app = router();
  app.openapi(
    createRoute({
      security,
      tags: ['Sessions'],
      method: 'post',
      path: '/enhance',
      summary: 'Rewrite a prompt into a fuller one (waits for a runner)',
      request: body(EnhanceRequest),
      responses: {
        200: json(EnhanceResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        502: { ...errors[400], description: 'The runner could not enhance the prompt' },
        503: { ...errors[400], description: 'No runner answered in time' },
      },
    }),
    async (c) => {
      const user = userOf(c);
      const request = c.req.valid('json');
      const { expert, sessionId } = expertFor(s, user, request);
      const jobId = s.jobs.enqueueEnhance(user.orgId, { text: request.text, expertId: expert.id, sessionId });
      const outcome = await s.jobs.outcome(jobId, waitMs, c.req.raw.signal);
      if (!outcome) {
        throw new ApiError(
          503,
          'engine_unavailable',
          `No runner answered within ${Math.round(waitMs / 1000)} s; is a runner running?`,
        );
      }
      if (outcome.outcome !== 'done' || !outcome.result) {
        throw new ApiError(
          502,
          'provider_error',
          outcome.detail || 'The runner could not enhance this prompt.',
        );
      }
      return c.json(outcome.result, 200);
    },
  );
  return app;
}

// Enhance prompt: the rewrite runs on a runner (it needs the Expert's model and
// the Environment); this route queues the job and waits for its answer.
// Enhancing in a session reads inside its Environment, so it is for those who
// may send messages there; the answer is redacted again here with the secret
// values the server holds, whatever the runner did.
import { createRoute } from '@hono/zod-openapi';
import { EnhanceRequest, EnhanceResponse, type Expert, type User } from '@orrery/shared';
import { redactValues } from '../auth/redact.js';
import { ApiError, badRequest, forbidden, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { visibleRow } from '../session-ops.js';
import { body, errors, json, principalOf, router, security, userOf } from './common.js';

/** How long a request waits for a runner's answer. */
export const ENHANCE_WAIT_MS = 60_000;

interface Target {
  expert: Expert;
  sessionId: string | null;
  /** Whose secrets the answer may carry: the session's owner, or on Home the caller. */
  ownerId: string;
}

async function targetOf(
  s: Services,
  user: User,
  principal: ReturnType<typeof principalOf>,
  request: EnhanceRequest,
): Promise<Target> {
  if (request.sessionId) {
    const row = await visibleRow(s, user, request.sessionId);
    // The same decision as for writing the session's queue.
    if ((await s.sessions.docAccess(principal, row)) !== 'read-write')
      throw forbidden('Only people who may send messages in this session can enhance prompts in it.');
    // The session's own Expert may be its owner's personal one; the session makes it usable here.
    const expert = request.expertId
      ? await s.catalog.expert(user, request.expertId)
      : await s.catalog.expertForRunner(row.org_id, row.expert_id);
    if (!expert) throw notFound('The Expert of this session no longer exists; choose another.');
    return { expert, sessionId: row.id, ownerId: row.owner_id };
  }
  if (!request.expertId)
    throw badRequest('Choose an Expert to enhance with.', { expertId: 'is required without a session' });
  return { expert: await s.catalog.expert(user, request.expertId), sessionId: null, ownerId: user.id };
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
      const { expert, sessionId, ownerId } = await targetOf(s, user, principalOf(c), request);
      const jobId = await s.jobs.enqueueEnhance(user.orgId, {
        text: request.text,
        expertId: expert.id,
        sessionId,
        requesterId: user.id,
      });
      const outcome = await s.jobs.outcome(jobId, waitMs, c.req.raw.signal);
      const values = Object.values(await s.secrets.forSession(user.orgId, ownerId));
      const redact = (text: string) => redactValues(text, values);
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
          redact(outcome.detail) || 'The runner could not enhance this prompt.',
        );
      }
      return c.json({ ...outcome.result, text: redact(outcome.result.text) }, 200);
    },
  );
  return app;
}

// The agent's changes as a record of the session (shared/src/changes.ts): the
// runner replaces it with each report, and whoever may read the session reads
// it, also while the Environment is paused. Everything is redacted with the
// secret values the server holds for the session, on the way in and out.
import { createRoute } from '@hono/zod-openapi';
import {
  ChangesReport,
  FileDiff,
  FileDiffQuery,
  MAX_REPORT_BYTES,
  RepoQuery,
  SessionChanges,
  ShipDraft,
  type User,
} from '@orrery/shared';
import { bodyLimit } from 'hono/body-limit';
import { redactDraft, redactReport, redactRepository } from '../changes/redact.js';
import { readDoc, redactorFor, shipDraftOf } from '../changes/session-state.js';
import { ApiError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { visibleRow } from '../session-ops.js';
import { IdParam, body, errors, json, router, security, serviceOf, userOf } from './common.js';

const MIB = 1024 * 1024;

/** The last report as the caller may see it (404 for a session they cannot open). */
async function readable(s: Services, user: User, id: string) {
  const row = await visibleRow(s, user, id);
  const redact = await redactorFor(s, row);
  const { repositories, computedAt } = await s.changes.get(row.id);
  return { row, redact, repositories: repositories.map((r) => redactRepository(r, redact)), computedAt };
}

export function changesRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Changes'] };

  // A report carries diffs up to MAX_REPORT_DIFF_CHARS: this route alone takes more than 1 MiB.
  app.use(
    '/runner/sessions/:id/changes',
    bodyLimit({
      maxSize: MAX_REPORT_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          `A changes report can be up to ${Math.floor(MAX_REPORT_BYTES / MIB)} MiB; report large files as 'too_large' or 'omitted' instead of sending their diffs.`,
        );
      },
    }),
  );

  app.openapi(
    createRoute({
      ...base,
      tags: ['Runner'],
      method: 'put',
      path: '/runner/sessions/{id}/changes',
      summary: "Replace the session's changes record with the runner's new report",
      request: { params: IdParam, ...body(ChangesReport) },
      responses: {
        204: { description: 'Recorded' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        413: errors[413],
      },
    }),
    async (c) => {
      const runner = serviceOf(c);
      const row = await s.sessions.row(c.req.valid('param').id);
      if (!row || row.org_id !== runner.orgId) throw notFound('No such session in your organisation.');
      const report = redactReport(c.req.valid('json'), await redactorFor(s, row));
      if (!(await s.changes.replace(row.id, report))) throw notFound('No such session in your organisation.');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/{id}/changes',
      summary: "What the agent changed in the session's repositories, as the runner last reported",
      request: { params: IdParam },
      responses: { 200: json(SessionChanges), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { repositories, computedAt } = await readable(s, userOf(c), c.req.valid('param').id);
      return c.json({ repositories, computedAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/{id}/changes/diff',
      summary: "One changed file's summary and unified diff (null when the report did not keep it)",
      request: { params: IdParam, query: FileDiffQuery },
      responses: {
        200: json(FileDiff),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { repo, path } = c.req.valid('query');
      const { row, redact, repositories, computedAt } = await readable(s, userOf(c), c.req.valid('param').id);
      const file = repositories.find((r) => r.path === repo)?.files.find((f) => f.path === path);
      if (!file || computedAt === null) {
        throw notFound(
          `${path} is not among the changed files of ${repo || 'the workspace'} in this session's last report.`,
        );
      }
      const kept = file.diff === 'kept' ? await s.changes.patch(row.id, repo, path) : null;
      return c.json({ repo, file, patch: kept === null ? null : redact(kept), computedAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/{id}/changes/draft',
      summary: 'A proposed commit message, branch and pull request for a repository, from the conversation',
      request: { params: IdParam, query: RepoQuery },
      responses: {
        200: json(ShipDraft),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { repo } = c.req.valid('query');
      const { row, redact, repositories } = await readable(s, userOf(c), c.req.valid('param').id);
      const draft = await shipDraftOf(s, row, repo, await readDoc(s, row), repositories);
      if (!draft) throw notFound(`${repo || 'The workspace'} is not a repository of this session.`);
      return c.json(redactDraft(draft, redact), 200);
    },
  );

  return app;
}

// Shipping and undoing the agent's work (shared/src/changes.ts): commit, push
// a branch, open a pull request, download a patch, restore a checkpoint. They
// are for people who may send messages in the session; each waits for a
// runner (a 'session_action' job, which does the git work in the container and
// pushes from its own side with the repository credential) and is refused
// while a turn runs, so the agent and a person never move the same files.
import { createRoute } from '@hono/zod-openapi';
import {
  CheckpointParams,
  CommitRequest,
  CommitResponse,
  PullRequestRequest,
  PullRequestResponse,
  PushRequest,
  PushResponse,
  RepoQuery,
  RestoreResponse,
  sessionBranchName,
  type SessionAction,
  type SessionActionResult,
  type ShipErrorCode,
  type User,
} from '@orrery/shared';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { redactResult } from '../changes/redact.js';
import { readDoc, redactorFor, shipDraftOf, type DocState } from '../changes/session-state.js';
import { ApiError, conflict, forbidden, notFound } from '../errors.js';
import type { SessionRow } from '../records/sessions.js';
import type { Services } from '../services.js';
import { visibleRow } from '../session-ops.js';
import { IdParam, body, errors, json, principalOf, router, security, userOf, type AppEnv } from './common.js';

/** How long an action waits for a runner: a push or a pull request talks to a remote. */
export const ACTION_WAIT_MS = 120_000;

/** The status each failure answers with: the state is in the way, the request cannot work, or the remote refused. */
export const FAILURE_STATUS: Readonly<Record<ShipErrorCode, ContentfulStatusCode>> = {
  not_fast_forward: 409,
  protected_branch: 409,
  already_exists: 409,
  operation_in_progress: 409,
  nothing_to_commit: 409,
  checkpoint_lost: 409,
  no_remote: 400,
  no_credential: 400,
  invalid: 400,
  repository_missing: 400,
  too_large: 400,
  auth_failed: 502,
  remote_error: 502,
};

const failed = (description: string) => ({ ...errors[400], description });
const actionErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  502: failed('The runner could not carry it out, or the remote refused'),
  503: failed('No runner answered in time'),
} as const;

type Done<K extends SessionActionResult['action']> = Omit<
  Extract<SessionActionResult, { action: K }>,
  'action'
>;

export function shipRoutes(s: Services, waitMs = ACTION_WAIT_MS) {
  const app = router();
  const base = { security, tags: ['Changes'] };

  /** The session, when the caller may act in it, with its document as it is now. */
  const actionable = async (c: Context<AppEnv>, id: string) => {
    const user = userOf(c);
    const row = await visibleRow(s, user, id);
    if ((await s.sessions.docAccess(principalOf(c), row)) !== 'read-write') {
      throw forbidden(
        'Only people who may send messages in this session can restore, commit, push or open pull requests in it.',
      );
    }
    const doc = await readDoc(s, row);
    if (doc.turnActive || (await s.jobs.hasOpenTurn(row.id))) {
      throw conflict(
        'The agent is working in this session; wait for its turn to end (or stop it), then try again.',
      );
    }
    return { user, row, doc };
  };

  /** Queues the action for a runner and answers with its result, or the failure it reported. */
  const perform = async <K extends SessionActionResult['action']>(
    c: Context<AppEnv>,
    row: SessionRow,
    requester: User,
    action: Extract<SessionAction, { action: K }>,
  ): Promise<Done<K>> => {
    const author = { name: requester.name, email: requester.email };
    const jobId = await s.jobs.enqueueAction(row.org_id, row.id, action, requester.id, author);
    const outcome = await s.jobs.outcome(jobId, waitMs, c.req.raw.signal);
    const redact = await redactorFor(s, row);
    if (!outcome) {
      throw new ApiError(
        503,
        'engine_unavailable',
        `No runner answered within ${Math.round(waitMs / 1000)} s; is a runner running?`,
      );
    }
    if (outcome.failure) {
      const { code, message } = outcome.failure;
      throw new ApiError(FAILURE_STATUS[code], code, redact(message));
    }
    const result = outcome.actionResult;
    if (outcome.outcome !== 'done' || result?.action !== action.action) {
      throw new ApiError(
        502,
        'engine_unavailable',
        redact(outcome.detail) || 'The runner could not carry this out; try again.',
      );
    }
    // The answer's shape is the one for this action (checked above), without the tag.
    const { action: _kind, ...rest } = redactResult(result, redact);
    return rest as unknown as Done<K>;
  };

  /** Where a push goes when nobody names a branch: the draft's (the session's own branch, or a new one). */
  const defaults = async (row: SessionRow, repo: string, doc: DocState) => {
    const draft = await shipDraftOf(s, row, repo, doc, (await s.changes.get(row.id)).repositories);
    return {
      branch: draft?.branch ?? sessionBranchName(row.title, row.id),
      base: draft?.baseBranch ?? null,
    };
  };

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/sessions/{id}/changes/commit',
      summary: 'Commit every change in a repository (git add -A) on its current branch',
      request: { params: IdParam, ...body(CommitRequest) },
      responses: { 200: json(CommitResponse), ...actionErrors },
    }),
    async (c) => {
      const { user, row } = await actionable(c, c.req.valid('param').id);
      const { repo, message } = c.req.valid('json');
      return c.json(await perform(c, row, user, { action: 'commit', repo, message }), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/sessions/{id}/changes/push',
      summary: "Push the repository's HEAD to a branch on its remote (by default the session's own)",
      request: { params: IdParam, ...body(PushRequest) },
      responses: { 200: json(PushResponse), ...actionErrors },
    }),
    async (c) => {
      const { user, row, doc } = await actionable(c, c.req.valid('param').id);
      const request = c.req.valid('json');
      const branch = request.branch ?? (await defaults(row, request.repo, doc)).branch;
      return c.json(await perform(c, row, user, { action: 'push', repo: request.repo, branch }), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/sessions/{id}/changes/pull-request',
      summary: 'Open a pull request (GitHub) or merge request (GitLab) from the session’s branch',
      request: { params: IdParam, ...body(PullRequestRequest) },
      responses: { 200: json(PullRequestResponse), ...actionErrors },
    }),
    async (c) => {
      const { user, row, doc } = await actionable(c, c.req.valid('param').id);
      const request = c.req.valid('json');
      const fallback = await defaults(row, request.repo, doc);
      const into = request.base ?? fallback.base;
      if (!into) {
        throw new ApiError(
          400,
          'validation_failed',
          'Say which branch the pull request goes into: the session does not know the branch it started on.',
          { base: 'is required: the branch the pull request goes into' },
        );
      }
      const action = {
        action: 'pull_request' as const,
        repo: request.repo,
        title: request.title,
        body: request.body,
        base: into,
        branch: request.branch ?? fallback.branch,
      };
      return c.json(await perform(c, row, user, action), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/{id}/changes/patch',
      summary:
        "The repository's commits and uncommitted changes since the session started, as git format-patch",
      request: { params: IdParam, query: RepoQuery },
      responses: {
        200: {
          description: 'The patch, as an attachment',
          content: { 'text/x-patch': { schema: z.string() } },
        },
        ...actionErrors,
      },
    }),
    async (c) => {
      const { user, row } = await actionable(c, c.req.valid('param').id);
      const { repo } = c.req.valid('query');
      const { patch, fileName } = await perform(c, row, user, { action: 'patch', repo });
      const name = fileName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'changes.patch';
      return c.body(patch, 200, {
        'Content-Type': 'text/x-patch; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/sessions/{id}/checkpoints/{checkpointId}/restore',
      summary: 'Put the workspace back as a checkpoint recorded it (undoable: the present is kept first)',
      request: { params: CheckpointParams },
      responses: { 200: json(RestoreResponse), ...actionErrors },
    }),
    async (c) => {
      const { id, checkpointId } = c.req.valid('param');
      const { user, row, doc } = await actionable(c, id);
      const checkpoint = doc.checkpoints.find((k) => k.id === checkpointId);
      if (!checkpoint) throw notFound(`No checkpoint ${checkpointId} in this session.`);
      if (checkpoint.lost) {
        throw new ApiError(
          409,
          'checkpoint_lost',
          'This checkpoint was lost when the Environment restarted clean; it can no longer be restored.',
        );
      }
      return c.json(await perform(c, row, user, { action: 'restore', checkpointId }), 200);
    },
  );

  return app;
}

// Sessions: create, list, changes since a clock, archive, visibility, rename,
// delete, send messages. Viewer grants are in grants.ts.
import { createRoute } from '@hono/zod-openapi';
import {
  ChangesQuery,
  ChangesResponse,
  CreateSessionRequest,
  CreateSessionResponse,
  RenameSessionRequest,
  SendMessageRequest,
  SendMessageResponse,
  SessionResponse,
  SessionsQuery,
  SessionsResponse,
  VisibilityRequest,
} from '@orrery/shared';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import {
  deleteSession,
  itemFor,
  ownedRow,
  sendMessage,
  setVisibility,
  startSession,
} from '../session-ops.js';
import { IdParam, body, errors, json, router, security, userOf } from './common.js';

/** A session deleted between reading it and changing it. */
const gone = (id: string) => notFound(`No session ${id} that you can open.`);

export function sessionRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Sessions'] };
  const owned = {
    200: json(SessionResponse),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
  };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions',
      summary:
        'Sessions you may open: all (not archived), mine, shared (with me), archived; title search with q',
      request: { query: SessionsQuery },
      responses: { 200: json(SessionsResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const user = userOf(c);
      return c.json(await s.sessions.list(user.id, user.orgId, c.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/changes',
      summary: 'Sessions changed since a clock, and ids you may no longer open',
      request: { query: ChangesQuery },
      responses: { 200: json(ChangesResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const user = userOf(c);
      return c.json(await s.sessions.changesSince(user.id, user.orgId, c.req.valid('query').since), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/sessions',
      summary: 'Start a session from an Expert and a first prompt',
      request: body(CreateSessionRequest),
      responses: {
        201: json(CreateSessionResponse, 'Created'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      return c.json(await startSession(s, userOf(c), c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/sessions/{id}',
      summary: 'One session',
      request: { params: IdParam },
      responses: owned,
    }),
    async (c) => c.json({ session: await itemFor(s, userOf(c), c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/sessions/{id}',
      summary: 'Rename a session (owner)',
      request: { params: IdParam, ...body(RenameSessionRequest) },
      responses: owned,
    }),
    async (c) => {
      const user = userOf(c);
      const row = await ownedRow(s, user, c.req.valid('param').id);
      if (!(await s.sessions.setTitle(row.id, c.req.valid('json').title))) throw gone(row.id);
      return c.json({ session: await itemFor(s, user, row.id) }, 200);
    },
  );

  for (const [path, archived] of [
    ['/sessions/{id}/archive', true],
    ['/sessions/{id}/unarchive', false],
  ] as const) {
    app.openapi(
      createRoute({
        ...base,
        method: 'post',
        path,
        summary: archived ? 'Archive a session (owner)' : 'Bring an archived session back (owner)',
        request: { params: IdParam },
        responses: owned,
      }),
      async (c) => {
        const user = userOf(c);
        const row = await ownedRow(s, user, c.req.valid('param').id);
        if (!(await s.sessions.setArchived(row.id, archived))) throw gone(row.id);
        return c.json({ session: await itemFor(s, user, row.id) }, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/sessions/{id}/visibility',
      summary:
        'Make a session private or shared with the organisation (owner); closes sockets that lose access',
      request: { params: IdParam, ...body(VisibilityRequest) },
      responses: owned,
    }),
    async (c) => {
      const user = userOf(c);
      const row = await ownedRow(s, user, c.req.valid('param').id);
      await setVisibility(s, row, c.req.valid('json').visibility);
      return c.json({ session: await itemFor(s, user, row.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/sessions/{id}',
      summary: 'Delete a session, its document and grants (owner); its container is removed by a runner',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const row = await ownedRow(s, userOf(c), c.req.valid('param').id);
      await deleteSession(s, row);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/sessions/{id}/messages',
      summary: 'Queue a message (owner); attachments are judged on what the server stored',
      request: { params: IdParam, ...body(SendMessageRequest) },
      responses: {
        201: json(SendMessageResponse, 'Queued'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { text, attachments } = c.req.valid('json');
      const result = await sendMessage(s, userOf(c), c.req.valid('param').id, text, attachments);
      return c.json(result, 201);
    },
  );

  return app;
}

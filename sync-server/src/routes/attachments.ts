// Attachments: upload raw bytes (judged by the attachment policy on the
// server), download only for those who may read the session that uses them.
import { createRoute } from '@hono/zod-openapi';
import { AttachmentResponse, Id } from '@orrery/shared';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError, badRequest, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { ownedRow } from '../session-ops.js';
import { errors, json, principalOf, router, security, userOf } from './common.js';

/** The largest upload the policy could accept (an image of 10 MB). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const SessionQuery = z.strictObject({ session: Id.optional() });
const Sha = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest') });

export function attachmentRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Attachments'] };

  app.use(
    '/attachments',
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          'Attachments can be up to 10 MB (images) or 4 MB (files).',
        );
      },
    }),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/attachments',
      summary: 'Upload an attachment: the raw bytes as the body, the name in X-File-Name (URI-encoded)',
      request: {
        query: SessionQuery,
        headers: z.object({
          'x-file-name': z.string().min(1, 'is required: the file name, URI-encoded').max(2000),
        }),
        body: {
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        },
      },
      responses: {
        201: json(AttachmentResponse, 'Stored'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        413: errors[413],
        422: errors[422],
      },
    }),
    async (c) => {
      const user = userOf(c);
      const { session } = c.req.valid('query');
      if (session) await ownedRow(s, user, session);
      let name: string;
      try {
        name = decodeURIComponent(c.req.valid('header')['x-file-name']);
      } catch {
        throw badRequest('X-File-Name must be URI-encoded (encodeURIComponent).', {
          'x-file-name': 'is not URI-encoded',
        });
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const result = await s.attachments.upload(
        user.id,
        name,
        c.req.header('content-type'),
        bytes,
        session ?? null,
      );
      if (!result.ok) throw new ApiError(422, 'validation_failed', result.reason, { file: result.reason });
      return c.json({ attachment: result.attachment }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/attachments/{sha256}',
      summary: 'Download an attachment of a session you may read (or one you uploaded)',
      request: { params: Sha, query: SessionQuery },
      responses: {
        200: {
          description: 'The content',
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const { sha256 } = c.req.valid('param');
      const { session } = c.req.valid('query');
      const missing = notFound('No such attachment in a session you can read.');
      let allowed = false;
      if (session) {
        const row = await s.sessions.row(session);
        // Whoever may open the session's document may read what it carries.
        const readable = row && (await s.sessions.docAccess(p, row)) !== null;
        allowed = !!readable && (await s.attachments.inSession(sha256, session));
      }
      if (!allowed && p.kind === 'user') allowed = await s.attachments.uploadedBy(sha256, p.user.id);
      const content = allowed ? await s.attachments.content(sha256) : null;
      if (!content) throw missing;
      const filename = content.name || `attachment-${sha256.slice(0, 12)}`;
      const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      const disposition = content.kind === 'image' ? 'inline' : 'attachment';
      // Streamed part by part from the database, so a download holds one part in memory.
      return c.body(content.stream(), 200, {
        'Content-Type': content.mediaType,
        'Content-Length': String(content.size),
        'Content-Disposition': `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "sandbox; default-src 'none'",
        'Cache-Control': 'private, max-age=31536000, immutable',
      });
    },
  );

  return app;
}

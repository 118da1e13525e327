// Batch catch-up: many (document, state vector) pairs in, the missing updates
// for the readable ones out, without opening a socket per document.
import { createRoute } from '@hono/zod-openapi';
import { CatchUpRequest, CatchUpResponse } from '@orrery/shared';
import * as Y from 'yjs';
import type { Services } from '../services.js';
import { ApiError } from '../errors.js';
import { body, errors, json, principalOf, router, security } from './common.js';

export function catchUpRoutes(s: Services) {
  const app = router();
  app.openapi(
    createRoute({
      security,
      tags: ['Sync'],
      method: 'post',
      path: '/sync/catch-up',
      summary: 'Missing updates for many documents at once (base64 state vectors in, base64 updates out)',
      request: body(CatchUpRequest),
      responses: { 200: json(CatchUpResponse), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const p = principalOf(c);
      const { docs } = c.req.valid('json');
      const vectors = docs.map((d, i) => decodeVector(d.stateVector, i));
      const out: { name: string; update: string }[] = [];
      const denied: string[] = [];
      for (const [i, d] of docs.entries()) {
        if (!(await s.docAccess(p, d.name))) {
          denied.push(d.name);
          continue;
        }
        const update = await s.hub.missing(d.name, vectors[i]!);
        out.push({ name: d.name, update: Buffer.from(update).toString('base64') });
      }
      return c.json({ docs: out, denied }, 200);
    },
  );
  return app;
}

function decodeVector(base64: string, index: number): Uint8Array {
  const field = `docs.${index}.stateVector`;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new ApiError(400, 'validation_failed', `${field}: must be base64`, { [field]: 'must be base64' });
  }
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  if (bytes.length === 0) return new Uint8Array([0]);
  try {
    Y.decodeStateVector(bytes);
  } catch {
    throw new ApiError(400, 'validation_failed', `${field}: is not a Yjs state vector`, {
      [field]: 'is not a Yjs state vector',
    });
  }
  return bytes;
}

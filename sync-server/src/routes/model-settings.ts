// Settings → Model providers: stored API keys (write-only: set, replace,
// remove; never read back) and the base URLs models may be reached at.
// Everyone of the organisation may see what is set; only admins change it.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  KeyedProvider,
  ModelKeySummary,
  ModelSettingsResponse,
  PutModelBaseUrlsRequest,
  PutModelKeyRequest,
} from '@orrery/shared';
import type { Services } from '../services.js';
import { body, errors, json, router, security, userOf } from './common.js';

const ProviderParam = z.object({ provider: KeyedProvider });

export function modelSettingsRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Model providers'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/model-providers/settings',
      summary: 'Which provider keys are stored (never the keys) and the allowed base URLs',
      responses: { 200: json(ModelSettingsResponse), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json(await s.modelSettings.summary(userOf(c).orgId), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/model-providers/{provider}/key',
      summary: "Store or replace a provider's API key (admins); it is never shown again",
      request: { params: ProviderParam, ...body(PutModelKeyRequest) },
      responses: { 200: json(ModelKeySummary), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) =>
      c.json(
        await s.modelSettings.putKey(userOf(c), c.req.valid('param').provider, c.req.valid('json').value),
        200,
      ),
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/model-providers/{provider}/key',
      summary: "Remove a provider's stored API key (admins)",
      request: { params: ProviderParam },
      responses: { 204: { description: 'Removed' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      await s.modelSettings.removeKey(userOf(c), c.req.valid('param').provider);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/model-providers/base-urls',
      summary: "The base URLs this organisation's models may be reached at (admins)",
      request: body(PutModelBaseUrlsRequest),
      responses: { 200: json(ModelSettingsResponse), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json(await s.modelSettings.setBaseUrls(userOf(c), c.req.valid('json').baseUrls), 200),
  );
  return app;
}

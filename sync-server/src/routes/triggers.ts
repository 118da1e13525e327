// Triggers on Experts: webhooks (an organisation-scoped URL with a bearer
// secret shown once) and schedules (five-field cron). Whoever may use an
// Expert may add triggers to it; a trigger is managed by its maker or an admin.
import { createRoute } from '@hono/zod-openapi';
import {
  CreateTriggerRequest,
  Id,
  TriggerEventsResponse,
  TriggerResponse,
  TriggersResponse,
  UpdateTriggerRequest,
  WebhookAccepted,
  cronProblem,
  nextRun,
  passesFilter,
  type Trigger,
  type User,
} from '@orrery/shared';
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError, badRequest, forbidden, notFound, unauthenticated } from '../errors.js';
import { MAX_PAYLOAD_BYTES } from '../records/triggers.js';
import type { Services } from '../services.js';
import { fire, webhookPrompt } from '../triggers/fire.js';
import {
  IdParam,
  body,
  errors,
  json,
  presentFields,
  router,
  security,
  userOf,
  type AppEnv,
} from './common.js';

const HookParams = z.object({ orgId: Id, triggerId: Id });

async function manageable(s: Services, user: User, id: string): Promise<Trigger> {
  const trigger = await s.triggers.get(id);
  if (!trigger || trigger.orgId !== user.orgId) throw notFound(`No trigger ${id} in your organisation.`);
  if (trigger.ownerId !== user.id && user.role !== 'admin') {
    throw forbidden('Only the person who made this trigger, or an admin, may change it.');
  }
  return trigger;
}

function scheduleNext(s: Services, t: { enabled: boolean; cron?: string; timezone?: string }): number | null {
  if (!t.enabled || !t.cron) return null;
  const problem = cronProblem(t.cron, t.timezone ?? 'UTC');
  if (problem) throw badRequest(`The schedule is not valid: ${problem}`, { cron: problem });
  return nextRun(t.cron, t.timezone ?? 'UTC', s.clock());
}

function hookUrl(c: Context<AppEnv>, trigger: Trigger): string {
  return `${new URL(c.req.url).origin}/api/hooks/${trigger.orgId}/${trigger.id}`;
}

export function triggerRoutes(s: Services) {
  const app = router();
  const base = { security, tags: ['Triggers'] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/experts/{id}/triggers',
      summary: "An Expert's triggers",
      request: { params: IdParam },
      responses: { 200: json(TriggersResponse), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const user = userOf(c);
      const expert = await s.catalog.expert(user, c.req.valid('param').id);
      const all = await s.triggers.forExpert(user.orgId, expert.id);
      return c.json(
        { triggers: user.role === 'admin' ? all : all.filter((t) => t.ownerId === user.id) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/experts/{id}/triggers',
      summary: 'Add a webhook or schedule trigger to an Expert',
      request: { params: IdParam, ...body(CreateTriggerRequest) },
      responses: { 201: json(TriggerResponse), 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const user = userOf(c);
      const expert = await s.catalog.expert(user, c.req.valid('param').id);
      const input = c.req.valid('json');
      const next = input.kind === 'schedule' ? scheduleNext(s, input) : null;
      const { trigger, secret } = await s.triggers.create(user.orgId, user.id, expert.id, input, next);
      return c.json(
        {
          trigger,
          ...(secret ? { webhook: { url: hookUrl(c, trigger), secret } } : {}),
          ...(trigger.kind === 'schedule' ? { nextRunAt: next } : {}),
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/triggers/{id}',
      summary: 'Change a trigger',
      request: { params: IdParam, ...body(UpdateTriggerRequest) },
      responses: {
        200: json(TriggerResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const user = userOf(c);
      const current = await manageable(s, user, c.req.valid('param').id);
      const patch = await presentFields(c, c.req.valid('json'));
      if (current.kind === 'webhook' && (patch.cron || patch.prompt || patch.timezone)) {
        throw badRequest('A webhook has no schedule or prompt; its payload is the first message.');
      }
      if (current.kind === 'schedule' && patch.filter !== undefined)
        throw badRequest('Only webhooks have filters.');
      const merged = { ...current, ...patch };
      const next = merged.kind === 'schedule' ? scheduleNext(s, merged) : null;
      const trigger = await s.triggers.update(current.id, patch, next);
      return c.json({ trigger, ...(trigger.kind === 'schedule' ? { nextRunAt: next } : {}) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/triggers/{id}',
      summary: 'Delete a trigger and its events',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const trigger = await manageable(s, userOf(c), c.req.valid('param').id);
      await s.triggers.remove(trigger.id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/triggers/{id}/secret',
      summary: "Replace a webhook's secret (the old one stops working)",
      request: { params: IdParam },
      responses: {
        200: json(TriggerResponse),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const trigger = await manageable(s, userOf(c), c.req.valid('param').id);
      if (trigger.kind !== 'webhook') throw badRequest('Only webhooks have secrets.');
      const secret = await s.triggers.rotateSecret(trigger.id);
      return c.json({ trigger, webhook: { url: hookUrl(c, trigger), secret } }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/triggers/{id}/events',
      summary: 'Events the trigger received, newest first',
      request: { params: IdParam },
      responses: { 200: json(TriggerEventsResponse), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const trigger = await manageable(s, userOf(c), c.req.valid('param').id);
      return c.json({ events: await s.triggers.events(trigger.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      tags: ['Triggers'],
      method: 'post',
      path: '/hooks/{orgId}/{triggerId}',
      summary: 'Deliver a webhook event (Authorization: Bearer <webhook secret>)',
      request: { params: HookParams },
      responses: {
        202: json(WebhookAccepted),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
        413: errors[413],
      },
    }),
    async (c) => {
      const { orgId, triggerId } = c.req.valid('param');
      const trigger = await s.triggers.get(triggerId);
      const header = c.req.header('authorization') ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      // The same answer for a wrong secret and an unknown hook: nothing to learn by probing.
      if (
        !trigger ||
        trigger.kind !== 'webhook' ||
        trigger.orgId !== orgId ||
        !presented ||
        !(await s.triggers.secretMatches(trigger.id, presented))
      ) {
        throw unauthenticated('This webhook needs its secret: send "Authorization: Bearer <secret>".');
      }
      if (!trigger.enabled) throw new ApiError(409, 'conflict', 'This webhook is turned off.');
      const text = await c.req.text();
      if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
        throw new ApiError(413, 'payload_too_large', 'Webhook payloads can be up to 256 KB.');
      }
      let payload: unknown;
      try {
        payload = text.trim() ? JSON.parse(text) : {};
      } catch {
        throw badRequest('The payload is not valid JSON.');
      }
      if (!passesFilter(payload, trigger.filter)) {
        const event = await s.triggers.recordEvent({
          triggerId: trigger.id,
          receivedAt: s.clock(),
          payload: text,
          sessionId: null,
          outcome: 'filtered',
          detail: `Skipped: ${trigger.filter!.path} is not ${JSON.stringify(trigger.filter!.equals)}.`,
        });
        return c.json({ eventId: event.id, outcome: 'filtered' as const, sessionId: null }, 202);
      }
      const event = await fire(s, trigger, webhookPrompt(trigger, text, payload), text);
      if (event.outcome === 'error') throw new ApiError(500, 'internal', event.detail);
      return c.json({ eventId: event.id, outcome: 'started' as const, sessionId: event.sessionId }, 202);
    },
  );

  return app;
}

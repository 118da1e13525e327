// Triggers on Experts (webhooks and schedules) and the events they received.
// A webhook's secret is stored as a hash and shown only when made.
import type {
  CreateTriggerRequest,
  Trigger,
  TriggerEvent,
  UpdateTriggerRequest,
  WebhookTrigger,
} from '@orrery/shared';
import { timingSafeEqual } from 'node:crypto';
import { hashToken, newId, newToken } from '../auth/secrets.js';
import type { Updateable } from 'kysely';
import type { Records } from '../store/database.js';
import type { Triggers as TriggersTable } from '../store/tables.js';

/** Payloads are kept for inspection up to this size; larger ones are refused at the door. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const EVENTS_KEPT = 200;

interface TriggerRow {
  id: string;
  org_id: string;
  expert_id: string;
  owner_id: string;
  kind: 'webhook' | 'schedule';
  name: string;
  enabled: number;
  auto_archive: number;
  filter: string | null;
  cron: string | null;
  timezone: string | null;
  prompt: string | null;
  secret_hash: Buffer | null;
  next_run_at: number | null;
  created_at: number;
}

interface EventRow {
  id: string;
  trigger_id: string;
  received_at: number;
  payload: string;
  session_id: string | null;
  outcome: TriggerEvent['outcome'];
  detail: string;
}

function toTrigger(r: TriggerRow): Trigger {
  const base = {
    id: r.id,
    orgId: r.org_id,
    expertId: r.expert_id,
    ownerId: r.owner_id,
    name: r.name,
    enabled: r.enabled === 1,
    autoArchive: r.auto_archive === 1,
    createdAt: r.created_at,
  };
  return r.kind === 'webhook'
    ? {
        ...base,
        kind: 'webhook',
        filter: r.filter ? (JSON.parse(r.filter) as WebhookTrigger['filter']) : null,
      }
    : {
        ...base,
        kind: 'schedule',
        cron: r.cron ?? '',
        timezone: r.timezone ?? 'UTC',
        prompt: r.prompt ?? '',
      };
}

function toEvent(r: EventRow): TriggerEvent {
  return {
    id: r.id,
    triggerId: r.trigger_id,
    receivedAt: r.received_at,
    payload: r.payload,
    sessionId: r.session_id,
    outcome: r.outcome,
    detail: r.detail,
  };
}

export class Triggers {
  constructor(
    private readonly db: Records,
    private readonly clock: () => number,
  ) {}

  /** Creates a trigger; a webhook's secret comes back once, here. */
  async create(
    orgId: string,
    ownerId: string,
    expertId: string,
    input: CreateTriggerRequest,
    nextRunAt: number | null,
  ): Promise<{ trigger: Trigger; secret: string | null }> {
    const id = newId();
    const secret = input.kind === 'webhook' ? newToken() : null;
    const schedule = input.kind === 'schedule' ? input : null;
    await this.db
      .insertInto('triggers')
      .values({
        id,
        org_id: orgId,
        expert_id: expertId,
        owner_id: ownerId,
        kind: input.kind,
        name: input.name,
        enabled: input.enabled ? 1 : 0,
        auto_archive: input.autoArchive ? 1 : 0,
        filter: input.kind === 'webhook' && input.filter ? JSON.stringify(input.filter) : null,
        cron: schedule?.cron ?? null,
        timezone: schedule?.timezone ?? null,
        prompt: schedule?.prompt ?? null,
        secret_hash: secret ? hashToken(secret) : null,
        next_run_at: nextRunAt,
        created_at: this.clock(),
      })
      .execute();
    return { trigger: (await this.get(id))!, secret };
  }

  async get(id: string): Promise<Trigger | null> {
    const row = await this.row(id);
    return row ? toTrigger(row) : null;
  }

  async nextRunAt(id: string): Promise<number | null> {
    return (await this.row(id))?.next_run_at ?? null;
  }

  async forExpert(orgId: string, expertId: string): Promise<Trigger[]> {
    const rows = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('expert_id', '=', expertId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return (rows as TriggerRow[]).map(toTrigger);
  }

  async update(id: string, patch: UpdateTriggerRequest, nextRunAt: number | null): Promise<Trigger> {
    const set: Updateable<TriggersTable> = { next_run_at: nextRunAt };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.autoArchive !== undefined) set.auto_archive = patch.autoArchive ? 1 : 0;
    if (patch.filter !== undefined) set.filter = patch.filter ? JSON.stringify(patch.filter) : null;
    if (patch.cron !== undefined) set.cron = patch.cron;
    if (patch.timezone !== undefined) set.timezone = patch.timezone;
    if (patch.prompt !== undefined) set.prompt = patch.prompt;
    await this.db.updateTable('triggers').set(set).where('id', '=', id).execute();
    return (await this.get(id))!;
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('trigger_events').where('trigger_id', '=', id).execute();
      await trx.deleteFrom('triggers').where('id', '=', id).execute();
    });
  }

  async rotateSecret(id: string): Promise<string> {
    const secret = newToken();
    await this.db
      .updateTable('triggers')
      .set({ secret_hash: hashToken(secret) })
      .where('id', '=', id)
      .execute();
    return secret;
  }

  /** Whether the presented secret is the webhook's, compared in constant time. */
  async secretMatches(id: string, presented: string): Promise<boolean> {
    const stored = (await this.row(id))?.secret_hash;
    if (!stored) return false;
    const given = hashToken(presented);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  /** Enabled schedules whose time has come, with the time each was due. */
  async due(now: number): Promise<{ trigger: Trigger; dueAt: number }[]> {
    const rows = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('kind', '=', 'schedule')
      .where('enabled', '=', 1)
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .execute();
    return (rows as TriggerRow[]).map((r) => ({ trigger: toTrigger(r), dueAt: r.next_run_at! }));
  }

  /**
   * Moves a due schedule on to its next time if it is still due at `dueAt`:
   * of several instances ticking at once, the one whose update lands fires it.
   */
  async claimRun(id: string, dueAt: number, next: number | null): Promise<boolean> {
    const res = await this.db
      .updateTable('triggers')
      .set({ next_run_at: next })
      .where('id', '=', id)
      .where('next_run_at', '=', dueAt)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async recordEvent(received: Omit<TriggerEvent, 'id'>): Promise<TriggerEvent> {
    const id = newId();
    let event = received;
    await this.db.transaction().execute(async (trx) => {
      // Events list newest first: one received in the same millisecond as the
      // last is stamped a millisecond after it, so the order is the arrival order.
      const last = await trx
        .selectFrom('trigger_events')
        .select((eb) => eb.fn.max('received_at').as('at'))
        .where('trigger_id', '=', received.triggerId)
        .executeTakeFirst();
      const at = last?.at ?? null;
      if (at !== null && Number(at) >= received.receivedAt)
        event = { ...received, receivedAt: Number(at) + 1 };
      await trx
        .insertInto('trigger_events')
        .values({
          id,
          trigger_id: event.triggerId,
          received_at: event.receivedAt,
          payload: event.payload,
          session_id: event.sessionId,
          outcome: event.outcome,
          detail: event.detail,
        })
        .execute();
      // Keep the newest events of each trigger; older ones go.
      const kept = trx
        .selectFrom('trigger_events')
        .select('id')
        .where('trigger_id', '=', event.triggerId)
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(EVENTS_KEPT);
      await trx
        .deleteFrom('trigger_events')
        .where('trigger_id', '=', event.triggerId)
        .where('id', 'not in', kept)
        .execute();
    });
    return { id, ...event };
  }

  async events(triggerId: string, limit = 100): Promise<TriggerEvent[]> {
    const rows = await this.db
      .selectFrom('trigger_events')
      .selectAll()
      .where('trigger_id', '=', triggerId)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return (rows as EventRow[]).map(toEvent);
  }

  private async row(id: string): Promise<TriggerRow | undefined> {
    return (await this.db.selectFrom('triggers').selectAll().where('id', '=', id).executeTakeFirst()) as
      TriggerRow | undefined;
  }
}

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
import type { Db } from '../store/db.js';

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
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** Creates a trigger; a webhook's secret comes back once, here. */
  create(
    orgId: string,
    ownerId: string,
    expertId: string,
    input: CreateTriggerRequest,
    nextRunAt: number | null,
  ): { trigger: Trigger; secret: string | null } {
    const id = newId();
    const secret = input.kind === 'webhook' ? newToken() : null;
    this.db
      .prepare(
        `INSERT INTO triggers (id, org_id, expert_id, owner_id, kind, name, enabled, auto_archive, filter, cron, timezone,
           prompt, secret_hash, next_run_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        orgId,
        expertId,
        ownerId,
        input.kind,
        input.name,
        input.enabled ? 1 : 0,
        input.autoArchive ? 1 : 0,
        input.kind === 'webhook' && input.filter ? JSON.stringify(input.filter) : null,
        input.kind === 'schedule' ? input.cron : null,
        input.kind === 'schedule' ? input.timezone : null,
        input.kind === 'schedule' ? input.prompt : null,
        secret ? hashToken(secret) : null,
        nextRunAt,
        this.clock(),
      );
    return { trigger: this.get(id)!, secret };
  }

  get(id: string): Trigger | null {
    const row = this.row(id);
    return row ? toTrigger(row) : null;
  }

  nextRunAt(id: string): number | null {
    return this.row(id)?.next_run_at ?? null;
  }

  forExpert(orgId: string, expertId: string): Trigger[] {
    return this.db
      .prepare<[string, string], TriggerRow>(
        'SELECT * FROM triggers WHERE org_id = ? AND expert_id = ? ORDER BY created_at',
      )
      .all(orgId, expertId)
      .map(toTrigger);
  }

  update(id: string, patch: UpdateTriggerRequest, nextRunAt: number | null): Trigger {
    const sets: string[] = [];
    const args: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      args.push(value);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.enabled !== undefined) set('enabled', patch.enabled ? 1 : 0);
    if (patch.autoArchive !== undefined) set('auto_archive', patch.autoArchive ? 1 : 0);
    if (patch.filter !== undefined) set('filter', patch.filter ? JSON.stringify(patch.filter) : null);
    if (patch.cron !== undefined) set('cron', patch.cron);
    if (patch.timezone !== undefined) set('timezone', patch.timezone);
    if (patch.prompt !== undefined) set('prompt', patch.prompt);
    set('next_run_at', nextRunAt);
    this.db.prepare(`UPDATE triggers SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.get(id)!;
  }

  remove(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM trigger_events WHERE trigger_id = ?').run(id);
      this.db.prepare('DELETE FROM triggers WHERE id = ?').run(id);
    })();
  }

  rotateSecret(id: string): string {
    const secret = newToken();
    this.db.prepare('UPDATE triggers SET secret_hash = ? WHERE id = ?').run(hashToken(secret), id);
    return secret;
  }

  /** Whether the presented secret is the webhook's, compared in constant time. */
  secretMatches(id: string, presented: string): boolean {
    const stored = this.row(id)?.secret_hash;
    if (!stored) return false;
    const given = hashToken(presented);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  /** Enabled schedules whose time has come. */
  due(now: number): Trigger[] {
    return this.db
      .prepare<[number], TriggerRow>(
        `SELECT * FROM triggers WHERE kind = 'schedule' AND enabled = 1 AND next_run_at IS NOT NULL AND next_run_at <= ?
         ORDER BY next_run_at`,
      )
      .all(now)
      .map(toTrigger);
  }

  setNextRun(id: string, at: number | null): void {
    this.db.prepare('UPDATE triggers SET next_run_at = ? WHERE id = ?').run(at, id);
  }

  recordEvent(event: Omit<TriggerEvent, 'id'>): TriggerEvent {
    const id = newId();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO trigger_events (id, trigger_id, received_at, payload, session_id, outcome, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          event.triggerId,
          event.receivedAt,
          event.payload,
          event.sessionId,
          event.outcome,
          event.detail,
        );
      // Keep the newest events of each trigger; older ones go.
      this.db
        .prepare(
          `DELETE FROM trigger_events WHERE trigger_id = ? AND id NOT IN (
             SELECT id FROM trigger_events WHERE trigger_id = ? ORDER BY received_at DESC, rowid DESC LIMIT ?)`,
        )
        .run(event.triggerId, event.triggerId, EVENTS_KEPT);
    })();
    return { id, ...event };
  }

  events(triggerId: string, limit = 100): TriggerEvent[] {
    return this.db
      .prepare<[string, number], EventRow>(
        'SELECT * FROM trigger_events WHERE trigger_id = ? ORDER BY received_at DESC, rowid DESC LIMIT ?',
      )
      .all(triggerId, limit)
      .map(toEvent);
  }

  private row(id: string): TriggerRow | undefined {
    return this.db.prepare<[string], TriggerRow>('SELECT * FROM triggers WHERE id = ?').get(id);
  }
}

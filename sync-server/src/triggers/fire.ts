// What a trigger does when it fires: a webhook's payload (past its optional
// filter) or a schedule's prompt becomes the first message of a new session,
// shared by default and archived when the agent finishes if the trigger says so.
import type { Trigger, TriggerEvent, WebhookTrigger } from '@orrery/shared';
import { Cron } from 'croner';
import { startSession } from '../session-ops.js';
import type { Services } from '../services.js';

/** When a five-field cron expression next fires after `after`, or null if never. */
export function nextRun(cron: string, timezone: string, after: number): number | null {
  const job = new Cron(cron, { timezone, paused: true });
  try {
    return job.nextRun(new Date(after))?.getTime() ?? null;
  } finally {
    job.stop();
  }
}

/** A message a person can act on when the expression or zone is wrong; null when fine. */
export function cronProblem(cron: string, timezone: string): string | null {
  try {
    nextRun(cron, timezone, Date.now());
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Whether the payload passes the webhook's filter (a dotted path and the value it must equal). */
export function passesFilter(payload: unknown, filter: WebhookTrigger['filter']): boolean {
  if (!filter) return true;
  let value: unknown = payload;
  for (const key of filter.path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return value === filter.equals;
}

export function webhookPrompt(trigger: Trigger, payloadText: string, payload: unknown): string {
  const body = payload === undefined ? payloadText : JSON.stringify(payload, null, 2);
  return `Webhook “${trigger.name}” received this payload:\n\n\`\`\`json\n${body}\n\`\`\``;
}

/** Starts the trigger's session and records the event; failures are recorded too, never thrown. */
export async function fire(
  s: Services,
  trigger: Trigger,
  prompt: string,
  payloadText: string,
): Promise<TriggerEvent> {
  const receivedAt = s.clock();
  const owner = s.accounts.user(trigger.ownerId);
  try {
    if (!owner) throw new Error('the person who made this trigger no longer has an account');
    const { session } = await startSession(s, owner, {
      expertId: trigger.expertId,
      prompt,
      attachments: [],
      origin: 'trigger',
      triggerId: trigger.id,
      autoArchive: trigger.autoArchive,
    });
    return s.triggers.recordEvent({
      triggerId: trigger.id,
      receivedAt,
      payload: payloadText,
      sessionId: session.id,
      outcome: 'started',
      detail: `Started the session “${session.title}”.`,
    });
  } catch (error) {
    const detail = `Could not start a session: ${error instanceof Error ? error.message : String(error)}`;
    s.log.warn(`triggers: ${trigger.id}: ${detail}`);
    return s.triggers.recordEvent({
      triggerId: trigger.id,
      receivedAt,
      payload: payloadText,
      sessionId: null,
      outcome: 'error',
      detail,
    });
  }
}

// What a trigger does when it fires: a webhook's payload (past its optional
// filter) or a schedule's prompt becomes the first message of a new session,
// shared by default and archived when the agent finishes if the trigger says so.
// The cron reading and the payload filter live in shared, where the app uses them too.
import type { Trigger, TriggerEvent } from '@orrery/shared';
import { startSession } from '../session-ops.js';
import type { Services } from '../services.js';

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
  const owner = await s.accounts.user(trigger.ownerId);
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
    return await s.triggers.recordEvent({
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
    return await s.triggers.recordEvent({
      triggerId: trigger.id,
      receivedAt,
      payload: payloadText,
      sessionId: null,
      outcome: 'error',
      detail,
    });
  }
}

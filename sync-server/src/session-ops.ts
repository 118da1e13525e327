// What changing a session means beyond its record: its document, the job
// queue and the sockets open on it.
import {
  SessionDoc,
  defaultVisibility,
  expertUnavailableReason,
  sessionDocName,
  type AttachmentRef,
  type MessageSource,
  type SessionListItem,
  type SkippedAttachment,
  type User,
  type Visibility,
} from '@orrery/shared';
import { newId } from './auth/secrets.js';
import { badRequest, conflict, forbidden, notFound } from './errors.js';
import type { SessionRow } from './records/sessions.js';
import { shortTitle } from './records/title.js';
import type { Services } from './services.js';
import { QuotaError } from './sync/quota.js';

export interface StartSession {
  expertId: string;
  prompt: string;
  attachments: AttachmentRef[];
  environmentId?: string | null | undefined;
  visibility?: Visibility | undefined;
  /** Sessions started by a trigger (another part of the server) say so. */
  origin?: 'manual' | 'trigger';
  triggerId?: string | null;
  autoArchive?: boolean;
}

/** The session a user may open, or 404 (a session you may not see does not exist for you). */
export async function visibleRow(s: Services, user: User, id: string): Promise<SessionRow> {
  const row = await s.sessions.row(id);
  if (!row || row.org_id !== user.orgId || (await s.sessions.accessOf(user.id, row)) === null) {
    throw notFound(`No session ${id} that you can open.`);
  }
  return row;
}

export async function ownedRow(s: Services, user: User, id: string): Promise<SessionRow> {
  const row = await visibleRow(s, user, id);
  if (row.owner_id !== user.id) throw forbidden('Only the owner of this session may do this.');
  return row;
}

export async function itemFor(s: Services, user: User, id: string): Promise<SessionListItem> {
  const item = await s.sessions.item(user.id, user.orgId, id);
  if (!item) throw notFound(`No session ${id} that you can open.`);
  return item;
}

/** Starts a session; returns it with the first message's attachments that were left out, and why. */
export async function startSession(
  s: Services,
  user: User,
  start: StartSession,
): Promise<{ session: SessionListItem; skipped: SkippedAttachment[] }> {
  const expert = await s.catalog.expert(user, start.expertId);
  // Refused here rather than failing on the runner: the same sentence Home shows beside the Expert.
  const unavailable = expertUnavailableReason(
    expert.model,
    s.engines.providers(user.orgId, await s.modelSettings.stored(user.orgId)),
  );
  if (unavailable) throw conflict(`The Expert "${expert.name}" cannot run now. ${unavailable}`);
  // A chosen Environment must be one the user may use; the Expert's own default
  // comes with the Expert (even when it is its author's personal one), unless it was deleted.
  let environmentId: string | null;
  if (start.environmentId !== undefined) {
    environmentId = start.environmentId;
    if (environmentId) await s.catalog.environment(user, environmentId);
  } else {
    const fallback = expert.defaultEnvironmentId;
    environmentId = fallback && (await s.catalog.environmentLive(user.orgId, fallback)) ? fallback : null;
  }
  const origin = start.origin ?? 'manual';
  const id = newId();
  await s.sessions.create({
    id,
    orgId: user.orgId,
    ownerId: user.id,
    expertId: expert.id,
    environmentId: environmentId ?? null,
    title: shortTitle(start.prompt),
    visibility: start.visibility ?? defaultVisibility({ expertScope: expert.scope, origin }),
    origin,
    triggerId: start.triggerId ?? null,
    autoArchive: start.autoArchive ?? false,
  });
  const { accepted, skipped } = await s.attachments.judgeMessage(user.id, id, start.attachments);
  try {
    // A trigger's message says so in the transcript, rather than passing as its owner's.
    const trigger = origin === 'trigger' && start.triggerId ? await s.triggers.get(start.triggerId) : null;
    const source: MessageSource | null = trigger ? { kind: 'trigger', name: trigger.name } : null;
    await enqueueMessage(s, user, id, start.prompt, accepted, source);
  } catch (err) {
    // The person's storage is full: no empty session is left behind by the refusal.
    const row = err instanceof QuotaError ? await s.sessions.row(id) : null;
    if (row) {
      await s.sessions.delete(row);
      await s.hub.remove(sessionDocName(id));
    }
    throw err;
  }
  return { session: await itemFor(s, user, id), skipped };
}

async function enqueueMessage(
  s: Services,
  user: User,
  sessionId: string,
  text: string,
  attachments: AttachmentRef[],
  source: MessageSource | null = null,
) {
  const messageId = newId();
  await s.hub.write(sessionDocName(sessionId), (doc, origin) => {
    new SessionDoc(doc, origin)
      .init()
      .enqueue({ id: messageId, authorId: user.id, createdAt: s.clock(), text, attachments, source });
  });
  // The session may have been deleted while the message was written: its
  // document is removed again (the delete removed it before, or will not see
  // this write), and the sender hears that the session is gone.
  if (!(await s.queueTurn(sessionId))) {
    await s.hub.remove(sessionDocName(sessionId));
    throw notFound(`No session ${sessionId} that you can open.`);
  }
  return messageId;
}

export async function sendMessage(
  s: Services,
  user: User,
  sessionId: string,
  text: string,
  refs: AttachmentRef[],
) {
  await ownedRow(s, user, sessionId);
  const { accepted, skipped } = await s.attachments.judgeMessage(user.id, sessionId, refs);
  if (!text.trim() && accepted.length === 0) {
    throw badRequest(
      'Write a message or attach something to send.',
      skipped.length ? { attachments: skipped[0]!.reason } : { text: 'is required' },
    );
  }
  const messageId = await enqueueMessage(s, user, sessionId, text, accepted);
  return { messageId, skipped };
}

export async function setVisibility(s: Services, row: SessionRow, visibility: Visibility): Promise<void> {
  if (!(await s.sessions.setVisibility(row, visibility)))
    throw notFound(`No session ${row.id} that you can open.`);
  await s.hub.recheck(sessionDocName(row.id));
}

export async function revokeGrant(s: Services, row: SessionRow, userId: string): Promise<boolean> {
  const revoked = await s.sessions.revoke(row, userId);
  if (revoked) await s.hub.recheck(sessionDocName(row.id));
  return revoked;
}

export async function deleteSession(s: Services, row: SessionRow): Promise<void> {
  if (!(await s.sessions.delete(row))) return;
  await s.jobs.dropTurns(row.id);
  await s.hub.remove(sessionDocName(row.id));
  await s.jobs.enqueue(row.org_id, 'remove_environment', row.id);
}

// Who may write which part of a `session/<id>` document. The sync server
// enforces this table on every change it receives over a socket; the
// server's own writes (a message sent over REST, a new session) are its own.
//
// | part           | where                            | people (the owner's clients)        | the runner (service token) |
// | -------------- | -------------------------------- | ----------------------------------- | -------------------------- |
// | `meta`         | the schema version               | —                                   | add, remove                |
// | `transcript`   | messages, agent text, tool calls | —                                   | add, remove                |
// |                | and Environment proposals        |                                     |                            |
// | `queue`        | queued messages                  | add (authorId = the writer), remove | remove (takes the head)    |
// | `turn`         | the turn's state                 | —                                   | add, remove                |
// | `stop-request` | the turn map's stop key          | add, remove                         | add, remove                |
// | `environment`  | the Environment status           | —                                   | add, remove                |
// | `changes`      | the changes summary, pushed      | —                                   | add, remove                |
// |                | branches                         |                                     |                            |
// | `checkpoints`  | checkpoints of the workspace     | —                                   | add, remove                |
// | `approvals`    | answers to tool calls waiting    | add ('approve' or 'deny')           | add, remove                |
// |                | for approval                     |                                     |                            |
// | `usage`        | tokens each turn's model calls   | —                                   | add, remove                |
// |                | used (session-usage.ts)          |                                     |                            |
// | `model-context`| the summary of earlier turns the | —                                   | add, remove                |
// |                | model reads instead of them      |                                     |                            |
//
// Pull requests and restores are transcript entries (the runner's). A
// person restores, commits, pushes and opens pull requests through REST
// (changes.ts); the server checks access and a runner does the work.
//
// "add" is any new content in the part (an overwritten map value counts as
// added, since it replaces what was there); "remove" deletes existing
// content. Viewers and members of a shared session have read-only sockets
// and write nothing. `user/<id>` documents are written by that user alone,
// which the access check before the upgrade already ensures.
import { SESSION_KEYS as K } from './session-doc.js';

export type SessionPart =
  | 'meta'
  | 'transcript'
  | 'queue'
  | 'turn'
  | 'stop-request'
  | 'environment'
  | 'changes'
  | 'checkpoints'
  | 'approvals'
  | 'usage'
  | 'model-context';

/** Who writes: a person (by user id) or a runner speaking with a service token. */
export type Writer = { kind: 'person'; userId: string } | { kind: 'runner' };

type Kinds = readonly Writer['kind'][];

export const SESSION_WRITERS: Readonly<Record<SessionPart, { add: Kinds; remove: Kinds }>> = {
  meta: { add: ['runner'], remove: ['runner'] },
  transcript: { add: ['runner'], remove: ['runner'] },
  queue: { add: ['person'], remove: ['person', 'runner'] },
  turn: { add: ['runner'], remove: ['runner'] },
  'stop-request': { add: ['person', 'runner'], remove: ['person', 'runner'] },
  environment: { add: ['runner'], remove: ['runner'] },
  changes: { add: ['runner'], remove: ['runner'] },
  checkpoints: { add: ['runner'], remove: ['runner'] },
  approvals: { add: ['person', 'runner'], remove: ['runner'] },
  usage: { add: ['runner'], remove: ['runner'] },
  'model-context': { add: ['runner'], remove: ['runner'] },
};

/** The part a root type (and, for the turn map, a key of it) belongs to; null for no part. */
export function sessionPartOf(root: string, key: string | null): SessionPart | null {
  switch (root) {
    case K.meta:
      return 'meta';
    case K.messages:
      return 'transcript';
    case K.queue:
      return 'queue';
    case K.turn:
      return key === K.stopRequested ? 'stop-request' : 'turn';
    case K.environment:
      return 'environment';
    case K.changes:
      return 'changes';
    case K.checkpoints:
      return 'checkpoints';
    case K.approvals:
      return 'approvals';
    case K.usage:
      return 'usage';
    case K.modelContext:
      return 'model-context';
    default:
      return null;
  }
}

/** Why the writer may not add or remove content in this part, or null when they may. */
export function refuseSessionWrite(part: SessionPart, writer: Writer, what: 'add' | 'remove'): string | null {
  if (SESSION_WRITERS[part][what].includes(writer.kind)) return null;
  if (writer.kind === 'runner') return 'a runner does not write queued messages; people queue them';
  return part === 'transcript' ||
    part === 'turn' ||
    part === 'environment' ||
    part === 'meta' ||
    part === 'changes' ||
    part === 'checkpoints' ||
    part === 'usage' ||
    part === 'model-context'
    ? `only the runner writes the session's ${PART_NAMES[part]}; send a message or ask to stop instead`
    : `you may not change the session's ${PART_NAMES[part]}`;
}

const PART_NAMES: Record<SessionPart, string> = {
  meta: 'schema version',
  transcript: 'conversation',
  queue: 'queue',
  turn: 'turn state',
  'stop-request': 'stop request',
  environment: 'Environment status',
  changes: 'changes summary',
  checkpoints: 'checkpoints',
  approvals: 'approvals',
  usage: 'token usage',
  'model-context': 'summary for the model',
};

/**
 * Why a value may not be added to the part by this writer, or null when it
 * may. A person's queued message must be a plain object naming them as its
 * author; a stop request is the id of the turn to stop.
 */
export function refuseSessionValue(part: SessionPart, writer: Writer, value: unknown): string | null {
  if (writer.kind !== 'person') return null;
  if (part === 'queue') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return 'a queued message is a plain object';
    }
    if ((value as { authorId?: unknown }).authorId !== writer.userId) {
      return 'a queued message must name you as its author';
    }
    // Only the server labels a message as a trigger's or Slack's; a person cannot pass theirs off as one.
    if ((value as { source?: unknown }).source !== undefined) {
      return 'a queued message you write is your own: it cannot name a trigger or Slack as its source';
    }
  }
  if (part === 'stop-request' && typeof value !== 'string') return 'a stop request names the turn to stop';
  if (part === 'approvals' && value !== 'approve' && value !== 'deny') {
    return "an answer to a tool call waiting for approval is 'approve' or 'deny'";
  }
  return null;
}

// The `session/<id>` document: the conversation, the message queue, the turn
// state and the Environment status. Only this module knows its raw keys.
// Writers: the session's owner (queue, stop requests) and the runner (the rest);
// writers.ts has the table the sync server enforces.
import * as Y from 'yjs';
import type { AttachmentRef, EnvironmentInput } from '../domain.js';
import { num, readEntryOf, readQueued, str, type Stored } from './session-entries.js';

export const SESSION_SCHEMA_VERSION = 1;

/** The raw keys: the root types, and the two keys of the turn map. */
export const SESSION_KEYS = {
  meta: 'meta',
  messages: 'messages',
  queue: 'queue',
  turn: 'turn',
  environment: 'environment',
  /** The runner's summary of the workspace's changes, and the branches the session pushed. */
  changes: 'changes',
  /** Checkpoints of the workspace, by id: before each turn, and before each restore. */
  checkpoints: 'checkpoints',
  /** The owner's answers to tool calls that wait for approval, by tool call id. */
  approvals: 'approvals',
  /** Tokens the model calls of each turn used, by turn id (session-usage.ts). */
  usage: 'usage',
  /** What the runner keeps for the model: the summary of earlier turns (session-usage.ts). */
  modelContext: 'modelContext',
  turnCurrent: 'current',
  stopRequested: 'stopRequested',
} as const;
const K = SESSION_KEYS;

export type MessageKind =
  'user' | 'agent' | 'tool' | 'notice' | 'environment_proposal' | 'pull_request' | 'restore';
/** 'awaiting_approval': the Expert's settings make the owner approve this call first. */
export type ToolCallStatus =
  'running' | 'awaiting_approval' | 'done' | 'failed' | 'interrupted' | 'cancelled';
export type NoticeLevel = 'info' | 'warning' | 'error';
export type TurnState = 'idle' | 'running' | 'stopping';
export type EnvironmentStatus =
  'none' | 'building' | 'starting' | 'running' | 'paused' | 'stopped' | 'restarting_clean' | 'error';

/**
 * Where a message came from when no person typed it: a trigger (by its name)
 * or Slack. Only the server writes it; a person's own messages have none.
 */
export interface MessageSource {
  kind: 'trigger' | 'slack';
  name: string;
}

export interface UserMessage {
  kind: 'user';
  id: string;
  createdAt: number;
  turnId: string | null;
  authorId: string;
  text: string;
  attachments: AttachmentRef[];
  /** Absent or null: a person typed it (authorId). */
  source?: MessageSource | null;
}
export interface AgentMessage {
  kind: 'agent';
  id: string;
  createdAt: number;
  turnId: string | null;
  text: string;
  done: boolean;
}
export interface ToolCall {
  kind: 'tool';
  id: string;
  createdAt: number;
  turnId: string | null;
  name: string;
  /** The tool's input as the model gave it (JSON text). */
  input: string;
  output: string;
  status: ToolCallStatus;
  exitCode: number | null;
  durationMs: number | null;
}
export interface Notice {
  kind: 'notice';
  id: string;
  createdAt: number;
  turnId: string | null;
  level: NoticeLevel;
  text: string;
}
/**
 * An Environment the Advisor drafted for the owner to review or create; the
 * runner writes it, and creating it is the owner's own request to the server.
 */
export interface EnvironmentProposal {
  kind: 'environment_proposal';
  id: string;
  createdAt: number;
  turnId: string | null;
  /** One or two sentences on why the draft looks like this. */
  text: string;
  draft: EnvironmentInput;
}
/** A pull request (or GitLab merge request) the session opened; the header links the newest. */
export interface PullRequestEntry {
  kind: 'pull_request';
  id: string;
  createdAt: number;
  turnId: string | null;
  /** The repository's path in the workspace. */
  repo: string;
  url: string;
  number: number;
  title: string;
  forge: 'github' | 'gitlab';
  branch: string;
}
/** The workspace was put back to a checkpoint; restoring `undoCheckpointId` undoes it. */
export interface RestoreEntry {
  kind: 'restore';
  id: string;
  createdAt: number;
  turnId: string | null;
  checkpointId: string;
  undoCheckpointId: string;
  text: string;
}
export type TranscriptEntry =
  UserMessage | AgentMessage | ToolCall | Notice | EnvironmentProposal | PullRequestEntry | RestoreEntry;

/** The runner's summary of the workspace's changes (the details are a server record: changes.ts). */
export interface ChangesState {
  /** Goes up with every report: the panel reloads the details when it does. */
  rev: number;
  computedAt: number | null;
  repositories: number;
  files: number;
  added: number;
  removed: number;
  /** Branches this session created on a remote, by repository path, with what it last pushed. */
  pushed: Record<string, { branch: string; sha: string; remote: string }>;
}

/** The state of the workspace at one moment, kept in each repository under a private ref. */
export interface Checkpoint {
  id: string;
  /** 'turn': before the turn turnId ran; 'undo': before a restore, to undo it. */
  kind: 'turn' | 'undo';
  turnId: string | null;
  createdAt: number;
  /** A clean restart of the Environment took it away; it can no longer be restored. */
  lost: boolean;
}

export type ApprovalDecision = 'approve' | 'deny';

export interface QueuedMessage {
  id: string;
  authorId: string;
  createdAt: number;
  text: string;
  attachments: AttachmentRef[];
  source?: MessageSource | null;
}

export interface Turn {
  state: TurnState;
  turnId: string | null;
  startedAt: number | null;
  stopRequested: boolean;
}

export interface EnvironmentState {
  status: EnvironmentStatus;
  /** A sentence for people: why it is in this state, what happens next. */
  detail: string;
  updatedAt: number;
}

export interface SessionSnapshot {
  schemaVersion: number;
  transcript: TranscriptEntry[];
  queue: QueuedMessage[];
  turn: Turn;
  environment: EnvironmentState;
}

// Encoding: finished, immutable entries (user messages, notices, queued
// messages) are plain objects in the arrays; entries that change while the
// agent works (agent text, tool output) are a Y.Map holding the immutable
// fields as one object under `m` plus their live parts. One struct per
// immutable entry keeps a 2,000-message document quick to load.

function messagesOf(doc: Y.Doc): Y.Array<Stored> {
  return doc.getArray<Stored>(K.messages);
}
function queueOf(doc: Y.Doc): Y.Array<Record<string, unknown>> {
  return doc.getArray<Record<string, unknown>>(K.queue);
}
function turnOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(K.turn);
}
function environmentOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(K.environment);
}

/** Per document: the user message ids seen so far in its transcript, and how far it was read. */
const answeredIds = new WeakMap<Y.Doc, { length: number; ids: Set<string> }>();

/** Typed access to one session document. Mutations run in one transaction each. */
export class SessionDoc {
  constructor(
    readonly doc: Y.Doc,
    /** Passed as the transaction origin so observers can tell local from remote. */
    readonly origin: unknown = null,
  ) {}

  /** Stamps the schema version; idempotent. */
  init(): this {
    const meta = this.doc.getMap(K.meta);
    if (meta.get('schemaVersion') === undefined) {
      this.doc.transact(() => meta.set('schemaVersion', SESSION_SCHEMA_VERSION), this.origin);
    }
    return this;
  }

  schemaVersion(): number {
    const v = this.doc.getMap(K.meta).get('schemaVersion');
    return typeof v === 'number' ? v : 0;
  }

  snapshot(): SessionSnapshot {
    return {
      schemaVersion: this.schemaVersion(),
      transcript: this.transcript(),
      queue: this.queue(),
      turn: this.turn(),
      environment: this.environment(),
    };
  }

  transcript(): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    for (const stored of messagesOf(this.doc)) {
      const entry = readEntryOf(this.doc, stored);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Number of transcript entries, without materialising them. */
  transcriptLength(): number {
    return messagesOf(this.doc).length;
  }

  /** Messages waiting for the runner; a stale copy of one already answered (an edit that lost the race) is not shown. */
  queue(): QueuedMessage[] {
    const q = queueOf(this.doc);
    if (!q.length) return [];
    const answered = this.userMessageIds();
    return q
      .toArray()
      .filter((item) => !answered.has(String(item.id)))
      .map(readQueued);
  }

  turn(): Turn {
    const m = turnOf(this.doc);
    const current = (m.get(K.turnCurrent) ?? {}) as Record<string, unknown>;
    const state = current.state;
    const turnId = str(current.turnId);
    return {
      state: state === 'running' || state === 'stopping' ? state : 'idle',
      turnId,
      startedAt: num(current.startedAt),
      // A stop request names the turn it is for, so it cannot leak into the next one.
      stopRequested: turnId !== null && m.get(K.stopRequested) === turnId,
    };
  }

  environment(): EnvironmentState {
    const m = environmentOf(this.doc);
    return {
      status: (str(m.get('status')) as EnvironmentStatus | null) ?? 'none',
      detail: str(m.get('detail')) ?? '',
      updatedAt: num(m.get('updatedAt')) ?? 0,
    };
  }

  // ── the queue (written by the owner's clients, consumed by the runner) ──

  enqueue(message: QueuedMessage): void {
    this.doc.transact(() => queueOf(this.doc).push([queuedObject(message)]), this.origin);
  }

  editQueued(id: string, text: string): boolean {
    const q = queueOf(this.doc);
    const index = indexById(q, id);
    const current = index < 0 ? undefined : q.get(index);
    if (!current) return false;
    this.doc.transact(() => {
      q.delete(index, 1);
      q.insert(index, [{ ...current, text }]);
    }, this.origin);
    return true;
  }

  removeQueued(id: string): boolean {
    const q = queueOf(this.doc);
    const index = indexById(q, id);
    if (index < 0) return false;
    this.doc.transact(() => q.delete(index, 1), this.origin);
    return true;
  }

  clearQueue(): void {
    const q = queueOf(this.doc);
    if (q.length) this.doc.transact(() => q.delete(0, q.length), this.origin);
  }

  /** Asks the runner to stop the running turn. */
  requestStop(): void {
    const { state, turnId } = this.turn();
    if (state !== 'running' || !turnId) return;
    this.doc.transact(() => turnOf(this.doc).set(K.stopRequested, turnId), this.origin);
  }

  // ── the runner's side ──

  /**
   * Takes the oldest queued message into the transcript and starts a turn
   * for it, atomically. Returns the user message, or null when none waits.
   */
  beginTurn(turnId: string, now: number): UserMessage | null {
    const q = queueOf(this.doc);
    // An edit racing the runner's take leaves a copy of a message already
    // answered (same id): it is dropped, so each message is answered once.
    // Read afresh once a turn, so the quick count queue() keeps can never let a copy through.
    answeredIds.delete(this.doc);
    const answered = q.length ? this.userMessageIds() : new Set<string>();
    let stale = 0;
    while (stale < q.length && answered.has(String(q.get(stale).id))) stale += 1;
    if (stale > 0) this.doc.transact(() => q.delete(0, stale), this.origin);
    const first = q.get(0);
    if (!first) return null;
    const queued = readQueued(first);
    const message: UserMessage = {
      kind: 'user',
      id: queued.id,
      createdAt: queued.createdAt,
      turnId,
      authorId: queued.authorId,
      text: queued.text,
      attachments: queued.attachments,
      ...(queued.source ? { source: queued.source } : {}),
    };
    this.doc.transact(() => {
      q.delete(0, 1);
      messagesOf(this.doc).push([{ ...message }]);
      // One key for the turn's state: a turn leaves two overwritten values, not six.
      turnOf(this.doc).set(K.turnCurrent, { state: 'running', turnId, startedAt: now });
    }, this.origin);
    return message;
  }

  /** Ids of the user messages in the transcript, read on from where the last call stopped. */
  private userMessageIds(): ReadonlySet<string> {
    const messages = messagesOf(this.doc);
    let seen = answeredIds.get(this.doc);
    // Only the runner writes the transcript, and only at its end; anything else starts the count again.
    if (!seen || seen.length > messages.length) {
      seen = { length: 0, ids: new Set() };
      answeredIds.set(this.doc, seen);
    }
    for (; seen.length < messages.length; seen.length += 1) {
      const stored = messages.get(seen.length);
      // User messages are plain objects; live entries (agent, tool) are Y.Maps.
      if (!(stored instanceof Y.Map) && stored.kind === 'user') seen.ids.add(String(stored.id));
    }
    return seen.ids;
  }

  endTurn(): void {
    const { turnId, startedAt } = this.turn();
    this.doc.transact(
      () => turnOf(this.doc).set(K.turnCurrent, { state: 'idle', turnId, startedAt }),
      this.origin,
    );
  }

  /** Starts an agent message whose text arrives in pieces. */
  startAgentMessage(id: string, turnId: string | null, now: number): AgentMessageWriter {
    const text = new Y.Text();
    const map = new Y.Map<unknown>();
    map.set('m', { kind: 'agent', id, createdAt: now, turnId });
    map.set('text', text);
    map.set('done', false);
    this.doc.transact(() => messagesOf(this.doc).push([map]), this.origin);
    return {
      append: (chunk) => {
        if (chunk) this.doc.transact(() => text.insert(text.length, chunk), this.origin);
      },
      finish: () => this.doc.transact(() => map.set('done', true), this.origin),
    };
  }

  startToolCall(call: {
    id: string;
    turnId: string | null;
    name: string;
    input: string;
    now: number;
  }): ToolCallWriter {
    const output = new Y.Text();
    const map = new Y.Map<unknown>();
    map.set('m', {
      kind: 'tool',
      id: call.id,
      createdAt: call.now,
      turnId: call.turnId,
      name: call.name,
      input: call.input,
    });
    map.set('output', output);
    map.set('r', { status: 'running', exitCode: null, durationMs: null });
    this.doc.transact(() => messagesOf(this.doc).push([map]), this.origin);
    return {
      append: (chunk) => {
        if (chunk) this.doc.transact(() => output.insert(output.length, chunk), this.origin);
      },
      awaitApproval: (waiting) =>
        this.doc.transact(
          () =>
            map.set('r', {
              status: waiting ? 'awaiting_approval' : 'running',
              exitCode: null,
              durationMs: null,
            }),
          this.origin,
        ),
      finish: (result) =>
        this.doc.transact(
          () =>
            map.set('r', { status: result.status, exitCode: result.exitCode, durationMs: result.durationMs }),
          this.origin,
        ),
    };
  }

  addNotice(notice: {
    id: string;
    turnId: string | null;
    level: NoticeLevel;
    text: string;
    now: number;
  }): void {
    const entry = {
      kind: 'notice',
      id: notice.id,
      createdAt: notice.now,
      turnId: notice.turnId,
      level: notice.level,
      text: notice.text,
    };
    this.doc.transact(() => messagesOf(this.doc).push([entry]), this.origin);
  }

  addEnvironmentProposal(proposal: {
    id: string;
    turnId: string | null;
    text: string;
    draft: EnvironmentInput;
    now: number;
  }): void {
    const entry = {
      kind: 'environment_proposal',
      id: proposal.id,
      createdAt: proposal.now,
      turnId: proposal.turnId,
      text: proposal.text,
      // A plain copy: the entry never changes once written.
      draft: JSON.parse(JSON.stringify(proposal.draft)) as unknown,
    };
    this.doc.transact(() => messagesOf(this.doc).push([entry]), this.origin);
  }

  /** Marks whatever was still running in a turn as interrupted (a runner died mid-turn). */
  markInterrupted(turnId: string): void {
    this.doc.transact(() => {
      for (const stored of messagesOf(this.doc)) {
        if (!(stored instanceof Y.Map)) continue;
        const m = stored.get('m') as Record<string, unknown> | undefined;
        if (m?.turnId !== turnId) continue;
        const r = stored.get('r') as Record<string, unknown> | undefined;
        if (m.kind === 'tool' && r?.status === 'running') stored.set('r', { ...r, status: 'interrupted' });
        if (m.kind === 'agent' && stored.get('done') === false) stored.set('done', true);
      }
    }, this.origin);
  }

  setEnvironment(status: EnvironmentStatus, detail: string, now: number): void {
    this.doc.transact(() => {
      const m = environmentOf(this.doc);
      m.set('status', status);
      m.set('detail', detail);
      m.set('updatedAt', now);
    }, this.origin);
  }

  // ── changes, checkpoints and approvals ──

  changes(): ChangesState {
    const m = this.doc.getMap(K.changes);
    const pushed = m.get('pushed');
    return {
      rev: num(m.get('rev')) ?? 0,
      computedAt: num(m.get('computedAt')),
      repositories: num(m.get('repositories')) ?? 0,
      files: num(m.get('files')) ?? 0,
      added: num(m.get('added')) ?? 0,
      removed: num(m.get('removed')) ?? 0,
      pushed: readPushed(pushed),
    };
  }

  /** The runner's side: a new report reached the server (rev goes up by one). */
  setChanges(summary: Omit<ChangesState, 'rev' | 'pushed'>): void {
    const m = this.doc.getMap(K.changes);
    this.doc.transact(() => {
      m.set('rev', (num(m.get('rev')) ?? 0) + 1);
      m.set('computedAt', summary.computedAt);
      m.set('repositories', summary.repositories);
      m.set('files', summary.files);
      m.set('added', summary.added);
      m.set('removed', summary.removed);
    }, this.origin);
  }

  /** The runner's side: the session pushed `branch` (which it created) to the repository's remote. */
  setPushed(repo: string, pushed: { branch: string; sha: string; remote: string }): void {
    const m = this.doc.getMap(K.changes);
    this.doc.transact(
      () => m.set('pushed', { ...readPushed(m.get('pushed')), [repo]: { ...pushed } }),
      this.origin,
    );
  }

  checkpoints(): Checkpoint[] {
    const out: Checkpoint[] = [];
    for (const [id, raw] of this.doc.getMap(K.checkpoints).entries()) {
      if (!raw || typeof raw !== 'object') continue;
      const r = raw as Record<string, unknown>;
      out.push({
        id,
        kind: r.kind === 'undo' ? 'undo' : 'turn',
        turnId: str(r.turnId),
        createdAt: num(r.createdAt) ?? 0,
        lost: r.lost === true,
      });
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  checkpoint(id: string): Checkpoint | null {
    return this.checkpoints().find((c) => c.id === id) ?? null;
  }

  /** The runner's side: a checkpoint was recorded in every repository. */
  addCheckpoint(checkpoint: Omit<Checkpoint, 'lost'>): void {
    this.doc.transact(
      () =>
        this.doc.getMap(K.checkpoints).set(checkpoint.id, {
          kind: checkpoint.kind,
          turnId: checkpoint.turnId,
          createdAt: checkpoint.createdAt,
          lost: false,
        }),
      this.origin,
    );
  }

  /** The runner's side: a clean restart took these checkpoints away. Returns those newly lost. */
  markCheckpointsLost(ids?: readonly string[]): Checkpoint[] {
    const lost = this.checkpoints().filter((c) => !c.lost && (!ids || ids.includes(c.id)));
    if (!lost.length) return [];
    const m = this.doc.getMap(K.checkpoints);
    this.doc.transact(() => {
      for (const c of lost)
        m.set(c.id, { kind: c.kind, turnId: c.turnId, createdAt: c.createdAt, lost: true });
    }, this.origin);
    return lost;
  }

  addPullRequest(entry: Omit<PullRequestEntry, 'kind' | 'createdAt'> & { now: number }): void {
    const { now, ...rest } = entry;
    this.doc.transact(
      () => messagesOf(this.doc).push([{ ...rest, kind: 'pull_request', createdAt: now }]),
      this.origin,
    );
  }

  addRestore(entry: Omit<RestoreEntry, 'kind' | 'createdAt'> & { now: number }): void {
    const { now, ...rest } = entry;
    this.doc.transact(
      () => messagesOf(this.doc).push([{ ...rest, kind: 'restore', createdAt: now }]),
      this.origin,
    );
  }

  /** The owner's answer to a tool call waiting for approval; null while none was given. */
  approval(callId: string): ApprovalDecision | null {
    const v = this.doc.getMap(K.approvals).get(callId);
    return v === 'approve' || v === 'deny' ? v : null;
  }

  /** The owner's side: approve or deny a tool call that waits (only the one waiting reads it). */
  decide(callId: string, decision: ApprovalDecision): void {
    this.doc.transact(() => this.doc.getMap(K.approvals).set(callId, decision), this.origin);
  }

  /** Calls back after every change, local or remote; returns the unsubscribe. */
  observe(callback: (events: Y.Transaction) => void): () => void {
    const handler = (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => callback(tr);
    this.doc.on('update', handler);
    return () => this.doc.off('update', handler);
  }
}

export interface AgentMessageWriter {
  append(chunk: string): void;
  finish(): void;
}

export interface ToolCallWriter {
  append(chunk: string): void;
  /** The call waits for the owner's approval (status 'awaiting_approval'), or runs again. */
  awaitApproval(waiting: boolean): void;
  finish(result: { status: ToolCallStatus; exitCode: number | null; durationMs: number }): void;
}

function readPushed(raw: unknown): ChangesState['pushed'] {
  const out: ChangesState['pushed'] = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [repo, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!v || typeof v !== 'object') continue;
    const r = v as Record<string, unknown>;
    const branch = str(r.branch);
    const sha = str(r.sha);
    if (branch && sha) out[repo] = { branch, sha, remote: str(r.remote) ?? '' };
  }
  return out;
}

function queuedObject(message: QueuedMessage): Record<string, unknown> {
  return {
    id: message.id,
    authorId: message.authorId,
    createdAt: message.createdAt,
    text: message.text,
    attachments: message.attachments,
    ...(message.source ? { source: { ...message.source } } : {}),
  };
}

function indexById(array: Y.Array<Record<string, unknown>>, id: string): number {
  let index = 0;
  for (const item of array) {
    if (item.id === id) return index;
    index += 1;
  }
  return -1;
}

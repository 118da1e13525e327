// The `session/<id>` document: the conversation, the message queue, the turn
// state and the Environment status. Only this module knows its raw keys.
// Writers: the session's owner (queue, stop requests) and the runner (the rest).
import * as Y from 'yjs';
import { AttachmentRef } from '../domain.js';

export const SESSION_SCHEMA_VERSION = 1;

const K = {
  meta: 'meta',
  messages: 'messages',
  queue: 'queue',
  turn: 'turn',
  environment: 'environment',
} as const;

export type MessageKind = 'user' | 'agent' | 'tool' | 'notice';
export type ToolCallStatus = 'running' | 'done' | 'failed' | 'interrupted' | 'cancelled';
export type NoticeLevel = 'info' | 'warning' | 'error';
export type TurnState = 'idle' | 'running' | 'stopping';
export type EnvironmentStatus =
  'none' | 'building' | 'starting' | 'running' | 'paused' | 'stopped' | 'restarting_clean' | 'error';

export interface UserMessage {
  kind: 'user';
  id: string;
  createdAt: number;
  turnId: string | null;
  authorId: string;
  text: string;
  attachments: AttachmentRef[];
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
export type TranscriptEntry = UserMessage | AgentMessage | ToolCall | Notice;

export interface QueuedMessage {
  id: string;
  authorId: string;
  createdAt: number;
  text: string;
  attachments: AttachmentRef[];
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

type Entry = Y.Map<unknown>;

function messagesOf(doc: Y.Doc): Y.Array<Entry> {
  return doc.getArray<Entry>(K.messages);
}
function queueOf(doc: Y.Doc): Y.Array<Entry> {
  return doc.getArray<Entry>(K.queue);
}
function turnOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(K.turn);
}
function environmentOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(K.environment);
}

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
    return messagesOf(this.doc)
      .toArray()
      .map(readEntry)
      .filter((e): e is TranscriptEntry => e !== null);
  }

  /** Number of transcript entries, without materialising them. */
  transcriptLength(): number {
    return messagesOf(this.doc).length;
  }

  queue(): QueuedMessage[] {
    return queueOf(this.doc).toArray().map(readQueued);
  }

  turn(): Turn {
    const m = turnOf(this.doc);
    const state = m.get('state');
    return {
      state: state === 'running' || state === 'stopping' ? state : 'idle',
      turnId: str(m.get('turnId')),
      startedAt: num(m.get('startedAt')),
      stopRequested: m.get('stopRequested') === true,
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
    this.doc.transact(() => {
      queueOf(this.doc).push([
        newMap({
          id: message.id,
          authorId: message.authorId,
          createdAt: message.createdAt,
          text: message.text,
          attachments: JSON.stringify(message.attachments),
        }),
      ]);
    }, this.origin);
  }

  editQueued(id: string, text: string): boolean {
    const entry = findById(queueOf(this.doc), id);
    if (!entry) return false;
    this.doc.transact(() => entry.map.set('text', text), this.origin);
    return true;
  }

  removeQueued(id: string): boolean {
    const entry = findById(queueOf(this.doc), id);
    if (!entry) return false;
    this.doc.transact(() => queueOf(this.doc).delete(entry.index, 1), this.origin);
    return true;
  }

  clearQueue(): void {
    const q = queueOf(this.doc);
    if (q.length) this.doc.transact(() => q.delete(0, q.length), this.origin);
  }

  /** Asks the runner to stop the running turn. */
  requestStop(): void {
    const m = turnOf(this.doc);
    if (m.get('state') !== 'running') return;
    this.doc.transact(() => m.set('stopRequested', true), this.origin);
  }

  // ── the runner's side ──

  /**
   * Takes the oldest queued message into the transcript and starts a turn
   * for it, atomically. Returns the user message, or null when none waits.
   */
  beginTurn(turnId: string, now: number): UserMessage | null {
    const q = queueOf(this.doc);
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
    };
    this.doc.transact(() => {
      q.delete(0, 1);
      messagesOf(this.doc).push([
        newMap({
          kind: 'user',
          id: message.id,
          createdAt: message.createdAt,
          turnId,
          authorId: message.authorId,
          text: message.text,
          attachments: JSON.stringify(message.attachments),
        }),
      ]);
      const t = turnOf(this.doc);
      t.set('state', 'running');
      t.set('turnId', turnId);
      t.set('startedAt', now);
      t.set('stopRequested', false);
    }, this.origin);
    return message;
  }

  endTurn(): void {
    this.doc.transact(() => {
      const t = turnOf(this.doc);
      t.set('state', 'idle');
      t.set('stopRequested', false);
    }, this.origin);
  }

  /** Starts an agent message whose text arrives in pieces. */
  startAgentMessage(id: string, turnId: string | null, now: number): AgentMessageWriter {
    const text = new Y.Text();
    const map = newMap({ kind: 'agent', id, createdAt: now, turnId, done: false });
    map.set('text', text);
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
    const map = newMap({
      kind: 'tool',
      id: call.id,
      createdAt: call.now,
      turnId: call.turnId,
      name: call.name,
      input: call.input,
      status: 'running',
      exitCode: null,
      durationMs: null,
    });
    map.set('output', output);
    this.doc.transact(() => messagesOf(this.doc).push([map]), this.origin);
    return {
      append: (chunk) => {
        if (chunk) this.doc.transact(() => output.insert(output.length, chunk), this.origin);
      },
      finish: (result) =>
        this.doc.transact(() => {
          map.set('status', result.status);
          map.set('exitCode', result.exitCode);
          map.set('durationMs', result.durationMs);
        }, this.origin),
    };
  }

  addNotice(notice: {
    id: string;
    turnId: string | null;
    level: NoticeLevel;
    text: string;
    now: number;
  }): void {
    this.doc.transact(() => {
      messagesOf(this.doc).push([
        newMap({
          kind: 'notice',
          id: notice.id,
          createdAt: notice.now,
          turnId: notice.turnId,
          level: notice.level,
          text: notice.text,
        }),
      ]);
    }, this.origin);
  }

  /** Marks whatever was still running in a turn as interrupted (a runner died mid-turn). */
  markInterrupted(turnId: string): void {
    this.doc.transact(() => {
      for (const map of messagesOf(this.doc)) {
        if (map.get('turnId') !== turnId) continue;
        if (map.get('kind') === 'tool' && map.get('status') === 'running') map.set('status', 'interrupted');
        if (map.get('kind') === 'agent' && map.get('done') === false) map.set('done', true);
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
  finish(result: { status: ToolCallStatus; exitCode: number | null; durationMs: number }): void;
}

function newMap(fields: Record<string, unknown>): Entry {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(fields)) map.set(k, v);
  return map;
}

function findById(array: Y.Array<Entry>, id: string): { map: Entry; index: number } | null {
  let index = 0;
  for (const map of array) {
    if (map.get('id') === id) return { map, index };
    index += 1;
  }
  return null;
}

function readEntry(map: Entry): TranscriptEntry | null {
  const base = {
    id: str(map.get('id')) ?? '',
    createdAt: num(map.get('createdAt')) ?? 0,
    turnId: str(map.get('turnId')),
  };
  switch (map.get('kind')) {
    case 'user':
      return {
        ...base,
        kind: 'user',
        authorId: str(map.get('authorId')) ?? '',
        text: str(map.get('text')) ?? '',
        attachments: parseAttachments(map.get('attachments')),
      };
    case 'agent':
      return { ...base, kind: 'agent', text: textOf(map.get('text')), done: map.get('done') === true };
    case 'tool':
      return {
        ...base,
        kind: 'tool',
        name: str(map.get('name')) ?? '',
        input: str(map.get('input')) ?? '',
        output: textOf(map.get('output')),
        status: (str(map.get('status')) as ToolCallStatus | null) ?? 'running',
        exitCode: num(map.get('exitCode')),
        durationMs: num(map.get('durationMs')),
      };
    case 'notice':
      return {
        ...base,
        kind: 'notice',
        level: (str(map.get('level')) as NoticeLevel | null) ?? 'info',
        text: str(map.get('text')) ?? '',
      };
    default:
      // Entries from a newer schema are skipped rather than misread.
      return null;
  }
}

function readQueued(map: Entry): QueuedMessage {
  return {
    id: str(map.get('id')) ?? '',
    authorId: str(map.get('authorId')) ?? '',
    createdAt: num(map.get('createdAt')) ?? 0,
    text: str(map.get('text')) ?? '',
    attachments: parseAttachments(map.get('attachments')),
  };
}

function parseAttachments(raw: unknown): AttachmentRef[] {
  if (typeof raw !== 'string') return [];
  try {
    // Peers write this field; only well-formed references are believed.
    const parsed = AttachmentRef.array().max(20).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function textOf(value: unknown): string {
  return value instanceof Y.Text ? value.toJSON() : typeof value === 'string' ? value : '';
}
function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

// Reading what a session document stores into the shapes the app uses. Peers
// write these documents, so every field is checked, and entries of a newer
// schema are skipped rather than misread. Finished entries are read once per
// document and kept (they never change); a live one, an agent message or tool
// call still being written, is read again after a transaction touches it. A
// screen that reads the transcript on every streamed chunk then redoes only
// what changed, and unchanged entries keep their identity between reads.
import * as Y from 'yjs';
import { AttachmentRef, EnvironmentInput } from '../domain.js';
import type {
  MessageSource,
  NoticeLevel,
  QueuedMessage,
  ToolCallStatus,
  TranscriptEntry,
} from './session-doc.js';

export type Live = Y.Map<unknown>;
export type Stored = Live | Record<string, unknown>;

const readCaches = new WeakMap<Y.Doc, WeakMap<object, TranscriptEntry | null>>();

/** The entries already read from this document, kept current by one listener. */
function readCacheOf(doc: Y.Doc): WeakMap<object, TranscriptEntry | null> {
  let cache = readCaches.get(doc);
  if (!cache) {
    const entries = new WeakMap<object, TranscriptEntry | null>();
    // Before any observer runs, so code reacting to a change reads it.
    doc.on('beforeObserverCalls', (transaction: Y.Transaction) => {
      for (const type of transaction.changed.keys()) {
        for (let t: typeof type | null = type; t; t = t.parent) entries.delete(t);
      }
    });
    readCaches.set(doc, entries);
    cache = entries;
  }
  return cache;
}

/** Reads one stored transcript entry, from what was read before when nothing changed since. */
export function readEntryOf(doc: Y.Doc, stored: Stored): TranscriptEntry | null {
  // Inside a transaction the listener has not run yet: read afresh, keep nothing.
  if (doc._transaction) return readEntry(stored);
  const cache = readCacheOf(doc);
  let entry = cache.get(stored);
  if (entry === undefined) {
    entry = readEntry(stored);
    if (entry) Object.freeze(entry);
    cache.set(stored, entry);
  }
  return entry;
}

export function readEntry(stored: Stored): TranscriptEntry | null {
  const live = stored instanceof Y.Map ? stored : null;
  const m = (live ? live.get('m') : stored) as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return null;
  const base = { id: str(m.id) ?? '', createdAt: num(m.createdAt) ?? 0, turnId: str(m.turnId) };
  switch (m.kind) {
    case 'user':
      return {
        ...base,
        kind: 'user',
        authorId: str(m.authorId) ?? '',
        text: str(m.text) ?? '',
        attachments: parseAttachments(m.attachments),
        ...sourceOf(m.source),
      };
    case 'notice':
      return {
        ...base,
        kind: 'notice',
        level: (str(m.level) as NoticeLevel | null) ?? 'info',
        text: str(m.text) ?? '',
      };
    case 'agent':
      return { ...base, kind: 'agent', text: textOf(live?.get('text')), done: live?.get('done') === true };
    case 'tool': {
      const r = (live?.get('r') ?? {}) as Record<string, unknown>;
      return {
        ...base,
        kind: 'tool',
        name: str(m.name) ?? '',
        input: str(m.input) ?? '',
        output: textOf(live?.get('output')),
        status: (str(r.status) as ToolCallStatus | null) ?? 'running',
        exitCode: num(r.exitCode),
        durationMs: num(r.durationMs),
      };
    }
    case 'environment_proposal': {
      // A draft that does not parse as an Environment is not offered to anyone.
      const draft = EnvironmentInput.safeParse(m.draft);
      if (!draft.success) return null;
      return { ...base, kind: 'environment_proposal', text: str(m.text) ?? '', draft: draft.data };
    }
    case 'pull_request': {
      const url = str(m.url);
      const number = num(m.number);
      // Only a web address is ever a link people click.
      if (!url || !/^https?:\/\//i.test(url) || number === null) return null;
      return {
        ...base,
        kind: 'pull_request',
        repo: str(m.repo) ?? '',
        url,
        number,
        title: str(m.title) ?? '',
        forge: m.forge === 'gitlab' ? 'gitlab' : 'github',
        branch: str(m.branch) ?? '',
      };
    }
    case 'restore':
      return {
        ...base,
        kind: 'restore',
        checkpointId: str(m.checkpointId) ?? '',
        undoCheckpointId: str(m.undoCheckpointId) ?? '',
        text: str(m.text) ?? '',
      };
    default:
      // Entries from a newer schema are skipped rather than misread.
      return null;
  }
}

export function readQueued(item: Record<string, unknown>): QueuedMessage {
  return {
    id: str(item.id) ?? '',
    authorId: str(item.authorId) ?? '',
    createdAt: num(item.createdAt) ?? 0,
    text: str(item.text) ?? '',
    attachments: parseAttachments(item.attachments),
    ...sourceOf(item.source),
  };
}

/** A person's messages carry no source key at all, as before sources existed. */
function sourceOf(raw: unknown): { source?: MessageSource } {
  const source = parseSource(raw);
  return source ? { source } : {};
}

/** A message's source, when it is a well-formed one; anything else reads as a person's message. */
export function parseSource(raw: unknown): MessageSource | null {
  if (!raw || typeof raw !== 'object') return null;
  const { kind, name } = raw as Record<string, unknown>;
  if ((kind !== 'trigger' && kind !== 'slack') || typeof name !== 'string') return null;
  return { kind, name: name.slice(0, 200) };
}

export function parseAttachments(raw: unknown): AttachmentRef[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  // Peers write this field; only well-formed references are believed.
  const parsed = AttachmentRef.array().max(20).safeParse(raw);
  return parsed.success ? parsed.data : [];
}

function textOf(value: unknown): string {
  return value instanceof Y.Text ? value.toJSON() : typeof value === 'string' ? value : '';
}
export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
export function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

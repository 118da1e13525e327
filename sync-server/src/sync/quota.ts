// Storage quotas: how many bytes one document, and all the documents of one
// person together, may keep in the store. A document's bytes are counted by
// its room (from what the store gave it on load, then on every append and
// compaction); a person's total is read from the store the first time it is
// needed after a start and then kept current by the same appends, so both
// hold across restarts without a pass over the documents per update.
import { ApiError } from '../errors.js';
import type { DocStore } from '../store/doc-store.js';

export interface QuotaLimits {
  /** Bytes one document may store (snapshot plus log). */
  docMaxBytes: number;
  /** Bytes all documents of one person (their sessions and their user document) may store. */
  userMaxBytes: number;
}

/**
 * The runner may go this far past a quota, so that a turn under way can still
 * write its end (a document that is full for people is not left "running").
 */
export const RUNNER_HEADROOM = 1.25;

/** A change refused because it would take a document or a person past their quota. */
export class QuotaError extends ApiError {
  override name = 'QuotaError';
  constructor(
    message: string,
    /** The WebSocket close reason (at most 123 bytes). */
    readonly closeReason: string,
  ) {
    super(413, 'payload_too_large', message);
  }
}

export interface QuotaDeps {
  store: DocStore;
  limits: QuotaLimits;
  /** Whose quota a document counts against (a session's owner, a user document's user). */
  ownerOf(name: string): Promise<string | null>;
  /** Every document of a person. */
  docsOf(userId: string): Promise<string[]>;
}

interface Usage {
  bytes: number;
  /** While the first count is read: changes made since the store was asked. */
  ready: Promise<void> | null;
}

export class StorageQuota {
  private readonly users = new Map<string, Usage>();

  constructor(private readonly deps: QuotaDeps) {}

  /**
   * Why `adding` more bytes may not be stored in a document that holds
   * `docBytes` now, or null when they may.
   */
  async refusal(
    doc: { owner: string | null; storedBytes: number },
    adding: number,
    writer: 'person' | 'runner',
  ): Promise<QuotaError | null> {
    const { docMaxBytes, userMaxBytes } = this.deps.limits;
    const scale = writer === 'runner' ? RUNNER_HEADROOM : 1;
    if (doc.storedBytes + adding > docMaxBytes * scale) {
      return new QuotaError(
        `This session is full: it may store ${mib(docMaxBytes)} (ORRERY_DOC_MAX_BYTES) and your change was not saved. ` +
          'Start a new session to go on; this one stays readable.',
        `this session is full (${mib(docMaxBytes)}); start a new session`,
      );
    }
    if (doc.owner === null) return null;
    const used = await this.userBytes(doc.owner);
    if (used + adding > userMaxBytes * scale) {
      return new QuotaError(
        `Your sessions are full: together they may store ${mib(userMaxBytes)} (ORRERY_USER_MAX_BYTES) and your change was not saved. ` +
          'Delete sessions you no longer need to make room.',
        `your sessions are full (${mib(userMaxBytes)}); delete some to make room`,
      );
    }
    return null;
  }

  /** Counts bytes stored (or freed, when negative) for a person; call as the store is asked to. */
  charge(owner: string | null, delta: number): void {
    const usage = owner === null ? undefined : this.users.get(owner);
    if (usage) usage.bytes += delta;
  }

  /** A document was removed: counts are read afresh when next needed. */
  forgetAll(): void {
    this.users.clear();
  }

  private async userBytes(userId: string): Promise<number> {
    let usage = this.users.get(userId);
    if (!usage) {
      // Charges made while the store answers add to `bytes`; the store's count is added to them.
      const fresh: Usage = { bytes: 0, ready: null };
      const counted = this.deps.docsOf(userId).then((names) => this.deps.store.sizes(names));
      fresh.ready = counted.then((stored) => {
        fresh.bytes += stored;
        fresh.ready = null;
      });
      this.users.set(userId, fresh);
      usage = fresh;
      fresh.ready.catch(() => {
        if (this.users.get(userId) === fresh) this.users.delete(userId);
      });
    }
    if (usage.ready) await usage.ready;
    return usage.bytes;
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${bytes} bytes`;
}

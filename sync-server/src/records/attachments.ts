// Content-addressed attachments: the bytes in the database under their sha256
// (in parts, so every sync server reaches them and a download streams), the
// metadata beside them. The attachment policy is applied here to what the
// server stored, never to what a client claims about it.
import { SNIFF_BYTES, checkAttachments, type AttachmentKind, type AttachmentRef } from '@orrery/shared';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Records } from '../store/database.js';

/** The size of one stored part: small enough to hold a few per request, large enough that 10 MB is 10 rows. */
export const ATTACHMENT_PART_BYTES = 1024 * 1024;

interface AttachmentRow {
  sha256: string;
  size: number;
  kind: AttachmentKind;
  media_type: string;
  created_at: number;
}

export type UploadResult = { ok: true; attachment: AttachmentRef } | { ok: false; reason: string };

export interface AttachmentContent {
  kind: AttachmentKind;
  mediaType: string;
  name: string | null;
  size: number;
  /** The bytes, read part by part as the stream is consumed. */
  stream(): ReadableStream<Uint8Array>;
}

/** Keeps a display name harmless: no path parts, no control characters, bounded length. */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch !== '\u007f' && ch !== '"')
    .join('');
  const cleaned = printable.trim().slice(0, 255);
  return cleaned === '.' || cleaned === '..' ? '' : cleaned;
}

/** Where 0.1 kept the content of a digest; the digest is checked to be hex, so it can never name another path. */
export function legacyFileOf(dir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256 digest');
  return path.join(dir, sha256.slice(0, 2), sha256);
}

/** The parts `bytes` is stored as. */
export function partsOf(sha256: string, bytes: Uint8Array) {
  const parts: { sha256: string; part: number; bytes: Buffer }[] = [];
  for (let at = 0, part = 0; at < bytes.length || part === 0; at += ATTACHMENT_PART_BYTES, part += 1) {
    parts.push({ sha256, part, bytes: Buffer.from(bytes.subarray(at, at + ATTACHMENT_PART_BYTES)) });
  }
  return parts;
}

export class Attachments {
  /**
   * `legacyDir` is where a 0.1 install kept the bytes (<dataDir>/attachments):
   * content uploaded before the upgrade has a row but no parts, and is read
   * from there, so such an install serves it without a conversion step.
   */
  constructor(
    private readonly db: Records,
    private readonly legacyDir: string | null,
    private readonly clock: () => number,
  ) {}

  async upload(
    userId: string,
    rawName: string,
    declaredType: string | undefined,
    bytes: Uint8Array,
    sessionId: string | null,
  ): Promise<UploadResult> {
    const name = cleanName(rawName);
    const [verdict] = checkAttachments([
      { name, size: bytes.length, head: bytes.subarray(0, SNIFF_BYTES), declaredType },
    ]);
    if (!verdict || !verdict.accepted)
      return { ok: false, reason: verdict?.reason ?? 'This attachment was refused.' };
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const now = this.clock();
    const parts = partsOf(sha256, bytes);
    const legacy = this.hasLegacyFile(sha256);
    await this.db.transaction().execute(async (trx) => {
      // The row and its parts commit together: whoever inserts the row writes the
      // parts, and a second upload of the same content (on any instance) waits
      // for that commit and finds the row there. A row from 0.1 whose file is
      // gone gets its content back from this upload.
      const inserted = await trx
        .insertInto('attachments')
        .values({
          sha256,
          size: bytes.length,
          kind: verdict.kind,
          media_type: verdict.mediaType,
          created_at: now,
        })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .returning('sha256')
        .executeTakeFirst();
      if (inserted || (!legacy && !(await hasParts(trx, sha256)))) {
        for (const part of parts) {
          await trx
            .insertInto('attachment_blobs')
            .values(part)
            .onConflict((oc) => oc.columns(['sha256', 'part']).doNothing())
            .execute();
        }
      }
      await trx
        .insertInto('attachment_uploads')
        .values({ sha256, user_id: userId, name, created_at: now })
        .onConflict((oc) => oc.columns(['sha256', 'user_id']).doUpdateSet({ name }))
        .execute();
      if (sessionId) await link(trx, sha256, sessionId);
    });
    return {
      ok: true,
      attachment: { id: sha256, name, kind: verdict.kind, mediaType: verdict.mediaType, size: bytes.length },
    };
  }

  private hasLegacyFile(sha256: string): boolean {
    return this.legacyDir !== null && existsSync(legacyFileOf(this.legacyDir, sha256));
  }

  private async row(sha256: string): Promise<AttachmentRow | undefined> {
    const row = await this.db
      .selectFrom('attachments')
      .selectAll()
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    return row && { ...row, kind: row.kind as AttachmentKind };
  }

  /** The first bytes, for sniffing: from the first part, or 0.1's file. */
  private async head(sha256: string): Promise<Uint8Array> {
    const first = await this.db
      .selectFrom('attachment_blobs')
      .select('bytes')
      .where('sha256', '=', sha256)
      .where('part', '=', 0)
      .executeTakeFirst();
    if (first) return first.bytes.subarray(0, SNIFF_BYTES);
    if (!this.hasLegacyFile(sha256)) return new Uint8Array();
    const file = await open(legacyFileOf(this.legacyDir!, sha256), 'r');
    try {
      const { bytesRead, buffer } = await file.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  /**
   * The policy for one message, judged on the server's own records: only
   * content this user uploaded (or already in this session) counts, with its
   * stored size and sniffed bytes. Accepted items are linked to the session.
   */
  async judgeMessage(userId: string, sessionId: string, refs: readonly AttachmentRef[]) {
    const accepted: AttachmentRef[] = [];
    const skipped: { at: number; name: string; reason: string }[] = [];
    const known: { at: number; ref: AttachmentRef; row: AttachmentRow; head: Uint8Array }[] = [];
    for (const [at, ref] of refs.entries()) {
      const row = await this.row(ref.id);
      const name = cleanName(ref.name) || 'attachment';
      if (!row || !((await this.uploadedBy(ref.id, userId)) || (await this.inSession(ref.id, sessionId)))) {
        const reason = `${name} was skipped: upload it first (the server has no such attachment from you).`;
        skipped.push({ at, name, reason });
      } else {
        known.push({ at, ref: { ...ref, name }, row, head: await this.head(row.sha256) });
      }
    }
    const verdicts = checkAttachments(
      known.map(({ ref, row, head }) => ({
        name: ref.name,
        size: row.size,
        head,
        declaredType: row.media_type,
      })),
    );
    await this.db.transaction().execute(async (trx) => {
      for (const [i, v] of verdicts.entries()) {
        const { at, ref, row } = known[i]!;
        if (!v.accepted) {
          skipped.push({ at, name: ref.name, reason: v.reason });
          continue;
        }
        await link(trx, row.sha256, sessionId);
        accepted.push({
          id: row.sha256,
          name: ref.name,
          kind: v.kind,
          mediaType: v.mediaType,
          size: row.size,
        });
      }
    });
    skipped.sort((a, b) => a.at - b.at);
    return { accepted, skipped: skipped.map(({ name, reason }) => ({ name, reason })) };
  }

  async uploadedBy(sha256: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('attachment_uploads')
      .select('sha256')
      .where('sha256', '=', sha256)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async inSession(sha256: string, sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('attachment_sessions')
      .select('sha256')
      .where('sha256', '=', sha256)
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The stored content and what it is; null when nothing is stored under that digest. */
  async content(sha256: string): Promise<AttachmentContent | null> {
    const row = await this.row(sha256);
    if (!row) return null;
    const named = await this.db
      .selectFrom('attachment_uploads')
      .select('name')
      .where('sha256', '=', sha256)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    const stored = await hasParts(this.db, sha256);
    if (!stored && !this.hasLegacyFile(sha256)) return null;
    const legacy = stored ? null : legacyFileOf(this.legacyDir!, sha256);
    return {
      kind: row.kind,
      mediaType: row.media_type,
      name: named?.name ?? null,
      size: row.size,
      stream: () =>
        legacy
          ? (Readable.toWeb(createReadStream(legacy)) as ReadableStream<Uint8Array>)
          : this.partStream(sha256),
    };
  }

  /** The whole content at once (the migration to PostgreSQL and tests); null when none is stored. */
  async bytesOf(sha256: string): Promise<Buffer | null> {
    const parts = await this.db
      .selectFrom('attachment_blobs')
      .select('bytes')
      .where('sha256', '=', sha256)
      .orderBy('part')
      .execute();
    if (parts.length) return Buffer.concat(parts.map((p) => p.bytes));
    return this.hasLegacyFile(sha256) ? readFileSync(legacyFileOf(this.legacyDir!, sha256)) : null;
  }

  /** One query per part, as the reader asks for more: a slow download holds one part at a time. */
  private partStream(sha256: string): ReadableStream<Uint8Array> {
    let part = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const next = await this.db
          .selectFrom('attachment_blobs')
          .select('bytes')
          .where('sha256', '=', sha256)
          .where('part', '=', part)
          .executeTakeFirst();
        part += 1;
        if (next) controller.enqueue(new Uint8Array(next.bytes));
        else controller.close();
      },
    });
  }
}

async function hasParts(db: Records, sha256: string): Promise<boolean> {
  const row = await db
    .selectFrom('attachment_blobs')
    .select('part')
    .where('sha256', '=', sha256)
    .where('part', '=', 0)
    .executeTakeFirst();
  return row !== undefined;
}

async function link(db: Records, sha256: string, sessionId: string): Promise<void> {
  await db
    .insertInto('attachment_sessions')
    .values({ sha256, session_id: sessionId })
    .onConflict((oc) => oc.columns(['sha256', 'session_id']).doNothing())
    .execute();
}

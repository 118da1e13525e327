// Content-addressed attachments: bytes on disk under their sha256, metadata in
// SQLite. The attachment policy is applied here to what the server stored,
// never to what a client claims about it.
import { SNIFF_BYTES, checkAttachments, type AttachmentKind, type AttachmentRef } from '@orrery/shared';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  writeFileSync,
  existsSync,
  readFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../store/private-files.js';

interface AttachmentRow {
  sha256: string;
  size: number;
  kind: AttachmentKind;
  media_type: string;
  created_at: number;
}

export type UploadResult = { ok: true; attachment: AttachmentRef } | { ok: false; reason: string };

/** Keeps a display name harmless: no path parts, no control characters, bounded length. */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch !== '\u007f' && ch !== '"')
    .join('');
  const cleaned = printable.trim().slice(0, 255);
  return cleaned === '.' || cleaned === '..' ? '' : cleaned;
}

export class Attachments {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
    private readonly clock: () => number,
  ) {}

  /** Where the content of a digest lives; the digest is checked to be hex, so it can never name another path. */
  private fileOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256 digest');
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  upload(
    userId: string,
    rawName: string,
    declaredType: string | undefined,
    bytes: Uint8Array,
    sessionId: string | null,
  ): UploadResult {
    const name = cleanName(rawName);
    const [verdict] = checkAttachments([
      { name, size: bytes.length, head: bytes.subarray(0, SNIFF_BYTES), declaredType },
    ]);
    if (!verdict || !verdict.accepted)
      return { ok: false, reason: verdict?.reason ?? 'This attachment was refused.' };
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.fileOf(sha256);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
      // Written aside and renamed, so a reader never sees half a file.
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(tmp, bytes, { mode: PRIVATE_FILE_MODE });
      renameSync(tmp, file);
    }
    const now = this.clock();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT OR IGNORE INTO attachments (sha256, size, kind, media_type, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(sha256, bytes.length, verdict.kind, verdict.mediaType, now);
      this.db
        .prepare(
          `INSERT INTO attachment_uploads (sha256, user_id, name, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET name = excluded.name`,
        )
        .run(sha256, userId, name, now);
      if (sessionId) this.link(sha256, sessionId);
    })();
    return {
      ok: true,
      attachment: { id: sha256, name, kind: verdict.kind, mediaType: verdict.mediaType, size: bytes.length },
    };
  }

  private link(sha256: string, sessionId: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO attachment_sessions (sha256, session_id) VALUES (?, ?)')
      .run(sha256, sessionId);
  }

  private row(sha256: string): AttachmentRow | undefined {
    return this.db.prepare<[string], AttachmentRow>('SELECT * FROM attachments WHERE sha256 = ?').get(sha256);
  }

  private head(sha256: string): Uint8Array {
    const fd = openSync(this.fileOf(sha256), 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The policy for one message, judged on the server's own records: only
   * content this user uploaded (or already in this session) counts, with its
   * stored size and sniffed bytes. Accepted items are linked to the session.
   */
  judgeMessage(userId: string, sessionId: string, refs: readonly AttachmentRef[]) {
    const accepted: AttachmentRef[] = [];
    const skipped: { at: number; name: string; reason: string }[] = [];
    const known: { at: number; ref: AttachmentRef; row: AttachmentRow }[] = [];
    refs.forEach((ref, at) => {
      const row = this.row(ref.id);
      const name = cleanName(ref.name) || 'attachment';
      if (!row || !(this.uploadedBy(ref.id, userId) || this.inSession(ref.id, sessionId))) {
        const reason = `${name} was skipped: upload it first (the server has no such attachment from you).`;
        skipped.push({ at, name, reason });
      } else {
        known.push({ at, ref: { ...ref, name }, row });
      }
    });
    const verdicts = checkAttachments(
      known.map(({ ref, row }) => ({
        name: ref.name,
        size: row.size,
        head: this.head(row.sha256),
        declaredType: row.media_type,
      })),
    );
    this.db.transaction(() => {
      verdicts.forEach((v, i) => {
        const { at, ref, row } = known[i]!;
        if (!v.accepted) return skipped.push({ at, name: ref.name, reason: v.reason });
        this.link(row.sha256, sessionId);
        accepted.push({
          id: row.sha256,
          name: ref.name,
          kind: v.kind,
          mediaType: v.mediaType,
          size: row.size,
        });
      });
    })();
    skipped.sort((a, b) => a.at - b.at);
    return { accepted, skipped: skipped.map(({ name, reason }) => ({ name, reason })) };
  }

  uploadedBy(sha256: string, userId: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM attachment_uploads WHERE sha256 = ? AND user_id = ?')
        .get(sha256, userId) !== undefined
    );
  }

  inSession(sha256: string, sessionId: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM attachment_sessions WHERE sha256 = ? AND session_id = ?')
        .get(sha256, sessionId) !== undefined
    );
  }

  /** The stored content and what it is; null when nothing is stored under that digest. */
  content(
    sha256: string,
  ): { bytes: Buffer; kind: AttachmentKind; mediaType: string; name: string | null } | null {
    const row = this.row(sha256);
    if (!row) return null;
    const named = this.db
      .prepare<[string], { name: string }>(
        'SELECT name FROM attachment_uploads WHERE sha256 = ? ORDER BY created_at LIMIT 1',
      )
      .get(sha256);
    return {
      bytes: readFileSync(this.fileOf(sha256)),
      kind: row.kind,
      mediaType: row.media_type,
      name: named?.name ?? null,
    };
  }
}

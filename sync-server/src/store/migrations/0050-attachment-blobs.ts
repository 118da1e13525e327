// Attachment bytes move into the database, so every sync server reaches the
// same content: each attachment is stored in parts of ATTACHMENT_PART_BYTES,
// so a download streams part by part instead of holding 10 MB per request.
// (0.1 kept the bytes under <dataDir>/attachments; records/attachments.ts
// still reads those files for a row that has no parts.)
import type { EngineMigration } from './index.js';

export const attachmentBlobs: EngineMigration = (engine) => ({
  async up(db) {
    await db.schema
      .createTable('attachment_blobs')
      .addColumn('sha256', 'text', (c) => c.notNull().references('attachments.sha256'))
      .addColumn('part', 'integer', (c) => c.notNull())
      .addColumn('bytes', engine === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .addPrimaryKeyConstraint('attachment_blobs_pk', ['sha256', 'part'])
      .execute();
  },
});

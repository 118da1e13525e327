#!/usr/bin/env node
// `npm run migrate -w sync-server -- --to postgres://…`: moves the embedded
// install in ORRERY_DATA_DIR (found as `npm start` finds it) into an empty
// PostgreSQL database, then checks the copy. Stop the server first.
import { ConfigError, readConfig } from '@orrery/shared';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SecretBoxError, loadSecretsKey } from './auth/secret-box.js';
import { InstallationError } from './installation.js';
import { MigrateError, migrateToPostgres } from './store/migrate-to-postgres.js';

const USAGE = 'usage: npm run migrate -w sync-server -- --to postgres://user:password@host:5432/database';

async function main(): Promise<number> {
  let to: string | undefined;
  try {
    ({ to } = parseArgs({ options: { to: { type: 'string' } } }).values);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (!to) {
    console.error(`say where to move the data with --to\n${USAGE}`);
    return 2;
  }
  const dataDir = path.resolve(readConfig(process.env).dataDir);
  const report = await migrateToPostgres({
    dataDir,
    url: to,
    secretsKey: () => loadSecretsKey(dataDir, process.env.ORRERY_SECRETS_KEY),
    log: (line) => console.log(`[migrate] ${line}`),
  });
  const rows = Object.values(report.rows).reduce((a, b) => a + b, 0);
  console.log(
    `[migrate] done: ${rows} rows in ${Object.keys(report.rows).length} tables, ${report.documents} documents ` +
      `(each with the same state on both sides), ${report.attachmentFiles} attachment files moved into the database`,
  );
  if (report.missingAttachments.length)
    console.warn(
      `[migrate] ${report.missingAttachments.length} attachments had no file under ${path.join(dataDir, 'attachments')} before the move: ${report.missingAttachments.join(', ')}`,
    );
  console.log(
    `[migrate] start the servers with ORRERY_DATABASE_URL set to that URL, and give each the secrets key of ${dataDir} ` +
      '(copy secrets.key into its data folder, or set ORRERY_SECRETS_KEY to its contents): the saved secrets are sealed with it.',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (
      err instanceof MigrateError ||
      err instanceof ConfigError ||
      err instanceof SecretBoxError ||
      err instanceof InstallationError
    )
      console.error(`[migrate] ${err.message}`);
    else console.error('[migrate] failed:', err);
    process.exit(1);
  },
);

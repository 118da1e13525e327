// The schema of release 0.1. On SQLite it runs the steps of sqlite-0.1.ts a
// data folder has not had yet (a folder made by 0.1 has had them all, so it
// opens unchanged); on PostgreSQL it creates the same tables in that dialect:
// BIGINT for the integers (milliseconds outgrow 32 bits), BYTEA for blobs,
// and lower(name) where SQLite compared names with COLLATE NOCASE.
import { sql, type Kysely } from 'kysely';
import type { EngineMigration } from './index.js';
import { SQLITE_0_1 } from './sqlite-0.1.js';

export const initial: EngineMigration = (engine) => ({
  up: (db) => (engine === 'sqlite' ? upSqlite(db) : runAll(db, POSTGRES)),
});

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ user_version: number }>`PRAGMA user_version`.execute(db);
  const done = rows[0]?.user_version ?? 0;
  for (let step = done; step < SQLITE_0_1.length; step += 1) {
    await runAll(db, SQLITE_0_1[step]!);
    await sql.raw(`PRAGMA user_version = ${step + 1}`).execute(db);
  }
}

/** Runs a script one statement at a time (better-sqlite3 prepares one at a time). */
async function runAll(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of statements(script)) await sql.raw(statement).execute(db);
}

function statements(script: string): string[] {
  return script
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const POSTGRES = `
CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  deactivated_at BIGINT
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash BYTEA NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'service')),
  org_id TEXT NOT NULL REFERENCES organisations(id),
  user_id TEXT REFERENCES users(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  user_agent TEXT,
  last_used_at BIGINT
);
CREATE INDEX tokens_user ON tokens(user_id, last_used_at);
CREATE TABLE experts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  owner_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  built_in_key TEXT,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT
);
CREATE UNIQUE INDEX experts_builtin ON experts(org_id, built_in_key) WHERE built_in_key IS NOT NULL;
CREATE TABLE environments (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  owner_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  built_in_key TEXT,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT
);
CREATE UNIQUE INDEX environments_name ON environments(org_id, lower(name)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX environments_builtin ON environments(org_id, built_in_key) WHERE built_in_key IS NOT NULL;
CREATE TABLE change_clock (value BIGINT NOT NULL);
INSERT INTO change_clock (value) VALUES (0);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  owner_id TEXT NOT NULL REFERENCES users(id),
  expert_id TEXT NOT NULL,
  environment_id TEXT,
  title TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
  archived BIGINT NOT NULL DEFAULT 0,
  origin TEXT NOT NULL CHECK (origin IN ('manual', 'trigger')),
  trigger_id TEXT,
  auto_archive BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  clock BIGINT NOT NULL
);
CREATE INDEX sessions_org_clock ON sessions(org_id, clock);
CREATE INDEX sessions_owner ON sessions(owner_id, updated_at);
CREATE TABLE grants (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id),
  granted_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, user_id)
);
CREATE INDEX grants_user ON grants(user_id);
CREATE TABLE session_removals (
  session_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  user_id TEXT,
  clock BIGINT NOT NULL
);
CREATE INDEX session_removals_clock ON session_removals(org_id, clock);
CREATE TABLE attachments (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  kind TEXT NOT NULL,
  media_type TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE attachment_uploads (
  sha256 TEXT NOT NULL REFERENCES attachments(sha256),
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (sha256, user_id)
);
CREATE TABLE attachment_sessions (
  sha256 TEXT NOT NULL REFERENCES attachments(sha256),
  session_id TEXT NOT NULL,
  PRIMARY KEY (sha256, session_id)
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  session_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'failed')),
  lease_token TEXT,
  lease_expires_at BIGINT,
  runner_id TEXT,
  attempts BIGINT NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  payload TEXT,
  result TEXT
);
CREATE INDEX jobs_open ON jobs(state, created_at) WHERE state IN ('pending', 'leased');
CREATE UNIQUE INDEX jobs_one_turn ON jobs(session_id) WHERE kind = 'turn' AND state IN ('pending', 'leased');
CREATE TABLE doc_snapshots (
  name TEXT PRIMARY KEY,
  snapshot BYTEA NOT NULL,
  through_seq BIGINT NOT NULL
);
CREATE TABLE doc_updates (
  name TEXT NOT NULL,
  seq BIGINT NOT NULL,
  update_blob BYTEA NOT NULL,
  PRIMARY KEY (name, seq)
);
CREATE TABLE triggers (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  expert_id TEXT NOT NULL,
  owner_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('webhook', 'schedule')),
  name TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  auto_archive BIGINT NOT NULL,
  filter TEXT,
  cron TEXT,
  timezone TEXT,
  prompt TEXT,
  secret_hash BYTEA,
  next_run_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX triggers_expert ON triggers(org_id, expert_id);
CREATE INDEX triggers_due ON triggers(next_run_at) WHERE kind = 'schedule' AND enabled = 1;
CREATE TABLE trigger_events (
  id TEXT PRIMARY KEY,
  trigger_id TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  payload TEXT NOT NULL,
  session_id TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('started', 'filtered', 'error')),
  detail TEXT NOT NULL
);
CREATE INDEX trigger_events_trigger ON trigger_events(trigger_id, received_at);
CREATE TABLE secrets (
  org_id TEXT NOT NULL REFERENCES organisations(id),
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed BYTEA NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (org_id, owner_id, name)
);
CREATE TABLE repository_credentials (
  org_id TEXT NOT NULL REFERENCES organisations(id),
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  host TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('https-token', 'ssh-key')),
  sealed BYTEA NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL REFERENCES users(id),
  forge TEXT CHECK (forge IN ('github', 'gitlab')),
  PRIMARY KEY (org_id, owner_id, name)
);
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  token_hash BYTEA NOT NULL UNIQUE,
  invited_by TEXT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  accepted_at BIGINT,
  accepted_by TEXT REFERENCES users(id)
);
CREATE INDEX invitations_org ON invitations(org_id, created_at);
CREATE TABLE model_provider_keys (
  org_id TEXT NOT NULL REFERENCES organisations(id),
  provider TEXT NOT NULL CHECK (provider IN ('anthropic', 'openai')),
  sealed BYTEA NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (org_id, provider)
);
CREATE TABLE model_base_urls (
  org_id TEXT PRIMARY KEY REFERENCES organisations(id),
  urls TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL REFERENCES users(id)
);
CREATE TABLE environment_builds (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  environment_id TEXT NOT NULL,
  definition TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'building', 'ready', 'failed')),
  step TEXT NOT NULL,
  trigger TEXT NOT NULL,
  requested_by TEXT,
  job_id TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  lines BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX environment_builds_env ON environment_builds(environment_id, created_at);
CREATE TABLE environment_build_lines (
  build_id TEXT NOT NULL,
  n BIGINT NOT NULL,
  stream TEXT NOT NULL,
  text TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (build_id, n)
);
CREATE TABLE session_changes (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  repositories TEXT NOT NULL,
  computed_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE TABLE session_change_diffs (
  session_id TEXT NOT NULL REFERENCES session_changes(session_id) ON DELETE CASCADE,
  repo TEXT NOT NULL,
  path TEXT NOT NULL,
  patch TEXT NOT NULL,
  PRIMARY KEY (session_id, repo, path)
);
`;

// The schema of release 0.1 on SQLite, as the ordered list of steps it was
// built by (PRAGMA user_version counted them). Frozen: migration 0001 runs the
// steps a data folder has not had yet, and every later change is a migration
// of its own in this folder, written once for both engines.
export const SQLITE_0_1: readonly string[] = [
  `
  CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX users_org ON users(org_id);
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'service')),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    user_id TEXT REFERENCES users(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  );
  CREATE TABLE experts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    owner_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    built_in_key TEXT,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE UNIQUE INDEX environments_name ON environments(org_id, name COLLATE NOCASE) WHERE deleted_at IS NULL;
  CREATE UNIQUE INDEX environments_builtin ON environments(org_id, built_in_key) WHERE built_in_key IS NOT NULL;
  CREATE TABLE change_clock (value INTEGER NOT NULL);
  INSERT INTO change_clock (value) VALUES (0);
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    owner_id TEXT NOT NULL REFERENCES users(id),
    expert_id TEXT NOT NULL,
    environment_id TEXT,
    title TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
    archived INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL CHECK (origin IN ('manual', 'trigger')),
    trigger_id TEXT,
    auto_archive INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    clock INTEGER NOT NULL
  );
  CREATE INDEX sessions_org_clock ON sessions(org_id, clock);
  CREATE INDEX sessions_owner ON sessions(owner_id, updated_at);
  CREATE TABLE grants (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    granted_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
  );
  CREATE INDEX grants_user ON grants(user_id);
  -- Who stopped seeing a session, for "changes since": user_id NULL means
  -- everyone who cannot open it now (deleted, made private).
  CREATE TABLE session_removals (
    session_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    user_id TEXT,
    clock INTEGER NOT NULL
  );
  CREATE INDEX session_removals_clock ON session_removals(org_id, clock);
  CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE attachment_uploads (
    sha256 TEXT NOT NULL REFERENCES attachments(sha256),
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
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
    lease_expires_at INTEGER,
    runner_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_open ON jobs(state, created_at) WHERE state IN ('pending', 'leased');
  CREATE UNIQUE INDEX jobs_one_turn ON jobs(session_id) WHERE kind = 'turn' AND state IN ('pending', 'leased');
  -- The Yjs documents: a snapshot plus the log of updates since.
  CREATE TABLE doc_snapshots (
    name TEXT PRIMARY KEY,
    snapshot BLOB NOT NULL,
    through_seq INTEGER NOT NULL
  );
  CREATE TABLE doc_updates (
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    update_blob BLOB NOT NULL,
    PRIMARY KEY (name, seq)
  ) WITHOUT ROWID;
  `,
  // Enhance-prompt jobs carry a payload and bring back a result; those
  // started on Home have no session (stored as '').
  `
  ALTER TABLE jobs ADD COLUMN payload TEXT;
  ALTER TABLE jobs ADD COLUMN result TEXT;
  `,
  // Triggers on Experts (webhooks, schedules) and the events they received.
  `
  CREATE TABLE triggers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    expert_id TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('webhook', 'schedule')),
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    auto_archive INTEGER NOT NULL,
    filter TEXT,
    cron TEXT,
    timezone TEXT,
    prompt TEXT,
    secret_hash BLOB,
    next_run_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX triggers_expert ON triggers(org_id, expert_id);
  CREATE INDEX triggers_due ON triggers(next_run_at) WHERE kind = 'schedule' AND enabled = 1;
  CREATE TABLE trigger_events (
    id TEXT PRIMARY KEY,
    trigger_id TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    session_id TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('started', 'filtered', 'error')),
    detail TEXT NOT NULL
  );
  CREATE INDEX trigger_events_trigger ON trigger_events(trigger_id, received_at);
  `,
  // Secrets: write-only values, sealed (see auth/secret-box.ts); owner '' is the organisation's.
  `
  CREATE TABLE secrets (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (org_id, owner_id, name)
  );
  `,
  // Environments say whether their sessions reach the network (body.network).
  // Those made before the choice existed had the engine's network: they ask for
  // "internet" (now a network of each session's own); new ones default to "none".
  `
  UPDATE environments SET body = json_set(body, '$.network', 'internet')
  WHERE built_in_key IS NULL AND json_extract(body, '$.network') IS NULL;
  `,
  // Repository credentials: secrets bound to one git host (routes/repository-credentials.ts).
  `
  CREATE TABLE repository_credentials (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    host TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('https-token', 'ssh-key')),
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (org_id, owner_id, name)
  );
  `,
  // Teammates: when each person was last active (written at most once a
  // minute), deactivation (kept, never deleted: their sessions stay), and
  // one-time invitations, of which only a hash of the link's token is kept.
  `
  ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
  CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    token_hash BLOB NOT NULL UNIQUE,
    invited_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    accepted_at INTEGER,
    accepted_by TEXT REFERENCES users(id)
  );
  CREATE INDEX invitations_org ON invitations(org_id, created_at);
  `,
  // Sign-ins name their device (the browser's User-Agent at sign-in) and when
  // they were last used, so a person can tell their sign-ins apart in Settings.
  `
  ALTER TABLE tokens ADD COLUMN user_agent TEXT;
  ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
  CREATE INDEX tokens_user ON tokens(user_id, last_used_at);
  `,
  // Settings → Model providers: API keys sealed like shared secrets, and allowed base URLs.
  `
  CREATE TABLE model_provider_keys (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    provider TEXT NOT NULL CHECK (provider IN ('anthropic', 'openai')),
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (org_id, provider)
  );
  CREATE TABLE model_base_urls (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id),
    urls TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id)
  );
  `,
  // Environment builds (shared/src/builds.ts): one row per build with what it
  // was built from, and its log lines (the last MAX_BUILD_LOG_LINES of each).
  `
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
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    lines INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX environment_builds_env ON environment_builds(environment_id, created_at);
  CREATE TABLE environment_build_lines (
    build_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    stream TEXT NOT NULL,
    text TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (build_id, n)
  ) WITHOUT ROWID;
  `,
  // The agent's changes (shared/src/changes.ts): the runner's last report of a
  // session, summary and kept diffs, replaced whole by each report and gone
  // with the session.
  `
  CREATE TABLE session_changes (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    repositories TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE TABLE session_change_diffs (
    session_id TEXT NOT NULL REFERENCES session_changes(session_id) ON DELETE CASCADE,
    repo TEXT NOT NULL,
    path TEXT NOT NULL,
    patch TEXT NOT NULL,
    PRIMARY KEY (session_id, repo, path)
  );
  `,
  // The forge behind a repository credential's host, for pull requests
  // (github.com and gitlab.com say so themselves).
  `
  ALTER TABLE repository_credentials ADD COLUMN forge TEXT CHECK (forge IN ('github', 'gitlab'));
  UPDATE repository_credentials SET forge = 'github' WHERE host = 'github.com';
  UPDATE repository_credentials SET forge = 'gitlab' WHERE host = 'gitlab.com';
  `,
];

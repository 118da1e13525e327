// The tables as Kysely sees them, for both engines. SQLite hands back
// integers as numbers and blobs as Buffers; the PostgreSQL pool is set up to
// do the same (BIGINT columns parse to numbers, BYTEA to Buffers), so one
// row type serves both. Columns with a default are optional on insert.
import type { ColumnType } from 'kysely';

/** A column the database fills when an insert leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface Attachments {
  created_at: number;
  kind: string;
  media_type: string;
  sha256: string;
  size: number;
}

/** An attachment's bytes, in parts numbered from 0 (migration 0050). */
export interface AttachmentBlobs {
  bytes: Buffer;
  part: number;
  sha256: string;
}

export interface AttachmentSessions {
  session_id: string;
  sha256: string;
}

export interface AttachmentUploads {
  created_at: number;
  name: string;
  sha256: string;
  user_id: string;
}

export interface ChangeClock {
  value: number;
}

export interface DocHeads {
  name: string;
  seq: number;
}

export interface DocSnapshots {
  name: string;
  snapshot: Buffer;
  through_seq: number;
}

export interface DocUpdates {
  name: string;
  seq: number;
  update_blob: Buffer;
}

export interface EnvironmentBuildLines {
  at: number;
  build_id: string;
  n: number;
  stream: string;
  text: string;
}

export interface EnvironmentBuilds {
  created_at: number;
  definition: string;
  environment_id: string;
  error: string | null;
  finished_at: number | null;
  id: string;
  job_id: string | null;
  lines: Defaulted<number>;
  org_id: string;
  requested_by: string | null;
  started_at: number | null;
  status: string;
  step: string;
  trigger: string;
}

export interface Environments {
  body: string;
  built_in_key: string | null;
  created_at: number;
  deleted_at: number | null;
  id: string;
  name: string;
  org_id: string;
  owner_id: string;
  scope: string;
  updated_at: number;
}

export interface Experts {
  body: string;
  built_in_key: string | null;
  created_at: number;
  deleted_at: number | null;
  id: string;
  name: Defaulted<string>;
  org_id: string;
  owner_id: string;
  scope: string;
  updated_at: number;
}

export interface Grants {
  created_at: number;
  granted_by: string;
  session_id: string;
  user_id: string;
}

export interface Installation {
  key: string;
  value: string;
}

export interface Invitations {
  accepted_at: number | null;
  accepted_by: string | null;
  created_at: number;
  email: string;
  expires_at: number;
  id: string;
  invited_by: string;
  org_id: string;
  revoked_at: number | null;
  role: string;
  token_hash: Buffer;
}

export interface Jobs {
  attempts: Defaulted<number>;
  created_at: number;
  detail: Defaulted<string>;
  id: string;
  kind: string;
  lease_expires_at: number | null;
  lease_token: string | null;
  org_id: string;
  payload: string | null;
  result: string | null;
  runner_id: string | null;
  session_id: string;
  state: string;
  updated_at: number;
}

export interface ModelBaseUrls {
  org_id: string;
  updated_at: number;
  updated_by: string;
  urls: string;
}

export interface ModelProviderKeys {
  org_id: string;
  provider: string;
  sealed: Buffer;
  updated_at: number;
  updated_by: string;
}

export interface Organisations {
  created_at: number;
  id: string;
  name: string;
}

export interface RepositoryCredentials {
  forge: string | null;
  host: string;
  kind: string;
  name: string;
  org_id: string;
  owner_id: string;
  sealed: Buffer;
  updated_at: number;
  updated_by: string;
}

export interface Secrets {
  name: string;
  org_id: string;
  owner_id: string;
  sealed: Buffer;
  updated_at: number;
  updated_by: string;
}

export interface SessionChangeDiffs {
  patch: string;
  path: string;
  repo: string;
  session_id: string;
}

export interface SessionChanges {
  computed_at: number;
  received_at: number;
  repositories: string;
  session_id: string;
}

export interface SessionRemovals {
  clock: number;
  org_id: string;
  session_id: string;
  user_id: string | null;
}

export interface Sessions {
  archived: Defaulted<number>;
  auto_archive: Defaulted<number>;
  clock: number;
  created_at: number;
  environment_id: string | null;
  expert_id: string;
  id: string;
  org_id: string;
  origin: string;
  owner_id: string;
  title: string;
  trigger_id: string | null;
  updated_at: number;
  visibility: string;
}

export interface Tokens {
  created_at: number;
  expires_at: number | null;
  hash: Buffer;
  id: string;
  kind: string;
  last_used_at: number | null;
  name: string;
  org_id: string;
  revoked_at: number | null;
  user_agent: string | null;
  user_id: string | null;
}

export interface TriggerEvents {
  detail: string;
  id: string;
  outcome: string;
  payload: string;
  received_at: number;
  session_id: string | null;
  trigger_id: string;
}

export interface Triggers {
  auto_archive: number;
  created_at: number;
  cron: string | null;
  enabled: number;
  expert_id: string;
  filter: string | null;
  id: string;
  kind: string;
  name: string;
  next_run_at: number | null;
  org_id: string;
  owner_id: string;
  prompt: string | null;
  secret_hash: Buffer | null;
  timezone: string | null;
}

export interface Users {
  created_at: number;
  deactivated_at: number | null;
  email: string;
  id: string;
  name: string;
  org_id: string;
  password_hash: string;
  role: string;
}

export interface Tables {
  attachment_blobs: AttachmentBlobs;
  attachment_sessions: AttachmentSessions;
  attachment_uploads: AttachmentUploads;
  attachments: Attachments;
  change_clock: ChangeClock;
  doc_heads: DocHeads;
  doc_snapshots: DocSnapshots;
  doc_updates: DocUpdates;
  environment_build_lines: EnvironmentBuildLines;
  environment_builds: EnvironmentBuilds;
  environments: Environments;
  experts: Experts;
  grants: Grants;
  installation: Installation;
  invitations: Invitations;
  jobs: Jobs;
  model_base_urls: ModelBaseUrls;
  model_provider_keys: ModelProviderKeys;
  organisations: Organisations;
  repository_credentials: RepositoryCredentials;
  secrets: Secrets;
  session_change_diffs: SessionChangeDiffs;
  session_changes: SessionChanges;
  session_removals: SessionRemovals;
  sessions: Sessions;
  tokens: Tokens;
  trigger_events: TriggerEvents;
  triggers: Triggers;
  users: Users;
}

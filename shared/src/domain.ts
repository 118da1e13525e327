// Orrery's domain: the server-authoritative records and their validators.
// Every boundary (REST, IPC, storage) parses with these, so a malformed value
// is rejected with a message that names the field.
import { z } from 'zod';
import { variableNameProblem } from './env-names.js';

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"');
export type Id = z.infer<typeof Id>;

/** Milliseconds since the epoch. */
export const Timestamp = z.number().int().nonnegative();

export const Organisation = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(120),
  createdAt: Timestamp,
});
export type Organisation = z.infer<typeof Organisation>;

export const Role = z.enum(['admin', 'member']);
export type Role = z.infer<typeof Role>;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }));

export const User = z.strictObject({
  id: Id,
  orgId: Id,
  email: Email,
  name: z.string().trim().min(1).max(120),
  role: Role,
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

/** Who an Expert or Environment belongs to: its author alone, or the whole organisation. */
export const Scope = z.enum(['personal', 'organisation']);
export type Scope = z.infer<typeof Scope>;

export const ToolName = z.enum([
  'run_command',
  'read_file',
  'write_file',
  'edit_file',
  'list_files',
  'search_text',
  // The Orrery Advisor's: they run on the runner, not in the Environment (see runner/src/agent/advisor-tools.ts).
  'inspect_repository',
  'propose_environment',
  // Ship the agent's work: they run on the runner, which holds the repository credentials (runner/src/changes).
  'commit_changes',
  'open_pull_request',
]);
export type ToolName = z.infer<typeof ToolName>;
export const ALL_TOOLS: readonly ToolName[] = ToolName.options;

export const ModelProvider = z.enum(['anthropic', 'openai', 'shell']);
export type ModelProvider = z.infer<typeof ModelProvider>;

export const ModelRef = z.strictObject({
  provider: ModelProvider,
  /** The provider's model name, e.g. "claude-sonnet-4-5"; empty for the shell provider. */
  name: z.string().max(200),
  /** OpenAI-compatible servers only: where the chat completions API lives. */
  baseUrl: z.url().optional(),
  /** The model's context window in tokens, when the runner's table of known models does not know it. */
  contextWindow: z.int().min(1_000).max(10_000_000).optional(),
});
export type ModelRef = z.infer<typeof ModelRef>;

/** What an MCP server is called: the prefix of its tools' names (`name__tool`). */
export const McpServerName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, "_" or "-"');

/** A header or variable whose value is one of the session owner's secrets, named here, never written in the Expert. */
const FromSecrets = z.record(z.string().min(1).max(128), z.string().min(1).max(128));

/**
 * An MCP server whose tools the Expert may use: a program started inside the
 * session's Environment speaking MCP on stdin/stdout, or a remote Streamable
 * HTTP server on a place an administrator allows (ORRERY_MCP_URLS).
 */
export const McpServer = z.discriminatedUnion('transport', [
  z.strictObject({
    transport: z.literal('stdio'),
    name: McpServerName,
    command: z.string().min(1).max(1000),
    args: z.array(z.string().max(4000)).max(50).default([]),
    /** Variable name → the name of a secret whose value it gets. */
    env: FromSecrets.optional(),
  }),
  z.strictObject({
    transport: z.literal('http'),
    name: McpServerName,
    url: z.url(),
    /** Header name → the name of a secret whose value it carries. */
    headers: FromSecrets.optional(),
  }),
]);
export type McpServer = z.infer<typeof McpServer>;

export const Capabilities = z.strictObject({
  tools: z.array(ToolName).max(ALL_TOOLS.length),
  /** Integration names the Expert may use (e.g. "slack"); none are required. */
  integrations: z.array(z.string().min(1).max(60)).max(20).default([]),
  /**
   * Tools the session's owner approves each time the agent calls them (the
   * call waits in the transcript for Approve or Deny). Absent: shipping asks
   * (DEFAULT_APPROVAL).
   */
  approval: z.array(ToolName).max(ALL_TOOLS.length).optional(),
  /** MCP servers whose tools are offered beside the built-in ones; names are unique. */
  mcpServers: z
    .array(McpServer)
    .max(10)
    .refine((list) => new Set(list.map((s) => s.name)).size === list.length, 'MCP server names must differ')
    .optional(),
});
export type Capabilities = z.infer<typeof Capabilities>;

/** The tools that wait for the owner's approval when an Expert says nothing about it. */
export const DEFAULT_APPROVAL: readonly ToolName[] = ['commit_changes', 'open_pull_request'];

/** Whether the agent's call of this tool waits for the session owner's Approve. */
export function needsApproval(capabilities: Capabilities, tool: ToolName): boolean {
  return (capabilities.approval ?? DEFAULT_APPROVAL).includes(tool);
}

export const ExpertInput = z.strictObject({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(500).default(''),
  instructions: z.string().max(100_000),
  model: ModelRef,
  capabilities: Capabilities,
  defaultEnvironmentId: Id.nullable(),
  scope: Scope,
});
export type ExpertInput = z.infer<typeof ExpertInput>;

export const Expert = ExpertInput.extend({
  id: Id,
  orgId: Id,
  ownerId: Id,
  builtIn: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Expert = z.infer<typeof Expert>;

export const HOUR_MS = 60 * 60 * 1000;
export const MAX_RUN_TIME_DEFAULT_MS = 24 * HOUR_MS;
export const IDLE_TIMEOUT_DEFAULT_MS = 20 * 60 * 1000;
export const CLEAN_RESTART_AFTER_DEFAULT_MS = 7 * 24 * HOUR_MS;

/** Names that become shell variables inside the Environment. */
export const VariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a shell variable name (letters, digits, "_")')
  .max(128);

const VariableRecord = z.record(VariableName, z.string().max(32_768));

export const Repository = z.strictObject({
  url: z.string().min(1).max(2000),
  /** Branch or tag; the default branch when absent. */
  ref: z.string().max(250).optional(),
  /** Folder under /workspace; derived from the URL when absent. */
  path: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be a single folder name')
    .refine((p) => p !== '.' && p !== '..', 'must be a single folder name')
    .optional(),
  /**
   * The name of a repository credential (a secret bound to this repository's
   * host: an HTTPS token or an SSH key). The runner clones and pushes with it
   * from its own side; it never enters a container or a snapshot.
   */
  credential: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'must be the name of a repository credential, e.g. GITHUB_DEPLOY')
    .optional(),
});
export type Repository = z.infer<typeof Repository>;

export const EnvironmentName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'must start with a letter or digit');

/**
 * Whether an Environment's sessions reach the network: "none" (only their own
 * loopback) or "internet" (a network of the session's own, away from other
 * sessions, the host's services and link-local metadata addresses).
 */
export const EnvironmentNetwork = z.enum(['none', 'internet']);
export type EnvironmentNetwork = z.infer<typeof EnvironmentNetwork>;

export const EnvironmentInput = z.strictObject({
  /** Unique within the organisation. */
  name: EnvironmentName,
  /** Any image with bash and git. */
  image: z.string().min(1).max(300),
  repositories: z.array(Repository).max(20).default([]),
  setupScript: z.string().max(100_000).default(''),
  /** Readable by anyone who starts a session with this Environment. */
  variables: VariableRecord.superRefine((variables, ctx) => {
    for (const name of Object.keys(variables)) {
      const problem = variableNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  }).default({}),
  idleTimeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * HOUR_MS)
    .default(IDLE_TIMEOUT_DEFAULT_MS),
  maxRunTimeMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * HOUR_MS)
    .default(MAX_RUN_TIME_DEFAULT_MS),
  /** After this long paused or stopped, the container is removed and the next message starts clean. */
  cleanRestartAfterMs: z.number().int().min(1_000).default(CLEAN_RESTART_AFTER_DEFAULT_MS),
  /** Off unless asked for: a session reaches nothing outside its container by default. */
  network: EnvironmentNetwork.default('none'),
  scope: Scope,
});
export type EnvironmentInput = z.infer<typeof EnvironmentInput>;

export const Environment = EnvironmentInput.extend({
  /** As stored: a row saved before a name was refused still reads (the runner drops such names). */
  variables: VariableRecord.default({}),
  id: Id,
  orgId: Id,
  ownerId: Id,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Environment = z.infer<typeof Environment>;

export const Visibility = z.enum(['private', 'shared']);
export type Visibility = z.infer<typeof Visibility>;

export const SessionOrigin = z.enum(['manual', 'trigger']);
export type SessionOrigin = z.infer<typeof SessionOrigin>;

export const Session = z.strictObject({
  id: Id,
  orgId: Id,
  ownerId: Id,
  expertId: Id,
  environmentId: Id.nullable(),
  title: z.string().max(200),
  visibility: Visibility,
  archived: z.boolean(),
  origin: SessionOrigin,
  triggerId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** The server's change clock when this record last changed. */
  clock: z.number().int().nonnegative(),
});
export type Session = z.infer<typeof Session>;

export const ViewerGrant = z.strictObject({
  sessionId: Id,
  userId: Id,
  grantedBy: Id,
  createdAt: Timestamp,
});
export type ViewerGrant = z.infer<typeof ViewerGrant>;

export const Pin = z.strictObject({
  sessionId: Id,
  folderId: Id.nullable(),
  /** A fractional index: pins sort by it within their folder. */
  order: z.string().min(1).max(200),
});
export type Pin = z.infer<typeof Pin>;

export const PinFolder = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(80),
  order: z.string().min(1).max(200),
  collapsed: z.boolean(),
});
export type PinFolder = z.infer<typeof PinFolder>;

export const AttachmentKind = z.enum(['file', 'image']);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

/** A reference to uploaded content, as it travels in messages. */
export const AttachmentRef = z.strictObject({
  /** sha256 of the content, hex. */
  id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
  name: z.string().min(1).max(255),
  kind: AttachmentKind,
  mediaType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

const TriggerBase = z.strictObject({
  id: Id,
  orgId: Id,
  expertId: Id,
  ownerId: Id,
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean(),
  /** Archive the session once the agent finishes its task. */
  autoArchive: z.boolean(),
  createdAt: Timestamp,
});

export const WebhookTrigger = TriggerBase.extend({
  kind: z.literal('webhook'),
  /** A dotted path into the JSON payload and the value it must equal; absent = every event. */
  filter: z
    .strictObject({
      path: z.string().min(1).max(200),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .nullable(),
});
export type WebhookTrigger = z.infer<typeof WebhookTrigger>;

export const ScheduleTrigger = TriggerBase.extend({
  kind: z.literal('schedule'),
  /** Five-field cron: minute hour day-of-month month day-of-week. */
  cron: z
    .string()
    .trim()
    .refine((s) => s.split(/\s+/).length === 5, 'must have five fields: minute hour day month weekday'),
  timezone: z.string().min(1).max(64).default('UTC'),
  prompt: z.string().min(1).max(100_000),
});
export type ScheduleTrigger = z.infer<typeof ScheduleTrigger>;

export const Trigger = z.discriminatedUnion('kind', [WebhookTrigger, ScheduleTrigger]);
export type Trigger = z.infer<typeof Trigger>;

export const TriggerEvent = z.strictObject({
  id: Id,
  triggerId: Id,
  receivedAt: Timestamp,
  payload: z.string(),
  /** The session it started, or null when the filter skipped it. */
  sessionId: Id.nullable(),
  outcome: z.enum(['started', 'filtered', 'error']),
  detail: z.string().max(2000),
});
export type TriggerEvent = z.infer<typeof TriggerEvent>;

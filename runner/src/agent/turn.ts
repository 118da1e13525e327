// Runs a session's queued messages, one turn each, in order. A turn takes the
// oldest queued message into the transcript, makes sure the Environment runs,
// and lets the Expert answer — a model with tools, or the shell Expert that
// runs the message as a command — writing everything into the session doc.
import {
  indentedCodeBlock,
  needsApproval,
  recordCallUsage,
  type CallUsage,
  type AttachmentRef,
  type SessionContext,
  type SessionDoc,
  type ToolName,
} from '@orrery/shared';
import { randomUUID } from 'node:crypto';
import { abortWith, sleep } from '../abort.js';
import {
  EnvironmentError,
  Redactor,
  type EnvironmentDefinition,
  type EnvironmentManager,
} from '../environments/index.js';
import { TextBatcher } from './batcher.js';
import { contextWindowOf, ModelContext } from './context.js';
import { buildHistory } from './history.js';
import { ModelError, type ChatMessage, type ModelClient, type ModelResponse, type Part } from './model.js';
import type { InspectRules } from './inspect-repository.js';
import { runTool, toolSpecs } from './tools.js';
import { openMcpTools, type McpTools } from './mcp/connections.js';
import { EgressPolicy } from '../egress/policy.js';
import { workspaceFor, type Workspace } from './workspace.js';
import { toolCanChangeFiles } from '../changes/tracker.js';
import {
  openChangeTools,
  shipContext,
  waitForApproval,
  type ChangeKit,
  type SessionChangeTools,
} from './turn-changes.js';

export { openChangeTools, type ChangeKit, type SessionChangeTools } from './turn-changes.js';

export const MAX_TOOL_ROUNDS = 50;
const MAX_TOKENS = 8192;
const ATTACHMENT_DIR = '/workspace/.orrery/attachments';

export interface TurnDeps {
  environments: EnvironmentManager;
  /** The model behind an Expert; throws ModelError('no_key') when none is configured. */
  modelFor: (expert: SessionContext['expert'], org?: SessionContext['models']) => ModelClient;
  /** The content of an attachment of this session. */
  loadAttachment: (sessionId: string, attachment: AttachmentRef) => Promise<Uint8Array>;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Where the Advisor may read repositories from: the rules of an Environment build. */
  repositories?: InspectRules;
  /** The Changes panel, checkpoints and shipping; absent where the runner offers none. */
  changes?: ChangeKit;
  /** Where remote MCP servers may be (ORRERY_MCP_URLS); absent, none are. */
  egress?: EgressPolicy;
}

export function environmentDefinition(
  ctx: Pick<SessionContext, 'environment' | 'installationId'>,
): EnvironmentDefinition | null {
  const env = ctx.environment;
  if (!env) return null;
  return {
    id: env.id,
    installation: ctx.installationId,
    name: env.name,
    image: env.image,
    repositories: env.repositories,
    setupScript: env.setupScript,
    variables: env.variables,
    network: env.network,
    idleTimeoutMs: env.idleTimeoutMs,
    maxRunTimeMs: env.maxRunTimeMs,
    cleanRestartAfterMs: env.cleanRestartAfterMs,
  };
}

export function attachmentPath(a: AttachmentRef): string {
  const safe =
    a.name
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 100) || 'attachment';
  return `${ATTACHMENT_DIR}/${a.id.slice(0, 8)}-${safe}`;
}

/**
 * Runs turns until the session's queue is empty, or until `signal` aborts
 * (the lease was lost or the runner is stopping). Returns how many turns ran.
 */
export async function drainQueue(
  doc: SessionDoc,
  ctx: SessionContext,
  deps: TurnDeps,
  signal?: AbortSignal,
): Promise<number> {
  // Every model call resends the whole history, images included: fetch each attachment once.
  const fetched = new Map<string, Promise<Uint8Array>>();
  const cached: TurnDeps = {
    ...deps,
    loadAttachment: (sessionId, a) => {
      let bytes = fetched.get(a.id);
      if (!bytes) {
        bytes = deps.loadAttachment(sessionId, a);
        bytes.catch(() => fetched.delete(a.id));
        fetched.set(a.id, bytes);
      }
      return bytes;
    },
  };
  let turns = 0;
  while (!signal?.aborted) {
    const turnId = randomUUID();
    const message = doc.beginTurn(turnId, deps.now());
    if (!message) return turns;
    turns += 1;
    await runTurn(doc, ctx, cached, turnId, message.attachments, signal);
  }
  return turns;
}

/**
 * Brings the Environment up. While its Docker engine cannot be reached the
 * turn waits (the Environment's status says the engine is being retried) and
 * goes on once the engine returns, instead of failing and using the message up.
 * Resolves false when the turn was stopped while waiting.
 */
async function ensureRunningHeld(
  ctx: SessionContext,
  definition: EnvironmentDefinition,
  deps: TurnDeps,
  signal: AbortSignal,
): Promise<boolean> {
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      await deps.environments.ensureRunning(
        ctx.session.id,
        definition,
        ctx.secrets,
        ctx.repositoryCredentials,
      );
      return true;
    } catch (error) {
      if (!(error instanceof EnvironmentError && error.code === 'engine_unavailable')) throw error;
      deps.log('holding the turn until the Docker engine answers', {
        sessionId: ctx.session.id,
        retryInMs: delay,
      });
      await sleep(delay, signal);
      if (signal.aborted) return false;
    }
  }
}

async function runTurn(
  doc: SessionDoc,
  ctx: SessionContext,
  deps: TurnDeps,
  turnId: string,
  attachments: AttachmentRef[],
  outer?: AbortSignal,
): Promise<void> {
  const sessionId = ctx.session.id;
  const stop = new AbortController();
  const release = abortWith(outer, stop);
  const unobserve = doc.observe(() => {
    if (doc.turn().stopRequested && !stop.signal.aborted) stop.abort();
  });
  // The organisation's stored model keys are secrets too: never in the transcript.
  const redactor = new Redactor([...Object.values(ctx.secrets), ...orgKeyValues(ctx.models)]);
  const notice = (level: 'info' | 'warning' | 'error', text: string) =>
    doc.addNotice({ id: randomUUID(), turnId, level, text: redactor.redact(text), now: deps.now() });
  let changes: SessionChangeTools | null = null;
  try {
    const definition = environmentDefinition(ctx);
    if (!definition) {
      notice(
        'error',
        'This session has no Environment to run in. Give the Expert a default Environment, then send your message again.',
      );
      return;
    }
    if (!(await ensureRunningHeld(ctx, definition, deps, stop.signal))) {
      notice('info', 'Stopped.');
      return;
    }
    const workspace = workspaceFor(deps.environments, sessionId);
    changes = deps.changes ? openChangeTools(deps.changes, doc, ctx, workspace, redactor, deps) : null;
    // Before anything of the turn touches the workspace, so restoring puts it back exactly.
    const unrecorded = await changes?.tracker.beforeTurn(turnId);
    if (unrecorded) notice('warning', unrecorded);
    await placeAttachments(workspace, sessionId, attachments, deps);
    if (ctx.expert.model.provider === 'shell') {
      await runShellTurn(doc, workspace, turnId, redactor, stop.signal, deps);
    } else {
      await runModelTurn(doc, ctx, workspace, turnId, redactor, stop.signal, deps, changes);
    }
    if (stop.signal.aborted) notice('info', 'Stopped.');
  } catch (error) {
    if (error instanceof ModelError) {
      notice('error', error.kind === 'cancelled' ? 'Stopped.' : error.message);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      deps.log('turn failed', { sessionId, error: redactor.redact(message) });
      notice('error', `The turn failed: ${message}`);
    }
  } finally {
    release();
    unobserve();
    // The turn's last word on the workspace reaches the panel before the turn ends.
    await changes?.tracker.refresh();
    doc.endTurn();
  }
}

async function placeAttachments(
  workspace: Workspace,
  sessionId: string,
  attachments: AttachmentRef[],
  deps: TurnDeps,
): Promise<void> {
  for (const a of attachments) {
    await workspace.writeFile(attachmentPath(a), await deps.loadAttachment(sessionId, a));
  }
}

/** The shell Expert: the message is a command; its output is the reply. */
async function runShellTurn(
  doc: SessionDoc,
  workspace: Workspace,
  turnId: string,
  redactor: Redactor,
  signal: AbortSignal,
  deps: TurnDeps,
): Promise<void> {
  const command = doc.transcript().findLast((e) => e.kind === 'user' && e.turnId === turnId);
  if (!command || command.kind !== 'user' || !command.text.trim()) return;
  const reply = doc.startAgentMessage(randomUUID(), turnId, deps.now());
  const batch = new TextBatcher((t) => reply.append(t));
  // Indented rather than fenced: output that prints a fence cannot end the block (see code-block.ts).
  // Redacted first, so a secret is matched before the indent can split it.
  const block = indentedCodeBlock((t) => batch.push(t));
  const out = redactor.stream((t) => block.push(t));
  const result = await workspace.exec({
    command: command.text,
    cwd: '/workspace',
    timeoutMs: 30 * 60_000,
    noOutputTimeoutMs: 10 * 60_000,
    maxOutputBytes: 4 * 1024 * 1024,
    signal,
    onStdout: (c) => out.push(c),
    onStderr: (c) => out.push(c),
  });
  if (!result.stdout.length && !result.stderr.length) out.push('(no output)');
  out.end();
  block.end();
  batch.push('\n');
  const ending =
    result.ended === 'exited'
      ? `Exit code ${result.exitCode}.`
      : result.ended === 'cancelled'
        ? 'Cancelled.'
        : result.ended === 'timeout'
          ? 'Killed: it ran past the time limit.'
          : 'Killed: it printed nothing for too long.';
  batch.push(ending + (result.truncated ? ' The output was cut: it was too long to keep.' : ''));
  batch.flush();
  reply.finish();
}

async function runModelTurn(
  doc: SessionDoc,
  ctx: SessionContext,
  workspace: Workspace,
  turnId: string,
  redactor: Redactor,
  signal: AbortSignal,
  deps: TurnDeps,
  changes: SessionChangeTools | null,
): Promise<void> {
  const model = deps.modelFor(ctx.expert, ctx.models);
  const allowed: readonly ToolName[] = ctx.expert.capabilities.tools;
  const mcp = await openMcpTools({
    servers: ctx.expert.capabilities.mcpServers ?? [],
    secrets: ctx.secrets,
    egress: deps.egress ?? EgressPolicy.of(),
    whose: `the Expert "${ctx.expert.name}"`,
    attach: (options) => workspace.attach(options),
    signal,
    notice: (text) =>
      doc.addNotice({
        id: randomUUID(),
        turnId,
        level: 'warning',
        text: redactor.redact(text),
        now: deps.now(),
      }),
  });
  try {
    await modelRounds(doc, ctx, workspace, turnId, redactor, signal, deps, changes, model, allowed, mcp);
  } finally {
    await mcp.close();
  }
}

async function modelRounds(
  doc: SessionDoc,
  ctx: SessionContext,
  workspace: Workspace,
  turnId: string,
  redactor: Redactor,
  signal: AbortSignal,
  deps: TurnDeps,
  changes: SessionChangeTools | null,
  model: ModelClient,
  allowed: readonly ToolName[],
  mcp: McpTools,
): Promise<void> {
  const used = (usage: CallUsage) =>
    recordCallUsage(doc.doc, { turnId, model: model.model, usage, now: deps.now() }, doc.origin);
  const context = new ModelContext(doc, {
    model,
    window: contextWindowOf(ctx.expert.model),
    now: deps.now,
    notice: (text) => doc.addNotice({ id: randomUUID(), turnId, level: 'info', text, now: deps.now() }),
    onUsage: used,
  });
  const history = (entries: Parameters<typeof buildHistory>[0]) =>
    buildHistory(entries, {
      acceptsImages: model.acceptsImages,
      attachmentPath,
      maxToolResultChars: context.toolResultChars(),
      loadImage: async (a) => Buffer.from(await deps.loadAttachment(ctx.session.id, a)).toString('base64'),
    });
  const base = { system: systemPrompt(ctx), tools: [...toolSpecs(allowed), ...mcp.specs] };
  for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
    if (signal.aborted) return;
    let response: ModelResponse | undefined;
    // A provider that counts more tokens than we thought refuses the prompt: once more, shorter.
    for (const tighter of [false, true]) {
      const prompt = await context.prompt(base, history, signal, tighter);
      try {
        response = await streamCall(
          doc,
          model,
          { ...base, messages: prompt.messages },
          context,
          turnId,
          redactor,
          signal,
          deps,
        );
      } catch (error) {
        if (!tighter && error instanceof ModelError && error.kind === 'context_too_long') continue;
        throw error;
      }
      context.observe(prompt.estimate, response.usage);
      used(response.usage);
      break;
    }
    if (!response) return;
    const calls = response.parts.filter(
      (p): p is Extract<Part, { type: 'tool_use' }> => p.type === 'tool_use',
    );
    if (!calls.length) {
      if (response.stopReason === 'max_tokens') {
        doc.addNotice({
          id: randomUUID(),
          turnId,
          level: 'warning',
          text: 'The reply was cut off at the model’s output limit. Ask it to continue.',
          now: deps.now(),
        });
      }
      return;
    }
    for (const call of calls) {
      if (signal.aborted) return;
      await runToolCall(doc, call, allowed, workspace, turnId, redactor, signal, deps, ctx, changes, mcp);
    }
  }
  doc.addNotice({
    id: randomUUID(),
    turnId,
    level: 'warning',
    text: `The agent stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls. Send a message to let it continue.`,
    now: deps.now(),
  });
}

/** One model call, its text streamed into the transcript as it arrives. */
async function streamCall(
  doc: SessionDoc,
  model: ModelClient,
  prompt: { system: string; tools: ReturnType<typeof toolSpecs>; messages: ChatMessage[] },
  context: ModelContext,
  turnId: string,
  redactor: Redactor,
  signal: AbortSignal,
  deps: TurnDeps,
): Promise<ModelResponse> {
  let writer: ReturnType<SessionDoc['startAgentMessage']> | null = null;
  const batch = new TextBatcher((t) => {
    writer ??= doc.startAgentMessage(randomUUID(), turnId, deps.now());
    writer.append(t);
  });
  const text = redactor.stream((t) => batch.push(t));
  try {
    return await model.complete({
      ...prompt,
      maxTokens: context.maxOutputTokens(MAX_TOKENS),
      // A signal of its own: the SDK leaves a listener on it per call, and a turn makes many.
      signal: AbortSignal.any([signal]),
      onText: (delta) => text.push(delta),
    });
  } finally {
    text.end();
    batch.flush();
    (writer as ReturnType<SessionDoc['startAgentMessage']> | null)?.finish();
  }
}

async function runToolCall(
  doc: SessionDoc,
  call: { id: string; name: string; input: unknown },
  allowed: readonly ToolName[],
  workspace: Workspace,
  turnId: string,
  redactor: Redactor,
  signal: AbortSignal,
  deps: TurnDeps,
  ctx: SessionContext,
  changes: SessionChangeTools | null,
  mcp: McpTools,
): Promise<void> {
  const started = deps.now();
  const entry = doc.startToolCall({
    id: call.id,
    turnId,
    name: call.name,
    input: redactor.redact(JSON.stringify(call.input ?? {})),
    now: started,
  });
  const batch = new TextBatcher((t) => entry.append(t));
  const out = redactor.stream((t) => batch.push(t));
  if (
    (allowed as readonly string[]).includes(call.name) &&
    needsApproval(ctx.expert.capabilities, call.name as ToolName)
  ) {
    entry.awaitApproval(true);
    const decision = await waitForApproval(doc, call.id, signal);
    if (decision !== 'approve') {
      const why =
        decision === 'deny' ? 'The session owner declined this call.' : 'Stopped while waiting for approval.';
      entry.append(why);
      entry.finish({
        status: decision === 'deny' ? 'failed' : 'cancelled',
        exitCode: null,
        durationMs: deps.now() - started,
      });
      return;
    }
    entry.awaitApproval(false);
  }
  const ship =
    changes && deps.changes ? shipContext(doc, ctx, changes, deps.changes, turnId, deps, signal) : undefined;
  const outcome = await runTool(call.name, call.input, allowed, {
    ...(ship ? { ship } : {}),
    mcp,
    workspace,
    signal,
    onOutput: (c) => out.push(c),
    env: ctx.secrets,
    ...(deps.repositories
      ? {
          advisor: {
            ...deps.repositories,
            secretValues: Object.values(ctx.secrets),
            propose: ({ text, draft }) =>
              doc.addEnvironmentProposal({
                id: randomUUID(),
                turnId,
                text: redactor.redact(text),
                draft,
                now: deps.now(),
              }),
          },
        }
      : {}),
  });
  out.end();
  // A tool that failed before running anything shows the reason in its output.
  if (outcome.isError && outcome.exitCode === null) batch.push(redactor.redact(outcome.content));
  batch.flush();
  entry.finish({
    status: signal.aborted ? 'cancelled' : outcome.isError ? 'failed' : 'done',
    exitCode: outcome.exitCode,
    durationMs: deps.now() - started,
  });
  // Off the agent's path: the panel catches up while the model thinks.
  if (changes && toolCanChangeFiles(call.name)) void changes.tracker.refresh();
}

function systemPrompt(ctx: SessionContext): string {
  const env = ctx.environment;
  const where = env
    ? `You work in the Environment "${env.name}": a Linux container with bash and git. The workspace is /workspace${
        env.repositories.length ? ` with ${env.repositories.map((r) => r.path ?? r.url).join(', ')}` : ''
      }. Use the tools to read, change and run things there.`
    : '';
  return [ctx.expert.instructions.trim(), where].filter(Boolean).join('\n\n');
}

function orgKeyValues(models: SessionContext['models']): string[] {
  return [models?.anthropicApiKey, models?.openaiApiKey].filter((k): k is string => !!k);
}

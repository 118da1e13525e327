// An 'enhance' job: gathers what grounds the rewrite — the session's
// conversation, the Environment's file tree and README — and asks the
// Expert's model, or the deterministic enhancer when the Expert has none.
// The session's secret values are taken out of all of it before the model
// sees it and out of the answer, whatever the container's output carried: a
// container adopted after a runner restart has no secrets loaded to redact
// its output with until its next turn.
import type {
  EnhancePayload,
  EnhanceResult,
  Environment,
  Expert,
  OrgModels,
  TranscriptEntry,
} from '@orrery/shared';
import { Redactor, shellQuote, type EnvironmentManager } from '../environments/index.js';
import {
  enhanceDeterministically,
  enhanceWithModel,
  symbolsNamed,
  type EnhanceInput,
  type SymbolHit,
} from './enhance.js';
import { ModelError, type ModelClient } from './model.js';

const LISTING_TIMEOUT_MS = 1_500;
const MODEL_TIMEOUT_MS = 30_000;
const MAX_FILES = 2_000;
const MAX_SYMBOL_LINES = 40;
const CACHE_LIMIT = 200;

export interface Codebase {
  files: string[];
  readme: string | null;
}

/** A session's tree is looked at again after a turn only when the last look is older than this. */
export const CODEBASE_REFRESH_MS = 5 * 60_000;

/**
 * The last file tree seen per session and per person and Environment, for
 * sessions whose container is not running. A tree seen in one person's
 * session never grounds another person's rewrite.
 */
export class CodebaseCache {
  private readonly entries = new Map<string, Codebase>();
  private readonly seenAt = new Map<string, number>();

  /** Whether the session's tree was looked at within `ms`. */
  fresh(sessionId: string, now: number, ms = CODEBASE_REFRESH_MS): boolean {
    const at = this.seenAt.get(sessionId);
    return at !== undefined && now - at < ms;
  }

  markSeen(sessionId: string, now: number): void {
    this.seenAt.set(sessionId, now);
    if (this.seenAt.size > CACHE_LIMIT) this.seenAt.delete(this.seenAt.keys().next().value!);
  }

  get(key: string): Codebase | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Codebase): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > CACHE_LIMIT) this.entries.delete(this.entries.keys().next().value!);
  }
}

export interface EnhanceDeps {
  environments: EnvironmentManager;
  modelFor: (expert: Expert, org?: OrgModels) => ModelClient;
  cache: CodebaseCache;
  /** The session's transcript, or [] on Home. */
  transcript: () => Promise<readonly TranscriptEntry[]>;
}

export interface EnhanceContext {
  expert: Expert;
  environment: Environment | null;
  /** The session's owner (a session) or who asked (Home); null when not known. */
  ownerId: string | null;
  /** The session owner's secret values; none on Home. */
  secrets?: Record<string, string> | undefined;
  /** The organisation's stored model keys and base URLs. */
  models?: OrgModels | undefined;
}

export async function runEnhance(
  payload: EnhancePayload,
  context: EnhanceContext,
  deps: EnhanceDeps,
): Promise<EnhanceResult> {
  const orgKeys = [context.models?.anthropicApiKey, context.models?.openaiApiKey].filter(
    (k): k is string => !!k,
  );
  const redactor = new Redactor([...Object.values(context.secrets ?? {}), ...orgKeys]);
  const [transcript, codebase, symbols] = await Promise.all([
    deps.transcript(),
    gatherCodebase(payload.sessionId, context.environment, context.ownerId, deps),
    findSymbols(payload.sessionId, symbolsNamed(payload.text), deps.environments),
  ]);
  const input: EnhanceInput = {
    prompt: payload.text,
    transcript: transcript.map((e) =>
      e.kind === 'user' || e.kind === 'agent' ? { ...e, text: redactor.redact(e.text) } : e,
    ),
    files: codebase.files.map((f) => redactor.redact(f)),
    readme: codebase.readme === null ? null : redactor.redact(codebase.readme),
    symbols: symbols.map((h) => ({ ...h, path: redactor.redact(h.path) })),
  };
  let model: ModelClient | null = null;
  if (context.expert.model.provider !== 'shell') {
    try {
      model = deps.modelFor(context.expert, context.models);
    } catch (error) {
      // No key configured: the deterministic enhancer still helps.
      if (!(error instanceof ModelError && error.kind === 'no_key')) throw error;
    }
  }
  if (!model) {
    const found = enhanceDeterministically(input);
    return { text: redactor.redact(found.text), by: 'deterministic', note: redactor.redact(found.note) };
  }
  const text = await enhanceWithModel(model, input, AbortSignal.timeout(MODEL_TIMEOUT_MS));
  return { text: redactor.redact(text), by: 'model' };
}

/** The file tree and README: live from a running container, else the last one seen, else the definition. */
export async function gatherCodebase(
  sessionId: string | null,
  environment: Environment | null,
  ownerId: string | null,
  deps: Pick<EnhanceDeps, 'environments' | 'cache'>,
): Promise<Codebase> {
  const byOwner = environment && ownerId ? `environment:${ownerId}:${environment.id}` : null;
  if (sessionId && deps.environments.status(sessionId) === 'running') {
    try {
      const live = await listWorkspace(deps.environments, sessionId);
      deps.cache.set(`session:${sessionId}`, live);
      if (byOwner) deps.cache.set(byOwner, live);
      return live;
    } catch {
      // fall through to what was seen before
    }
  }
  const cached =
    (sessionId ? deps.cache.get(`session:${sessionId}`) : undefined) ??
    (byOwner ? deps.cache.get(byOwner) : undefined);
  if (cached) return cached;
  const repos =
    environment?.repositories.map(
      (r) =>
        `${
          r.path ??
          r.url
            .replace(/\.git$/, '')
            .split('/')
            .pop()
        }/`,
    ) ?? [];
  return { files: repos, readme: null };
}

async function listWorkspace(environments: EnvironmentManager, sessionId: string): Promise<Codebase> {
  const listing = await environments.exec(sessionId, {
    command: `cd /workspace && { git ls-files 2>/dev/null | grep . || find . -type f -not -path '*/.git/*' -not -path './.orrery/*' | sed 's|^\\./||'; } | head -n ${MAX_FILES}`,
    timeoutMs: LISTING_TIMEOUT_MS,
  });
  const readme = await environments.exec(sessionId, {
    command: `cd /workspace && for f in README.md README readme.md README.rst */README.md; do [ -f "$f" ] && head -c 8000 "$f" && break; done`,
    timeoutMs: LISTING_TIMEOUT_MS,
  });
  return {
    files: listing.stdout.split('\n').filter(Boolean),
    readme: readme.stdout.trim() ? readme.stdout : null,
  };
}

/** Where the symbols the prompt names occur, read live from a running container; none otherwise. */
async function findSymbols(
  sessionId: string | null,
  names: string[],
  environments: EnvironmentManager,
): Promise<SymbolHit[]> {
  if (!sessionId || !names.length || environments.status(sessionId) !== 'running') return [];
  try {
    const patterns = names.map((n) => `-e ${shellQuote(n)}`).join(' ');
    const result = await environments.exec(sessionId, {
      command: `cd /workspace && grep -rnIw -m 2 --exclude-dir=.git --exclude-dir=node_modules --exclude-dir=.orrery ${patterns} . | head -n ${MAX_SYMBOL_LINES}`,
      timeoutMs: LISTING_TIMEOUT_MS,
    });
    const hits: SymbolHit[] = [];
    for (const line of result.stdout.split('\n')) {
      const m = /^\.\/(.+?):(\d+):(.*)$/.exec(line);
      if (!m) continue;
      const name = names.find((n) => new RegExp(`(^|[^\\w$])${escapeRegExp(n)}($|[^\\w$])`).test(m[3]!));
      if (name && !hits.some((h) => h.name === name && h.path === m[1])) {
        hits.push({ name, path: m[1]!, line: Number(m[2]) });
      }
    }
    return hits;
  } catch {
    return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

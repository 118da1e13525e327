// An 'enhance' job: gathers what grounds the rewrite — the session's
// conversation, the Environment's file tree and README — and asks the
// Expert's model, or the deterministic enhancer when the Expert has none.
import type { EnhancePayload, EnhanceResult, Environment, Expert, TranscriptEntry } from '@orrery/shared';
import type { EnvironmentManager } from '../environments/types.js';
import { enhanceDeterministically, enhanceWithModel, type EnhanceInput } from './enhance.js';
import { ModelError, type ModelClient } from './model.js';

const LISTING_TIMEOUT_MS = 1_500;
const MODEL_TIMEOUT_MS = 30_000;
const MAX_FILES = 2_000;
const CACHE_LIMIT = 200;

export interface Codebase {
  files: string[];
  readme: string | null;
}

/** A session's tree is looked at again after a turn only when the last look is older than this. */
export const CODEBASE_REFRESH_MS = 5 * 60_000;

/** The last file tree seen per session and per Environment, for sessions whose container is not running. */
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
  modelFor: (expert: Expert) => ModelClient;
  cache: CodebaseCache;
  /** The session's transcript, or [] on Home. */
  transcript: () => Promise<readonly TranscriptEntry[]>;
}

export async function runEnhance(
  payload: EnhancePayload,
  context: { expert: Expert; environment: Environment | null },
  deps: EnhanceDeps,
): Promise<EnhanceResult> {
  const [transcript, codebase] = await Promise.all([
    deps.transcript(),
    gatherCodebase(payload.sessionId, context.environment, deps),
  ]);
  const input: EnhanceInput = {
    prompt: payload.text,
    transcript,
    files: codebase.files,
    readme: codebase.readme,
  };
  let model: ModelClient | null = null;
  if (context.expert.model.provider !== 'shell') {
    try {
      model = deps.modelFor(context.expert);
    } catch (error) {
      // No key configured: the deterministic enhancer still helps.
      if (!(error instanceof ModelError && error.kind === 'no_key')) throw error;
    }
  }
  if (!model) return { text: enhanceDeterministically(input), by: 'deterministic' };
  const text = await enhanceWithModel(model, input, AbortSignal.timeout(MODEL_TIMEOUT_MS));
  return { text, by: 'model' };
}

/** The file tree and README: live from a running container, else the last one seen, else the definition. */
export async function gatherCodebase(
  sessionId: string | null,
  environment: Environment | null,
  deps: Pick<EnhanceDeps, 'environments' | 'cache'>,
): Promise<Codebase> {
  if (sessionId && deps.environments.status(sessionId) === 'running') {
    try {
      const live = await listWorkspace(deps.environments, sessionId);
      deps.cache.set(`session:${sessionId}`, live);
      if (environment) deps.cache.set(`environment:${environment.id}`, live);
      return live;
    } catch {
      // fall through to what was seen before
    }
  }
  const cached =
    (sessionId ? deps.cache.get(`session:${sessionId}`) : undefined) ??
    (environment ? deps.cache.get(`environment:${environment.id}`) : undefined);
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

// What the Environment editor holds while someone types: the fields as typed
// (durations as an amount and a unit, variables as rows), kept in a
// module-level store keyed by the Environment's id (or "new"), so leaving the
// page or a failed save loses nothing. Turned into the server's
// EnvironmentInput only to check it and to save it.
import {
  CLEAN_RESTART_AFTER_DEFAULT_MS,
  EnvironmentInput,
  HOUR_MS,
  IDLE_TIMEOUT_DEFAULT_MS,
  MAX_RUN_TIME_DEFAULT_MS,
  variableNameProblem,
  type Environment,
  type EnvironmentNetwork,
  type Scope,
} from '@orrery/shared';
import { NEW_ENVIRONMENT_DRAFT_KEY } from '../../session/environment-draft.js';
import { checkWith, type FieldErrors } from '../common/form-errors.js';

export type DurationUnit = 'minutes' | 'hours' | 'days';
export interface Duration {
  amount: string;
  unit: DurationUnit;
}

export const UNIT_MS: Record<DurationUnit, number> = {
  minutes: 60_000,
  hours: HOUR_MS,
  days: 24 * HOUR_MS,
};

export interface RepositoryRow {
  /** Stable across reordering, for React's keys and focus. */
  key: string;
  url: string;
  ref: string;
  path: string;
  credential: string;
}

export interface VariableRow {
  key: string;
  name: string;
  value: string;
}

export interface EnvironmentDraft {
  name: string;
  image: string;
  repositories: RepositoryRow[];
  setupScript: string;
  variables: VariableRow[];
  idleTimeout: Duration;
  maxRunTime: Duration;
  cleanRestartAfter: Duration;
  network: EnvironmentNetwork;
  scope: Scope;
}

let rowSeq = 0;
export function rowKey(): string {
  rowSeq += 1;
  return `row-${rowSeq}`;
}

/** The largest unit that says the time exactly: 20 minutes, 24 hours (the limit's own words), 7 days. */
export function durationOf(ms: number): Duration {
  if (ms % UNIT_MS.days === 0 && ms > UNIT_MS.days)
    return { amount: String(ms / UNIT_MS.days), unit: 'days' };
  if (ms % UNIT_MS.hours === 0) return { amount: String(ms / UNIT_MS.hours), unit: 'hours' };
  return { amount: String(Math.round((ms / UNIT_MS.minutes) * 100) / 100), unit: 'minutes' };
}

/** NaN when the amount is not a number, so the schema refuses it. */
export function msOf(duration: Duration): number {
  const text = duration.amount.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
  return Math.round(Number(text) * UNIT_MS[duration.unit]);
}

export function blankRepository(): RepositoryRow {
  return { key: rowKey(), url: '', ref: '', path: '', credential: '' };
}

export function newDraft(): EnvironmentDraft {
  return {
    name: '',
    image: 'orrery/env-base:bookworm',
    repositories: [],
    setupScript: '',
    variables: [],
    idleTimeout: durationOf(IDLE_TIMEOUT_DEFAULT_MS),
    maxRunTime: durationOf(MAX_RUN_TIME_DEFAULT_MS),
    cleanRestartAfter: durationOf(CLEAN_RESTART_AFTER_DEFAULT_MS),
    network: 'none',
    scope: 'personal',
  };
}

export function draftOf(environment: Environment | EnvironmentInput): EnvironmentDraft {
  return {
    name: environment.name,
    image: environment.image,
    repositories: environment.repositories.map((r) => ({
      key: rowKey(),
      url: r.url,
      ref: r.ref ?? '',
      path: r.path ?? '',
      credential: r.credential ?? '',
    })),
    setupScript: environment.setupScript,
    variables: Object.entries(environment.variables).map(([name, value]) => ({ key: rowKey(), name, value })),
    idleTimeout: durationOf(environment.idleTimeoutMs),
    maxRunTime: durationOf(environment.maxRunTimeMs),
    cleanRestartAfter: durationOf(environment.cleanRestartAfterMs),
    network: environment.network,
    scope: environment.scope,
  };
}

/** What would be sent: empty optional fields left out, blank variable rows dropped. */
export function inputOf(draft: EnvironmentDraft): EnvironmentInput {
  const optional = (text: string) => (text.trim() ? text.trim() : undefined);
  return {
    name: draft.name,
    image: draft.image.trim(),
    repositories: draft.repositories.map((r) => ({
      url: r.url.trim(),
      ref: optional(r.ref),
      path: optional(r.path),
      credential: optional(r.credential),
    })),
    setupScript: draft.setupScript,
    variables: Object.fromEntries(
      draft.variables.filter((v) => v.name.trim() || v.value).map((v) => [v.name.trim(), v.value]),
    ),
    idleTimeoutMs: msOf(draft.idleTimeout),
    maxRunTimeMs: msOf(draft.maxRunTime),
    cleanRestartAfterMs: msOf(draft.cleanRestartAfter),
    network: draft.network,
    scope: draft.scope,
  };
}

/** The limits of the schema, said in the form's units. */
export const DURATION_LIMITS = {
  idleTimeoutMs: 'Between 1 minute and 24 hours.',
  maxRunTimeMs: 'Between 1 minute and 24 hours.',
  cleanRestartAfterMs: 'At least 1 minute; no upper limit.',
} as const;
const DURATION_LABEL = {
  idleTimeoutMs: 'Idle timeout',
  maxRunTimeMs: 'Maximum run time',
  cleanRestartAfterMs: 'Clean restart after',
} as const;

/**
 * The schema's problems, keyed as the form shows them: durations said in
 * human units rather than milliseconds, variables by row ("variables.<key>"),
 * and what the schema cannot see (a variable name used twice, a value with no name).
 */
export function checkDraft(draft: EnvironmentDraft): FieldErrors {
  const errors = checkWith(EnvironmentInput, inputOf(draft));
  for (const field of Object.keys(DURATION_LABEL) as (keyof typeof DURATION_LABEL)[]) {
    if (!errors[field]) continue;
    const duration =
      field === 'idleTimeoutMs'
        ? draft.idleTimeout
        : field === 'maxRunTimeMs'
          ? draft.maxRunTime
          : draft.cleanRestartAfter;
    errors[field] = Number.isNaN(msOf(duration))
      ? `Enter a number for the ${DURATION_LABEL[field].toLowerCase()}, e.g. 30.`
      : `${DURATION_LABEL[field]}: ${DURATION_LIMITS[field].toLowerCase()}`;
  }
  // The schema's words for an empty field ("Too small: expected string…") say less than these.
  if (!draft.name.trim()) errors.name = 'Give the Environment a name, e.g. Rails app.';
  if (!draft.image.trim()) errors.image = 'Name an image, e.g. orrery/env-base:bookworm.';
  draft.repositories.forEach((row, i) => {
    if (!row.url.trim()) errors[`repositories.${i}.url`] = "Enter the repository's URL, or remove the row.";
  });
  return { ...withoutVariableKeys(errors), ...variableErrors(draft, errors) };
}

function withoutVariableKeys(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => !key.startsWith('variables.')));
}

/** Problems of variable rows, keyed "variables.<row key>". Server errors name variables by name. */
export function variableErrors(draft: EnvironmentDraft, byName: FieldErrors): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  for (const row of draft.variables) {
    const name = row.name.trim();
    const at = `variables.${row.key}`;
    if (!name && !row.value) continue;
    if (!name) errors[at] = 'Give this value a name, or remove the row.';
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      errors[at] =
        `${name} is not a shell variable name: use letters, digits and "_", not starting with a digit.`;
    else if (variableNameProblem(name)) errors[at] = variableNameProblem(name)!;
    else if (seen.has(name)) errors[at] = `${name} is set twice; keep one of the rows.`;
    else if (byName[`variables.${name}`]) errors[at] = byName[`variables.${name}`]!;
    seen.add(name);
  }
  return errors;
}

// ── the store of drafts ──

const drafts = new Map<string, EnvironmentDraft>();

/**
 * The draft being edited for this key ("new" or an id), if any. For "new", an
 * Environment the Advisor proposed and someone just chose to review (see
 * session/environment-draft.ts) takes the place of an older unsaved draft:
 * it is what they asked to see.
 */
export function storedDraft(key: string): EnvironmentDraft | undefined {
  if (key === 'new') {
    const proposed = takeProposedEnvironment();
    if (proposed) drafts.set(key, draftOf(proposed));
  }
  return drafts.get(key);
}

function takeProposedEnvironment(): EnvironmentInput | undefined {
  let text: string | null = null;
  try {
    text = sessionStorage.getItem(NEW_ENVIRONMENT_DRAFT_KEY);
    sessionStorage.removeItem(NEW_ENVIRONMENT_DRAFT_KEY);
  } catch {
    return undefined; // storage switched off: nothing was handed over
  }
  if (!text) return undefined;
  try {
    const parsed = EnvironmentInput.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function keepDraft(key: string, draft: EnvironmentDraft): void {
  drafts.set(key, draft);
}

export function dropDraft(key: string): void {
  drafts.delete(key);
  if (key === 'new') {
    try {
      sessionStorage.removeItem(NEW_ENVIRONMENT_DRAFT_KEY);
    } catch {
      // storage switched off: there is nothing to remove
    }
  }
}

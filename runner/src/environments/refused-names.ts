// Defence in depth for names the server refuses to store (see env-names in
// @orrery/shared): rows saved before the rule, or a caller that skipped the
// server, must still not put such a name into a build or a container. They
// are dropped, with a warning that names them (never their values).
import { secretNameProblem, variableNameProblem } from '@orrery/shared';
import type { Log } from './log.js';

type Values = Record<string, string>;

function drop(values: Values, problemOf: (name: string) => string | undefined, log: Log): Values {
  const kept: Values = {};
  for (const [name, value] of Object.entries(values)) {
    const problem = problemOf(name);
    if (problem) log.warn('a refused name was dropped', { problem });
    else kept[name] = value;
  }
  return kept;
}

/** Secrets and per-command values: neither code-running names nor PATH, HOME, SHELL, TMPDIR. */
export function usableSecrets(values: Values, log: Log): Values {
  return drop(values, secretNameProblem, log);
}

/** An Environment's variables: no code-running names (PATH and the like are the author's to set). */
export function usableVariables(values: Values, log: Log): Values {
  return drop(values, variableNameProblem, log);
}

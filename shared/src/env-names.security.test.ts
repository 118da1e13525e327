// Attack: a member stores a secret (or an Environment's author a variable)
// whose name makes bash or the dynamic loader run its value as code, e.g.
// BASH_ENV='$(…)'. Every such variable bash(1) and ld.so(8) document is
// refused by the schemas the server's routes use, with a reason.
import { describe, expect, it } from 'vitest';
import { PutSecretParams } from './api.js';
import { EnvironmentInput } from './domain.js';
import { describeIssues } from './errors.js';

/** bash(1): variables read at start-up or expanded/run by the shell. */
const BASH = [
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'POSIXLY_CORRECT',
  'PROMPT_COMMAND',
  'PS0',
  'PS1',
  'PS2',
  'PS3',
  'PS4',
  'MAILPATH',
  'IFS',
  'CDPATH',
  'GLOBIGNORE',
  'EXECIGNORE',
  'INPUTRC',
  'BASH_FUNC_GIT',
  'BASH_LOADABLES_PATH',
  'BASH_XTRACEFD',
  'BASH_COMPAT',
  'BASH_ARGV0',
];

/** ld.so(8), and what glibc ignores for setuid programs (unsecvars.h). */
const LOADER = [
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'LD_BIND_NOW',
  'LD_BIND_NOT',
  'LD_DEBUG',
  'LD_DEBUG_OUTPUT',
  'LD_DYNAMIC_WEAK',
  'LD_HWCAP_MASK',
  'LD_ORIGIN_PATH',
  'LD_POINTER_GUARD',
  'LD_PREFER_MAP_32BIT_EXEC',
  'LD_PROFILE',
  'LD_PROFILE_OUTPUT',
  'LD_SHOW_AUXV',
  'LD_TRACE_LOADED_OBJECTS',
  'LD_USE_LOAD_BIAS',
  'LD_VERBOSE',
  'LD_WARN',
  'LD_ASSUME_KERNEL',
  'GLIBC_TUNABLES',
  'GCONV_PATH',
  'GETCONF_DIR',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'LOCPATH',
  'MALLOC_CHECK_',
  'MALLOC_TRACE',
  'MALLOC_PERTURB_',
  'NIS_PATH',
  'NLSPATH',
  'RESOLV_HOST_CONF',
  'RES_OPTIONS',
  'TZDIR',
];

const CODE_RUNNING = [...BASH, ...LOADER];
const SECRETS_ONLY = ['PATH', 'HOME', 'SHELL', 'TMPDIR'];
const ORDINARY = ['NPM_TOKEN', 'GITHUB_TOKEN', 'DATABASE_URL', 'NODE_ENV', 'LANG', 'TZ', 'HISTFILE'];

function secretProblem(name: string): string | undefined {
  const result = PutSecretParams.safeParse({ scope: 'private', name });
  return result.success ? undefined : describeIssues(result.error).name;
}

function variableProblem(name: string): string | undefined {
  const result = EnvironmentInput.safeParse({
    name: 'web',
    image: 'orrery/env-base:bookworm',
    scope: 'organisation',
    variables: { [name]: '$(id > /etc/pwned)' },
  });
  return result.success ? undefined : describeIssues(result.error)[`variables.${name}`];
}

describe('names the shell or the loader would run as code', () => {
  it.each(CODE_RUNNING)('%s is refused as a secret, saying why', (name) => {
    expect(secretProblem(name)).toMatch(
      new RegExp(`^${name} can't be used as a secret name: .+\\. Pick another name\\.$`),
    );
  });

  it.each(CODE_RUNNING)('%s is refused as an Environment variable, saying why', (name) => {
    expect(variableProblem(name)).toMatch(
      new RegExp(`^${name} can't be used as a variable name: .+\\. Pick another name\\.$`),
    );
  });

  it('explains BASH_ENV and LD_PRELOAD in plain words', () => {
    expect(secretProblem('BASH_ENV')).toBe(
      "BASH_ENV can't be used as a secret name: bash runs the file it names at start-up. Pick another name.",
    );
    expect(variableProblem('LD_PRELOAD')).toContain('make every program load code from where they point');
  });

  it.each(SECRETS_ONLY)('a secret may not override %s, an Environment’s author may set it', (name) => {
    expect(secretProblem(name)).toMatch(new RegExp(`^${name} can't be used as a secret name: `));
    expect(variableProblem(name)).toBeUndefined();
  });

  it.each(ORDINARY)('%s stays usable as a secret and as a variable', (name) => {
    expect(secretProblem(name)).toBeUndefined();
    expect(variableProblem(name)).toBeUndefined();
  });

  it('compares exactly, as bash and ld.so do: a lower-case look-alike is another variable', () => {
    expect(variableProblem('ld_preload')).toBeUndefined();
    expect(variableProblem('bash_env')).toBeUndefined();
  });
});

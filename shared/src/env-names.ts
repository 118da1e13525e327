// Names a secret or an Environment variable may not have. Every command in an
// Environment runs through bash and every program starts through the dynamic
// loader; both act on certain variables before the command's own code runs
// (a file sourced, a library preloaded, a prompt expanded). Such a value is
// code, not data, so it is refused when stored (the server's routes) and
// dropped again by the runner (rows stored before this rule).
//
// The list is bash(1)'s and ld.so(8)'s variables that run code, load code or
// change what a command does, plus the ones glibc itself ignores for setuid
// programs (sysdeps/generic/unsecvars.h) because they make programs read
// files of the caller's choosing. Left out, on purpose:
// - HISTFILE, HISTSIZE, TMOUT, COLUMNS…: interactive-only or harmless; they
//   can only write a person's own commands to a file they could write anyway.
// - LANG, LC_*: glibc refuses locale names that are paths; LOCPATH is refused.
// - TZ: a time zone is a common, harmless setting; TZDIR is refused.
// - Language runtimes' variables (NODE_OPTIONS, PYTHONPATH, PERL5OPT…): they
//   are the usual way to configure a project, and reach only commands of the
//   person whose session it is (builds never see secrets).
// Names are compared exactly: bash and ld.so read variables case-sensitively.

const CODE_RUNNING: Record<string, string> = {
  BASH_ENV: 'bash runs the file it names at start-up',
  ENV: 'sh (and bash in POSIX mode) runs the file it names at start-up',
  SHELLOPTS: 'bash turns on the shell options it lists at start-up (xtrace then runs $PS4)',
  BASHOPTS: 'bash turns on the shopt options it lists at start-up',
  POSIXLY_CORRECT: 'it puts bash in POSIX mode, which changes how every command is read and runs $ENV',
  PROMPT_COMMAND: 'bash runs it before every prompt',
  PS0: 'bash expands it (running any $(…) in it) before every command',
  PS1: 'bash expands it (running any $(…) in it) for every prompt',
  PS2: 'bash expands it (running any $(…) in it) for every continued line',
  PS3: 'bash expands it (running any $(…) in it) for every select menu',
  PS4: 'bash expands it (running any $(…) in it) for every traced command',
  MAILPATH: 'bash expands its messages (running any $(…) in them) in interactive shells',
  IFS: 'it changes how bash splits every unquoted word, so scripts run other commands than written',
  CDPATH: 'it makes cd enter other folders than a script names',
  GLOBIGNORE: 'it changes which files every pattern matches',
  EXECIGNORE: 'it changes which programs bash finds',
  INPUTRC: 'readline reads key bindings from the file it names',
  GLIBC_TUNABLES: "it changes the C library's internals in every program",
  GCONV_PATH: 'the C library loads character-set modules (code) from the folders it names',
  LOCPATH: 'the C library reads locale data from the folders it names',
  NLSPATH: 'programs read their messages (format strings) from the files it names',
  GETCONF_DIR: 'getconf runs programs from the folder it names',
  HOSTALIASES: 'it changes which computer a host name reaches',
  RESOLV_HOST_CONF: 'it changes which computer a host name reaches',
  LOCALDOMAIN: 'it changes which computer a host name reaches',
  RES_OPTIONS: 'it changes how host names are looked up',
  NIS_PATH: 'it changes where the C library looks up users and hosts',
  TZDIR: 'the C library reads time-zone files from the folder it names',
};

const CODE_RUNNING_PREFIXES: [string, string][] = [
  [
    'BASH_',
    'bash keeps its own settings under BASH_ (BASH_FUNC_ defines commands, BASH_LOADABLES_PATH loads code, BASH_XTRACEFD and BASH_COMPAT change how scripts run)',
  ],
  [
    'LD_',
    'the dynamic loader reads every LD_ variable, and LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT and others make every program load code from where they point',
  ],
  ['MALLOC_', "the C library's memory allocator reads it in every program"],
];

/** An Environment's author may set these in its variables (they shape everyone's sessions alike); a secret may not override them. */
const ENVIRONMENT_ONLY: Record<string, string> = {
  PATH: 'it decides which programs every command runs',
  HOME: 'programs read their settings (and some run code) from it',
  SHELL: 'programs start it to run commands',
  TMPDIR: 'programs write their temporary files where it points',
};

function codeRunningReason(name: string): string | undefined {
  if (Object.hasOwn(CODE_RUNNING, name)) return CODE_RUNNING[name];
  return CODE_RUNNING_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
}

/** Why `name` can't be an Environment variable, or undefined when it can. */
export function variableNameProblem(name: string): string | undefined {
  const why = codeRunningReason(name);
  return why ? `${name} can't be used as a variable name: ${why}. Pick another name.` : undefined;
}

/** Why `name` can't be a secret, or undefined when it can. */
export function secretNameProblem(name: string): string | undefined {
  const why =
    codeRunningReason(name) ?? (Object.hasOwn(ENVIRONMENT_ONLY, name) ? ENVIRONMENT_ONLY[name] : undefined);
  return why ? `${name} can't be used as a secret name: ${why}. Pick another name.` : undefined;
}

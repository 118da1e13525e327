// The bash every git script in the container starts with. Our own git runs
// with the agent's hooks, fsmonitor, line-ending conversion and the user's
// global config switched off, so what the agent planted in the repository
// cannot run during (or change the result of) a checkpoint, a restore or a
// commit. Each repository is addressed with GIT_DIR and GIT_WORK_TREE set
// from its folder, never from the repository's config (core.worktree).
//
// Output is framed for parsing: each part starts with a line
// "\x1e<nonce>:<kind>:<repository index>[:<more>]", and its payload runs to
// the next frame. The nonce is random per call, so file content cannot fake
// a frame.
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../environments/index.js';

export const FRAME = '\x1e';

export function newNonce(): string {
  return randomBytes(8).toString('hex');
}

/** Who our own objects (checkpoints, the uncommitted-changes patch) are by. */
const OURS =
  'GIT_AUTHOR_NAME=Orrery GIT_AUTHOR_EMAIL=orrery@localhost GIT_COMMITTER_NAME=Orrery GIT_COMMITTER_EMAIL=orrery@localhost';

export function prelude(nonce: string): string {
  return `
export LC_ALL=C GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 GIT_OPTIONAL_LOCKS=0
unset GIT_INDEX_FILE GIT_DIR GIT_WORK_TREE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE
NONCE=${shellQuote(nonce)}
M=$'\\x1e'"$NONCE:"
emit() { printf '%s%s\\n' "$M" "$1"; }
g() {
  git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.quotepath=false \\
    -c core.autocrlf=false -c core.safecrlf=false -c core.fileMode=true -c core.symlinks=true \\
    -c core.splitIndex=false -c gc.auto=0 -c maintenance.auto=false -c commit.gpgSign=false \\
    -c log.showSignature=false -c core.logAllRefUpdates=true "$@"
}
ours() ( export ${OURS}; "$@" )
# Sets dir, gd (the git folder) and state (ok, missing, not_a_repository, unreadable); cds into the repository.
locate() {
  dir=$1; gd=
  if [ ! -e "$dir" ]; then state=missing; return 1; fi
  if [ ! -d "$dir" ]; then state=not_a_repository; return 1; fi
  if [ -d "$dir/.git" ]; then gd=$dir/.git
  elif [ -f "$dir/.git" ]; then gd=$(cd "$dir" && git rev-parse --absolute-git-dir 2>/dev/null) || { state=unreadable; return 1; }
  else state=not_a_repository; return 1; fi
  export GIT_DIR=$gd GIT_WORK_TREE=$dir
  # A git folder without HEAD is not one git can use (checked without starting git: this runs on every refresh).
  cd "$dir" 2>/dev/null && [ -f "$gd/HEAD" ] || { state=unreadable; return 1; }
  mkdir -p "$gd/orrery" 2>/dev/null || { state=unreadable; return 1; }
  state=ok
}
# The git operation left half-done, from the state files git keeps.
operation() {
  if [ -d "$gd/rebase-merge" ]; then echo rebase
  elif [ -d "$gd/rebase-apply" ]; then if [ -e "$gd/rebase-apply/applying" ]; then echo am; else echo rebase; fi
  elif [ -e "$gd/MERGE_HEAD" ]; then echo merge
  elif [ -e "$gd/CHERRY_PICK_HEAD" ]; then echo cherry_pick
  elif [ -e "$gd/REVERT_HEAD" ]; then echo revert
  elif [ -e "$gd/BISECT_LOG" ]; then echo bisect
  else echo none; fi
}
# refs/orrery/base = HEAD, and the branch checked out then, unless recorded already.
ensure_base() {
  g rev-parse -q --verify refs/orrery/base >/dev/null && return 0
  [ -e "$gd/orrery/base-unborn" ] && return 0
  local h b
  b=$(g symbolic-ref -q HEAD) || b=
  printf '%s' "\${b#refs/heads/}" > "$gd/orrery/base-branch"
  if h=$(g rev-parse -q --verify 'HEAD^{commit}'); then
    g update-ref -m 'orrery: the session starts here' refs/orrery/base "$h" ''
  else
    : > "$gd/orrery/base-unborn"
  fi
}
# What the working tree is compared with: the base, or the empty tree when the repository had no commit then.
base_or_empty() {
  g rev-parse -q --verify 'refs/orrery/base^{commit}' || g hash-object -t tree /dev/null
}
# A copy of the real index (stat cache and racy-clean timestamps kept) with every
# non-ignored file of the working tree added: the working tree as git would commit it.
# A file nobody may read is left out rather than failing the whole repository.
worktree_index() {
  if [ -f "$gd/index" ]; then cp -p "$gd/index" "$1" || return 1; else rm -f "$1"; fi
  GIT_INDEX_FILE=$1 g add -A --ignore-errors 2>"$1.err" || [ -f "$1" ]
}
`;
}

/** Quotes each argument for a call to one of the prelude's functions. */
export function args(...values: (string | number)[]): string {
  return values.map((v) => shellQuote(String(v))).join(' ');
}

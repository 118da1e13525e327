// The one script a refresh runs for every repository: where each stands
// (branch, HEAD, base, half-done operation, commits ahead) and what changed
// from the base to the working tree, with each file's patch cut in the
// container when too large, so a 50 MB generated file never leaves it.
import {
  MAX_CHANGED_FILES,
  MAX_FILE_DIFF_CHARS,
  MAX_LISTED_COMMITS,
  MAX_REPORT_DIFF_CHARS,
} from '@orrery/shared';
import { args, prelude } from './shell.js';

/**
 * Files larger than this (either side) are not diffed at all: git treats
 * them as binary, and the report says they are too large to show.
 */
export const DIFF_SIZE_LIMIT = 8 * 1024 * 1024;

/**
 * Splits `git diff -p` into one section per "diff --git" header. Each
 * section is printed as a frame "file:<added>:<removed>:<state>", its header
 * lines, then (when kept) its hunks. Sizes are bytes (LC_ALL=C), never fewer
 * than the characters the contract limits. Past the files the report
 * lists, or once its total is reached, it stops reading, and the files
 * left have no section.
 */
const SPLIT_PATCH = String.raw`
function flush(   k, st) {
  if (!n) return
  n = 0
  st = "kept"
  if (bin) st = "binary"
  else if (big) st = "too_large"
  else if (used + size > total) st = "omitted"
  printf "%sfile:%d:%d:%s\n", M, add, del, st
  for (k = 1; k <= hn; k++) print h[k]
  if (st == "kept") { used += size; for (k = 1; k <= bn; k++) print b[k] }
  # The report is full: the files after this one are 'omitted' without git diffing them all
  # (an untracked node_modules would otherwise be read whole on every refresh).
  if (st == "omitted") exit
}
/^diff --git / { flush(); if (++sections > files) exit; n = 1; hn = 0; bn = 0; size = 0; add = 0; del = 0; bin = 0; big = 0; hunk = 0 }
{
  size += length($0) + 1
  if (!hunk) {
    if (substr($0, 1, 2) == "@@") hunk = 1
    else {
      h[++hn] = $0
      if ($0 ~ /^Binary files / || $0 == "GIT binary patch") bin = 1
      next
    }
  }
  c = substr($0, 1, 1)
  if (c == "+") add++
  else if (c == "-") del++
  if (size > max) big = 1
  if (!big) b[++bn] = $0
}
END { flush() }
`;

const REPO_CHANGES = `
repo_changes() {
  local i=$1
  ( locate "$2" || { emit "state:$i:$state"; exit 0; }
    ensure_base
    emit "state:$i:ok"
    t=$gd/orrery/changes-$NONCE
    trap 'rm -f "$t" "$t".*' EXIT
    from=$(base_or_empty)
    head=$(g rev-parse -q --verify 'HEAD^{commit}') || head=
    emit "info:$i"
    echo "branch=$(g symbolic-ref -q HEAD)"
    echo "head=$head"
    echo "base=$(g rev-parse -q --verify 'refs/orrery/base^{commit}')"
    echo "baseBranch=$(cat "$gd/orrery/base-branch" 2>/dev/null)"
    echo "operation=$(operation)"
    if [ -n "$head" ]; then
      if g rev-parse -q --verify refs/orrery/base >/dev/null; then range=refs/orrery/base..HEAD; else range=HEAD; fi
      echo "ahead=$(g rev-list --count "$range" --)"
      emit "log:$i"
      g log -z --no-decorate --no-color --no-show-signature --no-mailmap -n ${MAX_LISTED_COMMITS} \\
        --format='%H%x1f%at%x1f%an <%ae>%x1f%s' "$range" --
    fi
    worktree_index "$t" || { emit "failed:$i"; cat "$t.err"; exit 0; }
    GIT_INDEX_FILE=$t g diff-index --cached -M -z --raw "$from" > "$t.raw"
    emit "raw:$i"
    head -z -n ${3 * (MAX_CHANGED_FILES + 1)} "$t.raw"
    emit "count:$i"
    tr '\\0' '\\n' < "$t.raw" | grep -c '^:[0-7]\\{6\\} [0-7]\\{6\\} [0-9a-f]* [0-9a-f]* [A-Z]'
    emit "sizes:$i"
    tr '\\0' '\\n' < "$t.raw" | sed -n 's/^:[0-7]\\{6\\} [0-7]\\{6\\} \\([0-9a-f]*\\) \\([0-9a-f]*\\) [A-Z].*/\\1\\n\\2/p' |
      head -n ${2 * (MAX_CHANGED_FILES + 1)} | grep -v '^0*$' | sort -u | g cat-file --batch-check='%(objectname) %(objectsize)'
    # Files added in the real index; new files not among them are untracked.
    emit "staged:$i"
    g diff-index --cached --no-renames --name-only --diff-filter=A -z "$from" | head -z -n ${MAX_CHANGED_FILES + 1}
    # Only the files listed get a section; a change of type prints two.
    typechanges=$(tr '\\0' '\\n' < "$t.raw" | grep -c '^:[0-7]\\{6\\} [0-7]\\{6\\} [0-9a-f]* [0-9a-f]* T')
    emit "patch:$i"
    GIT_INDEX_FILE=$t g -c core.bigFileThreshold=${DIFF_SIZE_LIMIT} diff-index --cached -M -p --no-ext-diff \\
      --no-textconv --no-color --src-prefix=a/ --dst-prefix=b/ "$from" |
      awk -v M="$M" -v max=${MAX_FILE_DIFF_CHARS} -v total=${MAX_REPORT_DIFF_CHARS} -v files=$((${MAX_CHANGED_FILES} + typechanges)) "$SPLIT_PATCH"
    exit 0
  )
}
`;

export function changesScript(nonce: string, dirs: readonly string[]): string {
  return [
    prelude(nonce),
    `SPLIT_PATCH=${args(SPLIT_PATCH)}`,
    REPO_CHANGES,
    ...dirs.map((dir, i) => `repo_changes ${args(i, dir)}`),
  ].join('\n');
}

/** Makes sure each repository has a base; prints nothing that matters. */
export function ensureBaseScript(nonce: string, dirs: readonly string[]): string {
  return [prelude(nonce), ...dirs.map((dir) => `( locate ${args(dir)} && ensure_base )`), 'exit 0'].join(
    '\n',
  );
}

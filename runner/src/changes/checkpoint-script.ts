// Checkpoints and restores, as bash for the container. A checkpoint is a
// commit object on refs/orrery/checkpoints/<id> whose tree holds
//   worktree   the working tree as git would commit it (tracked and untracked, not ignored)
//   index      the real index as a tree (absent while it has conflicts)
//   index.bin  the real index file itself, so a restore puts back exactly what was staged
// and, in its message, "head <sha>" and "ref <refs/heads/…>" (empty when
// detached or unborn), with HEAD as its parent, so what HEAD had stays reachable. Taking one
// writes objects and that ref only: no branch, index, stash, reflog or file.
//
// Ignored files are neither recorded nor touched by a restore: build output
// and dependencies stay as they are. Permission bits other than the
// executable bit are git's to normalise (git keeps 644, 755 and symlinks).
import { args, prelude } from './shell.js';

const CHECKPOINT = `
checkpoint_repo() {
  local i=$1
  ( locate "$2" || { emit "ck:$i:$state"; exit 0; }
    t=$gd/orrery/ck-$NONCE
    trap 'rm -f "$t" "$t".*' EXIT
    fail() { emit "ck:$i:failed"; cat "$t.err" 2>/dev/null; echo "$1"; exit 1; }
    # The working tree is added in the background while the index and HEAD are recorded.
    worktree_index "$t" & adding=$!
    head=$(g rev-parse -q --verify 'HEAD^{commit}') || head=
    ref=
    read -r h < "$gd/HEAD" || :
    case $h in 'ref: '*) ref=\${h#ref: } ;; esac
    : > "$t.tree"
    if [ -f "$gd/index" ]; then
      # The index rarely changes between turns: what its last checkpoint stored is reused
      # while the file is the same one (git replaces it, new inode, on every write).
      stamp="$(stat -c '%i %s %y' "$gd/index")" cache=$gd/orrery/index-cache x= ix=
      if [ -f "$cache" ] && { read -r s0; read -r x ix; } < "$cache" && [ "$s0" = "$stamp" ]; then :
      else
        cp -p "$gd/index" "$t.raw" || fail 'could not copy the index'
        cp "$t.raw" "$t.idx"
        ix=$(GIT_INDEX_FILE=$t.idx g write-tree 2>/dev/null) || ix=
        x=$(g hash-object -w -- "$t.raw") || fail 'could not store the index'
        printf '%s\\n%s %s\\n' "$stamp" "$x" "$ix" > "$cache"
      fi
      [ -n "$ix" ] && printf '040000 tree %s\\tindex\\n' "$ix" >> "$t.tree"
      printf '100644 blob %s\\tindex.bin\\n' "$x" >> "$t.tree"
    fi
    wait "$adding" || fail 'git add -A failed'
    w=$(GIT_INDEX_FILE=$t g write-tree 2>>"$t.err") || fail 'could not write the working tree'
    printf '040000 tree %s\\tworktree\\n' "$w" >> "$t.tree"
    # mktree checks every object exists: a cached index object someone pruned fails here, once.
    tree=$(g mktree < "$t.tree" 2>>"$t.err") || { rm -f "$gd/orrery/index-cache"; fail 'mktree'; }
    c=$(printf 'orrery checkpoint %s\\n\\nhead %s\\nref %s\\n' "$3" "$head" "$ref" |
      ours g commit-tree "$tree" \${head:+-p "$head"}) || fail 'commit-tree'
    g update-ref "refs/orrery/checkpoints/$3" "$c" 2>>"$t.err" || fail 'update-ref'
    emit "ck:$i:ok"
  )
}
`;

const RESTORE = `
# Prints why repository $2 cannot be put back to checkpoint $3, and fails, or succeeds silently.
restore_check() {
  local i=$1
  ( locate "$2" || { emit "rc:$i:$state"; exit 1; }
    g rev-parse -q --verify "refs/orrery/checkpoints/$3^{commit}" >/dev/null || { emit "rc:$i:lost"; exit 1; }
    op=$(operation)
    [ "$op" = none ] || { emit "rc:$i:operation:$op"; exit 1; }
    exit 0
  )
}
restore_repo() {
  local i=$1
  ( locate "$2" || exit 0
    t=$gd/orrery/rs-$NONCE
    trap 'rm -f "$t" "$t".*' EXIT
    fail() { emit "rs:$i:failed"; cat "$t.err" 2>/dev/null; echo "$1"; exit 0; }
    c=refs/orrery/checkpoints/$3
    w=$(g rev-parse -q --verify "$c:worktree") || fail 'the checkpoint has no working tree'
    meta=$(g cat-file commit "$c") || fail 'the checkpoint is unreadable'
    head=$(printf '%s\\n' "$meta" | sed -n 's/^head //p')
    ref=$(printf '%s\\n' "$meta" | sed -n 's/^ref //p')
    # From the working tree as it is now (in a scratch index) to the recorded one:
    # files added since go, deleted ones come back, ignored ones stay.
    worktree_index "$t" || fail 'git add -A failed'
    GIT_INDEX_FILE=$t g read-tree --reset -u --exclude-per-directory=.gitignore "$w" 2>>"$t.err" ||
      fail 'could not put the files back'
    if x=$(g rev-parse -q --verify "$c:index.bin"); then
      g cat-file blob "$x" > "$t.new" && mv -f "$t.new" "$gd/index" || fail 'could not put the index back'
    else
      rm -f "$gd/index"
    fi
    msg="orrery: restore checkpoint $3"
    if [ -n "$ref" ]; then
      if [ -n "$head" ]; then g update-ref -m "$msg" "$ref" "$head" 2>>"$t.err" || fail 'could not move the branch back'
      else g update-ref -d "$ref" 2>/dev/null || :; fi
      g symbolic-ref -m "$msg" HEAD "$ref" 2>>"$t.err" || fail 'could not check the branch out'
    else
      g update-ref --no-deref -m "$msg" HEAD "$head" 2>>"$t.err" || fail 'could not put HEAD back'
    fi
    emit "rs:$i:ok"
  )
}
`;

export function checkpointScript(nonce: string, dirs: readonly string[], id: string): string {
  return [prelude(nonce), CHECKPOINT, ...dirs.map((dir, i) => `checkpoint_repo ${args(i, dir, id)}`)].join(
    '\n',
  );
}

export function checkpointsScript(nonce: string, dirs: readonly string[]): string {
  return [
    prelude(nonce),
    ...dirs.map(
      (dir, i) =>
        `( locate ${args(dir)} || { emit "ids:${i}:$state"; exit 0; }; emit "ids:${i}:ok"; ` +
        `g for-each-ref --format='%(refname:lstrip=3)' refs/orrery/checkpoints/ )`,
    ),
  ].join('\n');
}

/** Checks every repository, records the undo checkpoint in every one, then restores each. */
export function restoreScript(nonce: string, dirs: readonly string[], id: string, undoId: string): string {
  return [
    prelude(nonce),
    CHECKPOINT,
    RESTORE,
    'ok=1',
    ...dirs.map((dir, i) => `restore_check ${args(i, dir, id)} || ok=0`),
    '[ "$ok" = 1 ] || exit 0',
    ...dirs.map((dir, i) => `checkpoint_repo ${args(i, dir, undoId)} || ok=0`),
    '[ "$ok" = 1 ] || exit 0',
    ...dirs.map((dir, i) => `restore_repo ${args(i, dir, id)}`),
  ].join('\n');
}

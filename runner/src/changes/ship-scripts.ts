// Committing, and taking commits out of the container (a patch, a bundle),
// as bash for the container. Commits are made with plumbing (write-tree,
// commit-tree, update-ref), so no hook, template, signing program or
// editor the repository's config names runs.
import { args, prelude } from './shell.js';

/** "result:0:<why>" frames say why nothing was done; other frames carry the outcome. */
const LOCATE = `locate "$1" || { emit "result:0:$state"; exit 0; }
t=$gd/orrery/op-$NONCE
trap 'rm -f "$t" "$t".*' EXIT
fail() { emit "failed:0"; cat "$t.err" 2>/dev/null; echo "$1"; exit 0; }`;

export function commitScript(
  nonce: string,
  dir: string,
  message: string,
  author: { name: string; email: string },
): string {
  const who = [
    `GIT_AUTHOR_NAME=${args(author.name)}`,
    `GIT_AUTHOR_EMAIL=${args(author.email)}`,
    `GIT_COMMITTER_NAME=${args(author.name)}`,
    `GIT_COMMITTER_EMAIL=${args(author.email)}`,
  ].join(' ');
  const subject = message.split('\n')[0]!.slice(0, 200);
  return `${prelude(nonce)}
set -- ${args(dir)}
${LOCATE}
op=$(operation)
[ "$op" = none ] || { emit "result:0:operation:$op"; exit 0; }
g add -A 2>"$t.err" || fail 'git add -A failed'
head=$(g rev-parse -q --verify 'HEAD^{commit}') || head=
tree=$(g write-tree 2>>"$t.err") || fail 'could not write the tree'
if [ -n "$head" ]; then [ "$tree" = "$(g rev-parse "$head^{tree}")" ] && { emit "result:0:nothing"; exit 0; }
else [ "$tree" = "$(g hash-object -t tree /dev/null)" ] && { emit "result:0:nothing"; exit 0; }; fi
c=$(printf '%s' ${args(message)} | ( export ${who}; g commit-tree "$tree" \${head:+-p "$head"} ) 2>>"$t.err") || fail 'commit-tree failed'
g update-ref -m ${args(`commit: ${subject}`)} HEAD "$c" "$head" 2>>"$t.err" || fail 'could not move the branch'
emit "commit:0"
echo "sha=$c"
echo "branch=$(g symbolic-ref -q HEAD)"
echo "files=$(g diff-tree -M --root --no-commit-id -r --name-only -z "$c" | tr -cd '\\0' | wc -c)"
`;
}

/** format-patch from the base to HEAD, then the uncommitted changes as one more commit made on no ref. */
export function patchScript(nonce: string, dir: string, maxBytes: number): string {
  return `${prelude(nonce)}
set -- ${args(dir)}
${LOCATE}
worktree_index "$t" || fail 'git add -A failed'
tree=$(GIT_INDEX_FILE=$t g write-tree 2>>"$t.err") || fail 'could not write the working tree'
head=$(g rev-parse -q --verify 'HEAD^{commit}') || head=
tip=$head
if [ -z "$head" ] || [ "$tree" != "$(g rev-parse "$head^{tree}")" ]; then
  tip=$(printf 'Uncommitted changes\\n\\nWhat the working tree held beyond its last commit when this patch was made.\\n' |
    ours g commit-tree "$tree" \${head:+-p "$head"}) || fail 'commit-tree failed'
fi
base=$(g rev-parse -q --verify 'refs/orrery/base^{commit}') || base=
if [ -n "$base" ]; then [ "$tip" = "$base" ] && { emit "result:0:nothing"; exit 0; }; range="$base..$tip"
else [ "$tree" = "$(g hash-object -t tree /dev/null)" ] && [ -z "$head" ] && { emit "result:0:nothing"; exit 0; }; range="--root $tip"; fi
g -c format.coverLetter=false -c format.signOff=false -c format.attach=false format-patch --stdout --no-signature --no-color \\
  --no-ext-diff --binary --src-prefix=a/ --dst-prefix=b/ $range > "$t.patch" 2>>"$t.err" || fail 'format-patch failed'
size=$(wc -c < "$t.patch")
[ "$size" -gt 0 ] || { emit "result:0:nothing"; exit 0; }
[ "$size" -le ${maxBytes} ] || { emit "result:0:too_large:$size"; exit 0; }
emit "patch:0"
cat "$t.patch"
`;
}

/**
 * A bundle of HEAD's whole history as refs/heads/<branch>, made in a scratch
 * repository that borrows the objects, so no ref of the repository changes.
 * Prints the bundle's path; the caller reads it and removes its folder.
 */
export function bundleScript(nonce: string, dir: string, branch: string): string {
  return `${prelude(nonce)}
set -- ${args(dir, branch)}
${LOCATE}
head=$(g rev-parse -q --verify 'HEAD^{commit}') || { emit "result:0:no_commits"; exit 0; }
g check-ref-format "refs/heads/$2" || { emit "result:0:bad_branch"; exit 0; }
objects=$(cd "$gd" && cd "$(g rev-parse --git-path objects)" && pwd) || fail 'no object folder'
s=$(mktemp -d /tmp/orrery-bundle.XXXXXX) || fail 'mktemp failed'
unset GIT_DIR GIT_WORK_TREE
git init -q --bare --template= "$s/r" 2>>"$t.err" || fail 'git init failed'
mkdir -p "$s/r/objects/info" && printf '%s\\n' "$objects" > "$s/r/objects/info/alternates"
GIT_DIR=$s/r g update-ref "refs/heads/$2" "$head" 2>>"$t.err" || fail 'update-ref failed'
GIT_DIR=$s/r g bundle create -q "$s/head.bundle" "refs/heads/$2" 2>>"$t.err" || { rm -rf "$s"; fail 'git bundle failed'; }
emit "bundle:0"
echo "dir=$s"
echo "head=$head"
echo "size=$(wc -c < "$s/head.bundle")"
`;
}

export function baseBranchScript(nonce: string, dir: string): string {
  return `${prelude(nonce)}
set -- ${args(dir)}
locate "$1" || { emit "result:0:$state"; exit 0; }
emit "branch:0"
cat "$gd/orrery/base-branch" 2>/dev/null
`;
}

// The bash the manager runs inside containers. Every command runs as its own
// process group (job control on just for the launch). A group file in
// /tmp/.orrery-runs-<uid> holds "<run id> <process group>" while it runs, so a
// timeout, a cancel or a restarted runner can kill the whole tree. The
// shell's own notices go to /dev/null; the command's stderr is fd 3, the
// original stderr.

/** Per user ($UID is bash's), so a folder left by a root build step cannot lock the user out. */
export const RUN_DIR = '/tmp/.orrery-runs-$UID';

/** Quotes a value for bash: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** For `docker exec`: bash -c WRAPPER <run id> <command> <cwd>, environment from the exec's Env. */
export const EXEC_WRAPPER = `
exec 3>&2 2>/dev/null
d=${RUN_DIR}; [ -d "$d" ] || mkdir -p "$d"
cd -- "\${2:-.}" 2>&3 || exit 1
set -m
bash -lc "$1" 2>&3 3>&- </dev/null &
p=$!
set +m
echo "$0 $p" > "$d/$0.pid"
wait "$p"; rc=$?
rm -f "$d/$0.pid"
exit "$rc"
`;

/**
 * The persistent channel: a bash reading commands from stdin, one line per
 * command calling __orrery_run. When a command ends, a marker with its run
 * id and exit code is printed on stdout and on stderr, so the reader knows
 * both streams are complete. The marker starts with \\036 (record separator);
 * a command cannot forge it without knowing the random run id. The channel's
 * group file is emptied (a builtin, no fork) rather than removed.
 */
export function channelPrelude(channelId: string): string {
  return `
exec 3>&2 2>/dev/null
__orrery_f=${RUN_DIR}/${channelId}.pid
__orrery_run() {
  local id=$1 cwd=$2 cmd=$3 p rc
  shift 3
  [ -d ${RUN_DIR} ] || mkdir -p ${RUN_DIR}
  set -m
  ( cd -- "$cwd" 2>&3 || exit 1; [ $# -eq 0 ] || export -- "$@"; exec bash -lc "$cmd" 2>&3 3>&- ) </dev/null &
  p=$!
  set +m
  echo "$id $p" > "$__orrery_f"
  wait "$p"; rc=$?
  : > "$__orrery_f"
  printf '\\036%s %d\\036' "$id" "$rc"
  printf '\\036%s %d\\036' "$id" "$rc" >&3
}
printf '\\036ready\\036'
`;
}

export function channelLine(
  runId: string,
  cwd: string,
  command: string,
  env: Record<string, string>,
): string {
  const assignments = Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`));
  return `__orrery_run ${[runId, cwd, command].map(shellQuote).join(' ')} ${assignments.join(' ')}\n`;
}

/** Prints the process group of run $0, waiting briefly for its group file to appear. */
const FIND_GROUP = `
find_group() {
  local f id p i
  for i in $(seq 1 50); do
    for f in ${RUN_DIR}/*.pid; do
      [ -e "$f" ] || continue
      read -r id p < "$f" 2>/dev/null || continue
      [ "$id" = "$1" ] && [ -n "$p" ] && { echo "$p"; return 0; }
    done
    sleep 0.02
  done
  return 1
}
`;

/** Stops one run's process group: TERM, then KILL after a second. */
export const KILL_RUN = `${FIND_GROUP}
p=$(find_group "$0") || exit 0
kill -TERM -- "-$p" 2>/dev/null || exit 0
for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$p" 2>/dev/null || exit 0; sleep 0.1; done
kill -KILL -- "-$p" 2>/dev/null
exit 0
`;

/** After a container (re)starts, no process of an earlier life is left: forget their group files. */
export const CLEAR_RUNS = `rm -rf ${RUN_DIR}; exit 0`;

/**
 * Kills every run an earlier runner left behind (its group file still names
 * it), except the live runs given as arguments, and prints the ids it killed
 * once their groups are gone (up to two seconds each: a group the kernel is
 * still tearing down does not run user code any more).
 */
export const KILL_ORPHANS = `
for f in ${RUN_DIR}/*.pid; do
  [ -e "$f" ] || continue
  id= p=
  read -r id p < "$f" 2>/dev/null
  [ -n "$id" ] || continue
  case " $* " in *" $id "*) continue;; esac
  if [ -n "$p" ] && kill -KILL -- "-$p" 2>/dev/null; then
    for i in $(seq 1 20); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$f"
  echo "$id"
done
exit 0
`;

// For the Docker-backed tests of runner/src/changes and its benchmark: one session container per
// test file, commands run in it as the agent would run them, and a
// fingerprint of a repository's files (content, mode, symlink target).
import type Docker from 'dockerode';
import { workspaceFor, type Workspace } from '../agent/workspace.js';
import { Redactor, type EnvironmentManagerConfig } from '../environments/index.js';
import {
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from '../environments/test-support.js';
import { createWorkspaceGit } from '../changes/git.js';
import type { WorkspaceGit } from '../changes/types.js';

export const SECRET = 'sk-test-9b8a7f6e5d4c3b2a';

/** What the agent's own git commits carry (the container has no user config). */
const AGENT =
  'export GIT_AUTHOR_NAME=Agent GIT_AUTHOR_EMAIL=agent@example.com GIT_COMMITTER_NAME=Agent GIT_COMMITTER_EMAIL=agent@example.com';

export interface GitSession {
  docker: Docker;
  t: TestManager;
  session: string;
  workspace: Workspace;
  git: WorkspaceGit;
  /** Runs a command in /workspace as the agent; fails the test when it fails. */
  sh(command: string): Promise<string>;
  close(): Promise<void>;
}

export async function startGitSession(
  prefix: string,
  config: Partial<EnvironmentManagerConfig> = {},
): Promise<GitSession> {
  const docker = await requireDocker();
  const scope = uniqueScope(prefix);
  const t = makeManager({ scope, config });
  await t.manager.start();
  const session = `${prefix}-session`;
  await t.manager.ensureRunning(session, testDefinition(), { API_TOKEN: SECRET });
  const workspace = workspaceFor(t.manager, session);
  const redactor = new Redactor([SECRET]);
  const git = createWorkspaceGit(workspace, { redact: (text) => redactor.redact(text) });
  return {
    docker,
    t,
    session,
    workspace,
    git,
    async sh(command) {
      const r = await workspace.exec({ command: `${AGENT}\nset -e\n${command}`, maxOutputBytes: 8 << 20 });
      if (r.exitCode !== 0) throw new Error(`${command}\nexited with ${r.exitCode}: ${r.stderr}`);
      return r.stdout;
    },
    async close() {
      await t.manager.close();
      await removeScope(docker, scope);
      cleanupDir(t.stateDir);
    },
  };
}

/** Empties /workspace and makes repository `name` with one commit on main. */
export async function freshRepo(s: GitSession, name: string): Promise<void> {
  await s.sh(`cd /workspace && find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +
git init -q -b main ${name} && cd ${name}
printf 'one\\ntwo\\nthree\\n' > a.txt
printf '#!/bin/sh\\necho hi\\n' > run.sh
mkdir -p src && printf 'export const x = 1;\\n' > src/x.ts
printf '*.log\\nbuild/\\n' > .gitignore
git add -A && git commit -q -m 'first commit'`);
}

/** Every non-.git entry of a folder: type, mode, and content hash or link target, sorted. */
export async function fingerprint(s: GitSession, dir: string): Promise<string> {
  return s.sh(`cd ${dir} && find . -path ./.git -prune -o -mindepth 1 -printf '%y %m %p\\0' | sort -z |
while IFS= read -r -d '' e; do
  p=\${e#* * }
  case "$e" in
    f*) echo "$e $(sha256sum < "$p" | cut -c1-64)" ;;
    l*) echo "$e -> $(readlink "$p")" ;;
    *) echo "$e" ;;
  esac
done`);
}

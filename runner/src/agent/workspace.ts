// What tools need from a session's Environment: the Environment manager,
// bound to one session.
import type {
  AttachedProcess,
  AttachOptions,
  EnvironmentManager,
  ExecOptions,
  ExecResult,
  FileEntry,
} from '../environments/index.js';

export interface Workspace {
  exec(options: ExecOptions): Promise<ExecResult>;
  /** A program with its stdin held open (stdio MCP servers). */
  attach(options: AttachOptions): Promise<AttachedProcess>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, content: Uint8Array | string): Promise<void>;
  listFiles(path: string, options?: { recursive?: boolean; limit?: number }): Promise<FileEntry[]>;
}

export const WORKSPACE_ROOT = '/workspace';

export function workspaceFor(manager: EnvironmentManager, sessionId: string): Workspace {
  return {
    exec: (options) => {
      manager.touch(sessionId);
      return manager.exec(sessionId, options).finally(() => manager.touch(sessionId));
    },
    attach: (options) => {
      manager.touch(sessionId);
      return manager.attach(sessionId, options);
    },
    readFile: (path) => {
      manager.touch(sessionId);
      return manager.readFile(sessionId, path);
    },
    writeFile: (path, content) => {
      manager.touch(sessionId);
      return manager.writeFile(sessionId, path, content);
    },
    listFiles: (path, options) => {
      manager.touch(sessionId);
      return manager.listFiles(sessionId, path, options);
    },
  };
}

/** Resolves a path the model gave against /workspace; absolute paths stay as they are. */
export function resolvePath(path: string): string {
  const p = path.trim() || '.';
  if (p.startsWith('/')) return normalise(p);
  return normalise(`${WORKSPACE_ROOT}/${p}`);
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

// Where an Environment's repositories lie in the workspace: the folder each
// is cloned into (a single folder name under /workspace), as snapshot builds
// place them.
import { folderFor, type EnvironmentDefinition } from '../environments/index.js';
import type { WorkspaceRepository } from './types.js';

export function workspaceRepositories(definition: EnvironmentDefinition): WorkspaceRepository[] {
  const out: WorkspaceRepository[] = [];
  for (const repo of definition.repositories) {
    let path: string;
    try {
      path = folderFor(repo);
    } catch {
      // A definition that names no folder never built; there is nothing of it in the workspace.
      continue;
    }
    out.push({ path, url: repo.url, ...(repo.credential ? { credential: repo.credential } : {}) });
  }
  return out;
}

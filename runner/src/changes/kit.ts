// The Changes panel's and shipping's parts, put together for a runner: git
// in the container, the shipper on the runner's side, reports to the server.
import type { ChangeKit } from '../agent/turn.js';
import type { ServerClient } from '../server-client.js';
import { createWorkspaceGit } from './git.js';
import type { Shipper } from './types.js';

export function changeKit(server: ServerClient, shipper: Shipper): ChangeKit {
  return {
    gitFor: (workspace, redact) => createWorkspaceGit(workspace, { redact }),
    shipper,
    report: (sessionId, report) => server.reportChanges(sessionId, report),
  };
}

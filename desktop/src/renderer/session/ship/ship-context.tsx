// What the ship and undo controls need to know of the open session, handed
// down once by SessionView instead of through every transcript row: who is
// looking, the live document, its checkpoints, whether a turn runs, offline.
import type { Checkpoint, SessionDoc, SessionListItem } from '@orrery/shared';
import { createContext, useCallback, useContext } from 'react';
import { useDocValue } from '../../sync/use-doc-value.js';

export interface ShipContextValue {
  session: SessionListItem;
  sessionDoc: SessionDoc | null;
  checkpoints: readonly Checkpoint[];
  /** Goes up with every report of the changes, so proposals are read again. */
  changesRev: number;
  running: boolean;
  offline: boolean;
  /** Asks the owner to confirm restoring a checkpoint (ShipProvider holds the dialog). */
  askRestore: (ask: RestoreAsk) => void;
}

/** A restore to confirm: to before a turn, or undoing an earlier restore. */
export interface RestoreAsk {
  checkpointId: string;
  undo: boolean;
}

export const ShipContext = createContext<ShipContextValue | null>(null);

export function useShipContext(): ShipContextValue | null {
  return useContext(ShipContext);
}

/** Why the workspace cannot be acted on now, for people; null when it can. */
export function busyReason(ctx: Pick<ShipContextValue, 'running' | 'offline'>): string | null {
  if (ctx.offline) return 'You are offline; this needs the server.';
  if (ctx.running) return 'The agent is working; wait for the turn to end (or stop it).';
  return null;
}

const NO_CHECKPOINTS: Checkpoint[] = [];

/** The document's checkpoints and changes revision, read live. */
export function useShipState(sessionDoc: SessionDoc | null) {
  const checkpoints = useDocValue(
    sessionDoc?.doc ?? null,
    useCallback(() => sessionDoc?.checkpoints() ?? NO_CHECKPOINTS, [sessionDoc]),
    NO_CHECKPOINTS,
  );
  const changesRev = useDocValue(
    sessionDoc?.doc ?? null,
    useCallback(() => sessionDoc?.changes().rev ?? 0, [sessionDoc]),
    0,
  );
  return { checkpoints, changesRev };
}

// Undoing a turn: "Restore to before this turn" under the message that began
// it, and the restore's own notice with Undo. Both ask first, and are only
// for the owner, only when the checkpoint is still there, never mid-turn.
// A lost checkpoint shows nothing to click (the runner's notice names it).
// The question itself is asked by ShipProvider, outside the virtualised
// rows, so scrolling the conversation never takes it away.
import type { RestoreEntry } from '@orrery/shared';
import { useId, useState } from 'react';
import { useServices } from '../../app/services-context.js';
import { ModalDialog } from '../SessionDialogs.js';
import { shipFailure, type ShipFailure } from './ship-errors.js';
import { ShipFailureText } from './ShipFailureText.js';
import { useShipContext, type RestoreAsk, type ShipContextValue } from './ship-context.js';

/** The checkpoint id a person may restore now, or null (offline, the dialog says so when asked). */
function restorable(ctx: ShipContextValue | null, find: (ctx: ShipContextValue) => string | null) {
  if (!ctx || ctx.session.access !== 'owner' || ctx.running) return null;
  return find(ctx);
}

export function RestoreTurnButton({ turnId }: { turnId: string | null }) {
  const ctx = useShipContext();
  const checkpointId = restorable(
    ctx,
    (c) => c.checkpoints.find((k) => k.kind === 'turn' && k.turnId === turnId && !k.lost)?.id ?? null,
  );
  if (!turnId || !checkpointId || !ctx) return null;
  return (
    <div className="restore-turn">
      <button
        type="button"
        className="link-button"
        onClick={() => ctx.askRestore({ checkpointId, undo: false })}
      >
        Restore to before this turn
      </button>
    </div>
  );
}

export function RestoreEntryView({ entry }: { entry: RestoreEntry }) {
  const ctx = useShipContext();
  const undoId = restorable(ctx, (c) =>
    c.checkpoints.some((k) => k.id === entry.undoCheckpointId && !k.lost) ? entry.undoCheckpointId : null,
  );
  return (
    <div className="entry notice notice-info restore-entry" role="note">
      <span>{entry.text}</span>
      {undoId && ctx && (
        <button
          type="button"
          className="secondary small"
          onClick={() => ctx.askRestore({ checkpointId: undoId, undo: true })}
        >
          Undo
        </button>
      )}
    </div>
  );
}

export function RestoreDialog({
  sessionId,
  ask,
  onClose,
}: {
  sessionId: string;
  ask: RestoreAsk;
  onClose: () => void;
}) {
  const { api } = useServices();
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ShipFailure | null>(null);

  async function restore() {
    setBusy(true);
    setFailure(null);
    try {
      // The runner writes the restore's note into the conversation; nothing else to show here.
      await api.restoreCheckpoint(sessionId, ask.checkpointId);
      onClose();
    } catch (error) {
      setFailure(shipFailure(error));
      setBusy(false);
    }
  }

  return (
    <ModalDialog
      titleId={titleId}
      title={ask.undo ? 'Undo this restore?' : 'Restore to before this turn?'}
      onClose={onClose}
    >
      <p>
        {ask.undo
          ? 'The workspace’s files go back to how they were just before the restore. Their current state is kept too, so this can be undone in turn.'
          : 'The workspace’s files go back to exactly how they were before this turn ran, in every repository. Your current state is kept, so you can undo the restore from the note it leaves in the conversation. The conversation itself stays as it is.'}
      </p>
      {failure && <ShipFailureText failure={failure} />}
      <div className="dialog-actions">
        <button type="button" disabled={busy} onClick={() => void restore()}>
          {busy ? 'Restoring…' : 'Restore'}
        </button>
        <button type="button" className="secondary" data-autofocus onClick={onClose}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}

// Hands the ship and undo controls what they need of the open session, and
// holds the restore question, above the conversation's virtualised rows.
import { useMemo, useState, type ReactNode } from 'react';
import { RestoreDialog } from './RestoreTurn.js';
import { ShipContext, type RestoreAsk, type ShipContextValue } from './ship-context.js';

export function ShipProvider({
  value,
  children,
}: {
  value: Omit<ShipContextValue, 'askRestore'>;
  children: ReactNode;
}) {
  const [asking, setAsking] = useState<RestoreAsk | null>(null);
  const full = useMemo(() => ({ ...value, askRestore: setAsking }), [value]);
  return (
    <ShipContext.Provider value={full}>
      {children}
      {asking && (
        <RestoreDialog
          key={asking.checkpointId}
          sessionId={value.session.id}
          ask={asking}
          onClose={() => setAsking(null)}
        />
      )}
    </ShipContext.Provider>
  );
}

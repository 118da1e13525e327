// The session document's summary of the changes (totals and rev), for the
// header's button and the panel; read from the synced document, so offline too.
import type { ChangesState, SessionDoc } from '@orrery/shared';
import { useCallback } from 'react';
import { useDocValue } from '../../sync/use-doc-value.js';

const NONE: ChangesState = {
  rev: 0,
  computedAt: null,
  repositories: 0,
  files: 0,
  added: 0,
  removed: 0,
  pushed: {},
};

export function useChangesSummary(sessionDoc: SessionDoc | null): ChangesState {
  return useDocValue(
    sessionDoc?.doc ?? null,
    useCallback(() => sessionDoc?.changes() ?? NONE, [sessionDoc]),
    NONE,
  );
}

// The session header's Changes button, with the totals from the session
// document (so they show offline too): "Changes +12 −3 in 2 files".
import type { ChangesState } from '@orrery/shared';
import {
  CHANGES_PANEL_ID,
  CHANGES_TOGGLE_ID,
  closeChangesPanel,
  openChangesPanel,
  useChangesPrefs,
} from './changes-prefs.js';
import { pluralFiles } from './describe-change.js';
import { Counts } from './RepositorySection.js';

export function ChangesToggle({ summary }: { summary: ChangesState }) {
  const [prefs] = useChangesPrefs();
  return (
    <button
      id={CHANGES_TOGGLE_ID}
      type="button"
      className={`secondary small changes-toggle${prefs.open ? ' on' : ''}`}
      aria-expanded={prefs.open}
      aria-controls={prefs.open ? CHANGES_PANEL_ID : undefined}
      onClick={() => (prefs.open ? closeChangesPanel() : openChangesPanel())}
    >
      Changes
      {summary.files > 0 && (
        <span className="changes-toggle-totals">
          <Counts added={summary.added} removed={summary.removed} />
          <span className="changes-toggle-files"> in {pluralFiles(summary.files)}</span>
        </span>
      )}
    </button>
  );
}

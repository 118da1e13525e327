// The Sessions page's filters and title search, over the locally cached list.
import type { SessionFilter, SessionListItem } from '@orrery/shared';

export const FILTER_LABELS: Record<SessionFilter, string> = {
  all: 'All',
  mine: 'Mine',
  shared: 'Shared with me',
  archived: 'Archived',
};

/** Archived sessions show only under Archived; the other filters show current ones. */
export function filterSessions(
  sessions: readonly SessionListItem[],
  filter: SessionFilter,
  query: string,
  myId: string,
): SessionListItem[] {
  const needle = query.trim().toLowerCase();
  return sessions.filter((s) => {
    if (filter === 'archived' ? !s.archived : s.archived) return false;
    if (filter === 'mine' && s.ownerId !== myId) return false;
    if (filter === 'shared' && s.ownerId === myId) return false;
    return !needle || s.title.toLowerCase().includes(needle);
  });
}

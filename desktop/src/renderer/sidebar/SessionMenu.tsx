// The actions menu of one session, built only while it is open: lists of
// many rows do not each work out pins and folders on every change.
import type { SessionListItem } from '@orrery/shared';
import { Menu, type MenuItem } from '../common/Menu.js';
import { useSessionMenu } from './use-session-menu.js';

export function SessionMenu({
  sessionId,
  session,
  at,
  label,
  onClose,
  extraItems = [],
}: {
  sessionId: string;
  session: SessionListItem | undefined;
  at: { x: number; y: number };
  label: string;
  onClose: () => void;
  extraItems?: (MenuItem | 'separator')[];
}) {
  const items = useSessionMenu(sessionId, session);
  return <Menu x={at.x} y={at.y} label={label} items={[...items, ...extraItems]} onClose={onClose} />;
}

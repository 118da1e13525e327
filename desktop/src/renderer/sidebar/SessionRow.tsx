// One session in the sidebar: a link, its lock badge, and the three-dot menu
// (also on right-click) with Pin session / Unpin session.
import { MoreIcon } from '../common/icons.js';
import type { HTMLAttributes, Ref } from 'react';
import { hrefOf, useRoute } from '../app/router.js';
import { useMenuAnchor } from '../common/Menu.js';
import { LockBadge } from '../common/VisibilityBadge.js';
import { useSessionList } from '../sync/use-session-list.js';
import { SessionMenu } from './SessionMenu.js';
import { displayName } from '../common/display-name.js';

export interface SessionRowProps {
  sessionId: string;
  /** For drag and drop: the row's element and its listeners. */
  rowRef?: Ref<HTMLLIElement>;
  rowProps?: HTMLAttributes<HTMLLIElement>;
  dragging?: boolean;
}

export function SessionRow({ sessionId, rowRef, rowProps, dragging }: SessionRowProps) {
  const { byId } = useSessionList();
  const session = byId.get(sessionId);
  const route = useRoute();
  const menu = useMenuAnchor();
  const active = route.name === 'session' && route.id === sessionId;
  const title = session ? displayName(session.title) || 'Untitled session' : 'Unavailable session';

  return (
    <li
      ref={rowRef}
      {...rowProps}
      className={`session-row${active ? ' active' : ''}${dragging ? ' dragging' : ''}${session ? '' : ' unavailable'}`}
      onContextMenu={(e) => {
        e.preventDefault();
        menu.openAt(e.clientX, e.clientY);
      }}
    >
      <a
        href={hrefOf({ name: 'session', id: sessionId })}
        aria-current={active ? 'page' : undefined}
        draggable={false}
      >
        <span className="session-title" title={title}>
          {title}
        </span>
        {session && <LockBadge visibility={session.visibility} />}
      </a>
      <button
        type="button"
        className="icon-button row-menu-button"
        aria-label={`More actions for ${title}`}
        aria-haspopup="menu"
        onClick={(e) => menu.openFromButton(e.currentTarget)}
        onPointerDown={(e) => e.stopPropagation()}
      >
        <MoreIcon />
      </button>
      {menu.at && (
        <SessionMenu
          sessionId={sessionId}
          session={session}
          at={menu.at}
          label={`Actions for ${title}`}
          onClose={menu.close}
        />
      )}
    </li>
  );
}

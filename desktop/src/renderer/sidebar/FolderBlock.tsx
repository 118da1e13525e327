// One pin folder: its header (toggle, name, menu; a drop target) and its pins.
import { MoreIcon } from '../common/icons.js';
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import type { FolderEntry, PinEntry } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { useServices } from '../app/services-context.js';
import { Menu, useMenuAnchor } from '../common/Menu.js';
import { SortablePin } from './SortablePin.js';
import { folderDropId, pinDragId } from './pin-drop.js';
import { displayName } from '../common/display-name.js';

export interface FolderBlockProps {
  folder: FolderEntry;
  pins: PinEntry[];
  expanded: boolean;
  filtering: boolean;
  renaming: boolean;
  onRename: () => void;
  onRenameDone: () => void;
}

export function FolderBlock({
  folder,
  pins,
  expanded,
  filtering,
  renaming,
  onRename,
  onRenameDone,
}: FolderBlockProps) {
  const { userDoc } = useServices();
  const { setNodeRef, isOver, active } = useDroppable({ id: folderDropId(folder.id) });
  const menu = useMenuAnchor();
  const [name, setName] = useState(folder.name);
  useEffect(() => {
    if (renaming) setName(folder.name);
  }, [renaming, folder.name]);

  function commitRename() {
    const trimmed = name.trim().slice(0, 80);
    if (trimmed && trimmed !== folder.name) userDoc.renameFolder(folder.id, trimmed);
    else setName(folder.name);
    onRenameDone();
  }

  return (
    <div
      ref={setNodeRef}
      className={`folder${isOver && active ? ' drop-target' : ''}`}
      role="group"
      aria-label={`Folder ${folder.name}`}
    >
      <div
        className="folder-header"
        onContextMenu={(e) => {
          e.preventDefault();
          menu.openAt(e.clientX, e.clientY);
        }}
      >
        <button
          type="button"
          className="folder-toggle"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Collapse' : 'Expand'} folder ${folder.name}`}
          onClick={() => userDoc.setFolderCollapsed(folder.id, expanded)}
          disabled={filtering}
        >
          <span className={`chevron${expanded ? ' open' : ''}`} aria-hidden="true">
            ›
          </span>
        </button>
        {renaming ? (
          <input
            className="folder-name-input"
            aria-label="Folder name"
            value={name}
            autoFocus
            maxLength={80}
            onFocus={(e) => e.currentTarget.select()}
            onChange={(e) => setName(e.target.value)}
            onBlur={commitRename}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitRename();
              if (e.key === 'Escape') {
                setName(folder.name);
                onRenameDone();
              }
            }}
          />
        ) : (
          <span className="folder-name" onDoubleClick={onRename} title={displayName(folder.name)}>
            {displayName(folder.name)}
          </span>
        )}
        <span className="folder-count" aria-label={`${pins.length} pinned`}>
          {pins.length}
        </span>
        <button
          type="button"
          className="icon-button row-menu-button"
          aria-label={`More actions for folder ${folder.name}`}
          aria-haspopup="menu"
          onClick={(e) => menu.openFromButton(e.currentTarget)}
        >
          <MoreIcon />
        </button>
      </div>
      {expanded && (
        <SortableContext
          items={pins.map((p) => pinDragId(p.sessionId))}
          strategy={verticalListSortingStrategy}
        >
          <ul className="session-list folder-pins" aria-label={`Pinned in ${folder.name}`}>
            {pins.map((p) => (
              <SortablePin key={p.sessionId} sessionId={p.sessionId} disabled={filtering} />
            ))}
            {!pins.length && <li className="empty-hint">Drag pinned sessions here</li>}
          </ul>
        </SortableContext>
      )}
      {menu.at && (
        <Menu
          x={menu.at.x}
          y={menu.at.y}
          label={`Actions for folder ${folder.name}`}
          onClose={menu.close}
          items={[
            { label: 'Rename folder', onSelect: onRename },
            { label: 'Delete folder', danger: true, onSelect: () => userDoc.deleteFolder(folder.id) },
          ]}
        />
      )}
    </div>
  );
}

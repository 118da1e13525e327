// Pinned sessions and their folders: drag to reorder, into and out of
// folders; create, rename and delete folders; filter; collapse all.
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import type { PinEntry } from '@orrery/shared';
import { useMemo, useState } from 'react';
import { useServices } from '../app/services-context.js';
import { useUi } from '../state/store.js';
import { useSessionList } from '../sync/use-session-list.js';
import { useFolders, usePins } from '../sync/use-user-doc.js';
import { FolderBlock } from './FolderBlock.js';
import { ROOT_DROP, pinDragId, placementForDrop, sessionIdOfDrag } from './pin-drop.js';
import { SortablePin } from './SortablePin.js';
import { CollapseIcon, FilterIcon, FolderPlusIcon } from '../common/icons.js';
import { displayName } from '../common/display-name.js';

// Prefer the pin under the pointer, then the folder or top level under it.
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const pin = hits.find((h) => String(h.id).startsWith('pin:'));
  if (pin) return [pin];
  if (hits.length) return hits;
  return closestCenter(args);
};

export function PinnedSection() {
  const { userDoc } = useServices();
  const pins = usePins();
  const folders = useFolders();
  const { byId } = useSessionList();
  const filterOpen = useUi((s) => s.pinnedFilterOpen);
  const filter = useUi((s) => s.pinnedFilter);
  const setFilterOpen = useUi((s) => s.setPinnedFilterOpen);
  const setFilter = useUi((s) => s.setPinnedFilter);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const needle = filter.trim().toLowerCase();
  const visible = useMemo(() => {
    if (!needle) return pins;
    return pins.filter((p) => (byId.get(p.sessionId)?.title ?? '').toLowerCase().includes(needle));
  }, [pins, needle, byId]);
  const byFolder = useMemo(() => {
    const map = new Map<string | null, PinEntry[]>();
    for (const p of visible) map.set(p.folderId, [...(map.get(p.folderId) ?? []), p]);
    return map;
  }, [visible]);
  const topLevel = byFolder.get(null) ?? [];
  const filtering = needle.length > 0;

  const { setNodeRef: setRootRef, isOver: overRoot } = useDroppable({ id: ROOT_DROP });

  function onDragEnd(event: DragEndEvent) {
    setActiveId(null);
    if (!event.over) return;
    const placement = placementForDrop(pins, String(event.active.id), String(event.over.id));
    const moving = sessionIdOfDrag(String(event.active.id));
    if (placement && moving) userDoc.movePin(moving, placement);
  }

  function newFolder() {
    const id = crypto.randomUUID();
    userDoc.createFolder(id, 'New folder');
    setRenaming(id);
  }

  const activeSession = activeId ? sessionIdOfDrag(activeId) : null;

  return (
    <section className="sidebar-section pinned" aria-labelledby="pinned-heading">
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={(e) => setActiveId(String(e.active.id))}
        onDragCancel={() => setActiveId(null)}
        onDragEnd={onDragEnd}
      >
        <div ref={setRootRef} className={`pinned-root${overRoot && activeId ? ' drop-target' : ''}`}>
          <div className="section-header">
            <h2 id="pinned-heading">Pinned</h2>
            <div className="section-tools">
              <button
                type="button"
                className="icon-button"
                title="New folder"
                aria-label="New folder"
                onClick={newFolder}
              >
                <FolderPlusIcon />
              </button>
              <button
                type="button"
                className={`icon-button${filterOpen ? ' pressed' : ''}`}
                title="Filter pinned sessions"
                aria-label="Filter pinned sessions"
                aria-pressed={filterOpen}
                onClick={() => setFilterOpen(!filterOpen)}
              >
                <FilterIcon />
              </button>
              <button
                type="button"
                className="icon-button"
                title="Collapse all folders"
                aria-label="Collapse all folders"
                onClick={() => userDoc.collapseAllFolders()}
                disabled={!folders.length}
              >
                <CollapseIcon />
              </button>
            </div>
          </div>
          {filterOpen && (
            <input
              className="pinned-filter"
              type="search"
              placeholder="Filter pinned sessions"
              aria-label="Filter pinned sessions"
              value={filter}
              autoFocus
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setFilterOpen(false)}
            />
          )}
          {!pins.length && !folders.length && (
            <p className="empty-hint">Pin a session from its ⋯ menu to keep it here.</p>
          )}
          {filtering && !visible.length && (
            <p className="empty-hint">No pinned session matches “{filter.trim()}”.</p>
          )}
          <SortableContext
            items={topLevel.map((p) => pinDragId(p.sessionId))}
            strategy={verticalListSortingStrategy}
          >
            <ul className="session-list" aria-label="Pinned sessions">
              {topLevel.map((p) => (
                <SortablePin key={p.sessionId} sessionId={p.sessionId} disabled={filtering} />
              ))}
            </ul>
          </SortableContext>
        </div>
        {folders.map((folder) => {
          const inFolder = byFolder.get(folder.id) ?? [];
          if (filtering && !inFolder.length) return null;
          return (
            <FolderBlock
              key={folder.id}
              folder={folder}
              pins={inFolder}
              // A filter shows matches inside collapsed folders too.
              expanded={filtering || !folder.collapsed}
              filtering={filtering}
              renaming={renaming === folder.id}
              onRenameDone={() => setRenaming(null)}
              onRename={() => setRenaming(folder.id)}
            />
          );
        })}
        <DragOverlay>
          {activeSession ? (
            <div className="drag-overlay">
              {displayName(byId.get(activeSession)?.title ?? '') || 'Untitled session'}
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
    </section>
  );
}

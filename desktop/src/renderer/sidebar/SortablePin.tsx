// A pinned session that can be dragged (pointer or keyboard).
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { pinDragId } from './pin-drop.js';
import { SessionRow } from './SessionRow.js';

export function SortablePin({ sessionId, disabled }: { sessionId: string; disabled: boolean }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: pinDragId(sessionId),
    disabled,
  });
  return (
    <SessionRow
      sessionId={sessionId}
      rowRef={setNodeRef}
      dragging={isDragging}
      rowProps={{
        // The row stays a list item; dnd-kit's button role would hide the link and menu inside it.
        tabIndex: attributes.tabIndex,
        'aria-describedby': attributes['aria-describedby'],
        ...listeners,
        style: { transform: CSS.Translate.toString(transform), transition },
        'aria-roledescription': 'pinned session',
      }}
    />
  );
}

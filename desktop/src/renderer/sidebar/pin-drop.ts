// Where a dragged pin lands, worked out from what it was dropped on. Pure, so
// the rules are tested without a pointer.
import type { PinEntry, PinPlacement } from '@orrery/shared';

export const ROOT_DROP = 'drop:root';
export const folderDropId = (folderId: string) => `drop:folder:${folderId}`;
export const pinDragId = (sessionId: string) => `pin:${sessionId}`;

export function sessionIdOfDrag(id: string): string | null {
  return id.startsWith('pin:') ? id.slice('pin:'.length) : null;
}

/**
 * Dropped on a folder (its header or its empty body) → the end of that folder;
 * on the top-level area → the end of the top level; on another pin → that
 * pin's folder, before it when moving up and after it when moving down.
 */
export function placementForDrop(
  pins: readonly PinEntry[],
  activeId: string,
  overId: string,
): PinPlacement | null {
  const moving = sessionIdOfDrag(activeId);
  if (!moving) return null;
  if (overId === ROOT_DROP) return { folderId: null };
  if (overId.startsWith('drop:folder:')) return { folderId: overId.slice('drop:folder:'.length) };
  const target = sessionIdOfDrag(overId);
  if (!target || target === moving) return null;
  const targetPin = pins.find((p) => p.sessionId === target);
  const movingPin = pins.find((p) => p.sessionId === moving);
  if (!targetPin || !movingPin) return null;
  const siblings = pins.filter((p) => p.folderId === targetPin.folderId);
  const targetIndex = siblings.findIndex((p) => p.sessionId === target);
  const movingIndex = siblings.findIndex((p) => p.sessionId === moving);
  const movingDown = movingIndex >= 0 && movingIndex < targetIndex;
  if (!movingDown) return { folderId: targetPin.folderId, beforeSessionId: target };
  const after = siblings.slice(targetIndex + 1).find((p) => p.sessionId !== moving);
  return { folderId: targetPin.folderId, beforeSessionId: after?.sessionId ?? null };
}

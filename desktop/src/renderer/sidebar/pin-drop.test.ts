import type { PinEntry } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import { ROOT_DROP, folderDropId, pinDragId, placementForDrop } from './pin-drop.js';

const pins: PinEntry[] = [
  { sessionId: 'a', folderId: null, order: 'a0' },
  { sessionId: 'b', folderId: null, order: 'a1' },
  { sessionId: 'c', folderId: null, order: 'a2' },
  { sessionId: 'd', folderId: 'f1', order: 'a0' },
];

describe('placementForDrop', () => {
  it('puts a pin dropped on a folder at the end of that folder', () => {
    expect(placementForDrop(pins, pinDragId('a'), folderDropId('f1'))).toEqual({ folderId: 'f1' });
  });

  it('takes a pin out of its folder when dropped on the top level', () => {
    expect(placementForDrop(pins, pinDragId('d'), ROOT_DROP)).toEqual({ folderId: null });
  });

  it('places a pin moved up before the pin it was dropped on', () => {
    expect(placementForDrop(pins, pinDragId('c'), pinDragId('a'))).toEqual({
      folderId: null,
      beforeSessionId: 'a',
    });
  });

  it('places a pin moved down after the pin it was dropped on', () => {
    expect(placementForDrop(pins, pinDragId('a'), pinDragId('b'))).toEqual({
      folderId: null,
      beforeSessionId: 'c',
    });
    expect(placementForDrop(pins, pinDragId('a'), pinDragId('c'))).toEqual({
      folderId: null,
      beforeSessionId: null,
    });
  });

  it('moves a pin into the folder of the pin it was dropped on', () => {
    expect(placementForDrop(pins, pinDragId('b'), pinDragId('d'))).toEqual({
      folderId: 'f1',
      beforeSessionId: 'd',
    });
  });

  it('ignores a drop on itself or on nothing it knows', () => {
    expect(placementForDrop(pins, pinDragId('a'), pinDragId('a'))).toBeNull();
    expect(placementForDrop(pins, pinDragId('a'), pinDragId('zzz'))).toBeNull();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, placeWindow, saveWindowState } from './window-state.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };
const monitor = { x: 1440, y: 0, width: 2560, height: 1440 };

describe('the window’s size and position', () => {
  it('come back as they were saved', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-win-'));
    try {
      const file = path.join(dir, 'window.json');
      saveWindowState(file, { x: 1600, y: 100, width: 1800, height: 1000, maximized: false });
      const placed = placeWindow(loadWindowState(file), [laptop, monitor], laptop);
      expect(placed).toEqual({ x: 1600, y: 100, width: 1800, height: 1000, maximized: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('move back to the primary display when the saved one is gone', () => {
    const placed = placeWindow(
      { x: 1600, y: 100, width: 1800, height: 1000, maximized: true },
      [laptop],
      laptop,
    );
    expect(placed).toEqual({ x: 80, y: 50, width: 1280, height: 800, maximized: false });
  });

  it('ignore a damaged state file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-win-'));
    try {
      const file = path.join(dir, 'window.json');
      writeFileSync(file, '{"x": "left"');
      expect(loadWindowState(file)).toBeNull();
      expect(placeWindow(null, [laptop], laptop).width).toBe(1280);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

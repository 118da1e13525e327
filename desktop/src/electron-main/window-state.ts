// Remembers the main window's size and position between launches, and puts
// it back on a visible display when the screen layout changed meanwhile.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_SIZE = { width: 1280, height: 800 };

export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = WindowState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  writeFileSync(file, JSON.stringify(state));
}

/**
 * Where the window opens: the saved bounds when at least a corner of the title
 * bar is on a display, otherwise the default size centred on the primary display.
 */
export function placeWindow(
  saved: WindowState | null,
  displays: readonly Rect[],
  primary: Rect,
): Rect & { maximized: boolean } {
  if (saved && displays.some((d) => titleBarVisible(saved, d))) {
    const display = displays.find((d) => titleBarVisible(saved, d)) ?? primary;
    return {
      x: saved.x,
      y: saved.y,
      width: Math.min(saved.width, display.width),
      height: Math.min(saved.height, display.height),
      maximized: saved.maximized,
    };
  }
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
    maximized: false,
  };
}

function titleBarVisible(w: Rect, d: Rect): boolean {
  // The top 30 px strip of the window, at least 100 px of it on the display.
  const left = Math.max(w.x, d.x);
  const right = Math.min(w.x + w.width, d.x + d.width);
  return right - left >= 100 && w.y >= d.y && w.y + 30 <= d.y + d.height;
}

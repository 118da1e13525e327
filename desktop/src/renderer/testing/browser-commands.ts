// The Node-side commands of desktop/src/testing-node/browser-commands.ts, typed
// for the tests that call them from Chromium.
import { commands } from 'vitest/browser';
import type { browserCommands, BrowserWatch, ServedFile } from '../../testing-node/browser-commands.js';

type Commands = typeof browserCommands;
type Call<K extends keyof Commands> = Commands[K] extends (ctx: never, ...args: infer A) => infer R
  ? (...args: A) => R
  : never;

const typed = commands as unknown as { [K in keyof Commands]: Call<K> };

export type { BrowserWatch, ServedFile };
export type { OrreryServer } from '../../testing-node/orrery-server.js';
export const startLoopbackServer = typed.startLoopbackServer;
export const loopbackRequests = typed.loopbackRequests;
export const stopLoopbackServer = typed.stopLoopbackServer;
export const watchBrowser = typed.watchBrowser;
export const watchedBrowser = typed.watchedBrowser;
export const startOrreryServer = typed.startOrreryServer;
export const stopOrreryServer = typed.stopOrreryServer;

/** Base64 of a string's UTF-8 bytes, for ServedFile.body. */
export function base64(text: string | Uint8Array): string {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return btoa(String.fromCharCode(...bytes));
}

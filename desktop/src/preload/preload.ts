// The preload: exposes exactly one object, `window.orrery`, that satisfies the
// typed IPC contract. Nothing else of Electron or Node reaches the page.
import type { DesktopBridge } from '@orrery/shared';
import { IPC_CHANNELS, IPC_EVENTS } from '@orrery/shared/ipc-channels';
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const channels = new Set<string>(IPC_CHANNELS);
const events = new Set<string>(IPC_EVENTS);

const bridge: DesktopBridge = {
  invoke: (channel, ...args) => {
    if (!channels.has(channel)) return Promise.reject(new Error(`There is no IPC channel "${channel}".`));
    return ipcRenderer.invoke(channel, ...args) as never;
  },
  on: (event, listener) => {
    if (!events.has(event)) throw new Error(`There is no IPC event "${event}".`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(event, wrapped);
    return () => void ipcRenderer.off(event, wrapped);
  },
  platform: process.platform,
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('orrery', bridge);

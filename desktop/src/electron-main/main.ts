// The Electron main process: windows, menu, deep links, notifications and
// the IPC relay to the local store. It stays thin; the logic lives in the
// modules beside it, which are tested under Node.
import { IpcArgs, sessionIdFromLink, type IpcEvents } from '@orrery/shared';
import {
  BrowserWindow,
  Notification,
  app,
  Menu,
  ipcMain,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import path from 'node:path';
import { AccountStores } from './account-stores.js';
import { APP_ORIGIN, APP_SCHEME, serveAppRequest } from './app-protocol.js';
import { CredentialVault } from './credential-vault.js';
import { createIpcHandlers } from './ipc-handlers.js';
import { buildMenu } from './menu.js';
import { installPermissionPolicy } from './permissions.js';
import { loadWindowState, placeWindow, saveWindowState } from './window-state.js';

const here = __dirname;
const rendererDir = path.join(here, '..', 'renderer');
const preloadPath = path.join(here, '..', 'preload', 'preload.cjs');
const log = (message: string, fields?: Record<string, unknown>) =>
  console.log(`[orrery] ${message}`, fields ?? '');

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
]);

let mainWindow: BrowserWindow | null = null;
let pendingSession: string | null = sessionFromArgv(process.argv);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    const id = sessionFromArgv(argv);
    focusWindow();
    if (id) openSession(id);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const id = sessionIdFromLink(url);
    if (id) openSession(id);
  });
  app.setAsDefaultProtocolClient('orrery');
  app.whenReady().then(start, (error: unknown) => log('could not start', { error: String(error) }));
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const stores = new AccountStores(path.join(userData, 'accounts'), log);
  const vault = new CredentialVault(path.join(userData, 'credentials.bin'), {
    isAvailable: () => safeStorage.isEncryptionAvailable(),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  });
  const handle = createIpcHandlers({
    stores,
    vault,
    openExternal: (url) => shell.openExternal(url),
    notify: (request) => {
      const n = new Notification({ title: request.title, body: request.body });
      n.on('click', () => {
        focusWindow();
        if (request.sessionId) openSession(request.sessionId);
      });
      n.show();
    },
  });
  for (const channel of Object.keys(IpcArgs)) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      // Only our own renderer may use the store, never a page it navigated to.
      if (!event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`))
        throw new Error('IPC refused: unknown sender');
      return handle(channel, args);
    });
  }
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request.url));
  installPermissionPolicy(session.defaultSession);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!BrowserWindow.getAllWindows().length) createWindow(userData);
  });
  app.on('will-quit', () => stores.closeAll());
  Menu.setApplicationMenu(
    buildMenu({
      isMac: process.platform === 'darwin',
      appName: app.name,
      newSession: () => {
        focusWindow();
        send('app:new-session', null);
      },
    }),
  );
  createWindow(userData);
}

function createWindow(userData: string): void {
  const stateFile = path.join(userData, 'window-state.json');
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const placed = placeWindow(loadWindowState(stateFile), displays, screen.getPrimaryDisplay().workArea);
  const win = new BrowserWindow({
    ...placed,
    minWidth: 400,
    minHeight: 300,
    title: 'Orrery',
    show: false,
    webPreferences: { preload: preloadPath, contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  mainWindow = win;
  if (placed.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    saveWindowState(stateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('resize', remember);
  win.on('move', remember);
  win.on('close', remember);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // Links leave the app for the browser; the window itself never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  win.webContents.once('did-finish-load', () => {
    if (pendingSession) openSession(pendingSession);
  });
  void win.loadURL(`${APP_ORIGIN}/`);
}

function openSession(id: string): void {
  pendingSession = id;
  if (!mainWindow || mainWindow.webContents.isLoading()) return;
  send('app:open-session', id);
  pendingSession = null;
}

function send<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void {
  mainWindow?.webContents.send(event, payload);
}

function focusWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function sessionFromArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const id = sessionIdFromLink(arg);
    if (id) return id;
  }
  return null;
}

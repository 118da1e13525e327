// The application menu: the usual roles (so the usual shortcuts work on every
// platform) plus the app's own entries.
import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

export function buildMenu(options: { isMac: boolean; appName: string; newSession: () => void }): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(options.isMac ? [{ label: options.appName, role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Session', accelerator: 'CmdOrCtrl+N', click: () => options.newSession() },
        { type: 'separator' },
        options.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Using Sessions',
          click: () => void shell.openExternal('https://github.com/orrery-dev/orrery#readme'),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

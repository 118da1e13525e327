// Which web permissions the renderer may have. Electron grants every
// permission a page asks for unless the app says otherwise, so a page that
// got into the window (or a frame inside it) could reach the camera, the
// microphone, the location or other apps' protocols. The app itself only
// copies share links to the clipboard; everything else is refused.
import { APP_ORIGIN } from './app-protocol.js';

/** The permissions the renderer uses, and what for. */
export const USED_PERMISSIONS: ReadonlySet<string> = new Set([
  // ShareDialog copies a session's link with navigator.clipboard.writeText.
  'clipboard-sanitized-write',
]);

/** True when the app's own page asks for a permission it uses. */
export function allowsPermission(permission: string, requester: string | undefined): boolean {
  return USED_PERMISSIONS.has(permission) && isAppPage(requester);
}

// Requests name the page's URL, checks its origin; both must be the app's.
function isAppPage(requester: string | undefined): boolean {
  return requester === APP_ORIGIN || (requester?.startsWith(`${APP_ORIGIN}/`) ?? false);
}

/** The parts of Electron's Session the policy is installed on. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void;
  setDevicePermissionHandler(handler: () => boolean): void;
}

/** Installs the policy on a session: requests and checks alike, and no USB, HID or serial devices. */
export function installPermissionPolicy(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowsPermission(permission, details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowsPermission(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
}

// A page that got into the app's window asks for what a web page may ask a
// browser for: the camera, the location, notifications, other apps'
// protocols. The app refuses all of it; only its own page may copy to the
// clipboard, which the share dialog uses.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from './app-protocol.js';
import { allowsPermission, installPermissionPolicy, type PermissionSession } from './permissions.js';

// Every permission Electron 39 names in its request and check handlers.
const ELECTRON_PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'deprecated-sync-clipboard-read',
  'display-capture',
  'fileSystem',
  'fullscreen',
  'geolocation',
  'hid',
  'idle-detection',
  'keyboardLock',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'openExternal',
  'pointerLock',
  'serial',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'unknown',
  'usb',
  'window-management',
];

/** Installs the policy and keeps the handlers Electron would call. */
function installed() {
  const handlers: {
    request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0];
    check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0];
    device?: () => boolean;
  } = {};
  installPermissionPolicy({
    setPermissionRequestHandler: (h) => (handlers.request = h),
    setPermissionCheckHandler: (h) => (handlers.check = h),
    setDevicePermissionHandler: (h) => (handlers.device = h),
  });
  const request = (permission: string, requestingUrl: string) => {
    let answer: boolean | undefined;
    handlers.request!(null, permission, (granted) => (answer = granted), { requestingUrl });
    return answer;
  };
  return { request, check: handlers.check!, device: handlers.device! };
}

describe('web permissions in the desktop app', () => {
  it('refuses everything the app does not use, even to its own page', () => {
    const { request, check } = installed();
    for (const permission of ELECTRON_PERMISSIONS.filter((p) => p !== 'clipboard-sanitized-write')) {
      expect(request(permission, `${APP_ORIGIN}/`), permission).toBe(false);
      expect(check(null, permission, APP_ORIGIN), permission).toBe(false);
    }
  });

  it('refuses the camera, the location and other apps to a page the window was led to', () => {
    const { request, check } = installed();
    for (const url of ['https://attacker.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd']) {
      for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
        expect(request(permission, url)).toBe(false);
        expect(check(null, permission, new URL(url).origin)).toBe(false);
      }
    }
  });

  it('lets only the app itself copy to the clipboard', () => {
    const { request, check } = installed();
    expect(request('clipboard-sanitized-write', `${APP_ORIGIN}/#/session/abc`)).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', APP_ORIGIN)).toBe(true);
    expect(request('clipboard-sanitized-write', 'https://attacker.example/')).toBe(false);
    expect(request('clipboard-sanitized-write', `${APP_ORIGIN}.attacker.example/`)).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'https://attacker.example')).toBe(false);
    expect(allowsPermission('clipboard-read', `${APP_ORIGIN}/`)).toBe(false);
  });

  it('never hands a USB, HID or serial device to a page', () => {
    expect(installed().device()).toBe(false);
  });
});

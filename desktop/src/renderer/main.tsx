// The composition root: picks the platform the host provides. Inside the
// desktop app the preload exposes its bridge as `window.orrery` and everything
// is stored by the main process; in a browser (the web fallback) the browser's
// storage is used, the server that served the page is the default address,
// and a service worker keeps the app itself for offline use.
import type { DesktopBridge } from '@orrery/shared';
import { createElectronPlatform } from '../platform/electron/electron-platform.js';
import { keepAppForOffline } from '../platform/web/offline-shell.js';
import { createWebPlatform } from '../platform/web/web-platform.js';
import { loadPages } from './app/lazy-pages.js';
import { navigate } from './app/router.js';
import { loadHighlighter } from './common/highlight.js';
import { bootstrap } from './bootstrap.js';

// Every module has been evaluated by now (the start-up benchmark reads this).
performance.mark('orrery:modules-evaluated');

const bridge = (window as Window & { orrery?: DesktopBridge }).orrery;
if (bridge) {
  const platform = createElectronPlatform(bridge);
  platform.onOpenSession((id) => navigate({ name: 'session', id }));
  platform.onNewSession(() => navigate({ name: 'home' }));
  bootstrap(platform);
} else {
  const servedFromServer = location.protocol === 'http:' || location.protocol === 'https:';
  bootstrap(createWebPlatform(), { defaultServerUrl: servedFromServer ? location.origin : '' });
  // Keep the app itself on this device once it has started (production builds only).
  if (import.meta.env.PROD) {
    window.addEventListener('load', () => {
      setTimeout(
        () =>
          void keepAppForOffline([loadPages, loadHighlighter]).catch((error: unknown) =>
            console.warn('Offline copy of the app not kept:', error),
          ),
        2_000,
      );
    });
  }
}

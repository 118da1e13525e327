// The web entry (the composition root of the web fallback): the browser's
// platform, and the server that served this page as the default address.
import { keepAppForOffline } from '../platform/web/offline-shell.js';
import { createWebPlatform } from '../platform/web/web-platform.js';
import { bootstrap } from './bootstrap.js';

// Every module has been evaluated by now (the start-up benchmark reads this).
performance.mark('orrery:modules-evaluated');

const servedFromServer = location.protocol === 'http:' || location.protocol === 'https:';
bootstrap(createWebPlatform(), { defaultServerUrl: servedFromServer ? location.origin : '' });

// Keep the app itself on this device once it has started (production builds only).
if (import.meta.env.PROD) {
  window.addEventListener('load', () => {
    setTimeout(
      () =>
        void keepAppForOffline().catch((error: unknown) =>
          console.warn('Offline copy of the app not kept:', error),
        ),
      2_000,
    );
  });
}

// The web entry (the composition root of the web fallback): the browser's
// platform, and the server that served this page as the default address.
import { createWebPlatform } from '../platform/web/web-platform.js';
import { bootstrap } from './bootstrap.js';

// Every module has been evaluated by now (the start-up benchmark reads this).
performance.mark('orrery:modules-evaluated');

const servedFromServer = location.protocol === 'http:' || location.protocol === 'https:';
bootstrap(createWebPlatform(), { defaultServerUrl: servedFromServer ? location.origin : '' });

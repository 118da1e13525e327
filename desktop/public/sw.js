// The web app's service worker: keeps the app itself (the page and its
// hashed assets) on this device, so the app still opens while the server is
// unreachable. Data is not its business: documents and the session list live
// in IndexedDB, and the API and sync socket always go to the network.
/* global self, caches, Response */
const CACHE = 'orrery-app-v1';
const INDEX = '/index.html';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.add(INDEX))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync') || url.pathname === '/healthz')
    return;

  if (request.mode === 'navigate') {
    // The page: fresh when the server answers, the kept copy when it does not.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put(INDEX, copy));
          }
          return response;
        })
        .catch(() => caches.match(INDEX).then((hit) => hit ?? Response.error())),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change content: the kept copy is always right.
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});

// The page tells which assets it uses; older builds' entry files and styles
// are dropped (chunks loaded on demand are kept: the page may not have needed them yet).
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'keep-assets' || !Array.isArray(data.urls)) return;
  const keep = new Set(data.urls);
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await Promise.all(
        data.urls.map((u) => cache.match(u).then((hit) => hit ?? cache.add(u).catch(() => undefined))),
      );
      for (const request of await cache.keys()) {
        const path = new URL(request.url).pathname;
        const entry = /^\/assets\/index-[\w-]+\.(js|css)$/.test(path);
        if (entry && !keep.has(path)) {
          await cache.delete(request);
        }
      }
    }),
  );
});

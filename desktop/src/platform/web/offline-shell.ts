// Registers the service worker that keeps the web app on this device (the
// desktop app has its files locally and does not need it), and tells it which
// assets this build uses: those loaded before it took control and the chunks
// loaded on demand, which are loaded first for that.
export async function keepAppForOffline(warmUps: (() => Promise<unknown>)[] = []): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  // Code loaded on demand is loaded now, so it is among the assets kept.
  await Promise.all(warmUps.map((load) => load().catch(() => undefined)));
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  const worker = navigator.serviceWorker.controller ?? registration.active;
  const urls = [
    ...new Set(
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name))
        .filter((u) => u.origin === location.origin && u.pathname.startsWith('/assets/'))
        .map((u) => u.pathname),
    ),
    ...[
      ...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>(
        'script[src], link[rel="stylesheet"], link[rel="modulepreload"]',
      ),
    ]
      .map((el) => new URL('src' in el && el.src ? el.src : (el as HTMLLinkElement).href))
      .filter((u) => u.origin === location.origin && u.pathname.startsWith('/assets/'))
      .map((u) => u.pathname),
  ];
  worker?.postMessage({ type: 'keep-assets', urls: [...new Set(urls)] });
}

// Registers the service worker that keeps the web app on this device (the
// desktop app has its files locally and does not need it), and tells it which
// assets this build uses, including those loaded before it took control.
export async function keepAppForOffline(): Promise<void> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
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

// Security headers on every response of the web server: the web app's pages
// and assets get the app's content security policy, everything else (the API,
// health checks, errors) a policy that allows nothing. A header a route set
// itself (an attachment's sandbox policy) is kept.
//
// The policy for the app matches the meta policy in desktop/index.html but is
// tighter where the server knows more: the app served from here talks to this
// server only, so sockets and requests go to the same origin.
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const SHARED = {
  referrerPolicy: 'no-referrer',
  xContentTypeOptions: true,
  xFrameOptions: 'DENY',
  // Plain HTTP on loopback by default; HSTS belongs to whoever terminates TLS.
  strictTransportSecurity: false,
  // Nothing the app uses; copying text to the clipboard stays allowed.
  permissionsPolicy: {
    accelerometer: false,
    autoplay: false,
    bluetooth: false,
    camera: false,
    displayCapture: false,
    geolocation: false,
    gyroscope: false,
    hid: false,
    magnetometer: false,
    microphone: false,
    midi: false,
    payment: false,
    publickeyCredentialsGet: false,
    serial: false,
    usb: false,
    xrSpatialTracking: false,
    browsingTopics: false,
  },
  overwrite: false,
} as const;

/** ws:// and wss:// to the host the page was loaded from ('self' alone misses sockets in older browsers). */
const sameOriginSockets = (c: Context): string => {
  const host = new URL(c.req.url).host;
  return /^[a-z0-9.-]+(:\d+)?$|^\[[0-9a-f:.]+\](:\d+)?$/i.test(host) ? `ws://${host} wss://${host}` : '';
};

const webAppHeaders = secureHeaders({
  ...SHARED,
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", sameOriginSockets],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  },
});

const apiHeaders = secureHeaders({
  ...SHARED,
  // The desktop app reads API answers from its own app:// origin.
  crossOriginResourcePolicy: false,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'none'"],
  },
});

/** The app's policy for its pages and assets; the allow-nothing one for the API and health checks. */
export const securityHeaders: MiddlewareHandler = (c, next) =>
  c.req.path.startsWith('/api/') || c.req.path === '/healthz' ? apiHeaders(c, next) : webAppHeaders(c, next);

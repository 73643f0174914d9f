// Registers the studio's service worker (builds only) and reports whether this page is controlled by it.

/**
 * Defined as true by the service worker's Vite plugin in builds (where sw.js exists); undefined under the dev
 * server and in tests. Not import.meta.env.PROD: that follows NODE_ENV, which a build run from a test runner has as 'test'.
 */
declare const __SIGHTLINE_SW__: boolean | undefined;

/** What the UI may show about offline support. */
export interface ShellStatus {
  /** The browser supports service workers here (secure context). */
  supported: boolean;
  /** A service worker controls this page: a reload works without the gateway. */
  controlled: boolean;
  /** The browser believes it has network access (navigator.onLine). */
  online: boolean;
}

export function shellStatus(): ShellStatus {
  const supported = typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
  return {
    supported,
    controlled: supported && navigator.serviceWorker.controller !== null,
    online: typeof navigator === 'undefined' ? true : navigator.onLine,
  };
}

/**
 * Registers /sw.js (relative to the page's base URL) once the page has loaded; resolves to the registration, or
 * null under the dev server, where unsupported, or when registration fails (the studio then works online only).
 */
export async function registerServiceWorker(scriptUrl = `${import.meta.env.BASE_URL}sw.js`): Promise<ServiceWorkerRegistration | null> {
  if (typeof __SIGHTLINE_SW__ === 'undefined' || !__SIGHTLINE_SW__ || !shellStatus().supported) return null;
  if (document.readyState !== 'complete') await new Promise((r) => window.addEventListener('load', r, { once: true }));
  try {
    return await navigator.serviceWorker.register(scriptUrl);
  } catch (e) {
    console.warn('service worker registration failed; offline reloads will not work', e);
    return null;
  }
}

/** Calls back when the page's control by a service worker, or the network state, changes. */
export function onShellStatus(listener: (s: ShellStatus) => void): () => void {
  const fire = () => listener(shellStatus());
  const sw = shellStatus().supported ? navigator.serviceWorker : null;
  sw?.addEventListener('controllerchange', fire);
  window.addEventListener('online', fire);
  window.addEventListener('offline', fire);
  return () => {
    sw?.removeEventListener('controllerchange', fire);
    window.removeEventListener('online', fire);
    window.removeEventListener('offline', fire);
  };
}

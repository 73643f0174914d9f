// The studio's service worker: keeps the app shell available offline so a reload without the gateway still opens
// the studio over its stored samples. Built to /sw.js by vite-plugin.ts, with precache.json listing the build.
//
// Strategy: on install, precache everything precache.json lists (the hashed build output) plus the page itself,
// in a cache named after the build (the plugin writes the build's version into this file, so every new build is a
// new service worker that the browser installs, activates at once and uses to delete the old build's cache).
// Page navigations go to the network first and fall back to the cached shell; the build's files are served
// cache-first (their names carry content hashes, so a cached copy is never stale). Everything else (the gateway
// API, the stream, /metrics, non-GET and cross-origin requests) is never touched.
declare const self: ServiceWorkerGlobalScope;
// A module for the type checker (so `self` above is local); the build emits no export statement for it.
export {};

const CACHE_PREFIX = 'sightline-shell-';
/** Replaced by vite-plugin.ts with a hash of the build's file names; stays as is in development. */
const BUILD_VERSION = '__SIGHTLINE_BUILD_VERSION__';
const CACHE_NAME = CACHE_PREFIX + BUILD_VERSION;
/** How long a navigation waits for the network before the cached shell is served. */
const NAVIGATION_TIMEOUT_MS = 4000;

interface Precache {
  version: string;
  files: string[];
}

/** The scope's base path ('/' or a sub-path ending in '/' when the studio is served below one). */
function base(): string {
  return new URL(self.registration.scope).pathname;
}

/** The request's path relative to the scope ('index.html', 'assets/x.js'), or null outside it. */
function relative(url: URL): string | null {
  const b = base();
  return url.pathname.startsWith(b) ? url.pathname.slice(b.length) : null;
}

/** Files of this build, relative to the scope (filled on install, or lazily after a restart of the worker). */
let buildFiles: Promise<Set<string>> | null = null;

async function readPrecache(): Promise<Precache> {
  const res = await fetch(new URL('precache.json', self.registration.scope), { cache: 'no-store' });
  if (!res.ok) throw new Error(`precache.json: HTTP ${res.status}`);
  return (await res.json()) as Precache;
}

function files(): Promise<Set<string>> {
  buildFiles ??= (async () => {
    // After the worker restarts offline, the cache itself says what was precached.
    const cache = await caches.open(CACHE_NAME);
    const out = new Set<string>();
    for (const req of await cache.keys()) {
      const rel = relative(new URL(req.url));
      if (rel) out.add(rel);
    }
    return out;
  })();
  return buildFiles;
}

/** Whether a GET is one of the build's files (served from the cache). */
async function isBuildFile(url: URL): Promise<boolean> {
  const rel = relative(url);
  if (rel === null || rel === '' || rel === 'sw.js' || rel === 'precache.json') return false;
  return rel.startsWith('assets/') || (await files()).has(rel);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      // Failing here (offline, or a build without precache.json) leaves the previous worker in charge.
      const pre = await readPrecache();
      const cache = await caches.open(CACHE_NAME);
      const scope = self.registration.scope;
      await cache.addAll([scope, ...pre.files.map((f) => new URL(f, scope).href)]);
      buildFiles = Promise.resolve(new Set(pre.files));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function navigate(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const res = await Promise.race([
      fetch(request),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('navigation timed out')), NAVIGATION_TIMEOUT_MS))),
    ]);
    // Only the page itself is the shell; other navigations (a client-side route) get the same page from the server.
    if (res.ok && res.headers.get('content-type')?.includes('text/html')) await cache.put(self.registration.scope, res.clone());
    return res;
  } catch {
    const shell = await cache.match(self.registration.scope);
    return shell ?? new Response('Sightline is offline and its page is not cached yet.', { status: 503, headers: { 'content-type': 'text/plain' } });
  } finally {
    clearTimeout(timer);
  }
}

async function buildFile(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.type === 'basic') await cache.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    const rel = relative(url);
    // The API's own pages (and anything outside the scope) are not the studio.
    if (rel !== null && !rel.startsWith('api/') && rel !== 'metrics') event.respondWith(navigate(request));
    return;
  }
  // Decided synchronously for the common cases, so the API and the stream never wait for the worker.
  const rel = relative(url);
  if (rel === null || rel.startsWith('api/') || !(rel.startsWith('assets/') || /\.[A-Za-z0-9]+$/.test(rel))) return;
  event.respondWith(
    isBuildFile(url).then((mine) => (mine ? buildFile(request) : fetch(request))),
  );
});

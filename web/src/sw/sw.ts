// The studio's service worker: keeps the app shell available offline so a reload without the gateway still opens
// the studio over its stored samples. Built to /sw.js by vite-plugin.ts, with precache.json listing the build.
//
// Strategy: on install, precache everything precache.json lists (the hashed build output) plus the page itself;
// page navigations go to the network first and fall back to the cached shell; other same-origin GETs are served
// cache-first (build assets are content-hashed, so a cached copy is never stale) and cached when fetched. The
// gateway API (/api/), the stream and every non-GET or cross-origin request are never touched.
declare const self: ServiceWorkerGlobalScope;
// A module for the type checker (so `self` above is local); the build emits no export statement for it.
export {};

const CACHE_PREFIX = 'sightline-shell-';
/** How long a navigation waits for the network before the cached shell is served. */
const NAVIGATION_TIMEOUT_MS = 4000;

interface Precache {
  version: string;
  files: string[];
}

/** The scope's base path ('/' or a sub-path when the studio is served below one). */
function base(): string {
  return new URL(self.registration.scope).pathname;
}

function bypass(url: URL, request: Request): boolean {
  if (request.method !== 'GET' || url.origin !== self.location.origin) return true;
  const path = url.pathname.slice(base().length - 1);
  return path.startsWith('/api/') || path === '/sw.js' || path === '/precache.json' || path === '/metrics';
}

async function readPrecache(): Promise<Precache> {
  try {
    const res = await fetch(new URL('precache.json', self.registration.scope), { cache: 'no-store' });
    if (res.ok) return (await res.json()) as Precache;
  } catch {
    // Offline during install, or a dev server without the plugin: cache at runtime only.
  }
  return { version: 'runtime', files: [] };
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const pre = await readPrecache();
      const cache = await caches.open(CACHE_PREFIX + pre.version);
      const scope = self.registration.scope;
      await cache.addAll([scope, ...pre.files.map((f) => new URL(f, scope).href)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const pre = await readPrecache();
      const keep = CACHE_PREFIX + pre.version;
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== keep && pre.version !== 'runtime') await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

/** The newest shell cache (the one install filled last). */
async function shellCache(): Promise<Cache> {
  const names = (await caches.keys()).filter((n) => n.startsWith(CACHE_PREFIX));
  return caches.open(names[names.length - 1] ?? CACHE_PREFIX + 'runtime');
}

async function navigate(request: Request): Promise<Response> {
  const cache = await shellCache();
  try {
    const res = await Promise.race([
      fetch(request),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('navigation timed out')), NAVIGATION_TIMEOUT_MS)),
    ]);
    if (res.ok) await cache.put(self.registration.scope, res.clone());
    return res;
  } catch {
    const shell = await cache.match(self.registration.scope);
    return shell ?? new Response('Sightline is offline and its page is not cached yet.', { status: 503, headers: { 'content-type': 'text/plain' } });
  }
}

async function asset(request: Request): Promise<Response> {
  const cache = await shellCache();
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.type === 'basic') await cache.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (bypass(url, event.request)) return;
  event.respondWith(event.request.mode === 'navigate' ? navigate(event.request) : asset(event.request));
});

// Vite plugin for the studio build: emits the service worker (sw.ts) as /sw.js and precache.json listing every
// file of the build, so the worker can cache the whole app shell on install. vite.config.ts adds it.
import type { Plugin } from 'vite';

/** The placeholder in sw.ts that becomes the build's version. */
const VERSION_PLACEHOLDER = '__SIGHTLINE_BUILD_VERSION__';

/** A short hash of the build's file names (they carry content hashes, so it changes whenever the build does). */
export function buildVersion(files: readonly string[]): string {
  let h = 0;
  for (const f of files) {
    for (let i = 0; i < f.length; i++) h = (Math.imul(h, 31) + f.charCodeAt(i)) >>> 0;
    h = (Math.imul(h, 31) + 10) >>> 0;
  }
  return h.toString(36);
}

/** Builds web/src/sw/sw.ts into dist/web/sw.js (stamped with the build's version) and writes dist/web/precache.json. */
export function sightlineServiceWorker(): Plugin {
  const entry = decodeURIComponent(new URL('./sw.ts', import.meta.url).pathname);
  return {
    name: 'sightline-service-worker',
    apply: 'build',
    // After Vite's own plugins, so the HTML page is already in the bundle when the list is made.
    enforce: 'post',
    // Tells register.ts (in the page's bundle) that this build has a service worker to register.
    config() {
      return { define: { __SIGHTLINE_SW__: 'true' } };
    },
    buildStart() {
      this.emitFile({ type: 'chunk', id: entry, fileName: 'sw.js' });
    },
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
        .sort();
      const version = buildVersion(files);
      // A new build must be a byte-different sw.js: that is what makes the browser install the new worker.
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk' || !sw.code.includes(VERSION_PLACEHOLDER)) this.error('sw.js was not built from sw.ts');
      sw.code = sw.code.replaceAll(VERSION_PLACEHOLDER, version);
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify({ version, files }) });
    },
  };
}

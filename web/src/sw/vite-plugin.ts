// Vite plugin for the studio build: emits the service worker (sw.ts) as /sw.js and precache.json listing every
// file of the build, so the worker can cache the whole app shell on install. Add it to vite.config.ts's plugins.
import type { Plugin } from 'vite';

/** Builds web/src/sw/sw.ts into dist/web/sw.js and writes dist/web/precache.json. */
export function sightlineServiceWorker(): Plugin {
  const entry = decodeURIComponent(new URL('./sw.ts', import.meta.url).pathname);
  return {
    name: 'sightline-service-worker',
    apply: 'build',
    // After Vite's own plugins, so the HTML page is already in the bundle when the list is made.
    enforce: 'post',
    buildStart() {
      this.emitFile({ type: 'chunk', id: entry, fileName: 'sw.js' });
    },
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => f !== 'sw.js' && !f.endsWith('.map'))
        .sort();
      // The version changes whenever any output name does (names carry content hashes).
      let h = 0;
      for (const f of files) for (let i = 0; i < f.length; i++) h = (Math.imul(h, 31) + f.charCodeAt(i)) >>> 0;
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify({ version: h.toString(36), files }) });
    },
  };
}

// One Vite config for the studio build (web/) and for vitest across all folders.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { sightlineServiceWorker } from './web/src/sw/vite-plugin.ts';

export default defineConfig({
  root: 'web',
  publicDir: 'public',
  // The service worker plugin applies to builds only (dev and vitest run without it).
  plugins: [svelte(), sightlineServiceWorker()],
  build: { outDir: '../dist/web', emptyOutDir: true },
  // The studio's data worker is an ES module (new Worker(url, { type: 'module' })).
  worker: { format: 'es' },
  test: {
    root: '.',
    include: ['shared/**/*.test.ts', 'gateway/**/*.test.ts', 'web/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/promqltest/**/*.test.ts', 'test/openmetrics/**/*.test.ts', 'test/compliance/**/*.test.ts'],
    testTimeout: 20_000,
  },
});

// vitest config for the workerd suite: the Worker under `wrangler dev` on 127.0.0.1, one wrangler at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['test/workerd/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

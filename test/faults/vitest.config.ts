// vitest config for the fault suite: the gateway as a real process on 127.0.0.1, crashed, restarted and starved; one file at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 60_000,
    // The webhook outage is 2 minutes when SIGHTLINE_FAULTS_FULL=1 (npm run bench:faults).
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

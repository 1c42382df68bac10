import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Model parity tests run real forwards; 2-core CI machines need room.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The count reporter prints the `N passed, N failed` line that CI reads.
    reporters: ['default', './test/support/count-reporter.ts'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native bridge crashes in worker threads; forks are required.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
  },
});

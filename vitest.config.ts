import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native bridge crashes in worker threads; forks are required.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // The cluster drill needs the production cluster's binaries and root for its hosts: `npm run drill`.
    exclude: [...configDefaults.exclude, ...(process.env.CRUCIBLE_DRILL === '1' ? [] : ['test/cluster/**'])],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
  },
});

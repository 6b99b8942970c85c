import { defineConfig } from 'vitest/config';

// Test tiers. `npm test` runs all of them; `vitest run --project <name>` runs one.
//   unit         pure logic, scripted FakeRunner, no processes, no network
//   integration  real helm, real PostgreSQL (TEST_DATABASE_URL, else started for the run), PGlite
//   browser      the chat UI's production build in Debian's Chromium, against the real API
//   e2e          a real kube-apiserver with controllers and KWOK (started if not running)
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['cli/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'apps/*/test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['apps/web/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['apps/web/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/cluster/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

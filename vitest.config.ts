import { defineConfig } from 'vitest/config';

// One runner for unit, integration and browser (Chromium) tests. Heavy suites share
// two cores with everything else, so files run in forks with a generous timeout.
export default defineConfig({
  test: {
    include: ['bench/**/*.test.ts', 'app/**/*.test.ts', 'main/**/*.test.ts', 'models/**/*.test.ts', 'tests/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});

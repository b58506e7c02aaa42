import { defineConfig } from 'vitest/config';

/**
 * `npm run test:electron`: the real desktop app under Playwright's Electron support. Not part of
 * `npm test` (its files are not *.test.ts): it needs Electron's binary, which CI here lacks.
 */
export default defineConfig({
  test: {
    include: ['tests/electron/**/*.electron.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});

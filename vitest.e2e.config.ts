import { defineConfig } from 'vitest/config';

// End-to-end tests (`npm run test:e2e`, via tools/run-e2e.mjs, which builds the renderer first): the screen in
// Chromium against the browser desk, and the Electron shell where its binary exists. One file at a time: each
// drives a browser and a whole desk.
export default defineConfig({
  test: {
    include: ['tests/e2e/browser/**/*.test.ts', 'tests/e2e/electron/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

// Unit, integration and component tests. End-to-end tests (Chromium, Electron) run through `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

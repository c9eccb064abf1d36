import { defineConfig } from 'vitest/config';

// vitest keeps its own config so that the web client's vite config (which sets a root) does not
// change where tests are found.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

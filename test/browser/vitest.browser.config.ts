import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Browser tests: a real server (fresh SQLite, no demo seed) serving the built web app,
 * driven by Debian's Chromium through playwright-core. Run with
 *   npx vitest run --config test/browser/vitest.browser.config.ts
 * The global setup builds the web app first (FS_SKIP_WEB_BUILD=1 reuses dist/web).
 */
export default defineConfig({
  root,
  test: {
    name: 'browser',
    root,
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // One process for the files, keeping loaded modules (see vitest.config.ts).
    isolate: false,
    env: { DB: process.env.DB ?? 'sqlite' },
  },
});

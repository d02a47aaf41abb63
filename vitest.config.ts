import { defineConfig } from 'vitest/config';

/**
 * Every database test runs twice: once on SQLite and once on PostgreSQL (DB=postgres).
 * Pure-logic tests (*.unit.test.ts) run once. Browser tests live in their own project.
 */
const dbTests = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const notDb = ['**/*.unit.test.ts', 'test/browser/**', 'node_modules/**', 'dist/**'];
/** SQLite-only behaviour (the online backup API); PostgreSQL is backed up with pg_dump. */
const sqliteOnly = '**/*.sqlite.test.ts';
/**
 * The files of a project run in worker processes that keep their loaded modules between files
 * (`isolate: false`; one worker on a 2-core machine, Vitest's default): loading the app's
 * modules afresh for every file was a fifth of the suite's time. A worker serves one project. Every file builds its own app on its own database and closes it, and
 * test/helpers.ts refuses to build one for a database other than its project's.
 */
const shared = { isolate: false };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      'test/browser/vitest.browser.config.ts',
      { test: { ...shared, name: 'unit', include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'], testTimeout: 30_000 } },
      { test: { ...shared, name: 'sqlite', include: dbTests, exclude: notDb, env: { DB: 'sqlite' }, testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { ...shared, name: 'postgres', include: dbTests, exclude: [...notDb, sqliteOnly], env: { DB: 'postgres' }, testTimeout: 30_000, hookTimeout: 60_000 } },
    ],
  },
});

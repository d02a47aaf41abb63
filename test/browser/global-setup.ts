import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH, WEB_DIR } from './env.js';

/** Builds the web app the test server serves, and checks that Chromium is installed. */
export default function setup(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it with "apt-get update && apt-get install -y chromium" (never download a browser build).`);
  }
  const built = fs.existsSync(path.join(WEB_DIR, 'index.html'));
  if (process.env.FS_SKIP_WEB_BUILD === '1' && built) return;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execSync('npm run build:web', { cwd: path.resolve(WEB_DIR, '../..'), stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  fs.mkdirSync(path.resolve(WEB_DIR, '../../test-output/screenshots'), { recursive: true });
}

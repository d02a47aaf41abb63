import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './app.js';
import { seedDemoIfEmpty } from './modules/demo/index.js';

/** Exit codes from sysexits.h, so scripts and service managers can tell failures apart. */
const EXIT = { config: 78, unavailable: 69, cantCreate: 73, tempFail: 75, software: 70 } as const;

function fail(code: number, message: string): never {
  process.stderr.write(`fengshou: ${message}\n`);
  process.exit(code);
}

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(EXIT.config, err.message);
    throw err;
  }

  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.accessSync(config.dataDir, fs.constants.W_OK);
    fs.mkdirSync(config.uploadsDir, { recursive: true });
  } catch {
    fail(EXIT.cantCreate, `the data directory ${config.dataDir} is not writable (set DATA_DIR to a folder this user can write)`);
  }

  let built;
  try {
    built = await buildApp(config, { jobs: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (config.databaseUrl && (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === '28P01' || e.code === '3D000' || /connect|password|database/i.test(e.message))) {
      fail(EXIT.unavailable, `cannot reach the database at DATABASE_URL (${e.code ?? ''} ${e.message}). Check host, port, user and database name.`);
    }
    if (e.code === 'SQLITE_CANTOPEN' || e.code === 'EACCES') fail(EXIT.cantCreate, `cannot open ${config.sqlitePath}: ${e.message}`);
    throw err;
  }
  const { app, deps, close } = built;

  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty(deps);
    if (seeded) app.log.info({ accounts: path.join(process.cwd(), 'README.md') }, 'seeded the demo county (see README for the demo accounts)');
  }

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    await close();
    if (e.code === 'EADDRINUSE') fail(EXIT.tempFail, `port ${config.port} is already in use (set PORT to another port, or stop the other server)`);
    if (e.code === 'EACCES') fail(EXIT.tempFail, `not allowed to listen on port ${config.port} (use a port above 1024)`);
    throw err;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(EXIT.software), 10_000);
    force.unref();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fengshou: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(EXIT.software);
});

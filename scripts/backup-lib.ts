import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import SqliteDatabase from 'better-sqlite3';
import type { Config } from '../src/config.js';

export interface BackupResult {
  dir: string;
  database: string;
  uploads: number;
}

/**
 * Takes a consistent copy while the server runs. SQLite: VACUUM INTO copies
 * a consistent snapshot even with writers active (WAL). Uploads are written once under
 * new names and never changed, so copying the folder after the database snapshot holds
 * every file the snapshot refers to. PostgreSQL: pg_dump, which is consistent by design.
 */
export async function backup(config: Config, targetRoot: string): Promise<BackupResult> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(targetRoot, `fengshou-${stamp}`);
  await fsp.mkdir(dir, { recursive: true });
  let database: string;
  if (config.databaseUrl) {
    database = path.join(dir, 'fengshou.pgdump');
    execFileSync('pg_dump', ['--format=custom', '--file', database, config.databaseUrl], { stdio: 'inherit' });
  } else {
    if (!fs.existsSync(config.sqlitePath)) throw new Error(`no database at ${config.sqlitePath}`);
    database = path.join(dir, 'fengshou.db');
    const db = new SqliteDatabase(config.sqlitePath, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      // VACUUM INTO copies one read transaction's snapshot. (The page-by-page backup API
      // restarts whenever a writer commits, and under steady writes may never finish.)
      db.prepare('VACUUM INTO ?').run(database);
    } finally {
      db.close();
    }
  }
  let uploads = 0;
  if (fs.existsSync(config.uploadsDir)) {
    await fsp.cp(config.uploadsDir, path.join(dir, 'uploads'), {
      recursive: true,
      filter: (src) => !/\.tmp-\d+$/.test(src), // half-written temp files are not part of any row
    });
    const count = async (d: string): Promise<number> => {
      let n = 0;
      for (const e of await fsp.readdir(d, { withFileTypes: true })) n += e.isDirectory() ? await count(path.join(d, e.name)) : 1;
      return n;
    };
    uploads = await count(path.join(dir, 'uploads'));
  }
  await fsp.writeFile(path.join(dir, 'MANIFEST.json'), JSON.stringify({ createdAt: new Date().toISOString(), database: path.basename(database), uploads }, null, 2));
  return { dir, database, uploads };
}

/** Restores a backup folder into the configured data folder. The server must be stopped. */
export async function restore(config: Config, backupDir: string): Promise<void> {
  const dir = path.resolve(backupDir);
  if (!fs.existsSync(path.join(dir, 'MANIFEST.json'))) throw new Error(`${dir} is not a Fengshou backup (no MANIFEST.json)`);
  if (config.databaseUrl) {
    execFileSync('pg_restore', ['--clean', '--if-exists', '--no-owner', '--dbname', config.databaseUrl, path.join(dir, 'fengshou.pgdump')], { stdio: 'inherit' });
  } else {
    await fsp.mkdir(config.dataDir, { recursive: true });
    for (const suffix of ['-wal', '-shm']) await fsp.rm(`${config.sqlitePath}${suffix}`, { force: true });
    await fsp.copyFile(path.join(dir, 'fengshou.db'), config.sqlitePath);
  }
  await fsp.rm(config.uploadsDir, { recursive: true, force: true });
  if (fs.existsSync(path.join(dir, 'uploads'))) await fsp.cp(path.join(dir, 'uploads'), config.uploadsDir, { recursive: true });
}

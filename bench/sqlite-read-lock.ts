import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { configureSqlite } from '../src/platform/db/connect.js';

/**
 * What a point read costs on SQLite in WAL mode, alone and inside a read transaction. Alone,
 * every statement takes and drops its WAL read lock (two fcntl system calls), which on a VM can
 * cost more than the read itself; oneRowLookups (platform/db/read-batch.ts) runs a turn's
 * look-ups in one read transaction for that reason.
 *   npx tsx bench/sqlite-read-lock.ts
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-readlock-'));
const db = new Database(path.join(dir, 'bench.db'));
configureSqlite(db);
db.exec('create table t (id text primary key, v text not null)');
const insert = db.prepare('insert into t values (?, ?)');
db.transaction(() => { for (let i = 0; i < 100_000; i++) insert.run(`id${i}`, 'v'.repeat(100)); })();
const read = db.prepare('select * from t where id = ?');
const N = 50_000;
console.log(`SQLite point reads — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
for (const round of [1, 2]) {
  for (const mode of ['alone', 'in one read transaction'] as const) {
    const t0 = performance.now();
    if (mode !== 'alone') db.exec('begin');
    for (let i = 0; i < N; i++) read.get(`id${(i * 7919) % 100_000}`);
    if (mode !== 'alone') db.exec('commit');
    console.log(`round ${round}, ${mode.padEnd(23)} ${(((performance.now() - t0) / N) * 1000).toFixed(2).padStart(6)} µs per read`);
  }
}
db.close();
fs.rmSync(dir, { recursive: true, force: true });

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, SQLITE_CHECKPOINT_PAGES, type DbHandle } from './connect.js';
import { groupCommit } from './group-commit.js';

interface DB { item: { id: number; label: string } }
let h: DbHandle<DB>;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-gc-'));
  h = await connectDb<DB>({ sqlitePath: path.join(dir, 'gc.db') });
  await sql`create table item (id integer primary key, label text not null unique)`.execute(h.db);
});
afterAll(async () => { await h.close(); fs.rmSync(dir, { recursive: true, force: true }); });

describe('group commit (SQLite)', () => {
  it('commits many concurrent transactions together; a failing one is rolled back alone', async () => {
    const run = groupCommit(h.db);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_v, i) => run(async (trx) => {
      await trx.insertInto('item').values({ id: i + 1, label: `a${i}` }).execute();
      if (i === 17) throw new Error('job 17 refuses');
      return i;
    })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(49);
    const failed = results[17] as PromiseRejectedResult;
    expect(failed.reason.message).toBe('job 17 refuses');
    const rows = await h.db.selectFrom('item').select('id').where('label', 'like', 'a%').execute();
    expect(rows).toHaveLength(49);
    expect(rows.map((r) => r.id)).not.toContain(18);
  });

  it('jobs see the writes of the jobs before them, as if they ran one after another', async () => {
    const run = groupCommit(h.db);
    const [, second] = await Promise.all([
      run(async (trx) => trx.insertInto('item').values({ id: 1000, label: 'first' }).execute()),
      run(async (trx) => trx.selectFrom('item').select('id').where('label', '=', 'first').executeTakeFirst()),
    ]);
    expect(second?.id).toBe(1000);
  });

  it('a unique-key clash inside a batch reaches only its own job, after the batch commits', async () => {
    const run = groupCommit(h.db);
    const results = await Promise.allSettled(['dup', 'dup', 'other'].map((label, i) => run(async (trx) => trx.insertInto('item').values({ id: 2000 + i, label }).execute())));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason.code)).toMatch(/^SQLITE_CONSTRAINT/);
    expect(await h.db.selectFrom('item').select('id').where('label', 'in', ['dup', 'other']).execute()).toHaveLength(2);
  });
});

describe('SQLite connection settings', () => {
  it('is durable (WAL, synchronous=FULL), checks foreign keys, checkpoints every 10,000 pages, cuts the WAL back to 64 MB and keeps temporary files in memory', async () => {
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(h.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // 2 = FULL: the WAL is synced at every commit
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('wal_autocheckpoint')).toBe(SQLITE_CHECKPOINT_PAGES);
    expect(SQLITE_CHECKPOINT_PAGES).toBe(10_000);
    expect(await pragma('journal_size_limit')).toBe(64 * 1024 * 1024);
    expect(await pragma('temp_store')).toBe(2); // 2 = MEMORY: the savepoints' sub-journal
  });
});

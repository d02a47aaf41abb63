import fs from 'node:fs';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { setup, flashSaleWrk } from './orders-bench.js';
import { makeProduct } from '../test/factories.js';
import { hasWrk } from './wrk.js';

/**
 * What a SQLite order writes at COMMIT: the WAL frames (pages) per order, and which b-tree
 * (table or index) each frame belongs to. Every frame is two pwrite calls in the COMMIT, on
 * the event loop, so this is what the group commit's COMMIT time is made of.
 *   npx tsx bench/wal-frames.ts            (needs wrk; SQLite only)
 * Places orders with wrk for 2 s on 1,000 SKUs after a 4 s warm-up, with automatic checkpoints
 * off for the measured run (so the WAL holds every frame), then reads the WAL's frame headers
 * and maps page numbers to b-trees through SQLite's dbstat table.
 */
if ((process.env.DB ?? 'sqlite') !== 'sqlite') throw new Error('bench/wal-frames.ts reads the SQLite WAL: run it with DB=sqlite');
if (!hasWrk()) throw new Error('bench/wal-frames.ts needs wrk (apt-get install wrk)');
const env = await setup();
try {
  const ample = 1_000_000;
  const p = await makeProduct(env.t, env.operator.client, env.sup, { title: '千款充足', skus: Array.from({ length: 1000 }, (_v, i) => ({ spec: `规格${i}`, priceFen: 990, stock: ample })), publish: true });
  await flashSaleWrk(env.t, env.base, env.buyers, p.skuIds, ample, 4, 'warm-up');
  const db = env.t.deps.db;
  const file = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)).rows[0]!.file;
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  await sql`pragma wal_autocheckpoint = 1000000`.execute(db);
  const count = async () => Number((await db.selectFrom('checkout').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const before = await count();
  await flashSaleWrk(env.t, env.base, env.buyers, p.skuIds, ample, 2, 'measured');
  const orders = (await count()) - before;

  const wal = fs.readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  const framesOf = new Map<number, number>();
  let frames = 0;
  let commits = 0;
  // Frame header: page number, database size after a commit (0 for other frames), two salts.
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    if (wal.readUInt32BE(off + 8) !== salt[0] || wal.readUInt32BE(off + 12) !== salt[1]) break;
    const page = wal.readUInt32BE(off);
    framesOf.set(page, (framesOf.get(page) ?? 0) + 1);
    frames++;
    if (wal.readUInt32BE(off + 4) !== 0) commits++;
  }
  const reader = new Database(file, { readonly: true });
  const btreeOf = new Map<number, string>();
  for (const r of reader.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[]) btreeOf.set(r.pageno, r.name);
  reader.close();
  const byBtree = new Map<string, number>();
  for (const [page, n] of framesOf) {
    const name = btreeOf.get(page) ?? '(freed page)';
    byBtree.set(name, (byBtree.get(name) ?? 0) + n);
  }
  console.log(`orders ${orders}, commits ${commits} (${(orders / commits).toFixed(1)} orders each), frames ${frames}: ${(frames / orders).toFixed(2)} frames per order of ${pageSize} bytes`);
  for (const [name, n] of [...byBtree].sort((a, b) => b[1] - a[1])) if (n / orders >= 0.005) console.log(`${(n / orders).toFixed(3).padStart(7)} frames/order  ${name}`);
} finally {
  await env.t.close();
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, restore } from '../scripts/backup-lib.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/app.js';
import { createTestApp, PNG_1X1, type TestApp } from './helpers.js';
import { COUNTY_A, VILLAGE_A, makeCounty, makeLicence, makeSupplier } from './factories.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

describe('online backup and restore (SQLite)', () => {
  it('copies a consistent database and the uploads while writes go on, and the copy restores', async () => {
    const { operator } = await makeCounty(t);
    const supplierId = await makeSupplier(t);
    const licenceId = await makeLicence(t, operator.client, supplierId, 'produce_certificate', 'verified');

    // Keep writing through the API while the backup runs.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await operator.client.post('/api/v1/suppliers', { countyCode: COUNTY_A, type: 'farmer', name: `写入中${written}`, contactName: '甲', phone: '13512345678', villageCode: VILLAGE_A });
        expect(res.status).toBe(201);
        written++;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-backup-'));
    const result = await backup(t.config, target);
    await new Promise((r) => setTimeout(r, 50));
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    expect(result.uploads).toBe(1);

    const copy = new SqliteDatabase(result.database, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const copiedSuppliers = (copy.prepare('select count(*) n from supplier').get() as { n: number }).n;
    copy.close();
    const liveSuppliers = Number((await t.deps.db.selectFrom('supplier').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(copiedSuppliers).toBeGreaterThanOrEqual(1);
    expect(copiedSuppliers).toBeLessThanOrEqual(liveSuppliers);

    // Restore into a fresh data folder and run the platform on it.
    const restoredDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-restored-'));
    const config = loadConfig({ DATA_DIR: restoredDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false' }, { argon2MemoryKib: 1024 });
    await restore(config, result.dir);
    const restored = await buildApp(config, { logger: false });
    try {
      const n = Number((await restored.deps.db.selectFrom('supplier').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      expect(n).toBe(copiedSuppliers);
      const lic = await restored.deps.db.selectFrom('licence').select(['status', 'image_file_id']).where('id', '=', licenceId).executeTakeFirstOrThrow();
      expect(lic.status).toBe('verified');
      const file = await restored.deps.db.selectFrom('stored_file').select('storage_key').where('id', '=', lic.image_file_id!).executeTakeFirstOrThrow();
      expect(await restored.deps.storage.read(file.storage_key)).toEqual(PNG_1X1);
    } finally {
      await restored.close();
      fs.rmSync(restoredDir, { recursive: true, force: true });
      fs.rmSync(target, { recursive: true, force: true });
    }
  });

  it('refuses to restore a folder that is not a backup', async () => {
    const notBackup = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-nb-'));
    await expect(restore(t.config, notBackup)).rejects.toThrow(/not a Fengshou backup/);
    fs.rmSync(notBackup, { recursive: true, force: true });
  });
});

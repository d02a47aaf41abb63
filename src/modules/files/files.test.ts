import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PNG_1X1, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, makeCounty, makeLicence, makeProduct, makeSupplier } from '../../../test/factories.js';
import { sweepUnrecordedFiles, UNRECORDED_FILE_GRACE_MS } from './index.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const onDisk = (key: string) => fs.existsSync(path.join(t.config.uploadsDir, key));
const age = (key: string, ms: number) => {
  const when = new Date(Date.now() - ms);
  fs.utimesSync(path.join(t.config.uploadsDir, key), when, when);
};

describe('the upload sweep', () => {
  it('removes old bytes no file record refers to, and keeps recorded files and uploads in flight', async () => {
    const { operator } = await makeCounty(t, COUNTY_A);
    const sup = await makeSupplier(t);
    await makeLicence(t, operator.client, sup, 'produce_certificate');
    const p = await makeProduct(t, operator.client, sup);
    const up = await operator.client.upload('POST', `/api/v1/products/${p.id}/images`, PNG_1X1);
    expect(up.status).toBe(200);
    const recorded = (await t.deps.db.selectFrom('stored_file').select('storage_key').where('id', '=', up.body.images[0].fileId).executeTakeFirstOrThrow()).storage_key;
    // Left by a process that died between writing and committing, and by a write that never finished.
    await t.deps.storage.put('product_image/fil_left-over.png', PNG_1X1);
    fs.writeFileSync(path.join(t.config.uploadsDir, 'product_image/fil_unfinished.png.tmp-4242'), 'half');
    // Written a moment ago, its transaction not yet committed.
    await t.deps.storage.put('product_image/fil_in-flight.png', PNG_1X1);
    const old = UNRECORDED_FILE_GRACE_MS + 60_000;
    for (const key of [recorded, 'product_image/fil_left-over.png', 'product_image/fil_unfinished.png.tmp-4242']) age(key, old);

    expect(await sweepUnrecordedFiles(t.deps)).toBe(2);
    expect(onDisk(recorded)).toBe(true);
    expect(onDisk('product_image/fil_in-flight.png')).toBe(true);
    expect(onDisk('product_image/fil_left-over.png')).toBe(false);
    expect(onDisk('product_image/fil_unfinished.png.tmp-4242')).toBe(false);
    // The recorded image is still served.
    expect((await operator.client.request('GET', `/api/v1/files/${up.body.images[0].fileId}`)).status).toBe(200);
    // A second run finds nothing more; a day later the one in flight, never recorded, goes too.
    expect(await sweepUnrecordedFiles(t.deps)).toBe(0);
    expect(await sweepUnrecordedFiles(t.deps, Date.now() + old)).toBe(1);
    expect(onDisk('product_image/fil_in-flight.png')).toBe(false);
    expect(onDisk(recorded)).toBe(true);
  });
});

import type { Ctx, Deps } from '../../context.js';
import { systemCtx } from '../../context.js';
import type { Actor, Role } from '../../platform/http/access.js';
import { newId } from '../../platform/ids.js';
import { addDays, bizDate, nowIso } from '../../platform/time.js';
import { hashPassword } from '../accounts/index.js';
import { storeFile } from '../files/index.js';
import { LICENCE_LABELS } from '../suppliers/index.js';
import * as suppliers from '../suppliers/suppliers.service.js';
import * as catalog from '../catalog/catalog.service.js';
import { DEMO_ACCOUNTS, DEMO_CENTER_NAME, DEMO_COUNTY, DEMO_PASSWORD, DEMO_PRODUCTS, DEMO_SUPPLIERS } from './demo-data.js';
import { licenceSvg, productSvg } from './images.js';
import { seedDemoHost } from '../hosts/demo.js';
import { seedDemoLiveSession } from '../live/index.js';
import { seedDemoTraining } from '../training/demo.js';

export { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_COUNTY } from './demo-data.js';

/**
 * Seeds the demo county when the database has no users at all. Used by `npm start`, never
 * by tests (they build their own data with factories). Goes through the same services as
 * the API, so the demo obeys the listing rule like real data.
 */
export async function seedDemoIfEmpty(deps: Deps): Promise<boolean> {
  const users = await deps.db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(users.n) > 0) return false;
  await seedDemo(deps);
  return true;
}

export async function seedDemo(deps: Deps): Promise<void> {
  const sys = systemCtx(deps);
  const now = nowIso();
  const today = bizDate();
  await deps.db.insertInto('center').values({ id: newId('center'), county_code: DEMO_COUNTY, name: DEMO_CENTER_NAME, created_at: now }).execute();

  const hash = await hashPassword(deps, DEMO_PASSWORD);
  const userIds: string[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const id = newId('user');
    userIds.push(id);
    await deps.db.insertInto('app_user').values({ id, phone: a.phone, name: a.name, password_hash: hash, failed_logins: 0, locked_until: null, disabled_at: null, created_at: now }).execute();
    if (a.role !== 'buyer') {
      await deps.db.insertInto('role_grant').values({ id: newId('roleGrant'), user_id: id, role: 'buyer', region_prefix: '', supplier_id: null, granted_by: null, created_at: now }).execute();
    }
  }
  // The seed acts through the services as the demo accounts themselves, with the one role each needs.
  const actingAs = (i: number, role: Role): Ctx => ({
    ...sys,
    actor: { userId: userIds[i]!, name: DEMO_ACCOUNTS[i]!.name, phone: DEMO_ACCOUNTS[i]!.phone, sessionId: 'seed', grants: [{ id: 'seed', role, regionPrefix: DEMO_COUNTY, supplierId: null }] } satisfies Actor,
  });
  const admin = actingAs(0, 'center_admin');

  const supplierIds: string[] = [];
  for (const [i, s] of DEMO_SUPPLIERS.entries()) {
    const created = await suppliers.createSupplier(admin, {
      countyCode: DEMO_COUNTY, type: s.type, name: s.name, contactName: s.contact, phone: `1350000${String(1000 + i).padStart(4, '0')}`,
      villageCode: s.village, payeeName: s.contact, payeeAccount: `6222020${String(100000000 + i * 7919).padStart(12, '0')}`, payeeBank: '吉林银行靖宇支行',
      description: s.story.split('，')[0] ?? s.story, story: s.story,
    });
    supplierIds.push(created.id);
    for (const l of s.licences) {
      const lic = await suppliers.createLicence(admin, created.id, {
        kind: l.kind, number: l.number, holderName: s.name, scope: l.kind === 'produce_certificate' ? '自产食用农产品' : '',
        issuedOn: addDays(today, -200), expiresOn: addDays(today, l.expiresInDays),
      });
      const fileId = await storeFile(admin, licenceSvg(LICENCE_LABELS[l.kind].zh, s.name, l.number), 'licence_scan', DEMO_COUNTY, 'image/svg+xml');
      await deps.db.updateTable('licence').set({ image_file_id: fileId }).where('id', '=', lic.id).execute();
      if (l.status === 'verified') await suppliers.reviewLicence(admin, lic.id, { verdict: 'verify' });
      if (l.status === 'rejected') await suppliers.reviewLicence(admin, lic.id, { verdict: 'reject', reason: '扫描件不清晰，请重新拍照上传' });
    }
  }

  for (const [i, a] of DEMO_ACCOUNTS.entries()) {
    await deps.db.insertInto('role_grant').values({
      id: newId('roleGrant'), user_id: userIds[i]!, role: a.role, region_prefix: a.prefix,
      supplier_id: a.supplierIndex !== undefined ? supplierIds[a.supplierIndex]! : null, granted_by: null, created_at: now,
    }).execute();
  }

  for (const p of DEMO_PRODUCTS) {
    const s = DEMO_SUPPLIERS[p.supplier]!;
    const product = await catalog.createProduct(admin, {
      supplierId: supplierIds[p.supplier]!, categoryCode: p.category, title: p.title, subtitle: p.subtitle,
      description: `${p.subtitle}。\n\n${s.story}\n\n产地：${s.name}。`, unit: p.unit, originVillageCode: s.village,
    });
    const fileId = await storeFile(admin, productSvg(p.title, p.subtitle), 'product_image', DEMO_COUNTY, 'image/svg+xml');
    await deps.db.insertInto('product_image').values({ product_id: product.id, file_id: fileId, sort: 0 }).execute();
    await deps.db.updateTable('product').set({ cover_file_id: fileId }).where('id', '=', product.id).execute();
    for (const sku of p.skus) {
      await catalog.createSku(admin, product.id, {
        spec: sku.spec, priceFen: sku.priceFen, weightG: sku.weightG, stock: sku.stock,
        saleMode: sku.presaleDays ? 'presale' : 'spot', shipsFrom: sku.presaleDays ? addDays(today, sku.presaleDays) : null,
      });
    }
    if (p.batch) {
      await catalog.createBatch(admin, product.id, {
        batchNo: `${today.replaceAll('-', '')}-${String(DEMO_PRODUCTS.indexOf(p) + 1).padStart(3, '0')}`, kind: p.batch.kind,
        producedOn: addDays(today, -p.batch.daysAgo), quantity: p.batch.quantity, quantityUnit: p.batch.unit, shelfLifeDays: p.batch.shelfLifeDays,
      });
    }
    if (p.publish) {
      await catalog.setProductStatus(admin, product.id, 'on_sale');
      if (p.selection) {
        await catalog.putSelection(admin, product.id, {
          suggestedPriceFen: p.skus[0]!.priceFen, commissionRateBp: p.selection.commissionBp, sellingPoints: p.selection.points, sampleQuantity: p.selection.samples,
        });
      }
    }
  }

  // The demo host on the roster (主播矩阵), verified, with a few selection-base products in its showcase.
  const hostIndex = DEMO_ACCOUNTS.findIndex((a) => a.role === 'host');
  if (hostIndex >= 0) {
    const inSelection = await deps.db.selectFrom('selection_item').select('product_id').where('county_code', '=', DEMO_COUNTY).orderBy('id').limit(3).execute();
    await seedDemoHost(admin, { hostUserId: userIds[hostIndex]!, countyCode: DEMO_COUNTY, displayName: '靖宇小李', productIds: inSelection.map((r) => r.product_id) });
    await seedDemoLiveSession(actingAs(hostIndex, 'host'), admin, inSelection.map((r) => r.product_id));
  }

  // A training course and an open cohort taught by the demo host, with the demo trainee in it.
  const traineeIndex = DEMO_ACCOUNTS.findIndex((a) => a.role === 'trainee');
  if (hostIndex >= 0 && traineeIndex >= 0) {
    await seedDemoTraining(admin, actingAs(traineeIndex, 'trainee'), { countyCode: DEMO_COUNTY, instructorUserId: userIds[hostIndex]!, townshipCode: `${DEMO_COUNTY}100` });
  }
}

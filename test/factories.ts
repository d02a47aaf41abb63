import { newId } from '../src/platform/ids.js';
import { nowIso, addDays, bizDate } from '../src/platform/time.js';
import { hashPassword } from '../src/modules/accounts/index.js';
import type { Role } from '../src/platform/http/access.js';
import type { LicenceKind, SupplierType } from '../src/modules/suppliers/index.js';
import { TestClient, PNG_1X1, type TestApp } from './helpers.js';

/** Real counties and villages from the division codes, used across tests. */
export const COUNTY_A = '220622'; // 靖宇县
export const COUNTY_B = '220621'; // 抚松县 (same city 2206)
export const COUNTY_OTHER_CITY = '230723'; // 汤旺县, 黑龙江
export const VILLAGE_A = '220622100200'; // 联合村
export const VILLAGE_A2 = '220622101201'; // 大井村
export const VILLAGE_B = '220621100201';
export const PASSWORD = 'test-password-1';

let phoneSeq = 0;
/** Unique mainland-looking numbers per test process. */
export function nextPhone(): string {
  phoneSeq++;
  return `137${String(process.pid % 10000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

export async function makeCenter(t: TestApp, countyCode: string, name = `${countyCode}电商服务中心`) {
  const existing = await t.deps.db.selectFrom('center').select('id').where('county_code', '=', countyCode).executeTakeFirst();
  if (existing) return existing.id;
  const id = newId('center');
  await t.deps.db.insertInto('center').values({ id, county_code: countyCode, name, created_at: nowIso() }).execute();
  return id;
}

export interface MadeUser {
  id: string;
  phone: string;
  client: TestClient;
}

/** A user holding the given roles, signed in through the real login route. */
export async function makeUser(t: TestApp, grants: { role: Role; prefix?: string; supplierId?: string }[], name = '测试用户'): Promise<MadeUser> {
  const phone = nextPhone();
  const id = newId('user');
  const now = nowIso();
  await t.deps.db.insertInto('app_user').values({ id, phone, name, password_hash: await hashPassword(t.deps, PASSWORD), failed_logins: 0, locked_until: null, disabled_at: null, created_at: now }).execute();
  for (const g of grants) {
    await t.deps.db.insertInto('role_grant').values({ id: newId('roleGrant'), user_id: id, role: g.role, region_prefix: g.prefix ?? '', supplier_id: g.supplierId ?? null, granted_by: null, created_at: now }).execute();
  }
  const client = t.client();
  if (grants.length) await client.login(phone, PASSWORD);
  return { id, phone, client };
}

export async function makeSupplier(t: TestApp, opts: { countyCode?: string; villageCode?: string; type?: SupplierType; name?: string } = {}) {
  const countyCode = opts.countyCode ?? COUNTY_A;
  const now = nowIso();
  const id = newId('supplier');
  await t.deps.db.insertInto('supplier').values({
    id, county_code: countyCode, type: opts.type ?? 'cooperative', name: opts.name ?? `合作社${id.slice(-4)}`, contact_name: '联系人',
    phone: '13512345678', village_code: opts.villageCode ?? (countyCode === COUNTY_A ? VILLAGE_A : VILLAGE_B), payee_name: '联系人',
    payee_account: '6222020200112233445', payee_bank: '测试银行', description: '', story: '', status: 'active', created_at: now, updated_at: now,
  }).execute();
  return id;
}

/** Submits (and optionally verifies) a licence through the API as a center operator. */
export async function makeLicence(t: TestApp, operator: TestClient, supplierId: string, kind: LicenceKind, status: 'submitted' | 'verified' = 'verified', expiresInDays = 365) {
  const numbers: Record<LicenceKind, string> = {
    food_production: 'SC10122062200015', food_business: 'JY12206220000012', workshop_registration: '吉食坊登字2206220001号', produce_certificate: '',
  };
  const res = await operator.post(`/api/v1/suppliers/${supplierId}/licences`, {
    kind, number: numbers[kind], holderName: '持证人', issuedOn: addDays(bizDate(), -30), expiresOn: addDays(bizDate(), expiresInDays),
  });
  if (res.status !== 201) throw new Error(`licence: ${res.status} ${JSON.stringify(res.body)}`);
  if (status === 'verified') {
    const up = await operator.upload('PUT', `/api/v1/licences/${res.body.id}/scan`, PNG_1X1);
    if (up.status !== 200) throw new Error(`scan: ${up.status} ${JSON.stringify(up.body)}`);
    const rev = await operator.post(`/api/v1/licences/${res.body.id}/review`, { verdict: 'verify' });
    if (rev.status !== 200) throw new Error(`review: ${rev.status} ${JSON.stringify(rev.body)}`);
  }
  return res.body.id as string;
}

/** A product with SKUs through the API; `publish` also puts it on sale (needs licences). */
export async function makeProduct(t: TestApp, operator: TestClient, supplierId: string, opts: { category?: string; title?: string; village?: string; skus?: { spec?: string; priceFen: number; stock: number; saleMode?: 'spot' | 'presale'; shipsFrom?: string }[]; publish?: boolean } = {}) {
  const res = await operator.post('/api/v1/products', {
    supplierId, categoryCode: opts.category ?? 'fresh_fruit', title: opts.title ?? '测试蓝莓', unit: '盒', originVillageCode: opts.village ?? VILLAGE_A,
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  const skuIds: string[] = [];
  for (const s of opts.skus ?? [{ priceFen: 5990, stock: 10 }]) {
    const sku = await operator.post(`/api/v1/products/${res.body.id}/skus`, { spec: s.spec ?? '125g×4盒', priceFen: s.priceFen, weightG: 700, stock: s.stock, saleMode: s.saleMode ?? 'spot', ...(s.shipsFrom ? { shipsFrom: s.shipsFrom } : {}) });
    if (sku.status !== 201) throw new Error(`sku: ${sku.status} ${JSON.stringify(sku.body)}`);
    skuIds.push(sku.body.id);
  }
  if (opts.publish) {
    const pub = await operator.post(`/api/v1/products/${res.body.id}/publish`);
    if (pub.status !== 200) throw new Error(`publish: ${pub.status} ${JSON.stringify(pub.body)}`);
  }
  return { id: res.body.id as string, skuIds };
}

/** The usual cast for a county: its center, an admin and an operator, signed in. */
export async function makeCounty(t: TestApp, countyCode = COUNTY_A) {
  await makeCenter(t, countyCode);
  const admin = await makeUser(t, [{ role: 'center_admin', prefix: countyCode }, { role: 'buyer' }], '管理员');
  const operator = await makeUser(t, [{ role: 'operator', prefix: countyCode }], '运营');
  return { admin, operator };
}

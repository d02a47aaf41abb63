import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, VILLAGE_B, makeCounty, makeLicence, makeProduct, makeSupplier, makeUser, type MadeUser } from '../../../test/factories.js';
import { systemCtx } from '../../context.js';
import { newId } from '../../platform/ids.js';
import { addDays, bizDate, nowIso } from '../../platform/time.js';
import { handlePaymentEvent } from '../orders/index.js';
import { isInShowcase } from './index.js';

/** A valid 18-character ID number (GB 11643 check character computed) for a birth date. */
function idFor(birth: string, seq = '123', region = '220622'): string {
  const body = `${region}${birth.replaceAll('-', '')}${seq}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i]!, 0);
  return body + '10X98765432'[sum % 11];
}
/** A birth date `years` years (and a few days) before today. */
const bornYearsAgo = (years: number, extraDays = 10) => addDays(`${Number(bizDate().slice(0, 4)) - years}${bizDate().slice(4)}`, -extraDays);

const TOWNSHIP_A = '220622100';
const TOWNSHIP_B = '220621100';

let t: TestApp;
let admin: MadeUser;
let op: MadeUser;
let adminB: MadeUser;
let opB: MadeUser;
let official: MadeUser;
let supA: string;
let supplierA: MadeUser;
let supOther: string;
let supplierOther: MadeUser;
let host: MadeUser;
let host2: MadeUser;
let guest: MadeUser;
let officialHost: MadeUser;
let hostB: MadeUser;

async function product(supplierId: string, opts: { selection?: boolean; sampleQuantity?: number; price?: number; county?: 'A' | 'B' } = {}) {
  const operator = opts.county === 'B' ? opB : op;
  const p = await makeProduct(t, operator.client, supplierId, { title: `蓝莓${randomUUID().slice(0, 4)}`, ...(opts.county === 'B' ? { village: VILLAGE_B } : {}), skus: [{ priceFen: opts.price ?? 5000, stock: 1000 }], publish: true });
  if (opts.selection !== false) {
    const s = await operator.client.put(`/api/v1/products/${p.id}/selection`, { suggestedPriceFen: 4990, commissionRateBp: 1000, sellingPoints: ['长白山'], sampleQuantity: opts.sampleQuantity ?? 3 });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
  }
  return { productId: p.id, skuId: p.skuIds[0]! };
}

async function onRoster(u: MadeUser, kind: string, name: string, countyCode = COUNTY_A, township = TOWNSHIP_A, by = op) {
  const r = await by.client.put(`/api/v1/hosts/${u.id}/profile`, { countyCode, kind, townshipCode: township, displayName: name, specialities: ['蓝莓'], availability: { weekdays: [5, 6], slots: ['evening'], note: '周末晚上' } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

beforeAll(async () => {
  t = await createTestApp();
  ({ admin, operator: op } = await makeCounty(t, COUNTY_A));
  ({ admin: adminB, operator: opB } = await makeCounty(t, COUNTY_B));
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }], '县领导');
  supA = await makeSupplier(t, { name: '蓝莓合作社' });
  supOther = await makeSupplier(t, { name: '山货合作社' });
  await makeLicence(t, op.client, supA, 'produce_certificate');
  await makeLicence(t, op.client, supOther, 'produce_certificate');
  supplierA = await makeUser(t, [{ role: 'supplier', supplierId: supA, prefix: COUNTY_A }], '蓝莓社长');
  supplierOther = await makeUser(t, [{ role: 'supplier', supplierId: supOther, prefix: COUNTY_A }], '山货社长');
  host = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '李主播');
  host2 = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '返乡小张');
  guest = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '外请达人');
  officialHost = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }, { role: 'official', prefix: COUNTY_A }], '王副县长');
  hostB = await makeUser(t, [{ role: 'host', prefix: COUNTY_B }], '抚松主播');
});
afterAll(async () => { await t?.close(); });

describe('host profiles (主播矩阵)', () => {
  it('the center puts a host on the roster; the township must be in the county and the user a host there', async () => {
    const body = await onRoster(host, 'local', '蓝莓小李');
    expect(body).toMatchObject({ kind: 'local', townshipCode: TOWNSHIP_A, displayName: '蓝莓小李', verification: 'none', idNumberMasked: null, specialities: ['蓝莓'], availability: { weekdays: [5, 6], slots: ['evening'] } });
    expect(body.townshipName).toBeTruthy();
    const url = `/api/v1/hosts/${host2.id}/profile`;
    const base = { countyCode: COUNTY_A, kind: 'returned_youth', townshipCode: TOWNSHIP_A, displayName: '小张' };
    let r = await op.client.put(url, { ...base, townshipCode: TOWNSHIP_B });
    expectProblem(r, 422, 'validation_failed');
    expect(r.body.errors[0]).toMatchObject({ pointer: '/body/townshipCode', code: 'region_outside_county' });
    r = await op.client.put(url, { ...base, townshipCode: '220622999' });
    expect(r.body.errors[0]).toMatchObject({ pointer: '/body/townshipCode', code: 'unknown_region' });
    expectProblem(await op.client.put(url, { ...base, kind: 'superstar' }), 400, 'validation_failed');
    expectProblem(await op.client.put(url, { ...base, availability: { weekdays: [8], slots: [], note: '' } }), 400, 'validation_failed');
    expectProblem(await op.client.put(`/api/v1/hosts/${supplierA.id}/profile`, base), 422, 'not_a_host');
    expectProblem(await op.client.put(`/api/v1/hosts/${hostB.id}/profile`, base), 422, 'not_a_host');
    expectProblem(await opB.client.put(url, base), 404, 'not_found');
    expectProblem(await official.client.put(url, base), 403, 'forbidden');
    expectProblem(await host2.client.put(url, base), 403, 'forbidden');
    expect(await t.deps.db.selectFrom('host_profile').select('host_user_id').where('host_user_id', '=', host2.id).executeTakeFirst()).toBeUndefined();
    await onRoster(host2, 'returned_youth', '返乡小张');
    await onRoster(guest, 'guest', '山货达人');
    await onRoster(officialHost, 'official', '王副县长');
    await onRoster(hostB, 'local', '抚松主播', COUNTY_B, TOWNSHIP_B, opB);
    // A profile stays in its county.
    expectProblem(await opB.client.put(`/api/v1/hosts/${host.id}/profile`, { ...base, countyCode: COUNTY_B, townshipCode: TOWNSHIP_B }), 422, 'not_a_host');
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', host.id).where('action', '=', 'host.profile_created').execute();
    expect(audit).toHaveLength(1);
  });

  it('the roster lists every host of the county, with or without a profile; another county reads empty', async () => {
    const noProfile = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '还没建档');
    const r = await op.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}`);
    expect(r.status).toBe(200);
    const ids = r.body.items.map((i: { hostUserId: string }) => i.hostUserId);
    expect(ids).toEqual(expect.arrayContaining([host.id, host2.id, guest.id, officialHost.id, noProfile.id]));
    expect(ids).not.toContain(hostB.id);
    expect(r.body.items.find((i: { hostUserId: string }) => i.hostUserId === noProfile.id)).toMatchObject({ onRoster: false, kind: null });
    expect(r.body.items.find((i: { hostUserId: string }) => i.hostUserId === host.id).phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect((await op.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}&kind=returned_youth`)).body.items.map((i: { hostUserId: string }) => i.hostUserId)).toEqual([host2.id]);
    expect((await opB.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}`)).body.items).toEqual([]);
    expect((await official.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}`)).body.items.length).toBeGreaterThanOrEqual(5);
    // The center finds a host by phone; an official cannot use the search to unmask a number.
    const last8 = host.phone.slice(-8);
    expect((await op.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}&q=${last8}`)).body.items.map((i: { hostUserId: string }) => i.hostUserId)).toContain(host.id);
    expect((await official.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}&q=${last8}`)).body.items.map((i: { hostUserId: string }) => i.hostUserId)).not.toContain(host.id);
  });

  it('a host reads and edits its own profile; not another host\'s', async () => {
    const me = await host.client.get('/api/v1/me/host');
    expect(me.status).toBe(200);
    expect(me.body.hostUserId).toBe(host.id);
    const p = await host.client.patch('/api/v1/me/host', { bio: '长白山下的蓝莓姑娘', specialities: ['蓝莓', '木耳'] });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ bio: '长白山下的蓝莓姑娘', specialities: ['蓝莓', '木耳'], kind: 'local' });
    expectProblem(await host.client.patch('/api/v1/me/host', { kind: 'official' }), 400, 'validation_failed');
    expectProblem(await host.client.patch('/api/v1/me/host', { specialities: ['蓝莓', '蓝莓'] }), 422, 'validation_failed');
    expectProblem(await host2.client.get(`/api/v1/hosts/${host.id}`), 404, 'not_found');
    expectProblem(await opB.client.get(`/api/v1/hosts/${host.id}`), 404, 'not_found');
    expect((await official.client.get(`/api/v1/hosts/${host.id}`)).status).toBe(200);
    const nobody = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '未建档');
    expectProblem(await nobody.client.patch('/api/v1/me/host', { bio: 'x' }), 409, 'no_profile');
  });
});

describe('real-name verification', () => {
  const url = () => `/api/v1/hosts/${host.id}/real-name`;

  it('refuses a bad ID number, naming what is wrong', async () => {
    const good = idFor(bornYearsAgo(30));
    const bad = async (idNumber: string, code: string) => {
      const r = await op.client.put(url(), { realName: '李小梅', idNumber });
      expectProblem(r, 422, 'validation_failed');
      expect(r.body.errors[0]).toMatchObject({ pointer: '/body/idNumber', code });
    };
    await bad(good.slice(0, 17) + (good[17] === '0' ? '1' : '0'), 'id_number_checksum');
    await bad('22062219900101123', 'id_number_format');
    await bad('ABCDEFGHIJKLMNOPQR', 'id_number_format');
    await bad(idFor('1990-02-30'), 'id_number_birth_date');
    await bad(idFor(addDays(bizDate(), 400)), 'id_number_birth_date');
    expect((await host.client.get('/api/v1/me/host')).body.verification).toBe('none');
  });

  it('hosts must be 16; 16–17 need a recorded guardian consent', async () => {
    const r15 = await op.client.put(url(), { realName: '李小梅', idNumber: idFor(bornYearsAgo(15)) });
    expectProblem(r15, 422, 'host_too_young');
    const id17 = idFor(bornYearsAgo(17), '224');
    const noConsent = await op.client.put(url(), { realName: '李小梅', idNumber: id17 });
    expectProblem(noConsent, 422, 'guardian_consent_required');
    expect(noConsent.body.errors[0].pointer).toBe('/body/guardian');
    expectProblem(await op.client.put(url(), { realName: '李小梅', idNumber: id17, guardian: { name: '李大山', relation: '父亲', phone: '13812345678', consentOn: addDays(bizDate(), 3) } }), 422, 'validation_failed');
    const ok = await op.client.put(url(), { realName: '李小梅', idNumber: id17, guardian: { name: '李大山', relation: '父亲', phone: '13812345678', consentOn: bizDate() } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ verification: 'verified', realName: '李小梅', age: 17, gender: 'female', guardian: { name: '李大山', relation: '父亲', phone: '13812345678' } });
    // An official reads the guardian's phone masked.
    expect((await official.client.get(`/api/v1/hosts/${host.id}`)).body.guardian.phone).toBe('138****5678');
  });

  it('stores the ID encrypted, shows it masked everywhere, and one ID verifies one host', async () => {
    const id = idFor(bornYearsAgo(32), '135');
    const r = await op.client.put(url(), { realName: '李小梅', idNumber: id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ verification: 'verified', age: 32, gender: 'male', guardian: null, idNumberMasked: `${id.slice(0, 3)}***********${id.slice(-4)}` });
    const row = await t.deps.db.selectFrom('host_profile').selectAll().where('host_user_id', '=', host.id).executeTakeFirstOrThrow();
    expect(row.id_cipher).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(id);
    expect(JSON.stringify(row)).not.toContain(id.slice(6, 14));
    for (const res of [r, await op.client.get(`/api/v1/hosts?countyCode=${COUNTY_A}`), await host.client.get('/api/v1/me/host'), await official.client.get(`/api/v1/hosts/${host.id}`)]) {
      expect(JSON.stringify(res.body)).not.toContain(id);
    }
    const audits = await t.deps.db.selectFrom('audit_log').select('detail').where('target_id', '=', host.id).execute();
    expect(audits.map((a) => a.detail).join()).not.toContain(id);
    const dup = await op.client.put(`/api/v1/hosts/${host2.id}/real-name`, { realName: '张三', idNumber: id });
    expectProblem(dup, 409, 'id_number_in_use');
    // Lower-case x is the same number.
    const withX = (() => { for (let s = 100; s < 999; s++) { const c = idFor(bornYearsAgo(40), String(s)); if (c.endsWith('X')) return c; } throw new Error('no X'); })();
    const x = await op.client.put(`/api/v1/hosts/${guest.id}/real-name`, { realName: '赵达人', idNumber: withX.toLowerCase() });
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    expectProblem(await op.client.put(`/api/v1/hosts/${host2.id}/real-name`, { realName: '张三', idNumber: withX }), 409, 'id_number_in_use');
  });

  it('a host submits its own (pending); the center verifies or rejects once', async () => {
    const id = idFor(bornYearsAgo(26), '246');
    const self = await host2.client.put(`/api/v1/hosts/${host2.id}/real-name`, { realName: '张小勇', idNumber: id });
    expect(self.status, JSON.stringify(self.body)).toBe(200);
    expect(self.body.verification).toBe('pending');
    expectProblem(await host2.client.put(`/api/v1/hosts/${host.id}/real-name`, { realName: '张小勇', idNumber: id }), 404, 'not_found');
    expectProblem(await host2.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'verify' }), 403, 'forbidden');
    expectProblem(await opB.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'verify' }), 404, 'not_found');
    expectProblem(await op.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'reject' }), 422, 'validation_failed');
    // The host re-submits another number while the center looks at the first: that review is refused, the new one stays pending.
    const seen = (await op.client.get(`/api/v1/hosts/${host2.id}`)).body.updatedAt as string;
    await new Promise((r) => setTimeout(r, 2));
    const other = idFor(bornYearsAgo(27), '135');
    expect((await host2.client.put(`/api/v1/hosts/${host2.id}/real-name`, { realName: '张小勇', idNumber: other })).status).toBe(200);
    expectProblem(await op.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'verify', expectedUpdatedAt: seen }), 409, 'real_name_changed');
    expect((await host2.client.get('/api/v1/me/host')).body).toMatchObject({ verification: 'pending', idNumberMasked: expect.stringMatching(/135.$/) });
    const [a, b] = await Promise.all([
      op.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'verify' }),
      admin.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'verify' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((await host2.client.get('/api/v1/me/host')).body.verification).toBe('verified');
    expectProblem(await op.client.post(`/api/v1/hosts/${host2.id}/real-name/review`, { verdict: 'reject', note: '照片不清' }), 409, 'not_pending');
    await op.client.put(`/api/v1/hosts/${officialHost.id}/real-name`, { realName: '王建国', idNumber: idFor(bornYearsAgo(48), '357') });
  });

  it('only the county\'s center admin reveals the full number, with a reason, in the audit log', async () => {
    const revealUrl = `/api/v1/hosts/${host.id}/real-name/reveal`;
    expectProblem(await op.client.post(revealUrl, { reason: '核对身份证' }), 403, 'forbidden');
    expectProblem(await host.client.post(revealUrl, { reason: '核对身份证' }), 403, 'forbidden');
    expectProblem(await adminB.client.post(revealUrl, { reason: '核对身份证' }), 404, 'not_found');
    expectProblem(await admin.client.post(revealUrl, {}), 400, 'validation_failed');
    const before = await t.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'host.id_revealed').execute();
    const r = await admin.client.post(revealUrl, { reason: '平台实名核验抽查' });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const row = await t.deps.db.selectFrom('host_profile').select('id_masked').where('host_user_id', '=', host.id).executeTakeFirstOrThrow();
    expect(r.body.idNumber).toMatch(/^\d{17}[\dX]$/);
    expect(r.body.idNumber.slice(-4)).toBe(row.id_masked!.slice(-4));
    const after = await t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'host.id_revealed').execute();
    expect(after.length).toBe(before.length + 1);
    const last = after[after.length - 1]!;
    expect(last.actor_id).toBe(admin.id);
    expect(last.detail).toContain('平台实名核验抽查');
    expect(last.detail).not.toContain(r.body.idNumber);
    const noId = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '无证件');
    await onRoster(noId, 'local', '无证件');
    expectProblem(await admin.client.post(`/api/v1/hosts/${noId.id}/real-name/reveal`, { reason: '核对' }), 404, 'not_found');
  });

  it('a number encrypted under one key cannot be read under another', async () => {
    const other = await createTestApp({ hostIdKey: Buffer.alloc(32, 7) });
    try {
      const row = await t.deps.db.selectFrom('host_profile').select('id_cipher').where('host_user_id', '=', host.id).executeTakeFirstOrThrow();
      const { decryptId } = await import('./idcard.js');
      expect(() => decryptId(other.config.hostIdKey, row.id_cipher!)).toThrow();
      expect(decryptId(t.config.hostIdKey, row.id_cipher!)).toMatch(/^\d{17}[\dX]$/);
    } finally {
      await other.close();
    }
  });
});

describe('linked external accounts', () => {
  it('the host or the center links accounts with follower counts; others cannot', async () => {
    let r = await host.client.put(`/api/v1/hosts/${host.id}/external-accounts/douyin`, { handle: 'lanmei_xiaoli', followers: 12800 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    r = await op.client.put(`/api/v1/hosts/${host.id}/external-accounts/kuaishou`, { handle: '蓝莓小李', followers: 3000 });
    expect(r.body.externalAccounts).toEqual([
      expect.objectContaining({ platform: 'douyin', handle: 'lanmei_xiaoli', followers: 12800, source: 'manual' }),
      expect.objectContaining({ platform: 'kuaishou', followers: 3000 }),
    ]);
    expectProblem(await host.client.put(`/api/v1/hosts/${host.id}/external-accounts/weibo`, { handle: 'x', followers: 1 }), 400, 'validation_failed');
    expectProblem(await host.client.put(`/api/v1/hosts/${host.id}/external-accounts/douyin`, { handle: 'x', followers: -1 }), 400, 'validation_failed');
    expectProblem(await host.client.put(`/api/v1/hosts/${host.id}/external-accounts/douyin`, { handle: 'x', followers: '100' }), 400, 'validation_failed');
    expectProblem(await host2.client.put(`/api/v1/hosts/${host.id}/external-accounts/douyin`, { handle: 'x', followers: 1 }), 404, 'not_found');
    expectProblem(await opB.client.put(`/api/v1/hosts/${host.id}/external-accounts/douyin`, { handle: 'x', followers: 1 }), 404, 'not_found');
    r = await host.client.delete(`/api/v1/hosts/${host.id}/external-accounts/kuaishou`);
    expect(r.status).toBe(200);
    expect(r.body.externalAccounts.map((a: { platform: string }) => a.platform)).toEqual(['douyin']);
    expectProblem(await host.client.delete(`/api/v1/hosts/${host.id}/external-accounts/kuaishou`), 404, 'not_found');
  });

  it('imports accounts from XLSX, reporting bad rows and applying the good ones', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('账号');
    ws.addRow(['手机号', '平台', '账号', '粉丝数']);
    ws.addRow([host2.phone, '视频号', '返乡小张', 5600]);
    ws.addRow([guest.phone, '抖音', 'shanhuo_daren', '1,200,000']);
    ws.addRow(['13999999999', '抖音', 'nobody', 10]);
    ws.addRow([host2.phone, '微博', 'x', 10]);
    ws.addRow([host2.phone, '快手', 'x', -5]);
    ws.addRow([hostB.phone, '抖音', 'other_county', 10]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    expectProblem(await official.client.upload('POST', `/api/v1/host-imports/external-accounts?countyCode=${COUNTY_A}`, file, 'a.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 403, 'forbidden');
    expectProblem(await opB.client.upload('POST', `/api/v1/host-imports/external-accounts?countyCode=${COUNTY_A}`, file, 'a.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 404, 'not_found');
    const r = await op.client.upload('POST', `/api/v1/host-imports/external-accounts?countyCode=${COUNTY_A}`, file, 'a.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.applied).toBe(2);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ row: 4, code: 'unknown_host' }),
      expect.objectContaining({ row: 5, code: 'unknown_platform' }),
      expect.objectContaining({ row: 6, code: 'bad_followers' }),
      expect.objectContaining({ row: 7, code: 'unknown_host' }),
    ]);
    expect(JSON.stringify(r.body)).not.toContain('13999999999');
    const g = await op.client.get(`/api/v1/hosts/${guest.id}`);
    expect(g.body.externalAccounts).toEqual([expect.objectContaining({ platform: 'douyin', handle: 'shanhuo_daren', followers: 1_200_000, source: 'import' })]);
    const noHeader = Buffer.from('a,b\n1,2\n');
    expectProblem(await op.client.upload('POST', `/api/v1/host-imports/external-accounts?countyCode=${COUNTY_A}`, noHeader, 'a.csv', 'text/csv'), 422, 'missing_column');
  });
});

describe('commission policies: the county cap', () => {
  const A = `/api/v1/settlement/counties/${COUNTY_A}`;
  it('the center admin sets a cap; policies above it or negative are refused, naming the field', async () => {
    expect((await op.client.get(`/api/v1/host-settings/${COUNTY_A}`)).body).toMatchObject({ maxCommissionBp: 5000, isDefault: true });
    expectProblem(await op.client.put(`/api/v1/host-settings/${COUNTY_A}`, { maxCommissionBp: 2000 }), 403, 'forbidden');
    expectProblem(await adminB.client.put(`/api/v1/host-settings/${COUNTY_A}`, { maxCommissionBp: 2000 }), 404, 'not_found');
    let bad = await admin.client.put(`/api/v1/host-settings/${COUNTY_A}`, { maxCommissionBp: 6000 });
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/body/maxCommissionBp', code: 'commission_above_maximum' });
    bad = await admin.client.put(`/api/v1/host-settings/${COUNTY_A}`, { maxCommissionBp: -1 });
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/body/maxCommissionBp', code: 'negative_commission' });
    const set = await admin.client.put(`/api/v1/host-settings/${COUNTY_A}`, { maxCommissionBp: 2000 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ maxCommissionBp: 2000, isDefault: false });
    expect((await host.client.get(`/api/v1/host-settings/${COUNTY_A}`)).body.maxCommissionBp).toBe(2000);

    const refuse = async (body: unknown, pointer: string, code: string) => {
      const r = await op.client.put(`${A}/hosts/${host.id}/policy`, body);
      expectProblem(r, 422, 'validation_failed');
      expect(r.body.errors[0]).toMatchObject({ pointer, code });
    };
    await refuse({ kind: 'regular', basis: 'rate', rateBp: 2001 }, '/body/rateBp', 'commission_above_maximum');
    await refuse({ kind: 'regular', basis: 'rate', rateBp: -5 }, '/body/rateBp', 'negative_commission');
    await refuse({ kind: 'regular', basis: 'rate', rateBp: 1000, overrides: [{ scope: 'category', target: 'fresh_fruit', basis: 'rate', rateBp: 2500 }] }, '/body/overrides/0/rateBp', 'commission_above_maximum');
    const p = await product(supA, { price: 1000 });
    // A fixed amount is capped by the same share of the cheapest price: 20 % of 10 yuan is 200 fen.
    await refuse({ kind: 'regular', basis: 'rate', rateBp: 1000, overrides: [{ scope: 'product', target: p.productId, basis: 'fixed', fixedFen: 201 }] }, '/body/overrides/0/fixedFen', 'commission_above_maximum');
    const ok = await op.client.put(`${A}/hosts/${host.id}/policy`, { kind: 'regular', basis: 'rate', rateBp: 2000, overrides: [{ scope: 'product', target: p.productId, basis: 'fixed', fixedFen: 200 }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // The cap cannot go below a policy in force.
    const below = await admin.client.put(`/api/v1/host-settings/${COUNTY_A}`, { maxCommissionBp: 1500 });
    expectProblem(below, 409, 'policies_above_cap');
    expect(below.body.hostUserIds).toEqual([host.id]);
    expect((await op.client.get(`/api/v1/host-settings/${COUNTY_A}`)).body.maxCommissionBp).toBe(2000);
    // The profile shows the policy in force.
    expect((await op.client.get(`/api/v1/hosts/${host.id}`)).body.policy).toMatchObject({ kind: 'regular', basis: 'rate', rateBp: 2000 });
  });

  it('the public host page shows an official\'s pledge and no ID data; unverified hosts are not public', async () => {
    const set = await admin.client.put(`${A}/hosts/${officialHost.id}/policy`, { kind: 'official', basis: 'rate', rateBp: 1500, charityBp: 6000, developmentBp: 4000 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const pub = await t.client().get(`/api/v1/store/hosts/${officialHost.id}`);
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    expect(pub.body).toMatchObject({ displayName: '王副县长', kind: 'official', pledge: { charityBp: 6000, developmentBp: 4000 } });
    const text = JSON.stringify(pub.body);
    for (const k of ['idNumber', 'realName', 'phone', 'birth', 'guardian', 'rateBp']) expect(text).not.toContain(k);
    const reg = await t.client().get(`/api/v1/store/hosts/${host.id}`);
    expect(reg.status).toBe(200);
    expect(reg.body.pledge).toBeNull();
    expect(reg.body.externalAccounts).toEqual([expect.objectContaining({ platform: 'douyin', followers: 12800 })]);
    const unverified = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '未认证');
    await onRoster(unverified, 'local', '未认证');
    expectProblem(await t.client().get(`/api/v1/store/hosts/${unverified.id}`), 404, 'not_found');
    // The directory lists verified hosts only, without ID data or phones.
    const dir = await t.client().get(`/api/v1/store/hosts?countyCode=${COUNTY_A}`);
    expect(dir.status).toBe(200);
    const ids = dir.body.items.map((i: { hostUserId: string }) => i.hostUserId);
    expect(ids).toEqual(expect.arrayContaining([host.id, officialHost.id]));
    expect(ids).not.toContain(unverified.id);
    expect(ids).not.toContain(hostB.id);
    expect(dir.body.items.find((i: { hostUserId: string }) => i.hostUserId === host.id)).toMatchObject({ displayName: '蓝莓小李', kind: 'local', followers: 12800 });
    for (const k of ['idNumber', 'realName', 'phone']) expect(JSON.stringify(dir.body)).not.toContain(k);
  });
});

describe('showcase (橱窗)', () => {
  it('adds a product from the selection base; refuses one not in it, not on sale, from a suspended or lapsed supplier', async () => {
    const inSel = await product(supA);
    const url = `/api/v1/hosts/${host.id}/showcase`;
    let r = await host.client.post(url, { productId: inSel.productId });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.added).toBe(true);
    expect(r.body.items[0]).toMatchObject({ productId: inSel.productId, sellable: true, commissionRateBp: 1000, supplierName: '蓝莓合作社' });
    r = await host.client.post(url, { productId: inSel.productId });
    expect(r.status).toBe(200);
    expect(r.body.added).toBe(false);
    expect(await isInShowcase(systemCtx(t.deps), host.id, inSel.productId)).toBe(true);

    const notSel = await product(supA, { selection: false });
    expectProblem(await host.client.post(url, { productId: notSel.productId }), 409, 'not_in_selection');
    expectProblem(await host.client.post(url, { productId: 'prd_nope' }), 404, 'not_found');

    const offSale = await product(supA);
    expect((await op.client.post(`/api/v1/products/${offSale.productId}/unpublish`)).status).toBe(200);
    expectProblem(await host.client.post(url, { productId: offSale.productId }), 409, 'product_not_on_sale');

    // A supplier whose licence lapsed: its products come off sale, and the reason is the licence.
    const lapsing = await makeSupplier(t, { name: '过期合作社' });
    const lic = await makeLicence(t, op.client, lapsing, 'produce_certificate');
    const lp = await product(lapsing);
    await t.deps.db.updateTable('licence').set({ status: 'expired' }).where('id', '=', lic).execute();
    expectProblem(await host.client.post(url, { productId: lp.productId }), 409, 'supplier_licence_lapsed');

    const susp = await product(supOther);
    expect((await op.client.post(`/api/v1/suppliers/${supOther}/suspend`, { reason: '抽检不合格' })).status).toBe(200);
    expectProblem(await host.client.post(url, { productId: susp.productId }), 409, 'supplier_suspended');
    expect((await op.client.post(`/api/v1/suppliers/${supOther}/reinstate`, { reason: '整改完成' })).status).toBe(200);

    const bProduct = await (async () => {
      const sb = await makeSupplier(t, { countyCode: COUNTY_B, name: '人参农场' });
      await makeLicence(t, opB.client, sb, 'produce_certificate');
      return product(sb, { county: 'B' });
    })();
    expectProblem(await host.client.post(url, { productId: bProduct.productId }), 409, 'not_host_in_county');

    expect((await host.client.get(url)).body.items.map((i: { productId: string }) => i.productId)).toEqual([inSel.productId]);
    expect(await t.deps.db.selectFrom('host_showcase_item').select('product_id').where('host_user_id', '=', host.id).execute()).toHaveLength(1);
  });

  it('two adds of the same product at once: one adds it, the other finds it there', async () => {
    const p = await product(supA);
    const [x, y] = await Promise.all([
      host2.client.post(`/api/v1/hosts/${host2.id}/showcase`, { productId: p.productId }),
      op.client.post(`/api/v1/hosts/${host2.id}/showcase`, { productId: p.productId }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 201]);
    expect([x.body.added, y.body.added].sort()).toEqual([false, true]);
    const rows = await t.deps.db.selectFrom('host_showcase_item').select('product_id').where('host_user_id', '=', host2.id).where('product_id', '=', p.productId).execute();
    expect(rows).toHaveLength(1);
  });

  it('only the host or its center changes a showcase; sold-out-of-rule products show as not sellable; remove', async () => {
    const p = await product(supA);
    expectProblem(await host2.client.post(`/api/v1/hosts/${host.id}/showcase`, { productId: p.productId }), 404, 'not_found');
    expectProblem(await opB.client.post(`/api/v1/hosts/${host.id}/showcase`, { productId: p.productId }), 404, 'not_found');
    expectProblem(await official.client.post(`/api/v1/hosts/${host.id}/showcase`, { productId: p.productId }), 403, 'forbidden');
    expect((await op.client.post(`/api/v1/hosts/${host.id}/showcase`, { productId: p.productId })).status).toBe(201);
    expect((await op.client.post(`/api/v1/products/${p.productId}/unpublish`)).status).toBe(200);
    const list = await official.client.get(`/api/v1/hosts/${host.id}/showcase`);
    expect(list.body.items.find((i: { productId: string }) => i.productId === p.productId).sellable).toBe(false);
    expect(await isInShowcase(systemCtx(t.deps), host.id, p.productId)).toBe(false);
    // The public page shows only what can be bought.
    expect((await t.client().get(`/api/v1/store/hosts/${host.id}`)).body.showcase.map((i: { productId: string }) => i.productId)).not.toContain(p.productId);
    const del = await host.client.delete(`/api/v1/hosts/${host.id}/showcase/${p.productId}`);
    expect(del.status).toBe(200);
    expect(del.body.items.map((i: { productId: string }) => i.productId)).not.toContain(p.productId);
    expectProblem(await host.client.delete(`/api/v1/hosts/${host.id}/showcase/${p.productId}`), 404, 'not_found');
  });
});

describe('matchmaking (带货邀请 / 带货申请)', () => {
  it('a supplier invites a host for its own product; the center approves and the product enters the showcase', async () => {
    const p = await product(supA);
    expectProblem(await supplierOther.client.post('/api/v1/host-matches', { kind: 'invite', productId: p.productId, hostUserId: host2.id }), 422, 'validation_failed');
    expectProblem(await supplierA.client.post('/api/v1/host-matches', { kind: 'invite', productId: p.productId, hostUserId: hostB.id }), 422, 'validation_failed');
    expectProblem(await supplierA.client.post('/api/v1/host-matches', { kind: 'invite', productId: p.productId }), 422, 'validation_failed');
    const inv = await supplierA.client.post('/api/v1/host-matches', { kind: 'invite', productId: p.productId, hostUserId: host2.id, message: '欢迎来带我们的蓝莓' });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    expect(inv.body).toMatchObject({ kind: 'invite', status: 'pending', hostUserId: host2.id, supplierId: supA, hostName: '返乡小张' });
    expectProblem(await host2.client.post('/api/v1/host-matches', { kind: 'apply', productId: p.productId }), 409, 'match_pending');
    expect((await host2.client.get('/api/v1/host-matches')).body.items.map((m: { id: string }) => m.id)).toContain(inv.body.id);
    expect((await supplierOther.client.get('/api/v1/host-matches')).body.items.map((m: { id: string }) => m.id)).not.toContain(inv.body.id);
    expect((await host.client.get('/api/v1/host-matches')).body.items.map((m: { id: string }) => m.id)).not.toContain(inv.body.id);
    expect((await opB.client.get('/api/v1/host-matches')).body.items).toEqual([]);
    expectProblem(await opB.client.post(`/api/v1/host-matches/${inv.body.id}/decide`, { verdict: 'approve' }), 404, 'not_found');
    expectProblem(await official.client.post(`/api/v1/host-matches/${inv.body.id}/decide`, { verdict: 'approve' }), 403, 'forbidden');
    const [a, b] = await Promise.all([
      op.client.post(`/api/v1/host-matches/${inv.body.id}/decide`, { verdict: 'approve' }),
      admin.client.post(`/api/v1/host-matches/${inv.body.id}/decide`, { verdict: 'approve' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 200 ? a : b).body.status).toBe('approved');
    expect(await isInShowcase(systemCtx(t.deps), host2.id, p.productId)).toBe(true);
    const notes = await t.deps.db.selectFrom('notification').select('kind').where('user_id', '=', host2.id).execute();
    expect(notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['host_match_invited', 'host_match_approved']));
    expectProblem(await supplierA.client.post('/api/v1/host-matches', { kind: 'invite', productId: p.productId, hostUserId: host2.id }), 409, 'already_in_showcase');
  });

  it('two applications for the same product at once: one is filed, the other refused', async () => {
    const p = await product(supA);
    const [x, y] = await Promise.all([
      guest.client.post('/api/v1/host-matches', { kind: 'apply', productId: p.productId }),
      supplierA.client.post('/api/v1/host-matches', { kind: 'invite', productId: p.productId, hostUserId: guest.id }),
    ]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    const rows = await t.deps.db.selectFrom('host_match').select('id').where('host_user_id', '=', guest.id).where('product_id', '=', p.productId).where('status', '=', 'pending').execute();
    expect(rows).toHaveLength(1);
  });

  it('a host applies (带货申请); rejection needs a reason; withdraw; products outside the selection base are refused', async () => {
    const p = await product(supA);
    const ap = await guest.client.post('/api/v1/host-matches', { kind: 'apply', productId: p.productId, message: '我粉丝多' });
    expect(ap.status).toBe(201);
    expectProblem(await supplierA.client.post(`/api/v1/host-matches/${ap.body.id}/withdraw`), 403, 'forbidden');
    expectProblem(await op.client.post(`/api/v1/host-matches/${ap.body.id}/decide`, { verdict: 'reject' }), 422, 'validation_failed');
    const rej = await op.client.post(`/api/v1/host-matches/${ap.body.id}/decide`, { verdict: 'reject', note: '先带本地产品' });
    expect(rej.body).toMatchObject({ status: 'rejected', decisionNote: '先带本地产品' });
    expect(await isInShowcase(systemCtx(t.deps), guest.id, p.productId)).toBe(false);
    const again = await guest.client.post('/api/v1/host-matches', { kind: 'apply', productId: p.productId });
    expect(again.status).toBe(201);
    const w = await guest.client.post(`/api/v1/host-matches/${again.body.id}/withdraw`);
    expect(w.body.status).toBe('withdrawn');
    expectProblem(await guest.client.post(`/api/v1/host-matches/${again.body.id}/withdraw`), 409, 'match_not_pending');
    expectProblem(await op.client.post(`/api/v1/host-matches/${again.body.id}/decide`, { verdict: 'approve' }), 409, 'match_not_pending');
    const notSel = await product(supA, { selection: false });
    expectProblem(await guest.client.post('/api/v1/host-matches', { kind: 'apply', productId: notSel.productId }), 409, 'not_in_selection');
    expectProblem(await hostB.client.post('/api/v1/host-matches', { kind: 'apply', productId: p.productId }), 422, 'validation_failed');
    // A product that lapsed after the request cannot be approved into a showcase.
    const late = await guest.client.post('/api/v1/host-matches', { kind: 'apply', productId: p.productId });
    expect((await op.client.post(`/api/v1/products/${p.productId}/unpublish`)).status).toBe(200);
    expectProblem(await op.client.post(`/api/v1/host-matches/${late.body.id}/decide`, { verdict: 'approve' }), 409, 'product_not_on_sale');
    expect((await op.client.get(`/api/v1/host-matches?status=pending&countyCode=${COUNTY_A}`)).body.items.map((m: { id: string }) => m.id)).toContain(late.body.id);
  });
});

describe('samples (寄样)', () => {
  const addr = { recipientName: '李小梅', recipientPhone: '13812345678', addressText: '靖宇县联合村3组12号' };
  it('a host asks for samples of a showcase product; the supplier ships, the host receives and returns, the supplier gets them back', async () => {
    const p = await product(supA, { sampleQuantity: 2 });
    const noMatch = await host.client.post('/api/v1/host-samples', { productId: p.productId, quantity: 1, returnRequired: true, ...addr });
    expectProblem(noMatch, 409, 'sample_needs_match');
    expect((await host.client.post(`/api/v1/hosts/${host.id}/showcase`, { productId: p.productId })).status).toBe(201);
    const tooMany = await host.client.post('/api/v1/host-samples', { productId: p.productId, quantity: 3, returnRequired: true, ...addr });
    expect(tooMany.body.errors?.[0]).toMatchObject({ pointer: '/body/quantity', code: 'too_many_samples' });
    expectProblem(await host.client.post('/api/v1/host-samples', { productId: p.productId, quantity: 1, returnRequired: true, ...addr, recipientPhone: '123' }), 400, 'validation_failed');
    const s = await host.client.post('/api/v1/host-samples', { productId: p.productId, quantity: 2, returnRequired: true, ...addr });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body).toMatchObject({ status: 'requested', quantity: 2, returnRequired: true, supplierId: supA, recipientPhone: '13812345678' });
    const id = s.body.id;
    expect((await official.client.get('/api/v1/host-samples')).body.items.find((x: { id: string }) => x.id === id).recipientPhone).toBe('138****5678');
    expect((await supplierOther.client.get('/api/v1/host-samples')).body.items.map((x: { id: string }) => x.id)).not.toContain(id);
    expectProblem(await supplierOther.client.post(`/api/v1/host-samples/${id}/ship`, { carrier: 'ZTO', trackingNo: '7312345678901' }), 404, 'not_found');
    expectProblem(await host.client.post(`/api/v1/host-samples/${id}/ship`, { carrier: 'ZTO', trackingNo: '7312345678901' }), 403, 'forbidden');
    expectProblem(await supplierA.client.post(`/api/v1/host-samples/${id}/receive`), 403, 'forbidden');
    const badTrack = await supplierA.client.post(`/api/v1/host-samples/${id}/ship`, { carrier: 'SF', trackingNo: '7312345678901' });
    expect(badTrack.body.errors[0]).toMatchObject({ pointer: '/body/trackingNo', code: 'bad_tracking_no' });
    expect((await supplierA.client.post(`/api/v1/host-samples/${id}/ship`, { carrier: 'NOPE', trackingNo: '7312345678901' })).body.errors[0].pointer).toBe('/body/carrier');
    expectProblem(await host.client.post(`/api/v1/host-samples/${id}/return-ship`, { carrier: 'ZTO', trackingNo: '7312345678901' }), 409, 'sample_wrong_status');
    const [x, y] = await Promise.all([
      supplierA.client.post(`/api/v1/host-samples/${id}/ship`, { carrier: 'ZTO', trackingNo: '7312 3456 78901' }),
      op.client.post(`/api/v1/host-samples/${id}/ship`, { carrier: 'YTO', trackingNo: 'YT1234567890' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    expectProblem(await host.client.post(`/api/v1/host-samples/${id}/cancel`), 409, 'sample_wrong_status');
    expect((await host.client.post(`/api/v1/host-samples/${id}/receive`)).body.status).toBe('received');
    const back = await host.client.post(`/api/v1/host-samples/${id}/return-ship`, { carrier: 'EMS', trackingNo: '1100223344556' });
    expect(back.body).toMatchObject({ status: 'return_shipped', returnCarrier: 'EMS', returnTrackingNo: '1100223344556' });
    expectProblem(await host.client.post(`/api/v1/host-samples/${id}/returned`), 403, 'forbidden');
    const done = await supplierA.client.post(`/api/v1/host-samples/${id}/returned`);
    expect(done.body.status).toBe('returned');
    expect(done.body.returnedAt).toBeTruthy();
    expect(done.body.trackingNo).toMatch(/^(7312345678901|YT1234567890)$/);
  });

  it('a sample that stays with the host cannot be sent back; a request not yet shipped can be cancelled', async () => {
    const p = await product(supA);
    await host.client.post(`/api/v1/hosts/${host.id}/showcase`, { productId: p.productId });
    const s = await host.client.post('/api/v1/host-samples', { productId: p.productId, quantity: 1, returnRequired: false, ...addr });
    await supplierA.client.post(`/api/v1/host-samples/${s.body.id}/ship`, { carrier: 'JD', trackingNo: 'JD0012345678' });
    await host.client.post(`/api/v1/host-samples/${s.body.id}/receive`);
    expectProblem(await host.client.post(`/api/v1/host-samples/${s.body.id}/return-ship`, { carrier: 'EMS', trackingNo: '1100223344556' }), 409, 'return_not_required');
    const c = await host.client.post('/api/v1/host-samples', { productId: p.productId, quantity: 1, returnRequired: false, ...addr });
    expect((await supplierA.client.post(`/api/v1/host-samples/${c.body.id}/cancel`)).body.status).toBe('cancelled');
    expectProblem(await supplierA.client.post(`/api/v1/host-samples/${c.body.id}/ship`, { carrier: 'JD', trackingNo: 'JD0012345678' }), 409, 'sample_wrong_status');
  });
});

describe('performance', () => {
  const from = addDays(bizDate(), -6);
  const to = bizDate();
  let sessionStart: string;

  async function paidOrder(skuId: string, quantity: number, hostId: string | null, complete: boolean) {
    const b = await makeUser(t, [{ role: 'buyer' }], '买家');
    const a = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
    const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId, quantity }], addressId: a.body.id }, { 'idempotency-key': `k-${randomUUID()}` });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    await handlePaymentEvent(t.deps, { kind: 'paid', eventId: randomUUID(), provider: 'sandbox', outTradeNo: c.body.paymentNo, transactionId: `tx-${randomUUID()}`, amountFen: c.body.totalFen, paidAt: nowIso(), duplicate: false });
    const order = c.body.orders[0] as { id: string; totalFen: number };
    if (hostId) await t.deps.db.updateTable('shop_order').set({ host_user_id: hostId, source_kind: 'live' }).where('id', '=', order.id).execute();
    if (complete) {
      expect((await supplierA.client.post(`/api/v1/fulfilment/orders/${order.id}/ship`, { carrier: 'ZTO', trackingNo: `7${Date.now()}${Math.floor(Math.random() * 1000)}` })).status).toBe(200);
      expect((await b.client.post(`/api/v1/orders/${order.id}/confirm-receipt`)).status).toBe(200);
    }
    return order;
  }

  async function session(hostId: string, kind: 'hosted' | 'external' | 'practice', startedAt: Date, minutes: number, stat?: { watch: number; unique: number; peak: number }) {
    const id = newId('liveSession');
    const now = nowIso();
    const end = new Date(startedAt.getTime() + minutes * 60_000).toISOString();
    await t.deps.db.insertInto('live_session').values({
      id, county_code: COUNTY_A, host_user_id: hostId, kind, title: '直播', description: '', cover_file_id: null, scheduled_start: startedAt.toISOString(), scheduled_end: end,
      status: 'ended', approval: 'approved', approval_note: '', approved_by: null, platform: kind === 'external' ? 'douyin' : null, external_url: null, external_code: null,
      pinned_item_id: null, video_state: 'offline', video_seen_at: null, replay_path: null, started_at: startedAt.toISOString(), ended_at: end, created_at: now, updated_at: now,
    } as never).execute();
    if (stat) await t.deps.db.insertInto('live_session_stat').values({ session_id: id, viewers_now: 0, viewers_peak: stat.peak, watch_seconds: stat.watch, unique_viewers: stat.unique, comments: 0, likes: 0, updated_at: now }).execute();
    return id;
  }

  it('per host: sessions, hours, GMV, orders, commission, refunds, viewers, conversion; ranking; local share', async () => {
    // A fresh policy for host: 10 % (under the 20 % cap set above), no overrides.
    expect((await op.client.put(`/api/v1/settlement/counties/${COUNTY_A}/hosts/${host.id}/policy`, { kind: 'regular', basis: 'rate', rateBp: 1000 })).status).toBe(200);
    const p = await product(supA, { price: 5000 });
    sessionStart = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await session(host.id, 'hosted', new Date(sessionStart), 120, { watch: 7200 * 30, unique: 100, peak: 55 });
    await session(host.id, 'practice', new Date(sessionStart), 60, { watch: 999_999, unique: 999, peak: 999 });
    const ext = await session(host.id, 'external', new Date(Date.now() - 86_400_000), 30);
    await t.deps.db.insertInto('live_external_sale').values({ id: newId('liveExternalSale'), session_id: ext, product_id: p.productId, label: '抖音小店', orders: 7, units: 9, gmv_fen: 63_000, source: 'manual', created_by: null, created_at: nowIso() }).execute();
    await session(host.id, 'hosted', new Date(Date.now() - 30 * 86_400_000), 60, { watch: 1, unique: 1, peak: 1 }); // before the period
    const o1 = await paidOrder(p.skuId, 2, host.id, true);
    const o2 = await paidOrder(p.skuId, 1, host.id, false);
    const o3 = await paidOrder(p.skuId, 4, guest.id, true);
    await paidOrder(p.skuId, 1, null, false);

    const r = await op.client.get(`/api/v1/host-performance?countyCode=${COUNTY_A}&from=${from}&to=${to}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const me = r.body.items.find((i: { hostUserId: string }) => i.hostUserId === host.id);
    expect(me).toMatchObject({
      sessions: 2, externalSessions: 1, hoursLive: 2.5, avgViewers: 30, peakViewers: 55, uniqueViewers: 100,
      orders: 2, gmvFen: o1.totalFen + o2.totalFen, refundsFen: 0, commissionFen: 1000, pledgedFen: 0,
      externalOrders: 7, externalGmvFen: 63_000, conversion: 0.02, local: true, kind: 'local',
    });
    const g = r.body.items.find((i: { hostUserId: string }) => i.hostUserId === guest.id);
    // No policy: the selection-base rate (10 %) of 4 × 50 yuan.
    expect(g).toMatchObject({ orders: 1, gmvFen: o3.totalFen, commissionFen: 2000, local: false, sessions: 0, avgViewers: null, conversion: null });
    expect(r.body.items[0].hostUserId).toBe(guest.id);
    expect(r.body.items[0].rank).toBe(1);
    expect(r.body.items[1]).toMatchObject({ rank: 2, hostUserId: host.id });
    const t0 = r.body.totals;
    expect(t0.countyOrders).toBe(4);
    expect(t0.hostGmvFen).toBe(me.gmvFen + g.gmvFen);
    expect(t0.localGmvFen).toBe(me.gmvFen);
    expect(t0.localShareOfHosts).toBeCloseTo(me.gmvFen / (me.gmvFen + g.gmvFen), 4);
    expect(t0.localShareOfCounty).toBeCloseTo(me.gmvFen / t0.countyGmvFen, 4);
    expect((await opB.client.get(`/api/v1/host-performance?countyCode=${COUNTY_A}&from=${from}&to=${to}`)).status).toBe(404);
    expectProblem(await op.client.get(`/api/v1/host-performance?countyCode=${COUNTY_A}&from=${to}&to=${from}`), 422, 'validation_failed');
    expectProblem(await op.client.get(`/api/v1/host-performance?countyCode=${COUNTY_A}&from=2026-02-30&to=${to}`), 422, 'validation_failed');
    expectProblem(await op.client.get(`/api/v1/host-performance?countyCode=${COUNTY_A}&from=2020-01-01&to=${to}`), 422, 'validation_failed');
  });

  it('the county cap also bounds a selection-base rate when the commission is booked', async () => {
    // County B: cap 8 %, a product whose selection-base rate is 12 %, a host with no policy (the selection rate applies).
    expect((await adminB.client.put(`/api/v1/host-settings/${COUNTY_B}`, { maxCommissionBp: 800 })).status).toBe(200);
    const sb = await makeSupplier(t, { countyCode: COUNTY_B, name: '抚松人参' });
    await makeLicence(t, opB.client, sb, 'produce_certificate');
    const supplierB = await makeUser(t, [{ role: 'supplier', supplierId: sb, prefix: COUNTY_B }], '人参社长');
    const p = await makeProduct(t, opB.client, sb, { title: '林下参', village: VILLAGE_B, skus: [{ priceFen: 10_000, stock: 50 }], publish: true });
    expect((await opB.client.put(`/api/v1/products/${p.id}/selection`, { suggestedPriceFen: 10_000, commissionRateBp: 1200, sellingPoints: [], sampleQuantity: 0 })).status).toBe(200);
    const b = await makeUser(t, [{ role: 'buyer' }], '买家');
    const addr = await b.client.post('/api/v1/me/addresses', { recipientName: '张三', phone: '13812345678', regionCode: '110105', detail: '幸福路1号' });
    const c = await b.client.request('POST', '/api/v1/checkouts', { items: [{ skuId: p.skuIds[0], quantity: 1 }], addressId: addr.body.id }, { 'idempotency-key': `k-${randomUUID()}` });
    await handlePaymentEvent(t.deps, { kind: 'paid', eventId: randomUUID(), provider: 'sandbox', outTradeNo: c.body.paymentNo, transactionId: `tx-${randomUUID()}`, amountFen: c.body.totalFen, paidAt: nowIso(), duplicate: false });
    const orderId = c.body.orders[0].id as string;
    await t.deps.db.updateTable('shop_order').set({ host_user_id: hostB.id, source_kind: 'live' }).where('id', '=', orderId).execute();
    expect((await supplierB.client.post(`/api/v1/fulfilment/orders/${orderId}/ship`, { carrier: 'ZTO', trackingNo: `7${Date.now()}` })).status).toBe(200);
    expect((await b.client.post(`/api/v1/orders/${orderId}/confirm-receipt`)).status).toBe(200);
    const split = await opB.client.get(`/api/v1/settlement/orders/${orderId}/split`);
    expect(split.body.hostCommissionFen).toBe(800);
    const perf = await opB.client.get(`/api/v1/host-performance?countyCode=${COUNTY_B}&from=${from}&to=${to}`);
    expect(perf.body.items.find((i: { hostUserId: string }) => i.hostUserId === hostB.id).commissionFen).toBe(800);
  });

  it("the host's own dashboard: its figures, rank and daily sales; not another host's", async () => {
    const mine = await host.client.get(`/api/v1/hosts/${host.id}/performance?from=${from}&to=${to}`);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body).toMatchObject({ rank: 2, orders: 2, commissionFen: 1000 });
    expect(mine.body.of).toBeGreaterThanOrEqual(2);
    expect(mine.body.daily.reduce((s: number, d: { gmvFen: number }) => s + d.gmvFen, 0)).toBe(mine.body.gmvFen);
    expectProblem(await host2.client.get(`/api/v1/hosts/${host.id}/performance?from=${from}&to=${to}`), 404, 'not_found');
    expect((await official.client.get(`/api/v1/hosts/${host.id}/performance?from=${from}&to=${to}`)).status).toBe(200);
    expectProblem(await opB.client.get(`/api/v1/hosts/${host.id}/performance?from=${from}&to=${to}`), 404, 'not_found');
  });

  it('exports the ranking as XLSX', async () => {
    const r = await op.client.get(`/api/v1/host-performance/export?countyCode=${COUNTY_A}&from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.raw.rawPayload as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]![0]).toBe('排名');
    expect(rows[2]).toEqual(expect.arrayContaining([2, '蓝莓小李', '本地主播', 2, 2.5]));
  });
});


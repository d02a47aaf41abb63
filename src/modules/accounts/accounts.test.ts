import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeUser, makeSupplier, nextPhone, PASSWORD } from '../../../test/factories.js';
import { SESSION_CACHE_MS } from './session-cache.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp({ loginMaxFailures: 3 }); });
afterAll(async () => { await t.close(); });

describe('sign-up and password login', () => {
  it('signs up a buyer, sets an HttpOnly SameSite cookie and never returns the password', async () => {
    const c = t.client();
    const phone = nextPhone();
    const res = await c.post('/api/v1/auth/signup', { phone, password: 'correct horse', name: '小明' });
    expect(res.status).toBe(201);
    expect(res.body.user.phone).toBe(phone);
    expect(res.body.user.roles.map((r: { role: string }) => r.role)).toEqual(['buyer']);
    expect(JSON.stringify(res.body)).not.toContain('correct horse');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const row = await t.deps.db.selectFrom('app_user').select('password_hash').where('phone', '=', phone).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const me = await c.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('refuses a second account on the same phone and bad fields, naming each field', async () => {
    const phone = nextPhone();
    await t.client().post('/api/v1/auth/signup', { phone, password: 'password-1', name: 'A' });
    expectProblem(await t.client().post('/api/v1/auth/signup', { phone, password: 'password-1', name: 'B' }), 409, 'phone_taken');
    const bad = await t.client().post('/api/v1/auth/signup', { phone: '23800138000', password: 'short', name: '' });
    expectProblem(bad, 400, 'validation_failed');
    const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/body/name', '/body/password', '/body/phone']);
  });

  it('answers a wrong password and an unknown phone the same way', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const wrong = await t.client().post('/api/v1/auth/login', { phone: u.phone, password: 'nope-nope' });
    const unknown = await t.client().post('/api/v1/auth/login', { phone: nextPhone(), password: 'nope-nope' });
    expectProblem(wrong, 401, 'invalid_credentials');
    expectProblem(unknown, 401, 'invalid_credentials');
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('locks the account after repeated failures, even for the right password, and audits it', async () => {
    const u = await makeUser(t, [{ role: 'operator', prefix: COUNTY_A }]);
    for (let i = 0; i < 2; i++) expectProblem(await t.client().post('/api/v1/auth/login', { phone: u.phone, password: 'bad-password' }), 401, 'invalid_credentials');
    expectProblem(await t.client().post('/api/v1/auth/login', { phone: u.phone, password: 'bad-password' }), 423, 'account_locked');
    const locked = await t.client().post('/api/v1/auth/login', { phone: u.phone, password: PASSWORD });
    expectProblem(locked, 423, 'account_locked');
    expect(locked.body.retryAfterSeconds).toBeGreaterThan(0);
    const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'county_code']).where('target_id', '=', u.id).execute();
    expect(audit.map((a) => a.action)).toContain('auth.locked');
    expect(audit.find((a) => a.action === 'auth.locked')?.county_code).toBe(COUNTY_A);
  });

  it('an admin unlocks a locked account', async () => {
    const { admin } = await makeCounty(t);
    const u = await makeUser(t, [{ role: 'operator', prefix: COUNTY_A }]);
    for (let i = 0; i < 3; i++) await t.client().post('/api/v1/auth/login', { phone: u.phone, password: 'bad-password' });
    expectProblem(await t.client().post('/api/v1/auth/login', { phone: u.phone, password: PASSWORD }), 423, 'account_locked');
    expect((await admin.client.post(`/api/v1/users/${u.id}/unlock`)).status).toBe(200);
    expect((await t.client().post('/api/v1/auth/login', { phone: u.phone, password: PASSWORD })).status).toBe(200);
  });
});

describe('sessions, logout and CSRF', () => {
  it('refuses a state-changing call without the CSRF token, accepts it with the token', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const noToken = await u.client.request('POST', '/api/v1/auth/password', { newPassword: 'another-pass' }, { 'x-csrf-token': '' });
    expectProblem(noToken, 403, 'csrf_failed');
    const wrongToken = await u.client.request('POST', '/api/v1/auth/password', { newPassword: 'another-pass' }, { 'x-csrf-token': 'forged' });
    expectProblem(wrongToken, 403, 'csrf_failed');
    const ok = await u.client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'another-pass' });
    expect(ok.status).toBe(200);
  });

  it('lists my sessions, revokes another device, and logout ends this one', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const other = t.client();
    await other.login(u.phone, PASSWORD);
    const list = await u.client.get('/api/v1/auth/sessions');
    expect(list.body.items).toHaveLength(2);
    const otherSession = list.body.items.find((s: { current: boolean }) => !s.current);
    expect((await u.client.delete(`/api/v1/auth/sessions/${otherSession.id}`)).status).toBe(200);
    expectProblem(await other.get('/api/v1/auth/me'), 401, 'unauthenticated');
    expect((await u.client.post('/api/v1/auth/logout')).status).toBe(200);
    expectProblem(await u.client.get('/api/v1/auth/me'), 401, 'unauthenticated');
  });

  it('cannot revoke somebody else’s session', async () => {
    const a = await makeUser(t, [{ role: 'buyer' }]);
    const b = await makeUser(t, [{ role: 'buyer' }]);
    const bSessions = await b.client.get('/api/v1/auth/sessions');
    expectProblem(await a.client.delete(`/api/v1/auth/sessions/${bSessions.body.items[0].id}`), 404, 'not_found');
    expect((await b.client.get('/api/v1/auth/me')).status).toBe(200);
  });

  it('changing the password signs out the other devices', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const other = t.client();
    await other.login(u.phone, PASSWORD);
    expect((await u.client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'brand-new-pass' })).status).toBe(200);
    expectProblem(await other.get('/api/v1/auth/me'), 401, 'unauthenticated');
    expect((await u.client.get('/api/v1/auth/me')).status).toBe(200);
    expect((await t.client().post('/api/v1/auth/login', { phone: u.phone, password: 'brand-new-pass' })).status).toBe(200);
  });
});

describe('session cache', () => {
  it('a session used a moment ago is refused at once when it is revoked, the password changes, or its role goes', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const other = t.client();
    await other.login(u.phone, PASSWORD);
    expect((await other.get('/api/v1/auth/me')).status).toBe(200); // resolved, so kept for a second
    const otherSession = (await u.client.get('/api/v1/auth/sessions')).body.items.find((s: { current: boolean }) => !s.current);
    expect((await u.client.delete(`/api/v1/auth/sessions/${otherSession.id}`)).status).toBe(200);
    expectProblem(await other.get('/api/v1/auth/me'), 401, 'unauthenticated');

    const third = t.client();
    await third.login(u.phone, PASSWORD);
    expect((await third.get('/api/v1/auth/me')).status).toBe(200);
    expect((await u.client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'cache-test-pass' })).status).toBe(200);
    expectProblem(await third.get('/api/v1/auth/me'), 401, 'unauthenticated');

    const { admin } = await makeCounty(t);
    const grant = await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: COUNTY_A });
    expect(grant.status).toBe(201);
    expect((await u.client.get('/api/v1/refunds')).status).toBe(200); // the new role works at once
    expect((await admin.client.delete(`/api/v1/users/${u.id}/roles/${grant.body.id}`)).status).toBe(200);
    expectProblem(await u.client.get('/api/v1/refunds'), 403, 'forbidden');
  });

  it('a change made by another server process reaches this one within SESSION_CACHE_MS', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    expect((await u.client.get('/api/v1/auth/me')).status).toBe(200);
    // Another process signs this session out: here, a write this process's services never see.
    await t.deps.db.updateTable('user_session').set({ revoked_at: new Date().toISOString() }).where('user_id', '=', u.id).execute();
    expect((await u.client.get('/api/v1/auth/me')).status).toBe(200); // still the answer kept a moment ago
    await new Promise((r) => setTimeout(r, SESSION_CACHE_MS + 50));
    expectProblem(await u.client.get('/api/v1/auth/me'), 401, 'unauthenticated');
  });
});

describe('SMS code login', () => {
  const lastCode = (phone: string) => {
    const msg = [...t.sms.outbox].reverse().find((m) => m.phone === phone);
    return msg?.text.match(/(\d{6})/)?.[1];
  };

  it('sends a code, signs in (creating a buyer for a new number), and refuses to reuse it', async () => {
    const phone = nextPhone();
    const c = t.client();
    expect((await c.post('/api/v1/auth/sms/send', { phone })).status).toBe(202);
    const code = lastCode(phone)!;
    expect(code).toMatch(/^\d{6}$/);
    const res = await c.post('/api/v1/auth/sms/login', { phone, code });
    expect(res.status).toBe(200);
    expect(res.body.user.roles.map((r: { role: string }) => r.role)).toEqual(['buyer']);
    expectProblem(await t.client().post('/api/v1/auth/sms/login', { phone, code }), 401, 'invalid_sms_code');
  });

  it('texts a number once however many ask for a code at the same moment', async () => {
    const phone = nextPhone();
    const texted = () => t.sms.outbox.filter((m) => m.phone === phone).length;
    const answers = await Promise.all(Array.from({ length: 20 }, (_v, i) => Object.assign(t.client(), { ip: `10.9.0.${i + 1}` }).post('/api/v1/auth/sms/send', { phone })));
    expect(answers.map((r) => r.status).sort()).toEqual([202, ...Array(19).fill(429)]);
    expect(answers.filter((r) => r.status === 429).every((r) => r.body.code === 'sms_too_soon')).toBe(true);
    expect(texted()).toBe(1);
    expect(Number((await t.deps.db.selectFrom('sms_code').select((eb) => eb.fn.countAll().as('n')).where('phone', '=', phone).executeTakeFirstOrThrow()).n)).toBe(1);
  });

  it('refuses a resend within a minute and stops guessing after five attempts', async () => {
    const phone = nextPhone();
    await t.client().post('/api/v1/auth/sms/send', { phone });
    expectProblem(await t.client().post('/api/v1/auth/sms/send', { phone }), 429, 'sms_too_soon');
    const code = lastCode(phone)!;
    const wrong = code === '000000' ? '111111' : '000000';
    const tries = await Promise.all(Array.from({ length: 8 }, () => t.client().post('/api/v1/auth/sms/login', { phone, code: wrong })));
    expect(tries.every((r) => r.status === 401)).toBe(true);
    // The right code no longer works: the attempts are used up.
    expectProblem(await t.client().post('/api/v1/auth/sms/login', { phone, code }), 401, 'invalid_sms_code');
  });
});

describe('rate limits', () => {
  it('limits login attempts per address', async () => {
    const limited = await createTestApp({ rateLimitLoginPerMinute: 3 });
    try {
      const c = limited.client();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await c.post('/api/v1/auth/login', { phone: nextPhone(), password: 'x' })).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses[3]).toBe(429);
      const res = await c.post('/api/v1/auth/login', { phone: nextPhone(), password: 'x' });
      expectProblem(res, 429, 'rate_limited');
    } finally {
      await limited.close();
    }
  });
});

describe('users and roles', () => {
  it('an admin grants and revokes a role inside its county, audited', async () => {
    const { admin } = await makeCounty(t);
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const found = await admin.client.get(`/api/v1/users?phone=${u.phone}`);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0].phoneMasked).toBe(`${u.phone.slice(0, 3)}****${u.phone.slice(-4)}`);
    const grant = await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: COUNTY_A });
    expect(grant.status).toBe(201);
    expectProblem(await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: COUNTY_A }), 409, 'role_exists');
    const staff = await admin.client.get('/api/v1/users?role=operator');
    expect(staff.body.items.map((i: { id: string }) => i.id)).toContain(u.id);
    expect((await admin.client.delete(`/api/v1/users/${u.id}/roles/${grant.body.id}`)).status).toBe(200);
    const audit = await admin.client.get('/api/v1/audit?action=role.granted');
    expect(audit.body.items.some((a: { targetId: string }) => a.targetId === u.id)).toBe(true);
    const revoked = await admin.client.get('/api/v1/audit?action=role.revoked');
    expect(revoked.body.items.some((a: { targetId: string }) => a.targetId === u.id)).toBe(true);
  });

  it('grants a role once however many clicks race, so revoking it takes it away', async () => {
    const { admin } = await makeCounty(t);
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: COUNTY_A })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'role_exists')).toBe(true);
    const rows = await t.deps.db.selectFrom('role_grant').select('id').where('user_id', '=', u.id).where('role', '=', 'operator').execute();
    expect(rows.map((r) => r.id)).toEqual([answers.find((r) => r.status === 201)!.body.id]);
    expect((await admin.client.delete(`/api/v1/users/${u.id}/roles/${rows[0]!.id}`)).status).toBe(200);
    const after = await admin.client.get(`/api/v1/users?phone=${u.phone}`);
    expect(after.body.items[0].roles.map((g: { role: string }) => g.role)).toEqual(['buyer']);
    // The database itself refuses a second copy, whoever writes it.
    const copy = { id: `rg_copy_${u.id}`, user_id: u.id, role: 'buyer' as const, region_prefix: '', supplier_id: null, granted_by: null, created_at: new Date().toISOString() };
    await expect(t.deps.db.insertInto('role_grant').values(copy).execute()).rejects.toThrow();
  });

  it('the migration that makes grants unique folds copies made before it into the oldest', async () => {
    const u = await makeUser(t, [{ role: 'buyer' }]);
    const { up, down } = await import('../../../migrations/2026-11-27T0630_role_grant_once.js');
    await down(t.deps.db);
    const row = (id: string, at: string, supplierId: string | null = null) =>
      ({ id, user_id: u.id, role: supplierId ? 'supplier' as const : 'operator' as const, region_prefix: COUNTY_A, supplier_id: supplierId, granted_by: null, created_at: at });
    const supplierId = await makeSupplier(t);
    await t.deps.db.insertInto('role_grant').values([
      row(`${u.id}_b`, '2026-01-02T00:00:00.000Z'), row(`${u.id}_a`, '2026-01-03T00:00:00.000Z'), row(`${u.id}_c`, '2026-01-02T00:00:00.000Z'),
      row(`${u.id}_s1`, '2026-01-05T00:00:00.000Z', supplierId), row(`${u.id}_s2`, '2026-01-04T00:00:00.000Z', supplierId),
    ]).execute();
    await up(t.deps.db);
    const left = await t.deps.db.selectFrom('role_grant').select(['id', 'role']).where('user_id', '=', u.id).where('role', '!=', 'buyer').orderBy('id').execute();
    expect(left.map((g) => g.id)).toEqual([`${u.id}_b`, `${u.id}_s2`]);
  });

  it('refuses to grant roles in another county, unknown regions, or supplier role without supplier', async () => {
    const { admin } = await makeCounty(t);
    const u = await makeUser(t, [{ role: 'buyer' }]);
    expectProblem(await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: COUNTY_B }), 403, 'forbidden');
    expectProblem(await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'operator', regionPrefix: '999999' }), 422, 'validation_failed');
    expectProblem(await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'supplier' }), 422, 'validation_failed');
    const supplierId = await makeSupplier(t, { countyCode: COUNTY_B });
    expectProblem(await admin.client.post(`/api/v1/users/${u.id}/roles`, { role: 'supplier', supplierId }), 403, 'forbidden');
    const grants = await t.deps.db.selectFrom('role_grant').select('role').where('user_id', '=', u.id).execute();
    expect(grants.map((g) => g.role)).toEqual(['buyer']);
  });

  it('an admin cannot remove its own admin role', async () => {
    const { admin } = await makeCounty(t);
    const me = await admin.client.get('/api/v1/auth/me');
    const own = me.body.user.roles.find((r: { role: string }) => r.role === 'center_admin');
    expectProblem(await admin.client.delete(`/api/v1/users/${admin.id}/roles/${own.id}`), 409, 'cannot_revoke_own_admin');
  });

  it('admins of another county do not see this county’s staff', async () => {
    const a = await makeCounty(t, COUNTY_A);
    const b = await makeCounty(t, COUNTY_B);
    const list = await b.admin.client.get('/api/v1/users?role=operator');
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(b.operator.id);
    expect(ids).not.toContain(a.operator.id);
  });
});

describe('centers', () => {
  it('lists centers publicly and adds a county only inside the admin’s region', async () => {
    const cityAdmin = await makeUser(t, [{ role: 'center_admin', prefix: '2206' }]);
    const res = await cityAdmin.client.post('/api/v1/centers', { countyCode: '220623', name: '长白县中心' });
    expect(res.status).toBe(201);
    expectProblem(await cityAdmin.client.post('/api/v1/centers', { countyCode: '220623', name: '重复' }), 409, 'center_exists');
    expectProblem(await cityAdmin.client.post('/api/v1/centers', { countyCode: '230723', name: '外市' }), 403, 'forbidden');
    expectProblem(await cityAdmin.client.post('/api/v1/centers', { countyCode: '220699', name: '不存在' }), 422, 'validation_failed');
    const list = await t.client().get('/api/v1/centers');
    expect(list.body.items.map((c: { countyCode: string }) => c.countyCode)).toContain('220623');
  });
});

describe('SMS gateway failure', () => {
  it('answers 502 sms_unavailable and lets the user ask again at once', async () => {
    const failing = await createTestApp();
    try {
      failing.deps.sms = { name: 'down', send: async () => { throw new Error('gateway down'); } };
      const phone = nextPhone();
      expectProblem(await failing.client().post('/api/v1/auth/sms/send', { phone }), 502, 'sms_unavailable');
      const rows = await failing.deps.db.selectFrom('sms_code').select('id').where('phone', '=', phone).execute();
      expect(rows).toHaveLength(0);
    } finally {
      await failing.close();
    }
  });
});

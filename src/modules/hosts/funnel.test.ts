import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeUser, type MadeUser } from '../../../test/factories.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';

/**
 * The funnel computed from a seeded county with known answers. Two cohorts:
 *
 * | person | cohort | attended | certified | first real session | later activity     | stops before |
 * |--------|--------|----------|-----------|-------------------|--------------------|--------------|
 * | P1 ♀   | K1     | 5/5      | yes       | 120 days ago      | +35 d, +95 d       | — (through)  |
 * | P2 ♀   | K1     | 4/5      | yes       | 100 days ago      | +40 d              | active_90    |
 * | P3 ♂   | K1     | 4/5      | yes       | 50 days ago       | +31 d              | — (90 pending) |
 * | P4 ♂   | K1     | 4/5      | yes       | 10 days ago       | —                  | — (30 pending) |
 * | P5 ♀   | K1     | 5/5      | yes       | none (practice only) | —               | first_live   |
 * | P6 ♀   | K1     | 3/5      | yes       | —                 | —                  | attended (60 %; the certificate does not count) |
 * | P7 ♂   | K1     | 4/5      | no        | —                 | —                  | certified    |
 * | P8 ♀   | K1     | 0/5      | no        | —                 | —                  | attended     |
 * | P9 ♂   | K2     | 2/2      | yes       | 60 days ago       | —                  | active_30    |
 * | P10 ♀  | K2     | 1/2      | no        | —                 | —                  | attended     |
 * A waitlisted person who never got a seat (K1) and a county-B enrolment are not counted.
 */
let t: TestApp;
let admin: MadeUser;
let op: MadeUser;
let opB: MadeUser;
let official: MadeUser;
const people: Record<string, { userId: string; enrolmentId: string }> = {};
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function seed() {
  const db = t.deps.db;
  const now = nowIso();
  const course = newId('trainingCourse');
  await db.insertInto('training_course').values({
    id: course, county_code: COUNTY_A, title: '抖音带货入门', description: '', status: 'published', rule_min_attendance_pct: 50, rule_all_lessons: 0,
    rule_quizzes_passed: 0, rule_min_reviewed_practice: 0, created_by: null, created_at: now, updated_at: now, archived_at: null,
  }).execute();
  const cohort = async (name: string, startsOn: string, meetings: number, county = COUNTY_A) => {
    const id = newId('trainingCohort');
    await db.insertInto('training_cohort').values({
      id, county_code: county, course_id: course, name, starts_on: startsOn, ends_on: startsOn, place_kind: 'studio', place_township_code: null, place_detail: '',
      capacity: 50, enrolled_count: 0, status: 'closed', created_by: null, created_at: now, updated_at: now,
    }).execute();
    const ms: string[] = [];
    for (let i = 0; i < meetings; i++) {
      const m = newId('trainingMeeting');
      await db.insertInto('training_meeting').values({ id: m, cohort_id: id, title: `第${i + 1}课`, starts_at: ago(200 - i), ends_at: ago(200 - i), qr_secret: 'x', created_at: now }).execute();
      ms.push(m);
    }
    return { id, meetings: ms };
  };
  const k1 = await cohort('2026春季一期', '2026-03-01', 5);
  const k2 = await cohort('2026春季二期', '2026-04-01', 2);
  const kb = await cohort('抚松一期', '2026-03-01', 1, COUNTY_B);
  const session = async (userId: string, kind: 'hosted' | 'practice' | 'external', startedAt: string) => {
    await db.insertInto('live_session').values({
      id: newId('liveSession'), county_code: COUNTY_A, host_user_id: userId, kind, title: '直播', description: '', cover_file_id: null, scheduled_start: startedAt,
      scheduled_end: new Date(Date.parse(startedAt) + 3600_000).toISOString(), status: 'ended', approval: 'approved', approval_note: '', approved_by: null,
      platform: kind === 'external' ? 'douyin' : null, external_url: null, external_code: null, pinned_item_id: null, video_state: 'offline', video_seen_at: null,
      replay_path: null, started_at: startedAt, ended_at: new Date(Date.parse(startedAt) + 3600_000).toISOString(), created_at: now, updated_at: now,
    } as never).execute();
  };
  const person = async (key: string, c: { id: string; meetings: string[] }, o: { gender: 'female' | 'male'; age: string; township: string; attended: number; cert: boolean; status?: 'enrolled' | 'waitlisted'; county?: string }) => {
    const u = await makeUser(t, [{ role: 'trainee', prefix: o.county ?? COUNTY_A }], key);
    const e = newId('trainingEnrolment');
    await db.insertInto('training_enrolment').values({
      id: e, cohort_id: c.id, course_id: course, county_code: o.county ?? COUNTY_A, user_id: u.id, status: o.status ?? 'enrolled', name: `学员${key}`, phone: u.phone,
      gender: o.gender, birth_year: 1980, age_band: o.age as never, township_code: o.township, applied_at: ago(210),
      enrolled_at: o.status === 'waitlisted' ? null : ago(210), waitlisted_at: o.status === 'waitlisted' ? ago(210) : null, promoted_at: null, withdrawn_at: null, withdraw_reason: '', updated_at: now,
    }).execute();
    for (const m of c.meetings.slice(0, o.attended)) {
      await db.insertInto('training_attendance').values({ meeting_id: m, cohort_id: c.id, user_id: u.id, method: 'qr', checked_in_at: now, recorded_by: null }).execute();
    }
    if (o.cert) {
      await db.insertInto('training_certificate').values({
        id: newId('trainingCertificate'), cert_no: `FS-${key}-${e.slice(-6)}`, county_code: o.county ?? COUNTY_A, course_id: course, cohort_id: c.id, user_id: u.id,
        holder_name: key, issued_at: ago(190), issued_by: admin.id, host_granted_at: null, host_granted_by: null,
      }).execute();
    }
    people[key] = { userId: u.id, enrolmentId: e };
    return u.id;
  };
  const T1 = '220622100'; // 靖宇镇
  const T2 = '220622101';
  const p1 = await person('P1', k1, { gender: 'female', age: '35_44', township: T1, attended: 5, cert: true });
  await session(p1, 'hosted', ago(120));
  await session(p1, 'external', ago(85));
  await session(p1, 'hosted', ago(25));
  const p2 = await person('P2', k1, { gender: 'female', age: '45_54', township: T1, attended: 4, cert: true });
  await session(p2, 'hosted', ago(100));
  await session(p2, 'hosted', ago(60));
  const p3 = await person('P3', k1, { gender: 'male', age: 'under_25', township: T2, attended: 4, cert: true });
  await session(p3, 'hosted', ago(50));
  await session(p3, 'hosted', ago(19));
  const p4 = await person('P4', k1, { gender: 'male', age: '25_34', township: T2, attended: 4, cert: true });
  await session(p4, 'hosted', ago(10));
  const p5 = await person('P5', k1, { gender: 'female', age: '45_54', township: T1, attended: 5, cert: true });
  await session(p5, 'practice', ago(150));
  const p6 = await person('P6', k1, { gender: 'female', age: '35_44', township: T1, attended: 3, cert: true });
  await session(p6, 'hosted', ago(100));
  await person('P7', k1, { gender: 'male', age: '25_34', township: T2, attended: 4, cert: false });
  await person('P8', k1, { gender: 'female', age: '55_plus', township: T1, attended: 0, cert: false });
  await person('W', k1, { gender: 'female', age: '35_44', township: T1, attended: 0, cert: false, status: 'waitlisted' });
  const p9 = await person('P9', k2, { gender: 'male', age: 'under_25', township: T2, attended: 2, cert: true });
  await session(p9, 'hosted', ago(60));
  await person('P10', k2, { gender: 'female', age: '45_54', township: T1, attended: 1, cert: false });
  await person('B1', kb, { gender: 'female', age: '35_44', township: '220621100', attended: 1, cert: true, county: COUNTY_B });
  return { k1: k1.id, k2: k2.id };
}

let cohorts: { k1: string; k2: string };
beforeAll(async () => {
  t = await createTestApp();
  ({ admin, operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  official = await makeUser(t, [{ role: 'official', prefix: COUNTY_A }], '县领导');
  cohorts = await seed();
});
afterAll(async () => { await t?.close(); });

const counts = (enrolled: number, attended: number, certified: number, firstLive: number, a30: number, a90: number) =>
  ({ enrolled, attended, certified, first_live: firstLive, active_30: a30, active_90: a90 });

describe('the funnel', () => {
  it('computes each step, conversion and pending people from the seeded county', async () => {
    const r = await op.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.overall.total).toBe(10);
    expect(r.body.overall.counts).toEqual(counts(10, 7, 6, 5, 3, 1));
    expect(r.body.overall.pending).toEqual({ active_30: 1, active_90: 1 });
    expect(r.body.overall.conversion).toEqual({ enrolled: null, attended: 0.7, certified: 0.8571, first_live: 0.8333, active_30: 0.6, active_90: 0.3333 });
    expect(r.body.threshold).toBe(0.8);
  });

  it('by cohort, township, age band and gender', async () => {
    const r = await official.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}`);
    const by = (g: string, key: string) => r.body.groups[g].find((x: { key: string }) => x.key === key);
    expect(by('cohort', cohorts.k1)).toMatchObject({ label: '2026春季一期', counts: counts(8, 6, 5, 4, 3, 1) });
    expect(by('cohort', cohorts.k2)).toMatchObject({ label: '2026春季二期', counts: counts(2, 1, 1, 1, 0, 0), conversion: { active_30: 0 } });
    expect(by('gender', 'female').counts).toEqual(counts(6, 3, 3, 2, 2, 1));
    expect(by('gender', 'male').counts).toEqual(counts(4, 4, 3, 3, 1, 0));
    expect(by('township', '220622100')).toMatchObject({ counts: counts(6, 3, 3, 2, 2, 1) });
    expect(by('township', '220622100').label).toBeTruthy();
    expect(by('township', '220622101').counts).toEqual(counts(4, 4, 3, 3, 1, 0));
    expect(by('age_band', '45_54').counts).toEqual(counts(3, 2, 2, 1, 1, 0));
    expect(by('age_band', 'under_25').counts).toEqual(counts(2, 2, 2, 2, 1, 0));
    expect(by('age_band', '55_plus').counts).toEqual(counts(1, 0, 0, 0, 0, 0));
    // One cohort only.
    const one = await op.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}&cohortId=${cohorts.k2}`);
    expect(one.body.overall.counts).toEqual(counts(2, 1, 1, 1, 0, 0));
    const range = await op.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}&from=2026-03-15&to=2026-12-31`);
    expect(range.body.overall.total).toBe(2);
  });

  it('lists people with where they stopped; follow-ups record a coded reason (the latest counts)', async () => {
    const r = await op.client.get(`/api/v1/host-funnel/people?countyCode=${COUNTY_A}`);
    const stop = (k: string) => r.body.items.find((p: { enrolmentId: string }) => p.enrolmentId === people[k]!.enrolmentId).stoppedBefore;
    expect(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10'].map(stop)).toEqual([null, 'active_90', null, null, 'first_live', 'attended', 'certified', 'attended', 'active_30', 'attended']);
    const p8 = r.body.items.find((p: { enrolmentId: string }) => p.enrolmentId === people.P8!.enrolmentId);
    expect(p8.phone).toMatch(/^1\d{10}$/);
    // Full phones are a sensitive read: the audit log says who saw how many.
    const readAudit = await t.deps.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'hosts.funnel_people_read').execute();
    expect(readAudit.length).toBeGreaterThanOrEqual(1);
    expect((await official.client.get(`/api/v1/host-funnel/people?countyCode=${COUNTY_A}`)).body.items[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const only = await op.client.get(`/api/v1/host-funnel/people?countyCode=${COUNTY_A}&stoppedBefore=attended`);
    expect(only.body.items).toHaveLength(3);

    const f = (enrolmentId: string, stage: string, reasonCode: string, extra = {}) => op.client.post('/api/v1/host-funnel/followups', { enrolmentId, stage, reasonCode, note: '电话回访', ...extra });
    expect((await f(people.P8!.enrolmentId, 'attended', 'camera_shy')).status).toBe(201);
    expect((await f(people.P5!.enrolmentId, 'first_live', 'no_equipment', { calledOn: '2026-11-01' })).status).toBe(201);
    expect((await f(people.P5!.enrolmentId, 'first_live', 'family_care')).status).toBe(201);
    expect((await f(people.P9!.enrolmentId, 'active_30', 'lost_interest')).status).toBe(201);
    expectProblem(await f(people.P9!.enrolmentId, 'active_30', 'bored'), 400, 'validation_failed');
    expectProblem(await f(people.P9!.enrolmentId, 'graduated', 'other'), 400, 'validation_failed');
    const future = await f(people.P9!.enrolmentId, 'active_30', 'other', { calledOn: '2999-01-01' });
    expect(future.body.errors[0].pointer).toBe('/body/calledOn');
    expectProblem(await opB.client.post('/api/v1/host-funnel/followups', { enrolmentId: people.P9!.enrolmentId, stage: 'active_30', reasonCode: 'other' }), 422, 'validation_failed');
    expectProblem(await op.client.post('/api/v1/host-funnel/followups', { enrolmentId: people.B1!.enrolmentId, stage: 'active_30', reasonCode: 'other' }), 422, 'validation_failed');
    expectProblem(await official.client.post('/api/v1/host-funnel/followups', { enrolmentId: people.P9!.enrolmentId, stage: 'active_30', reasonCode: 'other' }), 403, 'forbidden');

    const funnel = await op.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}`);
    const reason = (code: string) => funnel.body.reasons.find((x: { code: string }) => x.code === code);
    expect(reason('camera_shy')).toMatchObject({ count: 1, byStage: { attended: 1 } });
    expect(reason('family_care')).toMatchObject({ count: 1, byStage: { first_live: 1 } });
    expect(reason('no_equipment').count).toBe(0);
    expect(reason('lost_interest')).toMatchObject({ count: 1, byStage: { active_30: 1 } });
    expect(funnel.body.followedUp).toBe(3);
    const again = await op.client.get(`/api/v1/host-funnel/people?countyCode=${COUNTY_A}`);
    expect(again.body.items.find((p: { enrolmentId: string }) => p.enrolmentId === people.P5!.enrolmentId)).toMatchObject({ followups: 2, lastFollowup: { reasonCode: 'family_care', stage: 'first_live' } });
    const audit = await t.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'host.followup_recorded').execute();
    expect(audit).toHaveLength(4);
  });

  it('another county reads nothing; bad filters are refused', async () => {
    expectProblem(await opB.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}`), 404, 'not_found');
    expectProblem(await opB.client.get(`/api/v1/host-funnel/people?countyCode=${COUNTY_A}`), 404, 'not_found');
    const b = await opB.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_B}`);
    expect(b.body.overall.counts).toEqual(counts(1, 1, 1, 0, 0, 0));
    expectProblem(await op.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}&from=2026-02-30`), 422, 'validation_failed');
    expectProblem(await op.client.get(`/api/v1/host-funnel?countyCode=22062`), 400, 'validation_failed');
    const empty = await op.client.get(`/api/v1/host-funnel?countyCode=${COUNTY_A}&cohortId=trk_nope`);
    expect(empty.body.overall).toMatchObject({ total: 0, counts: counts(0, 0, 0, 0, 0, 0), conversion: { attended: null } });
  });

  it('exports the funnel as XLSX with the same figures', async () => {
    const r = await official.client.get(`/api/v1/host-funnel/export?countyCode=${COUNTY_A}`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-disposition'])).toContain('host-funnel-220622');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.raw.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['总体', '按班次', '按乡镇', '按年龄段', '按性别', '流失原因']);
    const row = (wb.getWorksheet('总体')!.getRow(2).values as unknown[]).slice(1);
    expect(row).toEqual(['全部', 10, 7, '70.0%', 6, '85.7%', 5, '83.3%', 3, '60.0%', 1, '33.3%', 1, 1]);
    const genders: unknown[][] = [];
    wb.getWorksheet('按性别')!.eachRow((rw, i) => { if (i > 1) genders.push((rw.values as unknown[]).slice(1)); });
    expect(genders.map((g) => g[0])).toEqual(['女', '男']);
  });
});

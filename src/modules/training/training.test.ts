import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, expectProblem, type TestApp, type TestClient } from '../../../test/helpers.js';
import { COUNTY_A, COUNTY_B, makeCounty, makeUser, nextPhone, type MadeUser } from '../../../test/factories.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { attendanceCode, slotAt } from './qr.js';

/** Enough of an MP4 for the type check: an ftyp box (isom) and some bytes after it. */
const MP4 = Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), Buffer.alloc(4000, 7)]);
const TOWN_A = '220622100'; // 靖宇镇
const TOWN_A2 = '220622101'; // 三道湖镇
const T = '/api/v1/training';
const thisYear = new Date().getUTCFullYear();

let t: TestApp;
let op: MadeUser;
let opB: MadeUser;
let instructor: MadeUser;
let mentor: MadeUser;
let otherMentor: MadeUser;

beforeAll(async () => {
  t = await createTestApp({ videoUploadMaxBytes: 8 * 1024 * 1024 }); // above the 5 MB ordinary limit, small enough to test
  ({ operator: op } = await makeCounty(t, COUNTY_A));
  ({ operator: opB } = await makeCounty(t, COUNTY_B));
  instructor = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '刘老师');
  mentor = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '陈导师');
  otherMentor = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '别班导师');
});
afterAll(async () => { await t?.close(); });

/** A published course: one module with a video, a text and a quiz lesson. */
async function makeCourse(rules: Record<string, unknown> = {}) {
  const c = await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title: '抖音直播入门', description: '零基础', rules });
  expect(c.status).toBe(201);
  const m = await op.client.post(`${T}/courses/${c.body.id}/modules`, { title: '入门' });
  expect(m.status).toBe(201);
  const video = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'video', title: '开播前的准备', durationSeconds: 300 });
  const text = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'text', title: '平台规则', body: '不得虚假宣传' });
  const quiz = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'quiz', title: '规则小测' });
  expect([video.status, text.status, quiz.status]).toEqual([201, 201, 201]);
  const up = await op.client.upload('PUT', `${T}/lessons/${video.body.id}/file`, MP4, 'lesson.mp4', 'video/mp4');
  expect(up.status).toBe(200);
  const q = await op.client.put(`${T}/lessons/${quiz.body.id}/quiz`, {
    passPct: 100,
    questions: [
      { prompt: '直播中可以说“最好”吗？', options: ['可以', '不可以'], correct: [1] },
      { prompt: '哪些是售后要点？', options: ['及时回复', '拖延', '说明退换规则'], correct: [0, 2] },
    ],
  });
  expect(q.status).toBe(200);
  const pub = await op.client.post(`${T}/courses/${c.body.id}/publish`);
  expect(pub.status).toBe(200);
  return { id: c.body.id as string, moduleId: m.body.id as string, video: video.body.id as string, text: text.body.id as string, quiz: quiz.body.id as string };
}

async function makeCohort(courseId: string, capacity = 20, extra: Record<string, unknown> = {}) {
  const res = await op.client.post(`${T}/cohorts`, {
    courseId, name: `第${Math.floor(Math.random() * 1000)}期主播班`, startsOn: '2026-01-01', endsOn: `${thisYear + 1}-12-31`, placeKind: 'studio',
    placeDetail: '服务中心直播间', capacity, instructorUserId: instructor.id, ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; seatsLeft: number };
}

async function trainee(name = '王秀兰') {
  return makeUser(t, [{ role: 'buyer' }], name);
}

async function enrol(c: TestClient, cohortId: string, body: Record<string, unknown> = {}) {
  return c.post(`${T}/cohorts/${cohortId}/enrol`, { name: '王秀兰', gender: 'female', birthYear: thisYear - 44, townshipCode: TOWN_A, ...body });
}

async function practiceSession(hostId: string, opts: { kind?: 'practice' | 'hosted'; held?: boolean } = {}) {
  const id = newId('liveSession');
  const now = Date.now();
  await t.deps.db.insertInto('live_session').values({
    id, county_code: COUNTY_A, host_user_id: hostId, kind: opts.kind ?? 'practice', title: '第一次练习直播', description: '', cover_file_id: null,
    scheduled_start: new Date(now - 3600_000).toISOString(), scheduled_end: new Date(now).toISOString(), status: opts.held === false ? 'scheduled' : 'ended',
    approval: 'approved', approval_note: '', approved_by: null, platform: null, external_url: null, external_code: null, pinned_item_id: null,
    video_state: 'offline', video_seen_at: null, replay_path: null,
    started_at: opts.held === false ? null : new Date(now - 1800_000).toISOString(), ended_at: opts.held === false ? null : new Date(now - 600_000).toISOString(),
    created_at: nowIso(), updated_at: nowIso(),
  } as never).execute();
  return id;
}

describe('courses, lessons, progress and quizzes', () => {
  it('builds a course; trainees study published lessons, progress is saved and a quiz is auto-marked', async () => {
    const course = await makeCourse();
    const u = await trainee();
    const detail = await u.client.get(`${T}/courses/${course.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.modules[0].lessons.map((l: { kind: string }) => l.kind)).toEqual(['video', 'text', 'quiz']);

    const lesson = await u.client.get(`${T}/lessons/${course.quiz}`);
    expect(lesson.status).toBe(200);
    expect(lesson.body.quiz[0].correct).toBeUndefined(); // no answers for trainees
    expect(lesson.body.quiz[1].multiple).toBe(true);
    const editor = await op.client.get(`${T}/lessons/${course.quiz}/edit`);
    expect(editor.body.quiz[1].correct).toEqual([0, 2]);

    // Progress: a position, then completion; a later position save does not undo completion.
    expect((await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: 120 })).body).toMatchObject({ positionSeconds: 120, completedAt: null });
    // Saying "done" two minutes into a five-minute video does not complete it.
    const early = await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: 120, completed: true });
    expectProblem(early, 422, 'validation_failed');
    expect(early.body.errors[0]).toMatchObject({ pointer: '/body/positionSeconds', code: 'lesson_not_watched' });
    const done = await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: 300, completed: true });
    expect(done.body.completedAt).not.toBeNull();
    const again = await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: 10 });
    expect(again.body).toMatchObject({ positionSeconds: 10, completedAt: done.body.completedAt });
    expectProblem(await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: 9999 }), 422, 'validation_failed');
    expectProblem(await u.client.put(`${T}/lessons/${course.quiz}/progress`, { positionSeconds: 0, completed: true }), 422, 'validation_failed');
    expectProblem(await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: '5' }), 400, 'validation_failed');

    // Quiz: a half-right attempt fails (pass mark 100 %), a right one passes and completes the lesson.
    const wrong = await u.client.post(`${T}/lessons/${course.quiz}/quiz-attempts`, { answers: [[1], [0]] });
    expect(wrong.body).toMatchObject({ scorePct: 50, passed: false, correct: [true, false] });
    expectProblem(await u.client.post(`${T}/lessons/${course.quiz}/quiz-attempts`, { answers: [[1]] }), 422, 'validation_failed');
    expectProblem(await u.client.post(`${T}/lessons/${course.quiz}/quiz-attempts`, { answers: [[1], [4]] }), 422, 'validation_failed');
    const right = await u.client.post(`${T}/lessons/${course.quiz}/quiz-attempts`, { answers: [[1], [2, 0]] });
    expect(right.body).toMatchObject({ scorePct: 100, passed: true });
    const after = await u.client.get(`${T}/courses/${course.id}`);
    expect(after.body.completedLessons).toBe(2);
    expect((await u.client.get(`${T}/lessons/${course.quiz}`)).body.bestAttempt).toMatchObject({ scorePct: 100, passed: true });
  });

  it('streams a lesson video with HTTP Range', async () => {
    const course = await makeCourse();
    const u = await trainee();
    const lesson = await u.client.get(`${T}/lessons/${course.video}`);
    expect(lesson.body.media).toMatchObject({ contentType: 'video/mp4', sizeBytes: MP4.length });
    const full = await u.client.get(lesson.body.media.url);
    expect(full.status).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.raw.rawPayload.equals(MP4)).toBe(true);
    const part = await u.client.request('GET', lesson.body.media.url, undefined, { range: 'bytes=10-29' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-29/${MP4.length}`);
    expect(part.raw.rawPayload.equals(MP4.subarray(10, 30))).toBe(true);
    const tail = await u.client.request('GET', lesson.body.media.url, undefined, { range: 'bytes=-16' });
    expect(tail.raw.rawPayload.equals(MP4.subarray(MP4.length - 16))).toBe(true);
    const bad = await u.client.request('GET', lesson.body.media.url, undefined, { range: `bytes=${MP4.length + 5}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${MP4.length}`);
    expect((await t.client().get(lesson.body.media.url)).status).toBe(401);
  });

  it('refuses bad uploads, bad quizzes, other counties and drafts to trainees', async () => {
    const c = await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title: '草稿课' });
    const m = await op.client.post(`${T}/courses/${c.body.id}/modules`, { title: '一' });
    // A quiz without questions could never be passed: publishing says which one to fix.
    const emptyQuiz = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'quiz', title: '空测验' });
    const refused = await op.client.post(`${T}/courses/${c.body.id}/publish`);
    expectProblem(refused, 409, 'quiz_without_questions');
    expect(refused.body.lessonId).toBe(emptyQuiz.body.id);
    expect((await op.client.delete(`${T}/lessons/${emptyQuiz.body.id}`)).status).toBeLessThan(300);
    const v = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'video', title: '视频' });
    const q = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'quiz', title: '测验' });
    expectProblem(await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, Buffer.from('%PDF-1.4 hello'), 'a.pdf', 'application/pdf'), 415, 'unsupported_file_type');
    const badQuiz = await op.client.put(`${T}/lessons/${q.body.id}/quiz`, { passPct: 60, questions: [{ prompt: '?', options: ['a', 'b'], correct: [3] }] });
    expectProblem(badQuiz, 422, 'validation_failed');
    expect(badQuiz.body.errors[0].pointer).toBe('/body/questions/0/correct');
    expectProblem(await op.client.post(`${T}/courses`, { countyCode: COUNTY_B, title: '别县' }), 404, 'not_found');
    expectProblem(await opB.client.patch(`${T}/courses/${c.body.id}`, { title: '改' }), 404, 'not_found');
    expect((await opB.client.get(`${T}/courses`)).body.items.find((x: { id: string }) => x.id === c.body.id)).toBeUndefined();
    const u = await trainee();
    expectProblem(await u.client.get(`${T}/courses/${c.body.id}`), 404, 'not_found');
    expectProblem(await u.client.get(`${T}/lessons/${v.body.id}`), 404, 'not_found');
    expectProblem(await op.client.post(`${T}/courses/${c.body.id}/archive`).then(() => op.client.post(`${T}/courses/${c.body.id}/archive`)), 409, 'course_status');
  });

  it('refuses to delete a course with enrolments; archiving keeps the records; an unused course is deleted', async () => {
    const course = await makeCourse();
    const cohort = await makeCohort(course.id);
    const u = await trainee();
    expect((await enrol(u.client, cohort.id)).status).toBe(200);
    await u.client.put(`${T}/lessons/${course.text}/progress`, { positionSeconds: 0, completed: true });
    const del = await op.client.delete(`${T}/courses/${course.id}`);
    expectProblem(del, 409, 'course_has_enrolments');
    expect((await op.client.post(`${T}/courses/${course.id}/archive`)).body.status).toBe('archived');
    // Archived: the trainee still reads it and its progress; no new cohort.
    const still = await u.client.get(`${T}/courses/${course.id}`);
    expect(still.status).toBe(200);
    expect(still.body.completedLessons).toBe(1);
    expect((await op.client.get(`${T}/cohorts/${cohort.id}/roster`)).body.items).toHaveLength(1);
    expectProblem(await op.client.post(`${T}/cohorts`, { courseId: course.id, name: '新班', startsOn: '2026-01-01', endsOn: '2026-02-01', placeKind: 'studio', capacity: 5, instructorUserId: instructor.id }), 422, 'validation_failed');
    expectProblem(await op.client.delete(`${T}/lessons/${course.text}`), 409, 'lesson_has_progress');

    const unused = await makeCourse();
    await makeCohort(unused.id);
    expect((await op.client.delete(`${T}/courses/${unused.id}`)).status).toBe(204);
    expectProblem(await op.client.get(`${T}/courses/${unused.id}`), 404, 'not_found');
  });
});

describe('cohorts, enrolment and the waitlist', () => {
  it('a new phone signs up by SMS code and enrols; what the funnel needs is kept', async () => {
    const course = await makeCourse();
    const cohort = await makeCohort(course.id, 5, { placeKind: 'township_hall', placeTownshipCode: TOWN_A2, placeDetail: '镇文化站' });
    const c = t.client();
    const phone = nextPhone();
    expect((await c.post('/api/v1/auth/sms/send', { phone })).status).toBe(202);
    const code = /(\d{6})/.exec([...t.sms.outbox].reverse().find((m) => m.phone === phone)!.text)![1];
    expect((await c.post('/api/v1/auth/sms/login', { phone, code })).status).toBe(200);
    const pub = await c.get(`${T}/cohorts/${cohort.id}`);
    expect(pub.body).toMatchObject({ placeTownshipName: '三道湖镇', seatsLeft: 5, myEnrolment: null });
    const res = await enrol(c, cohort.id, { name: '李桂芝', birthYear: thisYear - 46, gender: 'female' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'enrolled', ageBand: '45_54', townshipCode: TOWN_A, alreadyEnrolled: false });
    const row = await t.deps.db.selectFrom('training_enrolment').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ phone, name: '李桂芝', gender: 'female', county_code: COUNTY_A, age_band: '45_54' });
    // The trainee role in the county came with the enrolment (audited).
    const me = await c.get('/api/v1/auth/me');
    expect(me.body.user.roles.some((g: { role: string; regionPrefix: string }) => g.role === 'trainee' && g.regionPrefix === COUNTY_A)).toBe(true);
    // Again: the same enrolment, no second seat.
    const again = await enrol(c, cohort.id);
    expect(again.body).toMatchObject({ id: res.body.id, alreadyEnrolled: true });
    expect((await c.get(`${T}/cohorts/${cohort.id}`)).body.seatsLeft).toBe(4);
  });

  it('refuses bad enrolment input with field pointers and keeps nothing', async () => {
    const course = await makeCourse();
    const cohort = await makeCohort(course.id, 5);
    const u = await trainee();
    const a = await enrol(u.client, cohort.id, { townshipCode: '220622999' });
    expectProblem(a, 422, 'validation_failed');
    expect(a.body.errors[0].pointer).toBe('/body/townshipCode');
    expectProblem(await enrol(u.client, cohort.id, { birthYear: thisYear - 5 }), 422, 'validation_failed');
    expectProblem(await enrol(u.client, cohort.id, { gender: 'x' }), 400, 'validation_failed');
    expectProblem(await enrol(u.client, cohort.id, { birthYear: '1980' }), 400, 'validation_failed');
    expect((await t.client().post(`${T}/cohorts/${cohort.id}/enrol`, {})).status).toBe(401);
    const n = await t.deps.db.selectFrom('training_enrolment').select((eb) => eb.fn.countAll<number>().as('n')).where('cohort_id', '=', cohort.id).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
    await op.client.patch(`${T}/cohorts/${cohort.id}`, { status: 'closed' });
    expectProblem(await enrol(u.client, cohort.id), 409, 'cohort_not_open');
  });

  it('a full cohort waitlists; a withdrawal promotes the first in line; concurrency never overfills', async () => {
    const course = await makeCourse();
    const cohort = await makeCohort(course.id, 3);
    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => trainee(`学员${i}`)));
    const results = await Promise.all(people.map((p) => enrol(p.client, cohort.id)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const seated = results.filter((r) => r.body.status === 'enrolled');
    const waiting = results.filter((r) => r.body.status === 'waitlisted');
    expect(seated).toHaveLength(3);
    expect(waiting).toHaveLength(5);
    const roster = await op.client.get(`${T}/cohorts/${cohort.id}/roster`);
    const line = roster.body.items.filter((e: { status: string }) => e.status === 'waitlisted');
    expect(line.map((e: { waitlistPosition: number }) => e.waitlistPosition)).toEqual([1, 2, 3, 4, 5]);
    const first = line[0];
    const firstClient = people.find((p) => p.id === first.userId)!.client;
    expect((await firstClient.get(`${T}/cohorts/${cohort.id}`)).body.myEnrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

    // A seated trainee withdraws: the first in line gets the seat, seats stay 3.
    const leaver = people.find((p) => results[people.indexOf(p)]!.body.status === 'enrolled')!;
    const leaverEnrolment = results[people.indexOf(leaver)]!.body.id;
    const w = await leaver.client.post(`${T}/enrolments/${leaverEnrolment}/withdraw`, { reason: '家里农忙' });
    expect(w.body).toMatchObject({ status: 'withdrawn', promotedUserId: first.userId });
    expect((await firstClient.get(`${T}/cohorts/${cohort.id}`)).body.myEnrolment).toMatchObject({ status: 'enrolled' });
    expectProblem(await leaver.client.post(`${T}/enrolments/${leaverEnrolment}/withdraw`, {}), 409, 'already_withdrawn');
    const other = people.find((p) => p !== leaver)!;
    expectProblem(await other.client.post(`${T}/enrolments/${leaverEnrolment}/withdraw`, {}), 404, 'not_found');
    let c = (await op.client.get(`${T}/cohorts/${cohort.id}`)).body;
    expect(c).toMatchObject({ enrolledCount: 3, waitlistCount: 4 });

    // Capacity below the seats taken is refused; raising it seats the next in line.
    expectProblem(await op.client.patch(`${T}/cohorts/${cohort.id}`, { capacity: 2 }), 422, 'validation_failed');
    c = (await op.client.patch(`${T}/cohorts/${cohort.id}`, { capacity: 5 })).body;
    expect(c).toMatchObject({ enrolledCount: 5, waitlistCount: 2 });

    // Concurrent withdrawals of seated people each promote a different waiting person.
    const seatedNow = (await op.client.get(`${T}/cohorts/${cohort.id}/roster`)).body.items.filter((e: { status: string }) => e.status === 'enrolled').slice(0, 3);
    await Promise.all(seatedNow.map((e: { id: string }) => op.client.post(`${T}/enrolments/${e.id}/withdraw`, {})));
    c = (await op.client.get(`${T}/cohorts/${cohort.id}`)).body;
    expect(c).toMatchObject({ enrolledCount: 4, waitlistCount: 0 });
    const db = await t.deps.db.selectFrom('training_enrolment').select((eb) => eb.fn.countAll<number>().as('n')).where('cohort_id', '=', cohort.id).where('status', '=', 'enrolled').executeTakeFirstOrThrow();
    expect(Number(db.n)).toBe(4);
  });

  it('staff by phone; only the county center manages cohorts', async () => {
    const byPhone = await op.client.post(`${T}/cohorts`, { courseId: (await makeCourse()).id, name: '按手机号', startsOn: '2026-01-01', endsOn: '2026-02-01', placeKind: 'studio', capacity: 5, instructorPhone: instructor.phone });
    expect(byPhone.body.instructor).toMatchObject({ userId: instructor.id });
    const nobody = await op.client.post(`${T}/cohorts`, { courseId: (await makeCourse()).id, name: '无人', startsOn: '2026-01-01', endsOn: '2026-02-01', placeKind: 'studio', capacity: 5, instructorPhone: '13000000000' });
    expectProblem(nobody, 422, 'validation_failed');
    expect(nobody.body.errors[0].pointer).toBe('/body/instructorPhone');
    expectProblem(await op.client.post(`${T}/cohorts`, { courseId: (await makeCourse()).id, name: '乡镇', startsOn: '2026-01-01', endsOn: '2026-02-01', placeKind: 'township_hall', capacity: 5, instructorPhone: instructor.phone }), 422, 'validation_failed');
    expectProblem(await op.client.post(`${T}/cohorts`, { courseId: (await makeCourse()).id, name: '日期', startsOn: '2026-03-01', endsOn: '2026-02-01', placeKind: 'studio', capacity: 5, instructorPhone: instructor.phone }), 422, 'validation_failed');
    const course = await makeCourse();
    const cohort = await makeCohort(course.id);
    expectProblem(await op.client.post(`${T}/cohorts/${cohort.id}/staff`, { phone: '13000000000', role: 'mentor' }), 422, 'validation_failed');
    const add = await op.client.post(`${T}/cohorts/${cohort.id}/staff`, { phone: mentor.phone, role: 'mentor' });
    expect(add.body).toMatchObject({ userId: mentor.id, role: 'mentor' });
    expectProblem(await opB.client.post(`${T}/cohorts/${cohort.id}/staff`, { phone: mentor.phone, role: 'mentor' }), 404, 'not_found');
    expectProblem(await op.client.delete(`${T}/cohorts/${cohort.id}/staff/${instructor.id}`), 409, 'instructor_required');
    expect((await op.client.delete(`${T}/cohorts/${cohort.id}/staff/${mentor.id}`)).status).toBe(204);
    const mine = await instructor.client.get(`${T}/cohorts?mine=true`);
    expect(mine.body.items.some((c: { id: string }) => c.id === cohort.id)).toBe(true);
    expect((await mentor.client.get(`${T}/cohorts?mine=true`)).body.items.some((c: { id: string }) => c.id === cohort.id)).toBe(false);
    expectProblem(await mentor.client.get(`${T}/cohorts/${cohort.id}/roster`), 404, 'not_found');
    // Mentors see masked phones, the center full ones.
    const u = await trainee();
    await enrol(u.client, cohort.id);
    expect((await instructor.client.get(`${T}/cohorts/${cohort.id}/roster`)).body.items[0].phone).toMatch(/\*/);
    expect((await op.client.get(`${T}/cohorts/${cohort.id}/roster`)).body.items[0].phone).toBe(u.phone);
  });
});

describe('QR attendance', () => {
  let cohortId: string;
  let meetingId: string;
  let secret: string;
  let u: MadeUser;
  beforeAll(async () => {
    const course = await makeCourse();
    cohortId = (await makeCohort(course.id, 1)).id;
    const m = await op.client.post(`${T}/cohorts/${cohortId}/meetings`, { title: '第一课：开播准备', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 7200_000).toISOString() });
    expect(m.status).toBe(201);
    meetingId = m.body.id;
    secret = (await t.deps.db.selectFrom('training_meeting').select('qr_secret').where('id', '=', meetingId).executeTakeFirstOrThrow()).qr_secret;
    u = await trainee();
    await enrol(u.client, cohortId);
  });

  it("the instructor's screen shows a QR of the check-in link; the trainee checks in once", async () => {
    const qr = await instructor.client.get(`${T}/meetings/${meetingId}/qr`);
    expect(qr.status).toBe(200);
    expect(qr.body.svg).toContain('<svg');
    expect(qr.body.url).toContain(`/learn/checkin/${meetingId}?code=`);
    expect(qr.body.refreshInMs).toBeLessThanOrEqual(30_000);
    const first = await u.client.post(`${T}/meetings/${meetingId}/checkin`, { code: qr.body.code });
    expect(first.body).toMatchObject({ alreadyCheckedIn: false });
    const second = await u.client.post(`${T}/meetings/${meetingId}/checkin`, { code: qr.body.code });
    expect(second.body).toMatchObject({ alreadyCheckedIn: true, checkedInAt: first.body.checkedInAt });
    const list = await instructor.client.get(`${T}/meetings/${meetingId}/attendance`);
    expect(list.body.items).toEqual([expect.objectContaining({ userId: u.id, method: 'qr' })]);
    const mine = await u.client.get(`${T}/cohorts/${cohortId}/meetings`);
    expect(mine.body.items[0].checkedInAt).toBe(first.body.checkedInAt);
  });

  it('accepts the previous 30-s code, refuses an older one, a forged one and one of another meeting', async () => {
    const v = await trainee();
    await op.client.patch(`${T}/cohorts/${cohortId}`, { capacity: 2 });
    await enrol(v.client, cohortId);
    expectProblem(await v.client.post(`${T}/meetings/${meetingId}/checkin`, { code: attendanceCode(meetingId, secret, slotAt() - 2) }), 422, 'qr_expired');
    expectProblem(await v.client.post(`${T}/meetings/${meetingId}/checkin`, { code: attendanceCode(meetingId, 'not-the-secret', slotAt()) }), 422, 'qr_invalid');
    expectProblem(await v.client.post(`${T}/meetings/${meetingId}/checkin`, { code: attendanceCode(meetingId, secret, slotAt() + 5) }), 422, 'qr_invalid');
    expectProblem(await v.client.post(`${T}/meetings/${meetingId}/checkin`, { code: 'hello' }), 422, 'qr_invalid');
    const other = await op.client.post(`${T}/cohorts/${cohortId}/meetings`, { title: '第二课', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });
    const otherQr = await op.client.get(`${T}/meetings/${other.body.id}/qr`);
    const wrong = await v.client.post(`${T}/meetings/${meetingId}/checkin`, { code: otherQr.body.code });
    expectProblem(wrong, 422, 'qr_other_meeting');
    expect(wrong.body.errors[0].pointer).toBe('/body/code');
    expect((await v.client.post(`${T}/meetings/${meetingId}/checkin`, { code: attendanceCode(meetingId, secret, slotAt() - 1) })).status).toBe(200);
  });

  it('refuses people without a seat, and the QR to anyone but the staff', async () => {
    const w = await trainee();
    const e = await enrol(w.client, cohortId); // full: waitlisted
    expect(e.body.status).toBe('waitlisted');
    const qr = await instructor.client.get(`${T}/meetings/${meetingId}/qr`);
    expectProblem(await w.client.post(`${T}/meetings/${meetingId}/checkin`, { code: qr.body.code }), 403, 'not_enrolled');
    expectProblem(await u.client.get(`${T}/meetings/${meetingId}/qr`), 404, 'not_found');
    expectProblem(await otherMentor.client.get(`${T}/meetings/${meetingId}/qr`), 404, 'not_found');
    expectProblem(await opB.client.get(`${T}/meetings/${meetingId}/qr`), 404, 'not_found');
    expectProblem(await w.client.get(`${T}/cohorts/${cohortId}/meetings`), 404, 'not_found');
    // Manual check-in by staff for a seated trainee; refused for the waitlisted.
    expectProblem(await instructor.client.post(`${T}/meetings/${meetingId}/attendance`, { userId: w.id }), 422, 'validation_failed');
    expectProblem(await u.client.post(`${T}/meetings/${meetingId}/attendance`, { userId: u.id }), 404, 'not_found');
  });

  it('staff mark a seated trainee without a phone present, once', async () => {
    const noPhone = await trainee('没有智能手机');
    const m = await op.client.post(`${T}/cohorts/${cohortId}/meetings`, { title: '第三课', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });
    await op.client.patch(`${T}/cohorts/${cohortId}`, { capacity: 10 });
    await enrol(noPhone.client, cohortId);
    const first = await instructor.client.post(`${T}/meetings/${m.body.id}/attendance`, { userId: noPhone.id });
    expect(first.body.items.find((x: { userId: string }) => x.userId === noPhone.id)).toMatchObject({ method: 'manual' });
    const again = await instructor.client.post(`${T}/meetings/${m.body.id}/attendance`, { userId: noPhone.id });
    expect(again.body.items.filter((x: { checkedInAt: string | null }) => x.checkedInAt)).toHaveLength(1);
    const rows = await t.deps.db.selectFrom('training_attendance').select(['method', 'recorded_by']).where('meeting_id', '=', m.body.id).execute();
    expect(rows).toEqual([{ method: 'manual', recorded_by: instructor.id }]);
  });
});

describe('practice review and assignments', () => {
  let course: Awaited<ReturnType<typeof makeCourse>>;
  let cohortId: string;
  let otherCohortId: string;
  let u: MadeUser;
  let sessionId: string;
  beforeAll(async () => {
    course = await makeCourse();
    cohortId = (await makeCohort(course.id)).id;
    otherCohortId = (await makeCohort(course.id)).id;
    await op.client.post(`${T}/cohorts/${cohortId}/staff`, { phone: mentor.phone, role: 'mentor' });
    await op.client.post(`${T}/cohorts/${otherCohortId}/staff`, { phone: otherMentor.phone, role: 'mentor' });
    u = await trainee('赵小梅');
    await enrol(u.client, cohortId, { name: '赵小梅' });
    sessionId = await practiceSession(u.id);
  });

  it("a trainee shares a practice session; the cohort's mentors see it and leave timestamped feedback", async () => {
    const share = await u.client.post(`${T}/practice`, { sessionId, cohortId, note: '第一次开播，有点紧张' });
    expect(share.status).toBe(200);
    const mentors = await t.deps.db.selectFrom('live_session_mentor').select('user_id').where('session_id', '=', sessionId).execute();
    expect(mentors.map((m) => m.user_id).sort()).toEqual([instructor.id, mentor.id].sort());
    const list = await mentor.client.get(`${T}/cohorts/${cohortId}/practice`);
    expect(list.body.items).toEqual([expect.objectContaining({ sessionId, traineeName: '赵小梅', reviewedAt: null })]);
    const fb = await mentor.client.post(`${T}/practice/${sessionId}/feedback`, { atSecond: 95, text: '开场白太快，先介绍自己' });
    expect(fb.status).toBe(201);
    await instructor.client.post(`${T}/practice/${sessionId}/feedback`, { atSecond: 30, text: '灯光偏暗' });
    expectProblem(await mentor.client.post(`${T}/practice/${sessionId}/feedback`, { atSecond: 5000, text: '超出时长' }), 422, 'validation_failed');
    const detail = await u.client.get(`${T}/practice/${sessionId}`);
    expect(detail.body.feedback.map((f: { atSecond: number }) => f.atSecond)).toEqual([30, 95]);
    expect(detail.body.canReview).toBe(false);
    expectProblem(await u.client.post(`${T}/practice/${sessionId}/feedback`, { atSecond: 1, text: '自评' }), 404, 'not_found');
    const rev = await mentor.client.post(`${T}/practice/${sessionId}/review`, { summary: '整体不错' });
    expect(rev.body.reviewedAt).not.toBeNull();
    expectProblem(await instructor.client.post(`${T}/practice/${sessionId}/review`, { summary: '再评' }), 409, 'already_reviewed');
  });

  it("a mentor of another cohort cannot read this cohort's practice sessions", async () => {
    expectProblem(await otherMentor.client.get(`${T}/cohorts/${cohortId}/practice`), 404, 'not_found');
    expectProblem(await otherMentor.client.get(`${T}/practice/${sessionId}`), 404, 'not_found');
    expectProblem(await otherMentor.client.post(`${T}/practice/${sessionId}/feedback`, { atSecond: 1, text: 'x' }), 404, 'not_found');
    expect((await otherMentor.client.get(`${T}/cohorts/${otherCohortId}/practice`)).body.items).toEqual([]);
    expectProblem(await opB.client.get(`${T}/practice/${sessionId}`), 404, 'not_found');
    // The center of the county reads it.
    expect((await op.client.get(`${T}/practice/${sessionId}`)).status).toBe(200);
  });

  it('refuses sharing a session that is not mine, not practice, or into a cohort without my seat; not-held sessions cannot be reviewed', async () => {
    const someoneElse = await trainee();
    const theirs = await practiceSession(someoneElse.id);
    expectProblem(await u.client.post(`${T}/practice`, { sessionId: theirs, cohortId }), 422, 'validation_failed');
    const hosted = await practiceSession(u.id, { kind: 'hosted' });
    expectProblem(await u.client.post(`${T}/practice`, { sessionId: hosted, cohortId }), 422, 'validation_failed');
    const mine = await practiceSession(u.id, { held: false });
    expectProblem(await u.client.post(`${T}/practice`, { sessionId: mine, cohortId: otherCohortId }), 422, 'validation_failed');
    expect((await u.client.post(`${T}/practice`, { sessionId: mine, cohortId })).status).toBe(200);
    expectProblem(await u.client.post(`${T}/practice`, { sessionId: mine, cohortId: otherCohortId }), 422, 'validation_failed');
    expectProblem(await mentor.client.post(`${T}/practice/${mine}/review`, { summary: '还没播' }), 409, 'practice_not_held');
    // A mentor added later becomes a mentor of the sessions already shared.
    const late = await makeUser(t, [{ role: 'host', prefix: COUNTY_A }], '后来的导师');
    await op.client.post(`${T}/cohorts/${cohortId}/staff`, { phone: late.phone, role: 'mentor' });
    const rows = await t.deps.db.selectFrom('live_session_mentor').select('session_id').where('user_id', '=', late.id).execute();
    expect(rows.map((r) => r.session_id).sort()).toEqual([sessionId, mine].sort());
  });

  it('short-video assignments: upload, redo needs a comment, pass once', async () => {
    const a = await op.client.post(`${T}/courses/${course.id}/assignments`, { title: '30秒产品介绍', instructions: '介绍一款蓝莓' });
    expect(a.status).toBe(201);
    const sub = await u.client.upload('POST', `${T}/assignments/${a.body.id}/submissions?cohortId=${cohortId}`, MP4, 'my.mp4', 'video/mp4');
    expect(sub.status).toBe(201);
    expectProblem(await u.client.upload('POST', `${T}/assignments/${a.body.id}/submissions?cohortId=${cohortId}`, MP4, 'my.mp4', 'video/mp4'), 409, 'already_submitted');
    const outsider = await trainee();
    expectProblem(await outsider.client.upload('POST', `${T}/assignments/${a.body.id}/submissions?cohortId=${cohortId}`, MP4, 'x.mp4', 'video/mp4'), 422, 'validation_failed');
    const queue = await mentor.client.get(`${T}/cohorts/${cohortId}/submissions?status=submitted`);
    expect(queue.body.items).toEqual([expect.objectContaining({ id: sub.body.id, traineeName: '赵小梅' })]);
    const vid = await mentor.client.request('GET', sub.body.videoUrl, undefined, { range: 'bytes=0-3' });
    expect(vid.status).toBe(206);
    expectProblem(await otherMentor.client.get(sub.body.videoUrl), 404, 'not_found');
    expectProblem(await mentor.client.post(`${T}/submissions/${sub.body.id}/review`, { verdict: 'redo' }), 422, 'validation_failed');
    const redo = await mentor.client.post(`${T}/submissions/${sub.body.id}/review`, { verdict: 'redo', comment: '光线太暗，重拍' });
    expect(redo.body).toMatchObject({ status: 'redo', comment: '光线太暗，重拍' });
    expectProblem(await mentor.client.post(`${T}/submissions/${sub.body.id}/review`, { verdict: 'pass' }), 409, 'already_reviewed');
    const again = await u.client.upload('POST', `${T}/assignments/${a.body.id}/submissions?cohortId=${cohortId}`, MP4, 'my2.mp4', 'video/mp4');
    expect(again.status).toBe(201);
    expect((await instructor.client.post(`${T}/submissions/${again.body.id}/review`, { verdict: 'pass' })).body.status).toBe('passed');
    expect((await u.client.get(`${T}/submissions`)).body.items.map((s: { status: string }) => s.status)).toEqual(['passed', 'redo']);
  });

  it('a seat given up while the video uploads: the hand-in is refused once whole, and its video removed', async () => {
    const a = await op.client.post(`${T}/courses/${course.id}/assignments`, { title: '退班前的作业', instructions: '一分钟' });
    const leaver = await trainee('钱小花');
    const seat = await enrol(leaver.client, cohortId, { name: '钱小花' });
    expect(seat.body.status).toBe('enrolled');
    const dir = path.join(t.config.uploadsDir, 'assignment_video');
    const before = filesUnder(dir);
    const upload = uploadInTwoParts(leaver.client, 'POST', `${T}/assignments/${a.body.id}/submissions?cohortId=${cohortId}`, Buffer.concat([MP4, Buffer.alloc(200_000, 5)]), Buffer.alloc(0));
    await vi.waitFor(() => expect(partlyWritten(dir)).toHaveLength(1), { timeout: 5000 });
    expect((await leaver.client.post(`${T}/enrolments/${seat.body.id}/withdraw`, { reason: '家里农忙' })).status).toBe(200);
    const res = await upload.finish();
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ pointer: '/query/cohortId', code: 'not_enrolled' });
    expect(filesUnder(dir)).toEqual(before);
    expect(await t.deps.db.selectFrom('training_submission').select('id').where('assignment_id', '=', a.body.id).execute()).toEqual([]);
  });

  it('two hand-ins at once: one is kept, the other refused, and its video removed from disk', async () => {
    const a = await op.client.post(`${T}/courses/${course.id}/assignments`, { title: '直播开场白', instructions: '一分钟' });
    const dir = path.join(t.config.uploadsDir, 'assignment_video');
    const before = filesUnder(dir);
    const url = `${T}/assignments/${a.body.id}/submissions?cohortId=${cohortId}`;
    const both = await Promise.all([u.client.upload('POST', url, MP4, 'a.mp4', 'video/mp4'), u.client.upload('POST', url, MP4, 'b.mp4', 'video/mp4')]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)!.body.code).toBe('already_submitted');
    const added = filesUnder(dir).filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    const kept = await t.deps.db.selectFrom('training_submission').innerJoin('stored_file', 'stored_file.id', 'training_submission.file_id')
      .select('stored_file.storage_key').where('training_submission.assignment_id', '=', a.body.id).execute();
    expect(kept).toEqual([{ storage_key: `assignment_video/${added[0]}` }]);
  });
});

describe('certification', () => {
  it('refuses with the missing items listed, certifies when every rule is met, and grants the host role once (audited)', async () => {
    const course = await makeCourse({ minAttendancePct: 50, minReviewedPractice: 1 });
    const cohort = await makeCohort(course.id);
    const u = await trainee('孙丽');
    await enrol(u.client, cohort.id, { name: '孙丽' });
    const m1 = await op.client.post(`${T}/cohorts/${cohort.id}/meetings`, { title: '一', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });
    await op.client.post(`${T}/cohorts/${cohort.id}/meetings`, { title: '二', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });

    const refused = await op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id });
    expectProblem(refused, 422, 'requirements_not_met');
    expect(refused.body.missing).toEqual(['attendance', 'lessons', 'quizzes', 'practice']);
    expect(refused.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/requirements/attendance');
    expect(await t.deps.db.selectFrom('training_certificate').select('id').where('user_id', '=', u.id).executeTakeFirst()).toBeUndefined();

    // Meet the rules one by one.
    const qr = await op.client.get(`${T}/meetings/${m1.body.id}/qr`);
    await u.client.post(`${T}/meetings/${m1.body.id}/checkin`, { code: qr.body.code }); // 1 of 2 = 50 %
    await u.client.put(`${T}/lessons/${course.video}/progress`, { positionSeconds: 300, completed: true });
    await u.client.put(`${T}/lessons/${course.text}/progress`, { positionSeconds: 0, completed: true });
    await u.client.post(`${T}/lessons/${course.quiz}/quiz-attempts`, { answers: [[1], [0, 2]] });
    const stillMissing = await op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id });
    expect(stillMissing.body.missing).toEqual(['practice']);
    const s = await practiceSession(u.id);
    await u.client.post(`${T}/practice`, { sessionId: s, cohortId: cohort.id });
    await instructor.client.post(`${T}/practice/${s}/feedback`, { atSecond: 10, text: '好' });
    await instructor.client.post(`${T}/practice/${s}/review`, { summary: '通过' });

    const queue = await op.client.get(`${T}/cohorts/${cohort.id}/certification`);
    expect(queue.body.items[0]).toMatchObject({ eligible: true, attendance: { pct: 50 } });
    expectProblem(await instructor.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id }), 403, 'forbidden');
    expectProblem(await opB.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id }), 404, 'not_found');
    const certRes = await op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id });
    expect(certRes.status).toBe(201);
    const certNo = certRes.body.certNo as string;
    expectProblem(await op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id }), 409, 'already_certified');

    // The public certificate page: anyone, name masked, verification QR.
    const pub = await t.client().get(`${T}/certificates/${certNo}`);
    expect(pub.body).toMatchObject({ certNo, valid: true, courseTitle: '抖音直播入门' });
    expect(pub.body.holderName).not.toBe('孙丽');
    expect(pub.body.qrSvg).toContain('<svg');
    expect(pub.body.verifyUrl).toContain(`/learn/cert/${certNo}`);
    expectProblem(await t.client().get(`${T}/certificates/FS000000000000000`), 404, 'not_found');

    // One click: host role in the county, audited; a second click is refused.
    expectProblem(await opB.client.post(`${T}/certificates/${certNo}/grant-host`), 404, 'not_found');
    const grant = await op.client.post(`${T}/certificates/${certNo}/grant-host`);
    expect(grant.status).toBe(200);
    expect(grant.body.hostGrantedAt).not.toBeNull();
    expectProblem(await op.client.post(`${T}/certificates/${certNo}/grant-host`), 409, 'host_already_granted');
    const grants = await t.deps.db.selectFrom('role_grant').select(['role', 'region_prefix', 'granted_by']).where('user_id', '=', u.id).where('role', '=', 'host').execute();
    expect(grants).toEqual([{ role: 'host', region_prefix: COUNTY_A, granted_by: op.id }]);
    const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', u.id).where('action', '=', 'role.granted').execute();
    expect(audit.some((a) => String(a.detail).includes(certNo))).toBe(true);
    const me = await u.client.get(`${T}/me`);
    expect(me.body.items[0]).toMatchObject({ certificate: { certNo }, progress: { eligible: true } });
  });

  it('grants at most once whatever the concurrency', async () => {
    const course = await makeCourse({ minAttendancePct: 0, allLessons: false, quizzesPassed: false, minReviewedPractice: 0 });
    const cohort = await makeCohort(course.id);
    const u = await trainee();
    await enrol(u.client, cohort.id);
    const cert = await op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id });
    expect(cert.status).toBe(201);
    const results = await Promise.all(Array.from({ length: 5 }, () => op.client.post(`${T}/certificates/${cert.body.certNo}/grant-host`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    const grants = await t.deps.db.selectFrom('role_grant').select('id').where('user_id', '=', u.id).where('role', '=', 'host').execute();
    expect(grants).toHaveLength(1);
    // A certified trainee's enrolment cannot be withdrawn.
    const e = await t.deps.db.selectFrom('training_enrolment').select('id').where('user_id', '=', u.id).executeTakeFirstOrThrow();
    expectProblem(await op.client.post(`${T}/enrolments/${e.id}/withdraw`, {}), 409, 'already_certified');
  });
});

describe('more refusals', () => {
  it('course editing rules: publish needs a lesson, a module with lessons stays, a lesson with a file keeps its kind', async () => {
    const c = await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title: '空课' });
    expectProblem(await op.client.post(`${T}/courses/${c.body.id}/publish`), 409, 'course_empty');
    const m = await op.client.post(`${T}/courses/${c.body.id}/modules`, { title: '一' });
    // A quiz without questions could never be passed: publishing says which one to fix.
    const emptyQuiz = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'quiz', title: '空测验' });
    const refused = await op.client.post(`${T}/courses/${c.body.id}/publish`);
    expectProblem(refused, 409, 'quiz_without_questions');
    expect(refused.body.lessonId).toBe(emptyQuiz.body.id);
    expect((await op.client.delete(`${T}/lessons/${emptyQuiz.body.id}`)).status).toBeLessThan(300);
    const v = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'video', title: '视频' });
    await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, MP4, 'a.mp4', 'video/mp4');
    expectProblem(await op.client.delete(`${T}/modules/${m.body.id}`), 409, 'module_not_empty');
    const locked = await op.client.patch(`${T}/lessons/${v.body.id}`, { kind: 'text' });
    expectProblem(locked, 422, 'validation_failed');
    expect(locked.body.errors[0].code).toBe('kind_locked');
    expectProblem(await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, MP4, 'a.mp4', 'video/mp4').then(async () => {
      const txt = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'text', title: '图文' });
      return op.client.upload('PUT', `${T}/lessons/${txt.body.id}/file`, MP4, 'a.mp4', 'video/mp4');
    }), 422, 'validation_failed');
    expectProblem(await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title: 'x', rules: { minAttendancePct: 120 } }), 400, 'validation_failed');
    // A draft course's cohort page is not shown to outsiders.
    const cohort = await makeCohort(c.body.id);
    expectProblem(await t.client().get(`${T}/cohorts/${cohort.id}`), 404, 'not_found');
    expect((await op.client.get(`${T}/cohorts/${cohort.id}`)).body.isStaff).toBe(true);
    expectProblem(await enrol((await trainee()).client, cohort.id), 409, 'cohort_not_open');
  });

  it('a waitlisted person withdrawing frees no seat; trainees cannot read rosters or review; quizzes only on quiz lessons', async () => {
    const course = await makeCourse();
    const cohort = await makeCohort(course.id, 1);
    const a = await trainee();
    const b = await trainee();
    await enrol(a.client, cohort.id);
    const wb = await enrol(b.client, cohort.id);
    expect(wb.body.status).toBe('waitlisted');
    expect((await b.client.post(`${T}/enrolments/${wb.body.id}/withdraw`, {})).body.promotedUserId).toBeNull();
    expect((await op.client.get(`${T}/cohorts/${cohort.id}`)).body).toMatchObject({ enrolledCount: 1, waitlistCount: 0 });
    // Re-applying after withdrawing: back on the waitlist, behind nobody.
    const again = await enrol(b.client, cohort.id);
    expect(again.body).toMatchObject({ id: wb.body.id, status: 'waitlisted', alreadyEnrolled: false });
    expectProblem(await a.client.get(`${T}/cohorts/${cohort.id}/roster`), 404, 'not_found');
    expectProblem(await a.client.get(`${T}/cohorts/${cohort.id}/certification`), 404, 'not_found');
    expectProblem(await a.client.get(`${T}/cohorts/${cohort.id}/submissions`), 404, 'not_found');
    expectProblem(await a.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: a.id }), 403, 'forbidden');
    expectProblem(await a.client.post(`${T}/lessons/${course.text}/quiz-attempts`, { answers: [[0]] }), 422, 'validation_failed');
    // My practice: sessions not shared yet are offered; shared ones listed.
    const s = await practiceSession(a.id);
    const mine = await a.client.get(`${T}/practice`);
    expect(mine.body.unshared.map((x: { sessionId: string }) => x.sessionId)).toEqual([s]);
    await a.client.post(`${T}/practice`, { sessionId: s, cohortId: cohort.id });
    const after = await a.client.get(`${T}/practice`);
    expect(after.body).toMatchObject({ unshared: [], items: [expect.objectContaining({ sessionId: s, reviewedAt: null })] });
    expectProblem(await b.client.post(`${T}/practice`, { sessionId: s, cohortId: cohort.id }), 422, 'validation_failed');
  });

  it("the certificate page shows the holder's full name to the holder only", async () => {
    const course = await makeCourse({ minAttendancePct: 0, allLessons: false, quizzesPassed: false, minReviewedPractice: 0 });
    const cohort = await makeCohort(course.id);
    const u = await trainee('欧阳秀英');
    await enrol(u.client, cohort.id, { name: '欧阳秀英' });
    const cert = await op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id });
    expect((await u.client.get(`${T}/certificates/${cert.body.certNo}`)).body.holderName).toBe('欧阳秀英');
    const other = (await t.client().get(`${T}/certificates/${cert.body.certNo}`)).body.holderName;
    expect(other).not.toBe('欧阳秀英');
    expect(other.startsWith('欧')).toBe(true);
  });
});

describe('video size limit', () => {
  it('takes lesson videos above the ordinary upload limit, up to VIDEO_UPLOAD_MAX_BYTES', async () => {
    const course = await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title: '大视频' });
    const m = await op.client.post(`${T}/courses/${course.body.id}/modules`, { title: '一' });
    const v = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'video', title: '视频' });
    // Varied bytes, so that a chunk written twice or out of order would change the hash.
    const big = Buffer.concat([MP4, Buffer.from(Array.from({ length: t.config.uploadMaxBytes + 1024 }, (_v, i) => (i * 31 + (i >> 9)) & 255))]);
    const ok = await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, big, 'big.mp4', 'video/mp4');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // Streamed to disk, not read whole: the stored bytes, size and hash are the upload's.
    const row = await t.deps.db.selectFrom('stored_file').selectAll().where('id', '=', ok.body.fileId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ size_bytes: big.length, sha256: createHash('sha256').update(big).digest('hex'), content_type: 'video/mp4', purpose: 'lesson_video' });
    expect(fs.readFileSync(path.join(t.config.uploadsDir, row.storage_key)).equals(big)).toBe(true);

    const before = filesUnder(t.config.uploadsDir);
    const tooBig = Buffer.concat([MP4, Buffer.alloc(t.config.videoUploadMaxBytes, 1)]);
    expectProblem(await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, tooBig, 'huge.mp4', 'video/mp4'), 413, 'payload_too_large');
    expectProblem(await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, Buffer.alloc(200_000, 9), 'fake.mp4', 'video/mp4'), 415, 'unsupported_file_type');
    expectProblem(await op.client.upload('PUT', `${T}/lessons/${v.body.id}/file`, Buffer.alloc(0), 'empty.mp4', 'video/mp4'), 400, 'validation_failed');
    // Refused uploads leave nothing on disk, not even a half-written file.
    expect(filesUnder(t.config.uploadsDir)).toEqual(before);
    expect((await t.deps.db.selectFrom('training_lesson').select('file_id').where('id', '=', v.body.id).executeTakeFirstOrThrow()).file_id).toBe(row.id);
  });
});

/**
 * A multipart video upload whose body stops after `first` until `finish` sends `rest`: for what
 * happens while a large upload is still coming in.
 */
function uploadInTwoParts(client: TestClient, method: 'PUT' | 'POST', url: string, first: Buffer, rest: Buffer) {
  const boundary = 'fengshou-upload-in-two-parts';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="video.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = new PassThrough();
  const answer = t.app.inject({
    method, url, payload: body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: client.cookie!, 'x-csrf-token': client.csrf!, 'content-length': String(head.length + first.length + rest.length + tail.length) },
  });
  body.write(Buffer.concat([head, first]));
  return { finish: () => { body.end(Buffer.concat([rest, tail])); return answer; } };
}

/** Files being written under dir (uploads still coming in). */
const partlyWritten = (dir: string) => filesUnder(dir).filter((f) => f.includes('.tmp-'));

async function videoLesson(title: string) {
  const course = await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title });
  const m = await op.client.post(`${T}/courses/${course.body.id}/modules`, { title: '一' });
  return (await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'video', title: '视频' })).body as { id: string };
}

describe('video uploads are streamed', () => {
  it('writes a video to disk as it arrives, and records it only once it is whole', async () => {
    const v = await videoLesson('慢上传');
    const first = Buffer.concat([MP4, Buffer.alloc(300_000, 3)]);
    const rest = Buffer.alloc(300_000, 4);
    const upload = uploadInTwoParts(op.client, 'PUT', `${T}/lessons/${v.id}/file`, first, rest);
    // Half the body has come: its bytes are on disk already (a file being written), nothing is recorded.
    const dir = path.join(t.config.uploadsDir, 'lesson_video');
    await vi.waitFor(() => {
      expect(partlyWritten(dir)).toHaveLength(1);
      expect(fs.statSync(path.join(dir, partlyWritten(dir)[0]!)).size).toBeGreaterThan(100_000);
    }, { timeout: 5000 });
    expect((await t.deps.db.selectFrom('training_lesson').select('file_id').where('id', '=', v.id).executeTakeFirstOrThrow()).file_id).toBeNull();
    const res = await upload.finish();
    expect(res.statusCode, res.body).toBe(200);
    const row = await t.deps.db.selectFrom('stored_file').selectAll().where('id', '=', res.json().fileId as string).executeTakeFirstOrThrow();
    expect(row.size_bytes).toBe(first.length + rest.length);
    expect(partlyWritten(dir)).toEqual([]);
  });

  it('a lesson deleted while its video uploads: the upload is refused once whole, and its bytes removed', async () => {
    const v = await videoLesson('删了再传');
    const dir = path.join(t.config.uploadsDir, 'lesson_video');
    const before = filesUnder(dir);
    const upload = uploadInTwoParts(op.client, 'PUT', `${T}/lessons/${v.id}/file`, Buffer.concat([MP4, Buffer.alloc(200_000, 3)]), Buffer.alloc(0));
    await vi.waitFor(() => expect(partlyWritten(dir)).toHaveLength(1), { timeout: 5000 });
    expect((await op.client.request('DELETE', `${T}/lessons/${v.id}`)).status).toBe(204);
    const res = await upload.finish();
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().code).toBe('lesson_changed');
    expect(filesUnder(dir)).toEqual(before);
  });
});

describe('an upload refused part-way', () => {
  it('is answered, and its connection closed rather than left waiting for the rest of the body', async () => {
    const course = await op.client.post(`${T}/courses`, { countyCode: COUNTY_A, title: '半截上传' });
    const m = await op.client.post(`${T}/courses/${course.body.id}/modules`, { title: '一' });
    const v = await op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'video', title: '视频' });
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const boundary = 'fengshou-not-a-video';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    const req = http.request(`${base}${T}/lessons/${v.body.id}/file`, {
      method: 'PUT',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: op.client.cookie!, 'x-csrf-token': op.client.csrf!, 'content-length': String(head.length + 5_000_000) },
    });
    // 100 KB of a body that is no video, then nothing: the client waits for the answer.
    req.write(Buffer.concat([head, Buffer.alloc(100_000, 9)]));
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => { req.on('response', resolve); req.on('error', reject); });
    const text = await new Promise<string>((resolve) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => resolve(b)); });
    expect(res.statusCode).toBe(415);
    expect(JSON.parse(text).code).toBe('unsupported_file_type');
    expect(res.headers.connection).toBe('close');
    // The server closes the socket; it does not hold it open for the 4.9 MB never sent.
    await vi.waitFor(() => expect(req.socket?.destroyed).toBe(true), { timeout: 3000 });
    req.destroy();
  });
});

describe('double taps', () => {
  it('enrolling and checking in several times at once leave one enrolment, one seat and one check-in', async () => {
    const course = await makeCourse();
    const cohort = await makeCohort(course.id, 5);
    const u = await trainee();
    const enrols = await Promise.all(Array.from({ length: 4 }, () => enrol(u.client, cohort.id)));
    expect(enrols.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(enrols.map((r) => r.body.id)).size).toBe(1);
    expect((await op.client.get(`${T}/cohorts/${cohort.id}`)).body.enrolledCount).toBe(1);
    const m = await op.client.post(`${T}/cohorts/${cohort.id}/meetings`, { title: '课', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() });
    const qr = await op.client.get(`${T}/meetings/${m.body.id}/qr`);
    const scans = await Promise.all(Array.from({ length: 4 }, () => u.client.post(`${T}/meetings/${m.body.id}/checkin`, { code: qr.body.code })));
    expect(scans.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(scans.filter((r) => !r.body.alreadyCheckedIn)).toHaveLength(1);
    const rows = await t.deps.db.selectFrom('training_attendance').select('user_id').where('meeting_id', '=', m.body.id).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('racing writes on one cohort take turns', () => {
  // Each race is run several times on fresh cohorts: on PostgreSQL without the cohort lock the
  // wrong outcome showed in most rounds, never in all.
  const rounds = 6;

  it('an enrolment into a full cohort racing a withdrawal never leaves a free seat while someone waits', async () => {
    const course = await makeCourse();
    for (let i = 0; i < rounds; i++) {
      const cohort = await makeCohort(course.id, 1);
      const [leaver, newcomer] = await Promise.all([trainee('甲'), trainee('乙')]);
      const seat = await enrol(leaver.client, cohort.id);
      expect(seat.body.status).toBe('enrolled');
      const [w, e] = await Promise.all([leaver.client.post(`${T}/enrolments/${seat.body.id}/withdraw`, {}), enrol(newcomer.client, cohort.id)]);
      expect([w.status, e.status]).toEqual([200, 200]);
      // Either the newcomer took the freed seat, or joined the line and was promoted into it.
      expect((await newcomer.client.get(`${T}/cohorts/${cohort.id}`)).body.myEnrolment).toMatchObject({ status: 'enrolled' });
      expect((await op.client.get(`${T}/cohorts/${cohort.id}`)).body).toMatchObject({ enrolledCount: 1, waitlistCount: 0 });
    }
  });

  it('a withdrawal racing the certificate: one of them wins, never both', async () => {
    const course = await makeCourse({ minAttendancePct: 0, allLessons: false, quizzesPassed: false, minReviewedPractice: 0 });
    for (let i = 0; i < rounds; i++) {
      const cohort = await makeCohort(course.id);
      const u = await trainee();
      const seat = await enrol(u.client, cohort.id);
      const [w, c] = await Promise.all([u.client.post(`${T}/enrolments/${seat.body.id}/withdraw`, {}), op.client.post(`${T}/cohorts/${cohort.id}/certificates`, { userId: u.id })]);
      expect([w.status, c.status].sort()).toEqual(w.status === 200 ? [200, 404] : [201, 409]);
      if (w.status === 409) expect(w.body.code).toBe('already_certified');
      const certs = await t.deps.db.selectFrom('training_certificate').select('id').where('cohort_id', '=', cohort.id).execute();
      const status = (await t.deps.db.selectFrom('training_enrolment').select('status').where('id', '=', seat.body.id).executeTakeFirstOrThrow()).status;
      expect({ certificates: certs.length, status }).toEqual(w.status === 200 ? { certificates: 0, status: 'withdrawn' } : { certificates: 1, status: 'enrolled' });
    }
  });

  it('a module deleted while a lesson is added to it or moved into it: one of them wins, never a 500', async () => {
    // Found by the route fuzz: the delete looked for lessons, the lesson went in, and the delete
    // then failed on the lesson's foreign key (a 500), or the insert failed on the module's.
    const course = await makeCourse();
    for (let i = 0; i < rounds; i++) {
      const m = await op.client.post(`${T}/courses/${course.id}/modules`, { title: `第${i}单元` });
      const [del, add, move] = await Promise.all([
        op.client.delete(`${T}/modules/${m.body.id}`),
        op.client.post(`${T}/modules/${m.body.id}/lessons`, { kind: 'text', title: '新课', body: '内容' }),
        op.client.patch(`${T}/lessons/${course.text}`, { moduleId: m.body.id }),
      ]);
      expect([del.status, add.status, move.status].every((x) => x < 500), JSON.stringify([del.body, add.body, move.body])).toBe(true);
      const left = await t.deps.db.selectFrom('training_module').select('id').where('id', '=', m.body.id).executeTakeFirst();
      if (del.status === 204) {
        expect(left).toBeUndefined();
        expect([add.status, move.status]).toEqual([404, 422]);
      } else {
        expectProblem(del, 409, 'module_not_empty');
        expect(left).toBeDefined();
      }
      // The text lesson goes back to its first module for the next round.
      await op.client.patch(`${T}/lessons/${course.text}`, { moduleId: course.moduleId });
    }
  });

  it('two instructors named at once: the cohort keeps one, the other becomes a mentor', async () => {
    const course = await makeCourse();
    for (let i = 0; i < rounds; i++) {
      const cohort = await makeCohort(course.id);
      const answers = await Promise.all([mentor, otherMentor].map((u) => op.client.post(`${T}/cohorts/${cohort.id}/staff`, { phone: u.phone, role: 'instructor' })));
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      const staff = await t.deps.db.selectFrom('training_cohort_staff').select(['user_id', 'role']).where('cohort_id', '=', cohort.id).execute();
      expect(staff.filter((s) => s.role === 'instructor')).toHaveLength(1);
      expect(staff).toHaveLength(3);
    }
  });
});

/** Every file under dir, by path relative to it (sorted). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

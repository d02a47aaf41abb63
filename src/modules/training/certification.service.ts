import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { AppError, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { maskName } from '../../platform/mask.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { forgetSessionsOnCommit, insertGrant } from '../accounts/index.js';
import { notify } from '../notifications/index.js';
import { cohortForCenter, cohortForStaff, cohortRow, isCenter } from './training.access.js';
import { parseQuiz } from './courses.service.js';
import type { TrainingCertificateTable, TrainingCohortTable, TrainingCourseTable } from './training.tables.js';

export type RequirementCode = 'attendance' | 'lessons' | 'quizzes' | 'practice';

/** Where one trainee stands against the course's completion rules. */
export async function evaluate(ctx: Ctx, cohort: TrainingCohortTable, course: TrainingCourseTable, userId: string) {
  const meetings = await ctx.db.selectFrom('training_meeting').select((eb) => eb.fn.countAll<number>().as('n')).where('cohort_id', '=', cohort.id).executeTakeFirstOrThrow();
  const attended = await ctx.db.selectFrom('training_attendance').select((eb) => eb.fn.countAll<number>().as('n')).where('cohort_id', '=', cohort.id).where('user_id', '=', userId).executeTakeFirstOrThrow();
  const lessons = await ctx.db.selectFrom('training_lesson').select(['id', 'kind', 'quiz_json', 'title']).where('course_id', '=', course.id).execute();
  const done = await ctx.db.selectFrom('training_lesson_progress').select('lesson_id').where('course_id', '=', course.id).where('user_id', '=', userId).where('completed_at', 'is not', null).execute();
  const passed = await ctx.db.selectFrom('training_quiz_attempt').select('lesson_id').distinct().where('course_id', '=', course.id).where('user_id', '=', userId).where('passed', '=', 1).execute();
  const reviewed = await ctx.db.selectFrom('training_practice').select((eb) => eb.fn.countAll<number>().as('n')).where('cohort_id', '=', cohort.id).where('user_id', '=', userId)
    .where('reviewed_at', 'is not', null).executeTakeFirstOrThrow();
  const total = Number(meetings.n);
  const att = Number(attended.n);
  const pct = total === 0 ? 0 : Math.floor((att * 100) / total);
  const quizzes = lessons.filter((l) => l.kind === 'quiz' && parseQuiz(l).length > 0);
  const doneIds = new Set(done.map((d) => d.lesson_id));
  const passedIds = new Set(passed.map((p) => p.lesson_id));
  const attendanceMet = course.rule_min_attendance_pct === 0 || (total > 0 && pct >= course.rule_min_attendance_pct);
  // A quiz left without questions (edited after publishing) cannot be completed, so it is not counted.
  const countable = lessons.filter((l) => l.kind !== 'quiz' || parseQuiz(l).length > 0);
  const lessonsMet = course.rule_all_lessons === 0 || countable.every((l) => doneIds.has(l.id));
  const quizzesMet = course.rule_quizzes_passed === 0 || quizzes.every((q) => passedIds.has(q.id));
  const practiceMet = Number(reviewed.n) >= course.rule_min_reviewed_practice;
  const missing: { code: RequirementCode; detail: string }[] = [];
  if (!attendanceMet) missing.push({ code: 'attendance', detail: total === 0 ? 'No class meetings have been held yet' : `Attended ${att} of ${total} classes (${pct} %); at least ${course.rule_min_attendance_pct} % is needed` });
  if (!lessonsMet) missing.push({ code: 'lessons', detail: `Completed ${countable.filter((l) => doneIds.has(l.id)).length} of ${countable.length} lessons; all are needed` });
  if (!quizzesMet) missing.push({ code: 'quizzes', detail: `Passed ${quizzes.filter((q) => passedIds.has(q.id)).length} of ${quizzes.length} quizzes; all are needed` });
  if (!practiceMet) missing.push({ code: 'practice', detail: `${Number(reviewed.n)} practice session(s) reviewed by a mentor; ${course.rule_min_reviewed_practice} needed` });
  return {
    attendance: { attended: att, meetings: total, pct, requiredPct: course.rule_min_attendance_pct, met: attendanceMet },
    lessons: { completed: countable.filter((l) => doneIds.has(l.id)).length, total: countable.length, required: course.rule_all_lessons === 1, met: lessonsMet },
    quizzes: { passed: quizzes.filter((q) => passedIds.has(q.id)).length, total: quizzes.length, required: course.rule_quizzes_passed === 1, met: quizzesMet },
    practice: { reviewed: Number(reviewed.n), required: course.rule_min_reviewed_practice, met: practiceMet },
    eligible: missing.length === 0,
    missing,
  };
}

const courseOf = (ctx: Ctx, id: string) => ctx.db.selectFrom('training_course').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The certification queue of a cohort: every seated trainee with where they stand and their certificate. */
export async function certificationQueue(ctx: Ctx, cohortId: string) {
  const { cohort } = await cohortForStaff(ctx, cohortId);
  const course = await courseOf(ctx, cohort.course_id);
  const people = await ctx.db.selectFrom('training_enrolment').select(['user_id', 'name', 'id']).where('cohort_id', '=', cohort.id).where('status', '=', 'enrolled').orderBy('applied_at').execute();
  const certs = await ctx.db.selectFrom('training_certificate').selectAll().where('cohort_id', '=', cohort.id).execute();
  const items = [];
  for (const p of people) {
    const c = certs.find((x) => x.user_id === p.user_id);
    items.push({
      userId: p.user_id, enrolmentId: p.id, name: p.name, ...(await evaluate(ctx, cohort, course, p.user_id)),
      certificate: c ? { certNo: c.cert_no, issuedAt: c.issued_at, hostGrantedAt: c.host_granted_at } : null,
    });
  }
  return { cohortId: cohort.id, cohortName: cohort.name, courseTitle: course.title, canCertify: isCenter(ctx, cohort.county_code), items };
}

function newCertNo(county: string) {
  return `FS${county}${new Date().getUTCFullYear()}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
}

function certificateView(ctx: Ctx, c: TrainingCertificateTable) {
  return {
    id: c.id, certNo: c.cert_no, countyCode: c.county_code, courseId: c.course_id, cohortId: c.cohort_id, userId: c.user_id, holderName: c.holder_name,
    issuedAt: c.issued_at, hostGrantedAt: c.host_granted_at, verifyUrl: `${ctx.deps.config.publicUrl}/learn/cert/${c.cert_no}`,
  };
}

/**
 * Certifies a seated trainee who meets every completion rule of the course; otherwise 422
 * `requirements_not_met` listing what is missing. One certificate per cohort and person.
 */
export async function certify(ctx: Ctx, cohortId: string, userId: string) {
  return inTransaction(ctx, async (tx) => {
    const cohort = await cohortForCenter(tx, cohortId, 'lock'); // a withdrawal racing this waits, then finds the certificate
    const e = await tx.db.selectFrom('training_enrolment').selectAll().where('cohort_id', '=', cohort.id).where('user_id', '=', userId).executeTakeFirst();
    if (!e || e.status !== 'enrolled') throw notFound('Trainee in this cohort');
    const existing = await tx.db.selectFrom('training_certificate').select('cert_no').where('cohort_id', '=', cohort.id).where('user_id', '=', userId).executeTakeFirst();
    if (existing) throw conflict('already_certified', `Already certified (certificate ${existing.cert_no})`, { certNo: existing.cert_no });
    const course = await courseOf(tx, cohort.course_id);
    const ev = await evaluate(tx, cohort, course, userId);
    if (!ev.eligible) {
      throw new AppError(422, 'requirements_not_met', `${e.name} does not meet the completion rules yet: ${ev.missing.map((m) => m.detail).join('; ')}`,
        ev.missing.map((m) => ({ pointer: `/requirements/${m.code}`, detail: m.detail, code: m.code })), { missing: ev.missing.map((m) => m.code) });
    }
    const row: TrainingCertificateTable = {
      id: newId('trainingCertificate'), cert_no: newCertNo(cohort.county_code), county_code: cohort.county_code, course_id: course.id, cohort_id: cohort.id,
      user_id: userId, holder_name: e.name, issued_at: nowIso(), issued_by: tx.actor!.userId, host_granted_at: null, host_granted_by: null,
    };
    await tx.db.insertInto('training_certificate').values(row).execute();
    await recordAudit(tx, { action: 'training.certified', targetType: 'training_certificate', targetId: row.id, countyCode: row.county_code, detail: { certNo: row.cert_no, userId } });
    await notify(tx, [userId], { kind: 'training.certified', title: '恭喜结业！', body: `您已获得「${course.title}」结业证书 ${row.cert_no}`, refId: row.cert_no, countyCode: row.county_code });
    return certificateView(tx, row);
  });
}

/**
 * Grants the certified trainee the host role in the certificate's county, in one click,
 * audited. Once per certificate (a second click answers 409); a person who already holds the
 * host role there keeps the one grant.
 */
export async function grantHostRole(ctx: Ctx, certNo: string) {
  const granted = await inTransaction(ctx, async (tx) => {
    const c = await tx.db.selectFrom('training_certificate').selectAll().where('cert_no', '=', certNo).executeTakeFirst();
    if (!c || !isCenter(tx, c.county_code)) throw notFound('Certificate');
    const now = nowIso();
    const res = await tx.db.updateTable('training_certificate').set({ host_granted_at: now, host_granted_by: tx.actor!.userId })
      .where('id', '=', c.id).where('host_granted_at', 'is', null).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('host_already_granted', 'The host role was already granted from this certificate');
    const grants = await tx.db.selectFrom('role_grant').select('region_prefix').where('user_id', '=', c.user_id).where('role', '=', 'host').execute();
    // An administrator granting the same role by hand at this moment may win: then it was had.
    const had = grants.some((g) => c.county_code.startsWith(g.region_prefix))
      || !(await insertGrant(tx.db, { id: newId('roleGrant'), user_id: c.user_id, role: 'host', region_prefix: c.county_code, supplier_id: null, granted_by: tx.actor!.userId, created_at: now }));
    if (!had) forgetSessionsOnCommit(tx, c.user_id);
    await recordAudit(tx, { action: 'role.granted', targetType: 'user', targetId: c.user_id, countyCode: c.county_code, detail: { role: 'host', regionPrefix: c.county_code, via: 'training_certificate', certNo: c.cert_no, alreadyHeld: had } });
    await notify(tx, [c.user_id], { kind: 'training.host_granted', title: '您已成为主播', body: '服务中心已为您开通主播身份，可以在「我的」进入主播工作台。', refId: c.cert_no, countyCode: c.county_code });
    return { userId: c.user_id, view: { ...certificateView(tx, { ...c, host_granted_at: now, host_granted_by: tx.actor!.userId }), alreadyHeldHostRole: had } };
  });
  return granted.view;
}

/** The public certificate page: anyone with the number can check it; the name is partly masked. */
export async function publicCertificate(ctx: Ctx, certNo: string) {
  const c = await ctx.db.selectFrom('training_certificate').selectAll().where('cert_no', '=', certNo).executeTakeFirst();
  if (!c) throw notFound('Certificate');
  const course = await courseOf(ctx, c.course_id);
  const cohort = (await cohortRow(ctx, c.cohort_id))!;
  const center = await ctx.db.selectFrom('center').select('name').where('county_code', '=', c.county_code).executeTakeFirst();
  const own = ctx.actor?.userId === c.user_id || isCenter(ctx, c.county_code);
  const view = certificateView(ctx, c);
  return {
    certNo: c.cert_no, valid: true, holderName: own ? c.holder_name : maskName(c.holder_name), courseTitle: course.title, cohortName: cohort.name,
    startsOn: cohort.starts_on, endsOn: cohort.ends_on, countyCode: c.county_code, countyName: ctx.deps.regions.get(c.county_code)?.name ?? null,
    centerName: center?.name ?? null, issuedAt: c.issued_at, verifyUrl: view.verifyUrl,
    qrSvg: await QRCode.toString(view.verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }),
  };
}

/** Everything the trainee's "my training" page shows: enrolments, progress against the rules, certificates. */
export async function myTraining(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('training_enrolment').selectAll().where('user_id', '=', ctx.actor!.userId).orderBy('applied_at', 'desc').execute();
  const certs = await ctx.db.selectFrom('training_certificate').selectAll().where('user_id', '=', ctx.actor!.userId).execute();
  const items = [];
  for (const e of rows) {
    const cohort = (await cohortRow(ctx, e.cohort_id))!;
    const course = await courseOf(ctx, e.course_id);
    const cert = certs.find((c) => c.cohort_id === e.cohort_id);
    items.push({
      enrolmentId: e.id, status: e.status, cohortId: cohort.id, cohortName: cohort.name, courseId: course.id, courseTitle: course.title,
      startsOn: cohort.starts_on, endsOn: cohort.ends_on, placeDetail: cohort.place_detail,
      progress: e.status === 'enrolled' ? await evaluate(ctx, cohort, course, e.user_id) : null,
      certificate: cert ? { certNo: cert.cert_no, issuedAt: cert.issued_at, hostGrantedAt: cert.host_granted_at } : null,
    });
  }
  return { items };
}

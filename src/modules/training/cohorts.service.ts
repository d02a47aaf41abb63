import QRCode from 'qrcode';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { AppError, conflict, invalid, notFound } from '../../platform/http/errors.js';
import { newId, randomToken } from '../../platform/ids.js';
import { bizDate, isValidDate, nowIso } from '../../platform/time.js';
import { maskPhone } from '../../platform/mask.js';
import { withinScope } from '../../platform/db/scope.js';
import { recordAudit } from '../audit/index.js';
import { forgetSessionsOnCommit, insertGrant } from '../accounts/index.js';
import { notify } from '../notifications/index.js';
import { centerPrefixes, cohortForCenter, cohortForStaff, cohortRow, courseForCenter, isCenter, myEnrolment } from './training.access.js';
import { QR_SLOT_SECONDS, attendanceCode, checkAttendanceCode, slotAt } from './qr.js';
import { addMentorToSession, removeMentorFromSession } from './practice.service.js';
import type { AgeBand, CohortStatus, Gender, PlaceKind, StaffRole, TrainingCohortTable, TrainingEnrolmentTable } from './training.tables.js';

export function ageBandOf(birthYear: number, atYear: number): AgeBand {
  const age = atYear - birthYear;
  if (age < 25) return 'under_25';
  if (age < 35) return '25_34';
  if (age < 45) return '35_44';
  if (age < 55) return '45_54';
  return '55_plus';
}

function regionName(ctx: Ctx, code: string | null) {
  return code ? ctx.deps.regions.get(code)?.name ?? null : null;
}

async function staffOf(ctx: Ctx, cohortIds: string[]) {
  if (!cohortIds.length) return [];
  return ctx.db.selectFrom('training_cohort_staff').innerJoin('app_user', 'app_user.id', 'training_cohort_staff.user_id')
    .select(['training_cohort_staff.cohort_id', 'training_cohort_staff.user_id', 'training_cohort_staff.role', 'app_user.name', 'app_user.phone'])
    .where('training_cohort_staff.cohort_id', 'in', cohortIds).orderBy('training_cohort_staff.created_at').execute();
}

async function cohortViews(ctx: Ctx, rows: TrainingCohortTable[]) {
  const ids = rows.map((r) => r.id);
  const staff = await staffOf(ctx, ids);
  const courses = ids.length ? await ctx.db.selectFrom('training_course').select(['id', 'title', 'status']).where('id', 'in', [...new Set(rows.map((r) => r.course_id))]).execute() : [];
  const waits = ids.length ? await ctx.db.selectFrom('training_enrolment').select(['cohort_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('cohort_id', 'in', ids).where('status', '=', 'waitlisted').groupBy('cohort_id').execute() : [];
  return rows.map((c) => {
    const mine = staff.filter((s) => s.cohort_id === c.id);
    const instructor = mine.find((s) => s.role === 'instructor');
    return {
      id: c.id, countyCode: c.county_code, countyName: regionName(ctx, c.county_code), courseId: c.course_id,
      courseTitle: courses.find((x) => x.id === c.course_id)?.title ?? '', name: c.name, startsOn: c.starts_on, endsOn: c.ends_on,
      placeKind: c.place_kind, placeTownshipCode: c.place_township_code, placeTownshipName: regionName(ctx, c.place_township_code), placeDetail: c.place_detail,
      capacity: c.capacity, enrolledCount: c.enrolled_count, seatsLeft: c.capacity - c.enrolled_count,
      waitlistCount: Number(waits.find((w) => w.cohort_id === c.id)?.n ?? 0), status: c.status,
      instructor: instructor ? { userId: instructor.user_id, name: instructor.name } : null,
      staff: mine.map((s) => ({ userId: s.user_id, name: s.name, role: s.role })),
    };
  });
}

export interface CohortInput {
  courseId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  placeKind: PlaceKind;
  placeTownshipCode?: string | null | undefined;
  placeDetail?: string | undefined;
  capacity: number;
  instructorUserId?: string | undefined;
  instructorPhone?: string | undefined;
}

function checkPlace(ctx: Ctx, countyCode: string, kind: PlaceKind, township: string | null | undefined) {
  if (kind === 'township_hall') {
    if (!township) throw invalid('/body/placeTownshipCode', 'Choose the township whose hall the class meets in');
    const r = ctx.deps.regions.get(township);
    if (!r || r.level !== 'township' || !township.startsWith(countyCode)) throw invalid('/body/placeTownshipCode', 'Not a township of this county');
  }
}

function checkDates(startsOn: string, endsOn: string) {
  if (!isValidDate(startsOn)) throw invalid('/body/startsOn', 'Not a calendar date');
  if (!isValidDate(endsOn)) throw invalid('/body/endsOn', 'Not a calendar date');
  if (endsOn < startsOn) throw invalid('/body/endsOn', 'The cohort cannot end before it starts');
}

export async function createCohort(ctx: Ctx, input: CohortInput) {
  const course = await courseForCenter(ctx, input.courseId).catch(() => { throw invalid('/body/courseId', 'No such course in your counties'); });
  if (course.status === 'archived') throw invalid('/body/courseId', 'This course is archived', 'course_archived');
  checkDates(input.startsOn, input.endsOn);
  checkPlace(ctx, course.county_code, input.placeKind, input.placeTownshipCode);
  if (!input.name.trim()) throw invalid('/body/name', 'Give the cohort a name');
  if (!input.instructorUserId && !input.instructorPhone) throw invalid('/body/instructorPhone', 'Choose the instructor (their account phone)');
  const pointer = input.instructorUserId ? '/body/instructorUserId' : '/body/instructorPhone';
  let q = ctx.db.selectFrom('app_user').select(['id', 'disabled_at']);
  q = input.instructorUserId ? q.where('id', '=', input.instructorUserId) : q.where('phone', '=', input.instructorPhone!);
  const instructor = await q.executeTakeFirst();
  if (!instructor || instructor.disabled_at) throw invalid(pointer, 'Nobody has an account with this phone number; ask them to sign up first', 'no_such_user');
  const now = nowIso();
  const row: TrainingCohortTable = {
    id: newId('trainingCohort'), county_code: course.county_code, course_id: course.id, name: input.name.trim(), starts_on: input.startsOn, ends_on: input.endsOn,
    place_kind: input.placeKind, place_township_code: input.placeKind === 'township_hall' ? input.placeTownshipCode ?? null : null, place_detail: input.placeDetail ?? '',
    capacity: input.capacity, enrolled_count: 0, status: 'open', created_by: ctx.actor!.userId, created_at: now, updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('training_cohort').values(row).execute();
    await tx.db.insertInto('training_cohort_staff').values({ cohort_id: row.id, user_id: instructor.id, role: 'instructor', created_at: now }).execute();
    await recordAudit(tx, { action: 'training.cohort_created', targetType: 'training_cohort', targetId: row.id, countyCode: row.county_code });
  });
  return (await cohortViews(ctx, [row]))[0]!;
}

/** Promotes waitlisted people, oldest application first, into free seats. Runs inside the caller's transaction. */
async function fillSeats(tx: Ctx, cohort: TrainingCohortTable) {
  const promoted: string[] = [];
  const waiting = await tx.db.selectFrom('training_enrolment').select(['id', 'user_id']).where('cohort_id', '=', cohort.id).where('status', '=', 'waitlisted')
    .orderBy('applied_at').orderBy('id').execute();
  for (const w of waiting) {
    const seat = await tx.db.updateTable('training_cohort').set((eb) => ({ enrolled_count: eb('enrolled_count', '+', 1) }))
      .where('id', '=', cohort.id).whereRef('enrolled_count', '<', 'capacity').executeTakeFirst();
    if (Number(seat.numUpdatedRows) !== 1) break;
    if (await promote(tx, w.id)) promoted.push(w.user_id);
    else await tx.db.updateTable('training_cohort').set((eb) => ({ enrolled_count: eb('enrolled_count', '-', 1) })).where('id', '=', cohort.id).execute();
  }
  if (promoted.length) await notifyPromoted(tx, cohort, promoted);
  return promoted;
}

async function promote(tx: Ctx, enrolmentId: string): Promise<boolean> {
  const now = nowIso();
  const res = await tx.db.updateTable('training_enrolment').set({ status: 'enrolled', enrolled_at: now, promoted_at: now, updated_at: now })
    .where('id', '=', enrolmentId).where('status', '=', 'waitlisted').executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

async function notifyPromoted(tx: Ctx, cohort: TrainingCohortTable, userIds: string[]) {
  await notify(tx, userIds, {
    kind: 'training.promoted', title: '候补成功，您已获得名额', body: `「${cohort.name}」有人退出，您已从候补转为正式学员。`, refId: cohort.id, countyCode: cohort.county_code,
  });
}

export async function updateCohort(ctx: Ctx, cohortId: string, input: Partial<Omit<CohortInput, 'courseId' | 'instructorUserId'>> & { status?: CohortStatus | undefined }) {
  return inTransaction(ctx, async (tx) => {
    const c = await cohortForCenter(tx, cohortId, 'lock');
    const set: Partial<TrainingCohortTable> = { updated_at: nowIso() };
    if (input.name !== undefined) {
      if (!input.name.trim()) throw invalid('/body/name', 'Give the cohort a name');
      set.name = input.name.trim();
    }
    if (input.startsOn !== undefined || input.endsOn !== undefined) {
      checkDates(input.startsOn ?? c.starts_on, input.endsOn ?? c.ends_on);
      set.starts_on = input.startsOn ?? c.starts_on;
      set.ends_on = input.endsOn ?? c.ends_on;
    }
    if (input.placeKind !== undefined || input.placeTownshipCode !== undefined) {
      const kind = input.placeKind ?? c.place_kind;
      const town = input.placeTownshipCode !== undefined ? input.placeTownshipCode : c.place_township_code;
      checkPlace(tx, c.county_code, kind, town);
      set.place_kind = kind;
      set.place_township_code = kind === 'township_hall' ? town ?? null : null;
    }
    if (input.placeDetail !== undefined) set.place_detail = input.placeDetail;
    if (input.status !== undefined) set.status = input.status;
    if (input.capacity !== undefined) {
      // Conditional on the seats taken right now, so a concurrent enrolment cannot be squeezed out.
      const res = await tx.db.updateTable('training_cohort').set({ capacity: input.capacity }).where('id', '=', c.id)
        .where('enrolled_count', '<=', input.capacity).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        throw invalid('/body/capacity', `${c.enrolled_count} people already hold a seat; the capacity cannot be lower than that`, 'capacity_below_enrolled');
      }
    }
    await tx.db.updateTable('training_cohort').set(set).where('id', '=', c.id).execute();
    const fresh = (await cohortRow(tx, c.id))!;
    if (input.capacity !== undefined && input.capacity > c.capacity) await fillSeats(tx, fresh);
    await recordAudit(tx, { action: 'training.cohort_updated', targetType: 'training_cohort', targetId: c.id, countyCode: c.county_code, detail: { ...input } });
    return (await cohortViews(tx, [(await cohortRow(tx, c.id))!]))[0]!;
  });
}

export async function listCohorts(ctx: Ctx, q: { countyCode?: string | undefined; courseId?: string | undefined; mine?: boolean | undefined }) {
  let query = ctx.db.selectFrom('training_cohort').selectAll();
  if (q.mine) {
    query = query.where('id', 'in', ctx.db.selectFrom('training_cohort_staff').select('cohort_id').where('user_id', '=', ctx.actor!.userId));
  } else {
    query = query.where((eb) => withinScope(eb, 'county_code', centerPrefixes(ctx)));
  }
  if (q.countyCode) query = query.where('county_code', '=', q.countyCode);
  if (q.courseId) query = query.where('course_id', '=', q.courseId);
  const rows = await query.orderBy('starts_on', 'desc').orderBy('id', 'desc').limit(200).execute();
  return { items: await cohortViews(ctx, rows) };
}

/** Cohorts taking enrolments (public): open, of a published course, not yet ended. */
export async function listOpenCohorts(ctx: Ctx, countyCode: string | undefined) {
  let query = ctx.db.selectFrom('training_cohort').selectAll('training_cohort').innerJoin('training_course', 'training_course.id', 'training_cohort.course_id')
    .where('training_cohort.status', '=', 'open').where('training_course.status', '=', 'published').where('training_cohort.ends_on', '>=', bizDate());
  if (countyCode) query = query.where('training_cohort.county_code', '=', countyCode);
  const rows = await query.orderBy('training_cohort.starts_on').limit(100).execute();
  return { items: (await cohortViews(ctx, rows)).map(({ staff: _s, ...v }) => v) };
}

function enrolmentView(e: TrainingEnrolmentTable) {
  return {
    id: e.id, cohortId: e.cohort_id, courseId: e.course_id, status: e.status, name: e.name, gender: e.gender, birthYear: e.birth_year, ageBand: e.age_band,
    townshipCode: e.township_code, appliedAt: e.applied_at, enrolledAt: e.enrolled_at, waitlistedAt: e.waitlisted_at, promotedAt: e.promoted_at, withdrawnAt: e.withdrawn_at,
  };
}

/** A cohort as the enrolment page shows it (public), with the signed-in reader's own enrolment. */
export async function getCohort(ctx: Ctx, cohortId: string) {
  const c = await cohortRow(ctx, cohortId);
  if (!c) throw notFound('Cohort');
  const course = await ctx.db.selectFrom('training_course').select(['status', 'description']).where('id', '=', c.course_id).executeTakeFirstOrThrow();
  const staffView = isCenter(ctx, c.county_code) || (ctx.actor ? !!(await ctx.db.selectFrom('training_cohort_staff').select('user_id').where('cohort_id', '=', c.id).where('user_id', '=', ctx.actor.userId).executeTakeFirst()) : false);
  const mine = await myEnrolment(ctx, c.id);
  if (!staffView && !mine && (course.status !== 'published' || c.status === 'archived')) throw notFound('Cohort');
  let waitlistPosition: number | null = null;
  if (mine?.status === 'waitlisted') {
    const ahead = await ctx.db.selectFrom('training_enrolment').select((eb) => eb.fn.countAll<number>().as('n')).where('cohort_id', '=', c.id)
      .where('status', '=', 'waitlisted').where((eb) => eb.or([eb('applied_at', '<', mine.applied_at), eb.and([eb('applied_at', '=', mine.applied_at), eb('id', '<', mine.id)])]))
      .executeTakeFirstOrThrow();
    waitlistPosition = Number(ahead.n) + 1;
  }
  const [view] = await cohortViews(ctx, [c]);
  const { staff, ...rest } = view!;
  return { ...rest, courseDescription: course.description, staff: staffView ? staff : [], isStaff: staffView, myEnrolment: mine ? { ...enrolmentView(mine), waitlistPosition } : null };
}

/** The grants a person needs to use the trainee pages of a county; added at enrolment if missing. */
async function ensureTraineeRole(tx: Ctx, userId: string, countyCode: string) {
  const grants = await tx.db.selectFrom('role_grant').select('region_prefix').where('user_id', '=', userId).where('role', '=', 'trainee').execute();
  if (grants.some((g) => countyCode.startsWith(g.region_prefix))) return;
  // Enrolments into two of the county's cohorts at once both miss the grant; one adds it.
  if (!(await insertGrant(tx.db, { id: newId('roleGrant'), user_id: userId, role: 'trainee', region_prefix: countyCode, supplier_id: null, granted_by: null, created_at: nowIso() }))) return;
  forgetSessionsOnCommit(tx, userId);
  await recordAudit(tx, { action: 'role.granted', targetType: 'user', targetId: userId, countyCode, detail: { role: 'trainee', regionPrefix: countyCode, via: 'training_enrolment' } });
}

export interface EnrolInput { name: string; gender: Gender; birthYear: number; townshipCode: string }

/**
 * Open enrolment, no entry requirement: a seat while there is one (a conditional update of the
 * cohort's seat count, so it is never overfilled whatever the concurrency), otherwise the
 * waitlist. Asking again while enrolled or waitlisted answers the same enrolment.
 */
export async function enrol(ctx: Ctx, cohortId: string, input: EnrolInput) {
  const thisYear = Number(bizDate().slice(0, 4));
  if (!input.name.trim()) throw invalid('/body/name', 'Enter your name');
  if (input.birthYear < thisYear - 100 || input.birthYear > thisYear - 14) throw invalid('/body/birthYear', `Enter a year of birth between ${thisYear - 100} and ${thisYear - 14}`);
  const town = ctx.deps.regions.get(input.townshipCode);
  if (!town || town.level !== 'township') throw invalid('/body/townshipCode', 'Choose your township (乡镇)');
  try {
    return await enrolOnce(ctx, cohortId, input, thisYear);
  } catch (err) {
    // A double tap on PostgreSQL: the other request inserted the enrolment first (unique key).
    const code = String((err as { code?: unknown }).code ?? '');
    if (code !== '23505' && code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    const existing = await myEnrolment(ctx, cohortId);
    if (!existing || existing.status === 'withdrawn') throw err;
    return { ...enrolmentView(existing), alreadyEnrolled: true };
  }
}

async function enrolOnce(ctx: Ctx, cohortId: string, input: EnrolInput, thisYear: number) {
  return inTransaction(ctx, async (tx) => {
    const c = await cohortRow(tx, cohortId, 'lock');
    if (!c) throw notFound('Cohort');
    const course = await tx.db.selectFrom('training_course').select('status').where('id', '=', c.course_id).executeTakeFirstOrThrow();
    const existing = await myEnrolment(tx, c.id);
    if (existing && existing.status !== 'withdrawn') return { ...enrolmentView(existing), alreadyEnrolled: true };
    if (c.status !== 'open' || course.status !== 'published' || c.ends_on < bizDate()) {
      throw conflict('cohort_not_open', 'This cohort is not taking enrolments; choose another one');
    }
    const userId = tx.actor!.userId;
    const now = nowIso();
    const seat = await tx.db.updateTable('training_cohort').set((eb) => ({ enrolled_count: eb('enrolled_count', '+', 1), updated_at: now }))
      .where('id', '=', c.id).where('status', '=', 'open').whereRef('enrolled_count', '<', 'capacity').executeTakeFirst();
    const gotSeat = Number(seat.numUpdatedRows) === 1;
    const fields = {
      status: gotSeat ? ('enrolled' as const) : ('waitlisted' as const), name: input.name.trim(), phone: tx.actor!.phone, gender: input.gender, birth_year: input.birthYear,
      age_band: ageBandOf(input.birthYear, thisYear), township_code: input.townshipCode, applied_at: now, enrolled_at: gotSeat ? now : null,
      waitlisted_at: gotSeat ? null : now, promoted_at: null, withdrawn_at: null, withdraw_reason: '', updated_at: now,
    };
    let row: TrainingEnrolmentTable;
    if (existing) {
      const res = await tx.db.updateTable('training_enrolment').set(fields).where('id', '=', existing.id).where('status', '=', 'withdrawn').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw conflict('enrolment_changed', 'Your enrolment changed meanwhile; reload the page');
      row = { ...existing, ...fields };
    } else {
      row = { id: newId('trainingEnrolment'), cohort_id: c.id, course_id: c.course_id, county_code: c.county_code, user_id: userId, ...fields };
      await tx.db.insertInto('training_enrolment').values(row).execute();
    }
    await ensureTraineeRole(tx, userId, c.county_code);
    await recordAudit(tx, { action: gotSeat ? 'training.enrolled' : 'training.waitlisted', targetType: 'training_enrolment', targetId: row.id, countyCode: c.county_code });
    return { ...enrolmentView(row), alreadyEnrolled: false };
  });
}

/**
 * Withdraws an enrolment (the person, or the county's center). A freed seat goes at once to the
 * first person on the waitlist; with nobody waiting the seat count goes down.
 */
export async function withdraw(ctx: Ctx, enrolmentId: string, input: { reason?: string | undefined }) {
  return inTransaction(ctx, async (tx) => {
    // The cohort first (a waitlisted enrolment racing this one must see the freed seat), then the enrolment as it is now.
    const at = await tx.db.selectFrom('training_enrolment').select('cohort_id').where('id', '=', enrolmentId).executeTakeFirst();
    if (at) await cohortRow(tx, at.cohort_id, 'lock');
    const e = await tx.db.selectFrom('training_enrolment').selectAll().where('id', '=', enrolmentId).executeTakeFirst();
    if (!e || (e.user_id !== tx.actor!.userId && !isCenter(tx, e.county_code))) throw notFound('Enrolment');
    if (e.status === 'withdrawn') throw conflict('already_withdrawn', 'This enrolment was already withdrawn');
    const cert = await tx.db.selectFrom('training_certificate').select('id').where('cohort_id', '=', e.cohort_id).where('user_id', '=', e.user_id).executeTakeFirst();
    if (cert) throw conflict('already_certified', 'This trainee is already certified; the enrolment stays');
    const now = nowIso();
    const res = await tx.db.updateTable('training_enrolment').set({ status: 'withdrawn', withdrawn_at: now, withdraw_reason: input.reason ?? '', updated_at: now })
      .where('id', '=', e.id).where('status', '=', e.status).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('enrolment_changed', 'This enrolment changed meanwhile; reload and try again');
    let promotedUserId: string | null = null;
    if (e.status === 'enrolled') {
      const c = (await cohortRow(tx, e.cohort_id))!;
      const waiting = await tx.db.selectFrom('training_enrolment').select(['id', 'user_id']).where('cohort_id', '=', c.id).where('status', '=', 'waitlisted')
        .orderBy('applied_at').orderBy('id').execute();
      for (const w of waiting) {
        if (await promote(tx, w.id)) { promotedUserId = w.user_id; break; }
      }
      if (promotedUserId) await notifyPromoted(tx, c, [promotedUserId]);
      else await tx.db.updateTable('training_cohort').set((eb) => ({ enrolled_count: eb('enrolled_count', '-', 1), updated_at: now })).where('id', '=', c.id).where('enrolled_count', '>', 0).execute();
    }
    await recordAudit(tx, { action: 'training.withdrawn', targetType: 'training_enrolment', targetId: e.id, countyCode: e.county_code, detail: { by: e.user_id === tx.actor!.userId ? 'self' : 'center', promotedUserId } });
    return { id: e.id, status: 'withdrawn' as const, promotedUserId };
  });
}

/** The cohort's people for its staff: seats, waitlist in order, attendance and lesson progress. Phones full for the center, masked for mentors. */
export async function roster(ctx: Ctx, cohortId: string) {
  const { cohort, center } = await cohortForStaff(ctx, cohortId);
  const rows = await ctx.db.selectFrom('training_enrolment').selectAll().where('cohort_id', '=', cohort.id).orderBy('applied_at').orderBy('id').execute();
  const meetings = await ctx.db.selectFrom('training_meeting').select('id').where('cohort_id', '=', cohort.id).execute();
  const att = await ctx.db.selectFrom('training_attendance').select(['user_id', (eb) => eb.fn.countAll<number>().as('n')]).where('cohort_id', '=', cohort.id).groupBy('user_id').execute();
  const lessons = await ctx.db.selectFrom('training_lesson').select((eb) => eb.fn.countAll<number>().as('n')).where('course_id', '=', cohort.course_id).executeTakeFirstOrThrow();
  const done = rows.length ? await ctx.db.selectFrom('training_lesson_progress').select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('course_id', '=', cohort.course_id).where('completed_at', 'is not', null).where('user_id', 'in', rows.map((r) => r.user_id)).groupBy('user_id').execute() : [];
  const certs = await ctx.db.selectFrom('training_certificate').select(['user_id', 'cert_no']).where('cohort_id', '=', cohort.id).execute();
  let waitPos = 0;
  if (center) await recordAudit(ctx, { action: 'training.roster_read', targetType: 'training_cohort', targetId: cohort.id, countyCode: cohort.county_code });
  return {
    cohortId: cohort.id, meetingCount: meetings.length, lessonCount: Number(lessons.n),
    items: rows.map((e) => ({
      ...enrolmentView(e), userId: e.user_id, phone: center ? e.phone : maskPhone(e.phone), townshipName: regionName(ctx, e.township_code),
      waitlistPosition: e.status === 'waitlisted' ? ++waitPos : null,
      attended: Number(att.find((a) => a.user_id === e.user_id)?.n ?? 0),
      completedLessons: Number(done.find((d) => d.user_id === e.user_id)?.n ?? 0),
      certNo: certs.find((x) => x.user_id === e.user_id)?.cert_no ?? null,
    })),
  };
}

// ---- staff --------------------------------------------------------------------------------------

/** Adds (or changes the role of) an instructor or mentor by phone; they become mentors of the cohort's shared practice sessions. */
export async function addStaff(ctx: Ctx, cohortId: string, input: { phone: string; role: StaffRole }) {
  return inTransaction(ctx, async (tx) => {
    const c = await cohortForCenter(tx, cohortId, 'lock');
    const user = await tx.db.selectFrom('app_user').select(['id', 'name', 'disabled_at']).where('phone', '=', input.phone).executeTakeFirst();
    if (!user || user.disabled_at) throw invalid('/body/phone', 'Nobody has an account with this phone number; ask them to sign up first', 'no_such_user');
    const trainee = await tx.db.selectFrom('training_enrolment').select('id').where('cohort_id', '=', c.id).where('user_id', '=', user.id).where('status', '!=', 'withdrawn').executeTakeFirst();
    if (trainee) throw invalid('/body/phone', 'This person is a trainee of the cohort', 'is_trainee');
    if (input.role === 'instructor') {
      // One instructor per cohort: the previous one stays on as a mentor.
      await tx.db.updateTable('training_cohort_staff').set({ role: 'mentor' }).where('cohort_id', '=', c.id).where('role', '=', 'instructor').where('user_id', '!=', user.id).execute();
    }
    await tx.db.insertInto('training_cohort_staff').values({ cohort_id: c.id, user_id: user.id, role: input.role, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['cohort_id', 'user_id']).doUpdateSet({ role: input.role })).execute();
    const sessions = await tx.db.selectFrom('training_practice').select('session_id').where('cohort_id', '=', c.id).execute();
    for (const s of sessions) await addMentorToSession(tx, s.session_id, user.id);
    await recordAudit(tx, { action: 'training.staff_added', targetType: 'training_cohort', targetId: c.id, countyCode: c.county_code, detail: { userId: user.id, role: input.role } });
    return { userId: user.id, name: user.name, role: input.role };
  });
}

export async function removeStaff(ctx: Ctx, cohortId: string, userId: string) {
  await inTransaction(ctx, async (tx) => {
    const c = await cohortForCenter(tx, cohortId, 'lock');
    const row = await tx.db.selectFrom('training_cohort_staff').select('role').where('cohort_id', '=', c.id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw notFound('Staff member');
    if (row.role === 'instructor') throw conflict('instructor_required', 'Choose another instructor first; a cohort always has one');
    await tx.db.deleteFrom('training_cohort_staff').where('cohort_id', '=', c.id).where('user_id', '=', userId).execute();
    const sessions = await tx.db.selectFrom('training_practice').select('session_id').where('cohort_id', '=', c.id).execute();
    for (const s of sessions) await removeMentorFromSession(tx, s.session_id, userId);
    await recordAudit(tx, { action: 'training.staff_removed', targetType: 'training_cohort', targetId: c.id, countyCode: c.county_code, detail: { userId } });
  });
}

// ---- meetings and attendance ----------------------------------------------------------------------

export async function createMeeting(ctx: Ctx, cohortId: string, input: { title: string; startsAt: string; endsAt: string }) {
  const c = await cohortForCenter(ctx, cohortId);
  if (Number.isNaN(Date.parse(input.startsAt))) throw invalid('/body/startsAt', 'Not a date and time');
  if (Number.isNaN(Date.parse(input.endsAt))) throw invalid('/body/endsAt', 'Not a date and time');
  if (Date.parse(input.endsAt) <= Date.parse(input.startsAt)) throw invalid('/body/endsAt', 'The class must end after it starts');
  if (!input.title.trim()) throw invalid('/body/title', 'Give the class a title');
  const row = {
    id: newId('trainingMeeting'), cohort_id: c.id, title: input.title.trim(), starts_at: new Date(input.startsAt).toISOString(),
    ends_at: new Date(input.endsAt).toISOString(), qr_secret: randomToken(32), created_at: nowIso(),
  };
  await ctx.db.insertInto('training_meeting').values(row).execute();
  return { id: row.id, cohortId: c.id, title: row.title, startsAt: row.starts_at, endsAt: row.ends_at, attendedCount: 0, checkedInAt: null };
}

/** The cohort's class meetings: for staff with head counts, for a trainee with their own check-ins. */
export async function listMeetings(ctx: Ctx, cohortId: string) {
  const c = await cohortRow(ctx, cohortId);
  if (!c) throw notFound('Cohort');
  const center = isCenter(ctx, c.county_code);
  const staff = !center && ctx.actor ? await ctx.db.selectFrom('training_cohort_staff').select('role').where('cohort_id', '=', c.id).where('user_id', '=', ctx.actor.userId).executeTakeFirst() : undefined;
  const mine = await myEnrolment(ctx, c.id);
  if (!center && !staff && mine?.status !== 'enrolled') throw notFound('Cohort');
  const meetings = await ctx.db.selectFrom('training_meeting').select(['id', 'title', 'starts_at', 'ends_at']).where('cohort_id', '=', c.id).orderBy('starts_at').execute();
  const counts = await ctx.db.selectFrom('training_attendance').select(['meeting_id', (eb) => eb.fn.countAll<number>().as('n')]).where('cohort_id', '=', c.id).groupBy('meeting_id').execute();
  const my = ctx.actor ? await ctx.db.selectFrom('training_attendance').select(['meeting_id', 'checked_in_at']).where('cohort_id', '=', c.id).where('user_id', '=', ctx.actor.userId).execute() : [];
  return {
    items: meetings.map((m) => ({
      id: m.id, cohortId: c.id, title: m.title, startsAt: m.starts_at, endsAt: m.ends_at,
      attendedCount: Number(counts.find((x) => x.meeting_id === m.id)?.n ?? 0),
      checkedInAt: my.find((x) => x.meeting_id === m.id)?.checked_in_at ?? null,
    })),
  };
}

async function meetingForStaff(ctx: Ctx, meetingId: string) {
  const m = await ctx.db.selectFrom('training_meeting').selectAll().where('id', '=', meetingId).executeTakeFirst();
  if (!m) throw notFound('Class meeting');
  const { cohort } = await cohortForStaff(ctx, m.cohort_id).catch(() => { throw notFound('Class meeting'); });
  return { m, cohort };
}

/**
 * The code the instructor's screen shows now, as a QR (SVG) of the trainee's check-in link.
 * It changes every 30 seconds; the screen asks again when `refreshInMs` has passed.
 */
export async function meetingQr(ctx: Ctx, meetingId: string) {
  const { m, cohort } = await meetingForStaff(ctx, meetingId);
  const now = Date.now();
  const slot = slotAt(now);
  const code = attendanceCode(m.id, m.qr_secret, slot);
  const url = `${ctx.deps.config.publicUrl}/learn/checkin/${m.id}?code=${encodeURIComponent(code)}`;
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const nextSlotAt = (slot + 1) * QR_SLOT_SECONDS * 1000;
  const att = await ctx.db.selectFrom('training_attendance').select((eb) => eb.fn.countAll<number>().as('n')).where('meeting_id', '=', m.id).executeTakeFirstOrThrow();
  return {
    meetingId: m.id, cohortId: cohort.id, cohortName: cohort.name, title: m.title, startsAt: m.starts_at, endsAt: m.ends_at,
    code, url, svg, slotSeconds: QR_SLOT_SECONDS, expiresAt: new Date(nextSlotAt + QR_SLOT_SECONDS * 1000).toISOString(),
    refreshInMs: Math.max(nextSlotAt - now, 250), attendedCount: Number(att.n), enrolledCount: cohort.enrolled_count,
  };
}

const CODE_REFUSALS: Record<Exclude<ReturnType<typeof checkAttendanceCode>, 'ok'>, [string, string]> = {
  malformed: ['qr_invalid', 'This is not a class check-in code; scan the QR code on the classroom screen'],
  forged: ['qr_invalid', 'This check-in code is not valid; scan the QR code on the classroom screen'],
  future: ['qr_invalid', 'This check-in code is not valid; scan the QR code on the classroom screen'],
  other_meeting: ['qr_other_meeting', 'This code belongs to another class; scan the code shown in your classroom'],
  expired: ['qr_expired', 'This code has expired (it changes every 30 seconds); scan the code on the screen again'],
};

/** Checks the trainee in with a scanned code; idempotent (a second scan answers the first check-in). */
export async function checkIn(ctx: Ctx, meetingId: string, input: { code: string }) {
  const m = await ctx.db.selectFrom('training_meeting').selectAll().where('id', '=', meetingId).executeTakeFirst();
  if (!m) throw notFound('Class meeting');
  const result = checkAttendanceCode(m.id, m.qr_secret, input.code);
  if (result !== 'ok') {
    const [code, detail] = CODE_REFUSALS[result];
    throw new AppError(422, code, detail, [{ pointer: '/body/code', detail, code }]);
  }
  const e = await myEnrolment(ctx, m.cohort_id);
  if (!e || e.status !== 'enrolled') {
    throw new AppError(403, 'not_enrolled', e?.status === 'waitlisted' ? 'You are on the waitlist of this cohort, not yet enrolled' : 'You are not enrolled in the cohort of this class');
  }
  const now = nowIso();
  const res = await ctx.db.insertInto('training_attendance').values({ meeting_id: m.id, cohort_id: m.cohort_id, user_id: ctx.actor!.userId, method: 'qr', checked_in_at: now, recorded_by: null })
    .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doNothing()).executeTakeFirst();
  const row = await ctx.db.selectFrom('training_attendance').select('checked_in_at').where('meeting_id', '=', m.id).where('user_id', '=', ctx.actor!.userId).executeTakeFirstOrThrow();
  return { meetingId: m.id, cohortId: m.cohort_id, title: m.title, checkedInAt: row.checked_in_at, alreadyCheckedIn: Number(res.numInsertedOrUpdatedRows ?? 0n) === 0 };
}

/** Staff record a check-in by hand (a trainee without a phone); idempotent too. */
export async function recordAttendance(ctx: Ctx, meetingId: string, input: { userId: string }) {
  const { m } = await meetingForStaff(ctx, meetingId);
  const e = await ctx.db.selectFrom('training_enrolment').select('status').where('cohort_id', '=', m.cohort_id).where('user_id', '=', input.userId).executeTakeFirst();
  if (e?.status !== 'enrolled') throw invalid('/body/userId', 'This person is not enrolled in the cohort', 'not_enrolled');
  await ctx.db.insertInto('training_attendance').values({ meeting_id: m.id, cohort_id: m.cohort_id, user_id: input.userId, method: 'manual', checked_in_at: nowIso(), recorded_by: ctx.actor!.userId })
    .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doNothing()).execute();
  return meetingAttendance(ctx, meetingId);
}

export async function meetingAttendance(ctx: Ctx, meetingId: string) {
  const { m, cohort } = await meetingForStaff(ctx, meetingId);
  const people = await ctx.db.selectFrom('training_enrolment').select(['user_id', 'name']).where('cohort_id', '=', cohort.id).where('status', '=', 'enrolled').orderBy('applied_at').execute();
  const att = await ctx.db.selectFrom('training_attendance').selectAll().where('meeting_id', '=', m.id).execute();
  return {
    meetingId: m.id, title: m.title,
    items: people.map((p) => {
      const a = att.find((x) => x.user_id === p.user_id);
      return { userId: p.user_id, name: p.name, checkedInAt: a?.checked_in_at ?? null, method: a?.method ?? null };
    }),
  };
}


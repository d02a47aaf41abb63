import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { conflict, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { inTransactionKeepingFile, recordReceivedFile, type ReceivedFile } from '../files/index.js';
import { notify } from '../notifications/index.js';
import { addPracticeMentor } from '../live/index.js';
import { cohortForStaff, cohortRow, courseForCenter, isCenter, myEnrolment } from './training.access.js';
import { streamStoredFile } from './courses.service.js';
import type { TrainingPracticeTable, TrainingSubmissionTable } from './training.tables.js';

/** Makes a user a mentor of a practice session, through the live module (which lets mentors watch it). */
export async function addMentorToSession(ctx: Ctx, sessionId: string, userId: string) {
  await addPracticeMentor(ctx, sessionId, userId);
}

/** The live module has no removal yet: a mentor taken off a cohort's staff stops seeing its sessions here. */
export async function removeMentorFromSession(ctx: Ctx, sessionId: string, userId: string) {
  await ctx.db.deleteFrom('live_session_mentor').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
}

/**
 * A trainee shares one of their practice sessions (live_session kind 'practice') with the
 * mentors of a cohort they hold a seat in: every instructor and mentor of the cohort becomes
 * a mentor of the session (and so may watch it). A session is shared with one cohort.
 */
export async function sharePractice(ctx: Ctx, input: { sessionId: string; cohortId: string; note?: string | undefined }) {
  return inTransaction(ctx, async (tx) => {
    const e = await myEnrolment(tx, input.cohortId);
    if (!e || e.status !== 'enrolled') throw invalid('/body/cohortId', 'You hold no seat in this cohort', 'not_enrolled');
    const s = await tx.db.selectFrom('live_session').select(['id', 'kind', 'host_user_id', 'title']).where('id', '=', input.sessionId).executeTakeFirst();
    if (!s || s.host_user_id !== tx.actor!.userId) throw invalid('/body/sessionId', 'No practice session of yours has this id', 'no_such_session');
    if (s.kind !== 'practice') throw invalid('/body/sessionId', 'Only a practice session can be shared with mentors', 'not_practice');
    const existing = await tx.db.selectFrom('training_practice').selectAll().where('session_id', '=', s.id).executeTakeFirst();
    if (existing) {
      if (existing.cohort_id === input.cohortId) return practiceSummary(existing, s.title);
      throw conflict('already_shared', 'This practice session is already shared with another cohort');
    }
    const row: TrainingPracticeTable = {
      session_id: s.id, cohort_id: input.cohortId, user_id: tx.actor!.userId, note: input.note ?? '', submitted_at: nowIso(), reviewed_at: null, reviewed_by: null, review_summary: '',
    };
    await tx.db.insertInto('training_practice').values(row).execute();
    const staff = await tx.db.selectFrom('training_cohort_staff').select('user_id').where('cohort_id', '=', input.cohortId).execute();
    for (const m of staff) await addMentorToSession(tx, s.id, m.user_id);
    await notify(tx, staff.map((m) => m.user_id), { kind: 'training.practice_shared', title: '学员提交了练习直播', body: `${e.name}：${s.title}`, refId: s.id, countyCode: e.county_code });
    return practiceSummary(row, s.title);
  });
}

function practiceSummary(p: TrainingPracticeTable, title: string) {
  return { sessionId: p.session_id, cohortId: p.cohort_id, userId: p.user_id, title, note: p.note, submittedAt: p.submitted_at, reviewedAt: p.reviewed_at, reviewSummary: p.review_summary };
}

/** The practice sessions shared with a cohort, for its staff and the center; another cohort's mentor gets 404. */
export async function listCohortPractice(ctx: Ctx, cohortId: string) {
  const { cohort } = await cohortForStaff(ctx, cohortId);
  const rows = await ctx.db.selectFrom('training_practice')
    .innerJoin('live_session', 'live_session.id', 'training_practice.session_id')
    .innerJoin('training_enrolment', (j) => j.onRef('training_enrolment.cohort_id', '=', 'training_practice.cohort_id').onRef('training_enrolment.user_id', '=', 'training_practice.user_id'))
    .select(['training_practice.session_id', 'training_practice.user_id', 'training_practice.note', 'training_practice.submitted_at', 'training_practice.reviewed_at',
      'training_practice.review_summary', 'live_session.title', 'live_session.status', 'live_session.started_at', 'live_session.ended_at', 'training_enrolment.name'])
    .where('training_practice.cohort_id', '=', cohort.id).orderBy('training_practice.submitted_at', 'desc').execute();
  const fb = rows.length ? await ctx.db.selectFrom('training_practice_feedback').select(['session_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', 'in', rows.map((r) => r.session_id)).groupBy('session_id').execute() : [];
  return {
    cohortId: cohort.id,
    items: rows.map((r) => ({
      sessionId: r.session_id, userId: r.user_id, traineeName: r.name, title: r.title, sessionStatus: r.status, startedAt: r.started_at, endedAt: r.ended_at,
      note: r.note, submittedAt: r.submitted_at, reviewedAt: r.reviewed_at, reviewSummary: r.review_summary,
      feedbackCount: Number(fb.find((f) => f.session_id === r.session_id)?.n ?? 0),
    })),
  };
}

/** A shared practice session: the trainee reads their own; the cohort's staff and the center read it; anyone else 404. */
async function practiceFor(ctx: Ctx, sessionId: string, write: boolean) {
  const p = await ctx.db.selectFrom('training_practice').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  if (!p) throw notFound('Practice session');
  const cohort = (await cohortRow(ctx, p.cohort_id))!;
  const center = isCenter(ctx, cohort.county_code);
  const staff = await ctx.db.selectFrom('training_cohort_staff').select('role').where('cohort_id', '=', cohort.id).where('user_id', '=', ctx.actor!.userId).executeTakeFirst();
  const self = p.user_id === ctx.actor!.userId;
  if (!center && !staff && !(self && !write)) throw notFound('Practice session');
  return { p, cohort, canReview: center || !!staff };
}

export async function getPractice(ctx: Ctx, sessionId: string) {
  const { p, cohort, canReview } = await practiceFor(ctx, sessionId, false);
  const s = await ctx.db.selectFrom('live_session').select(['title', 'status', 'scheduled_start', 'started_at', 'ended_at', 'replay_path']).where('id', '=', p.session_id).executeTakeFirstOrThrow();
  const e = await ctx.db.selectFrom('training_enrolment').select('name').where('cohort_id', '=', cohort.id).where('user_id', '=', p.user_id).executeTakeFirst();
  const feedback = await ctx.db.selectFrom('training_practice_feedback').innerJoin('app_user', 'app_user.id', 'training_practice_feedback.author_user_id')
    .select(['training_practice_feedback.id', 'at_second', 'text', 'training_practice_feedback.created_at', 'app_user.name', 'author_user_id'])
    .where('session_id', '=', p.session_id).orderBy('at_second').orderBy('training_practice_feedback.id').execute();
  return {
    ...practiceSummary(p, s.title), cohortName: cohort.name, traineeName: e?.name ?? '', sessionStatus: s.status, scheduledStart: s.scheduled_start,
    startedAt: s.started_at, endedAt: s.ended_at, hasReplay: s.replay_path !== null,
    durationSeconds: s.started_at && s.ended_at ? Math.max(0, Math.round((Date.parse(s.ended_at) - Date.parse(s.started_at)) / 1000)) : null,
    canReview,
    feedback: feedback.map((f) => ({ id: f.id, atSecond: f.at_second, text: f.text, authorUserId: f.author_user_id, authorName: f.name, createdAt: f.created_at })),
  };
}

/** "At second N: text" from a mentor; N must fall inside the session when its length is known. */
export async function addFeedback(ctx: Ctx, sessionId: string, input: { atSecond: number; text: string }) {
  const { p } = await practiceFor(ctx, sessionId, true);
  if (!input.text.trim()) throw invalid('/body/text', 'Write the feedback');
  const s = await ctx.db.selectFrom('live_session').select(['started_at', 'ended_at']).where('id', '=', p.session_id).executeTakeFirstOrThrow();
  if (s.started_at && s.ended_at) {
    const length = Math.round((Date.parse(s.ended_at) - Date.parse(s.started_at)) / 1000);
    if (input.atSecond > length) throw invalid('/body/atSecond', `The session lasted ${length} seconds`, 'beyond_session');
  }
  const row = { id: newId('trainingFeedback'), session_id: p.session_id, author_user_id: ctx.actor!.userId, at_second: input.atSecond, text: input.text.trim(), created_at: nowIso() };
  await ctx.db.insertInto('training_practice_feedback').values(row).execute();
  return { id: row.id, atSecond: row.at_second, text: row.text, authorUserId: row.author_user_id, authorName: ctx.actor!.name, createdAt: row.created_at };
}

/** Marks the review of a practice session done (counts towards certification); once. The session must have been held. */
export async function reviewPractice(ctx: Ctx, sessionId: string, input: { summary: string }) {
  return inTransaction(ctx, async (tx) => {
    const { p, cohort } = await practiceFor(tx, sessionId, true);
    const s = await tx.db.selectFrom('live_session').select(['status', 'started_at', 'title']).where('id', '=', p.session_id).executeTakeFirstOrThrow();
    if (!s.started_at && s.status !== 'ended') throw conflict('practice_not_held', 'This practice session has not been held yet; review it after it went live');
    const fb = await tx.db.selectFrom('training_practice_feedback').select('id').where('session_id', '=', p.session_id).executeTakeFirst();
    if (!fb && !input.summary.trim()) throw invalid('/body/summary', 'Leave at least one timestamped note or a summary before finishing the review', 'feedback_required');
    const now = nowIso();
    const res = await tx.db.updateTable('training_practice').set({ reviewed_at: now, reviewed_by: tx.actor!.userId, review_summary: input.summary.trim() })
      .where('session_id', '=', p.session_id).where('reviewed_at', 'is', null).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('already_reviewed', 'This practice session was already reviewed');
    await notify(tx, [p.user_id], { kind: 'training.practice_reviewed', title: '导师点评了您的练习直播', body: s.title, refId: p.session_id, countyCode: cohort.county_code });
    return practiceSummary({ ...p, reviewed_at: now, reviewed_by: tx.actor!.userId, review_summary: input.summary.trim() }, s.title);
  });
}

/** My shared practice sessions (the trainee's phone). */
export async function myPractice(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('training_practice').innerJoin('live_session', 'live_session.id', 'training_practice.session_id')
    .selectAll('training_practice').select(['live_session.title']).where('training_practice.user_id', '=', ctx.actor!.userId).orderBy('submitted_at', 'desc').execute();
  const shareable = await ctx.db.selectFrom('live_session').select(['id', 'title', 'status', 'scheduled_start']).where('host_user_id', '=', ctx.actor!.userId).where('kind', '=', 'practice')
    .where('id', 'not in', ctx.db.selectFrom('training_practice').select('session_id')).orderBy('id', 'desc').limit(50).execute();
  return {
    items: rows.map((r) => practiceSummary(r, r.title)),
    unshared: shareable.map((s) => ({ sessionId: s.id, title: s.title, status: s.status, scheduledStart: s.scheduled_start })),
  };
}

// ---- short-video assignments --------------------------------------------------------------------

export async function createAssignment(ctx: Ctx, courseId: string, input: { title: string; instructions?: string | undefined }) {
  const c = await courseForCenter(ctx, courseId);
  if (!input.title.trim()) throw invalid('/body/title', 'Give the assignment a title');
  const row = { id: newId('trainingAssignment'), course_id: c.id, title: input.title.trim(), instructions: input.instructions ?? '', created_at: nowIso() };
  await ctx.db.insertInto('training_assignment').values(row).execute();
  return { id: row.id, title: row.title, instructions: row.instructions };
}

function submissionView(s: TrainingSubmissionTable, extra: { traineeName?: string; assignmentTitle?: string } = {}) {
  return {
    id: s.id, assignmentId: s.assignment_id, cohortId: s.cohort_id, userId: s.user_id, status: s.status, comment: s.comment,
    reviewedAt: s.reviewed_at, createdAt: s.created_at, videoUrl: `/api/v1/training/submissions/${s.id}/video`,
    traineeName: extra.traineeName ?? '', assignmentTitle: extra.assignmentTitle ?? '',
  };
}

/**
 * Whether this trainee may hand in this assignment now. The route asks before it reads the
 * upload, so nobody without a seat can make the server take in a 200 MB body.
 */
export async function checkCanSubmit(ctx: Ctx, assignmentId: string, cohortId: string) {
  const a = await ctx.db.selectFrom('training_assignment').selectAll().where('id', '=', assignmentId).executeTakeFirst();
  if (!a) throw notFound('Assignment');
  const e = await myEnrolment(ctx, cohortId);
  if (!e || e.status !== 'enrolled' || e.course_id !== a.course_id) throw invalid('/query/cohortId', 'You hold no seat in a cohort of this course', 'not_enrolled');
  const pending = await ctx.db.selectFrom('training_submission').select('id').where('assignment_id', '=', a.id).where('user_id', '=', ctx.actor!.userId).where('status', 'in', ['submitted', 'passed']).executeTakeFirst();
  if (pending) throw alreadySubmitted();
  return { a, e };
}

const alreadySubmitted = () => conflict('already_submitted', 'You already handed in this assignment; wait for the review (you can upload again if asked to redo it)');

/**
 * A trainee uploads a short video for an assignment of their cohort's course. `receive` takes the
 * upload in (files' receiveUpload) once the trainee may hand it in, before the transaction.
 */
export async function submitAssignment(ctx: Ctx, assignmentId: string, cohortId: string, receive: () => Promise<ReceivedFile>) {
  await checkCanSubmit(ctx, assignmentId, cohortId);
  const file = await receive();
  return inTransactionKeepingFile(ctx, file, async (tx) => {
    // Again after the upload, which may have taken minutes: the seat may have been given up.
    const { a, e } = await checkCanSubmit(tx, assignmentId, cohortId);
    const fileId = await recordReceivedFile(tx, file, 'assignment_video', e.county_code);
    const row: TrainingSubmissionTable = {
      id: newId('trainingSubmission'), assignment_id: a.id, cohort_id: cohortId, user_id: tx.actor!.userId, file_id: fileId, status: 'submitted', comment: '',
      reviewed_by: null, reviewed_at: null, created_at: nowIso(),
    };
    // The partial unique index settles two hand-ins racing past the check above.
    await tx.db.insertInto('training_submission').values(row).execute().catch((err: unknown) => {
      const code = String((err as { code?: unknown }).code ?? '');
      if (code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) throw alreadySubmitted();
      throw err;
    });
    return submissionView(row, { traineeName: e.name, assignmentTitle: a.title });
  });
}

export async function listSubmissions(ctx: Ctx, cohortId: string, status: TrainingSubmissionTable['status'] | undefined) {
  const { cohort } = await cohortForStaff(ctx, cohortId);
  let q = ctx.db.selectFrom('training_submission').innerJoin('training_assignment', 'training_assignment.id', 'training_submission.assignment_id')
    .innerJoin('training_enrolment', (j) => j.onRef('training_enrolment.cohort_id', '=', 'training_submission.cohort_id').onRef('training_enrolment.user_id', '=', 'training_submission.user_id'))
    .selectAll('training_submission').select(['training_assignment.title as assignment_title', 'training_enrolment.name as trainee_name'])
    .where('training_submission.cohort_id', '=', cohort.id);
  if (status) q = q.where('training_submission.status', '=', status);
  const rows = await q.orderBy('training_submission.created_at').execute();
  return { items: rows.map((r) => submissionView(r, { traineeName: r.trainee_name, assignmentTitle: r.assignment_title })) };
}

export async function mySubmissions(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('training_submission').innerJoin('training_assignment', 'training_assignment.id', 'training_submission.assignment_id')
    .selectAll('training_submission').select(['training_assignment.title as assignment_title']).where('training_submission.user_id', '=', ctx.actor!.userId)
    .orderBy('training_submission.created_at', 'desc').execute();
  return { items: rows.map((r) => submissionView(r, { assignmentTitle: r.assignment_title })) };
}

/** Pass, or ask for a redo with a comment saying what to change; once per submission. */
export async function reviewSubmission(ctx: Ctx, submissionId: string, input: { verdict: 'pass' | 'redo'; comment?: string | undefined }) {
  const s = await ctx.db.selectFrom('training_submission').selectAll().where('id', '=', submissionId).executeTakeFirst();
  if (!s) throw notFound('Submission');
  const { cohort } = await cohortForStaff(ctx, s.cohort_id).catch(() => { throw notFound('Submission'); });
  const comment = (input.comment ?? '').trim();
  if (input.verdict === 'redo' && !comment) throw invalid('/body/comment', 'Say what to change when asking for a redo', 'comment_required');
  return inTransaction(ctx, async (tx) => {
    const now = nowIso();
    const status = input.verdict === 'pass' ? 'passed' as const : 'redo' as const;
    const res = await tx.db.updateTable('training_submission').set({ status, comment, reviewed_by: tx.actor!.userId, reviewed_at: now })
      .where('id', '=', s.id).where('status', '=', 'submitted').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('already_reviewed', 'This submission was already reviewed');
    await notify(tx, [s.user_id], { kind: 'training.assignment_reviewed', title: status === 'passed' ? '作业已通过' : '作业需要重拍', body: comment, refId: s.id, countyCode: cohort.county_code });
    return submissionView({ ...s, status, comment, reviewed_by: tx.actor!.userId, reviewed_at: now });
  });
}

export async function submissionVideo(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, submissionId: string) {
  const s = await ctx.db.selectFrom('training_submission').selectAll().where('id', '=', submissionId).executeTakeFirst();
  if (!s) throw notFound('Submission');
  if (s.user_id !== ctx.actor!.userId) await cohortForStaff(ctx, s.cohort_id).catch(() => { throw notFound('Submission'); });
  return streamStoredFile(ctx, req, reply, s.file_id);
}


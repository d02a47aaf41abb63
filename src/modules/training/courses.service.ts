import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.js';
import { inTransaction } from '../../context.js';
import { lockRow } from '../../platform/db/lock.js';
import { AppError, conflict, invalid, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids.js';
import { nowIso } from '../../platform/time.js';
import { withinScope } from '../../platform/db/scope.js';
import { recordAudit } from '../audit/index.js';
import { inTransactionKeepingFile, recordReceivedFile, type FilePurpose, type ReceivedFile } from '../files/index.js';
import { centerPrefixes, courseForCenter, isCenter } from './training.access.js';
import type { CourseStatus, LessonKind, TrainingCourseTable, TrainingLessonTable } from './training.tables.js';

export interface QuizQuestion { prompt: string; options: string[]; correct: number[] }
export interface RulesInput {
  minAttendancePct?: number | undefined;
  allLessons?: boolean | undefined;
  quizzesPassed?: boolean | undefined;
  minReviewedPractice?: number | undefined;
}

export const parseQuiz = (l: Pick<TrainingLessonTable, 'quiz_json'>): QuizQuestion[] => JSON.parse(l.quiz_json) as QuizQuestion[];

export function courseView(c: TrainingCourseTable) {
  return {
    id: c.id, countyCode: c.county_code, title: c.title, description: c.description, status: c.status,
    rules: {
      minAttendancePct: c.rule_min_attendance_pct, allLessons: c.rule_all_lessons === 1,
      quizzesPassed: c.rule_quizzes_passed === 1, minReviewedPractice: c.rule_min_reviewed_practice,
    },
    createdAt: c.created_at, updatedAt: c.updated_at, archivedAt: c.archived_at,
  };
}

function rulesColumns(r: RulesInput | undefined) {
  const out: Partial<TrainingCourseTable> = {};
  if (!r) return out;
  if (r.minAttendancePct !== undefined) out.rule_min_attendance_pct = r.minAttendancePct;
  if (r.allLessons !== undefined) out.rule_all_lessons = r.allLessons ? 1 : 0;
  if (r.quizzesPassed !== undefined) out.rule_quizzes_passed = r.quizzesPassed ? 1 : 0;
  if (r.minReviewedPractice !== undefined) out.rule_min_reviewed_practice = r.minReviewedPractice;
  return out;
}

export async function createCourse(ctx: Ctx, input: { countyCode: string; title: string; description?: string | undefined; rules?: RulesInput | undefined }) {
  if (!isCenter(ctx, input.countyCode)) throw notFound('County');
  const now = nowIso();
  const row: TrainingCourseTable = {
    id: newId('trainingCourse'), county_code: input.countyCode, title: input.title.trim(), description: input.description ?? '', status: 'draft',
    rule_min_attendance_pct: 80, rule_all_lessons: 1, rule_quizzes_passed: 1, rule_min_reviewed_practice: 1,
    ...rulesColumns(input.rules), created_by: ctx.actor!.userId, created_at: now, updated_at: now, archived_at: null,
  };
  if (!row.title) throw invalid('/body/title', 'Give the course a title');
  await ctx.db.insertInto('training_course').values(row).execute();
  return courseView(row);
}

export async function updateCourse(ctx: Ctx, courseId: string, input: { title?: string | undefined; description?: string | undefined; rules?: RulesInput | undefined }) {
  const c = await courseForCenter(ctx, courseId);
  const set: Partial<TrainingCourseTable> = { ...rulesColumns(input.rules), updated_at: nowIso() };
  if (input.title !== undefined) {
    if (!input.title.trim()) throw invalid('/body/title', 'Give the course a title');
    set.title = input.title.trim();
  }
  if (input.description !== undefined) set.description = input.description;
  await ctx.db.updateTable('training_course').set(set).where('id', '=', c.id).execute();
  return courseView({ ...c, ...set });
}

/** Publish (a draft or archived course with at least one lesson) or archive (records kept; no new cohorts). */
export async function setCourseStatus(ctx: Ctx, courseId: string, to: Exclude<CourseStatus, 'draft'>) {
  return inTransaction(ctx, async (tx) => {
    const c = await courseForCenter(tx, courseId);
    if (to === 'published') {
      const lessons = await tx.db.selectFrom('training_lesson').select(['id', 'kind', 'title', 'quiz_json']).where('course_id', '=', c.id).execute();
      if (!lessons.length) throw conflict('course_empty', 'Add at least one lesson before publishing the course');
      // Nobody can pass a quiz without questions, so it would block every certificate.
      const empty = lessons.find((l) => l.kind === 'quiz' && parseQuiz(l).length === 0);
      if (empty) throw conflict('quiz_without_questions', `The quiz “${empty.title}” has no questions yet: add some or remove it before publishing`, { lessonId: empty.id });
    }
    const now = nowIso();
    const from: CourseStatus[] = to === 'published' ? ['draft', 'archived'] : ['draft', 'published'];
    const res = await tx.db.updateTable('training_course').set({ status: to, updated_at: now, archived_at: to === 'archived' ? now : null })
      .where('id', '=', c.id).where('status', 'in', from).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('course_status', `The course is already ${c.status}`);
    await recordAudit(tx, { action: `training.course_${to}`, targetType: 'training_course', targetId: c.id, countyCode: c.county_code });
    return courseView({ ...c, status: to, updated_at: now, archived_at: to === 'archived' ? now : null });
  });
}

/** Deletes a course nobody ever enrolled in (with its lessons, cohorts and meetings); otherwise archive it. */
export async function deleteCourse(ctx: Ctx, courseId: string) {
  await inTransaction(ctx, async (tx) => {
    const c = await courseForCenter(tx, courseId);
    const enrolled = await tx.db.selectFrom('training_enrolment').select((eb) => eb.fn.countAll<number>().as('n')).where('course_id', '=', c.id).executeTakeFirstOrThrow();
    if (Number(enrolled.n) > 0) {
      throw conflict('course_has_enrolments', `${Number(enrolled.n)} people have enrolled in this course; archive it instead (its records are kept)`, { enrolments: Number(enrolled.n) });
    }
    const cohorts = tx.db.selectFrom('training_cohort').select('id').where('course_id', '=', c.id);
    const lessons = tx.db.selectFrom('training_lesson').select('id').where('course_id', '=', c.id);
    await tx.db.deleteFrom('training_attendance').where('cohort_id', 'in', cohorts).execute();
    await tx.db.deleteFrom('training_meeting').where('cohort_id', 'in', cohorts).execute();
    await tx.db.deleteFrom('training_cohort_staff').where('cohort_id', 'in', cohorts).execute();
    await tx.db.deleteFrom('training_cohort').where('course_id', '=', c.id).execute();
    await tx.db.deleteFrom('training_assignment').where('course_id', '=', c.id).execute();
    await tx.db.deleteFrom('training_quiz_attempt').where('lesson_id', 'in', lessons).execute();
    await tx.db.deleteFrom('training_lesson_progress').where('lesson_id', 'in', lessons).execute();
    await tx.db.deleteFrom('training_lesson').where('course_id', '=', c.id).execute();
    await tx.db.deleteFrom('training_module').where('course_id', '=', c.id).execute();
    await tx.db.deleteFrom('training_course').where('id', '=', c.id).execute();
    await recordAudit(tx, { action: 'training.course_deleted', targetType: 'training_course', targetId: c.id, countyCode: c.county_code, detail: { title: c.title } });
  });
}

export async function listCourses(ctx: Ctx, q: { countyCode?: string | undefined; status?: CourseStatus | undefined }) {
  let query = ctx.db.selectFrom('training_course').selectAll().where((eb) => withinScope(eb, 'county_code', centerPrefixes(ctx)));
  if (q.countyCode) query = query.where('county_code', '=', q.countyCode);
  if (q.status) query = query.where('status', '=', q.status);
  const rows = await query.orderBy('id', 'desc').limit(200).execute();
  const counts = rows.length ? await ctx.db.selectFrom('training_lesson').select(['course_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('course_id', 'in', rows.map((r) => r.id)).groupBy('course_id').execute() : [];
  const enrol = rows.length ? await ctx.db.selectFrom('training_enrolment').select(['course_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('course_id', 'in', rows.map((r) => r.id)).where('status', '=', 'enrolled').groupBy('course_id').execute() : [];
  return {
    items: rows.map((r) => ({
      ...courseView(r),
      lessonCount: Number(counts.find((x) => x.course_id === r.id)?.n ?? 0),
      enrolledCount: Number(enrol.find((x) => x.course_id === r.id)?.n ?? 0),
    })),
  };
}

/** Published courses of a county, for the trainee's phone (public: training is free and open). */
export async function listPublishedCourses(ctx: Ctx, countyCode: string | undefined) {
  let q = ctx.db.selectFrom('training_course').selectAll().where('status', '=', 'published');
  if (countyCode) q = q.where('county_code', '=', countyCode);
  const rows = await q.orderBy('id', 'desc').limit(100).execute();
  const counts = rows.length ? await ctx.db.selectFrom('training_lesson').select(['course_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('course_id', 'in', rows.map((r) => r.id)).groupBy('course_id').execute() : [];
  const done = rows.length && ctx.actor ? await ctx.db.selectFrom('training_lesson_progress').select(['course_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', '=', ctx.actor.userId).where('completed_at', 'is not', null).where('course_id', 'in', rows.map((r) => r.id)).groupBy('course_id').execute() : [];
  return {
    items: rows.map((r) => ({
      ...courseView(r),
      lessonCount: Number(counts.find((x) => x.course_id === r.id)?.n ?? 0),
      completedLessons: Number(done.find((x) => x.course_id === r.id)?.n ?? 0),
    })),
  };
}

/** Whether the actor may read a course's lessons: published, its center, or anyone who enrolled (archived courses stay readable to them). */
async function readableCourse(ctx: Ctx, courseId: string) {
  const c = await ctx.db.selectFrom('training_course').selectAll().where('id', '=', courseId).executeTakeFirst();
  if (!c) throw notFound('Course');
  const center = isCenter(ctx, c.county_code);
  if (center || c.status === 'published') return { course: c, center };
  if (c.status === 'archived' && ctx.actor) {
    const e = await ctx.db.selectFrom('training_enrolment').select('id').where('course_id', '=', c.id).where('user_id', '=', ctx.actor.userId).executeTakeFirst();
    if (e) return { course: c, center };
  }
  throw notFound('Course');
}

function lessonSummary(l: TrainingLessonTable) {
  return {
    id: l.id, moduleId: l.module_id, position: l.position, kind: l.kind, title: l.title, durationSeconds: l.duration_seconds,
    hasFile: l.file_id !== null, questionCount: parseQuiz(l).length, quizPassPct: l.quiz_pass_pct,
  };
}

/** A course with its modules and lessons (no quiz answers), and the signed-in reader's progress. */
export async function getCourse(ctx: Ctx, courseId: string) {
  const { course, center } = await readableCourse(ctx, courseId);
  const modules = await ctx.db.selectFrom('training_module').selectAll().where('course_id', '=', course.id).orderBy('position').orderBy('id').execute();
  const lessons = await ctx.db.selectFrom('training_lesson').selectAll().where('course_id', '=', course.id).orderBy('position').orderBy('id').execute();
  const progress = ctx.actor ? await ctx.db.selectFrom('training_lesson_progress').selectAll().where('course_id', '=', course.id).where('user_id', '=', ctx.actor.userId).execute() : [];
  const assignments = await ctx.db.selectFrom('training_assignment').selectAll().where('course_id', '=', course.id).orderBy('id').execute();
  return {
    ...courseView(course),
    canEdit: center,
    modules: modules.map((m) => ({
      id: m.id, position: m.position, title: m.title,
      lessons: lessons.filter((l) => l.module_id === m.id).map((l) => {
        const p = progress.find((x) => x.lesson_id === l.id);
        return { ...lessonSummary(l), positionSeconds: p?.position_seconds ?? 0, completedAt: p?.completed_at ?? null };
      }),
    })),
    assignments: assignments.map((a) => ({ id: a.id, title: a.title, instructions: a.instructions })),
    lessonCount: lessons.length,
    completedLessons: progress.filter((p) => p.completed_at).length,
  };
}

// ---- modules and lessons ----------------------------------------------------------------------

export async function createModule(ctx: Ctx, courseId: string, input: { title: string }) {
  return inTransaction(ctx, async (tx) => {
    const c = await courseForCenter(tx, courseId);
    if (c.status === 'archived') throw conflict('course_archived', 'This course is archived; publish it again to change it');
    const last = await tx.db.selectFrom('training_module').select((eb) => eb.fn.max('position').as('p')).where('course_id', '=', c.id).executeTakeFirst();
    const row = { id: newId('trainingModule'), course_id: c.id, position: Number(last?.p ?? 0) + 1, title: input.title.trim(), created_at: nowIso() };
    if (!row.title) throw invalid('/body/title', 'Give the module a title');
    await tx.db.insertInto('training_module').values(row).execute();
    return { id: row.id, position: row.position, title: row.title, lessons: [] };
  });
}

async function moduleForCenter(ctx: Ctx, moduleId: string) {
  const m = await ctx.db.selectFrom('training_module').selectAll().where('id', '=', moduleId).executeTakeFirst();
  if (!m) throw notFound('Module');
  const c = await courseForCenter(ctx, m.course_id).catch(() => { throw notFound('Module'); });
  return { m, c };
}

export async function updateModule(ctx: Ctx, moduleId: string, input: { title?: string | undefined; position?: number | undefined }) {
  const { m } = await moduleForCenter(ctx, moduleId);
  const set: { title?: string; position?: number } = {};
  if (input.title !== undefined) {
    if (!input.title.trim()) throw invalid('/body/title', 'Give the module a title');
    set.title = input.title.trim();
  }
  if (input.position !== undefined) set.position = input.position;
  if (Object.keys(set).length) await ctx.db.updateTable('training_module').set(set).where('id', '=', m.id).execute();
  return { id: m.id, position: set.position ?? m.position, title: set.title ?? m.title };
}

export async function deleteModule(ctx: Ctx, moduleId: string) {
  await inTransaction(ctx, async (tx) => {
    // The module row first: a lesson added or moved into it meanwhile (which holds it shared)
    // is then seen here, instead of the delete failing on the lesson's foreign key.
    await lockRow(tx.db, 'training_module', moduleId);
    const { m } = await moduleForCenter(tx, moduleId);
    const l = await tx.db.selectFrom('training_lesson').select('id').where('module_id', '=', m.id).executeTakeFirst();
    if (l) throw conflict('module_not_empty', 'Move or delete the lessons of this module first');
    await tx.db.deleteFrom('training_module').where('id', '=', m.id).execute();
  });
}

export interface LessonInput {
  kind?: LessonKind | undefined;
  title?: string | undefined;
  body?: string | undefined;
  durationSeconds?: number | undefined;
  position?: number | undefined;
  moduleId?: string | undefined;
}

export async function createLesson(ctx: Ctx, moduleId: string, input: LessonInput & { kind: LessonKind; title: string }) {
  return inTransaction(ctx, async (tx) => {
    await lockRow(tx.db, 'training_module', moduleId, 'share'); // see deleteModule
    const { m, c } = await moduleForCenter(tx, moduleId);
    if (c.status === 'archived') throw conflict('course_archived', 'This course is archived; publish it again to change it');
    if (!input.title.trim()) throw invalid('/body/title', 'Give the lesson a title');
    const last = await tx.db.selectFrom('training_lesson').select((eb) => eb.fn.max('position').as('p')).where('module_id', '=', m.id).executeTakeFirst();
    const now = nowIso();
    const row: TrainingLessonTable = {
      id: newId('trainingLesson'), course_id: c.id, module_id: m.id, position: input.position ?? Number(last?.p ?? 0) + 1, kind: input.kind,
      title: input.title.trim(), body: input.body ?? '', file_id: null, duration_seconds: input.durationSeconds ?? 0, quiz_pass_pct: 60, quiz_json: '[]',
      created_at: now, updated_at: now,
    };
    await tx.db.insertInto('training_lesson').values(row).execute();
    return lessonEditorView(row);
  });
}

async function lessonForCenter(ctx: Ctx, lessonId: string) {
  const l = await ctx.db.selectFrom('training_lesson').selectAll().where('id', '=', lessonId).executeTakeFirst();
  if (!l) throw notFound('Lesson');
  const c = await courseForCenter(ctx, l.course_id).catch(() => { throw notFound('Lesson'); });
  return { l, c };
}

function lessonEditorView(l: TrainingLessonTable) {
  return { ...lessonSummary(l), body: l.body, quiz: parseQuiz(l), fileId: l.file_id };
}

export async function updateLesson(ctx: Ctx, lessonId: string, input: LessonInput) {
  const { l, c } = await lessonForCenter(ctx, lessonId);
  const set: Partial<TrainingLessonTable> = { updated_at: nowIso() };
  if (input.title !== undefined) {
    if (!input.title.trim()) throw invalid('/body/title', 'Give the lesson a title');
    set.title = input.title.trim();
  }
  if (input.body !== undefined) set.body = input.body;
  if (input.durationSeconds !== undefined) set.duration_seconds = input.durationSeconds;
  if (input.position !== undefined) set.position = input.position;
  if (input.kind !== undefined && input.kind !== l.kind) {
    if (l.file_id || parseQuiz(l).length) throw invalid('/body/kind', 'A lesson with a file or quiz questions cannot change kind; make a new lesson', 'kind_locked');
    set.kind = input.kind;
  }
  await inTransaction(ctx, async (tx) => {
    if (input.moduleId !== undefined && input.moduleId !== l.module_id) {
      await lockRow(tx.db, 'training_module', input.moduleId, 'share'); // see deleteModule
      const m = await tx.db.selectFrom('training_module').select('course_id').where('id', '=', input.moduleId).executeTakeFirst();
      if (!m || m.course_id !== c.id) throw invalid('/body/moduleId', 'Not a module of this course');
      set.module_id = input.moduleId;
    }
    await tx.db.updateTable('training_lesson').set(set).where('id', '=', l.id).execute();
  });
  return lessonEditorView({ ...l, ...set });
}

/** Deletes a lesson nobody has progress or a quiz attempt on (their records would be lost). */
export async function deleteLesson(ctx: Ctx, lessonId: string) {
  await inTransaction(ctx, async (tx) => {
    const { l } = await lessonForCenter(tx, lessonId);
    const p = await tx.db.selectFrom('training_lesson_progress').select('user_id').where('lesson_id', '=', l.id).executeTakeFirst();
    const a = await tx.db.selectFrom('training_quiz_attempt').select('id').where('lesson_id', '=', l.id).executeTakeFirst();
    if (p || a) throw conflict('lesson_has_progress', 'Trainees have already studied this lesson; it cannot be deleted (archive the course to keep its records)');
    await tx.db.deleteFrom('training_lesson').where('id', '=', l.id).execute();
  });
}

/**
 * Stores a lesson's video (mp4/webm) or file (PDF/image), checked by its bytes. `receive` takes
 * the upload in (files' receiveUpload) once the lesson is known to take one, before the
 * transaction that records it.
 */
export async function uploadLessonFile(ctx: Ctx, lessonId: string, receive: (purpose: FilePurpose) => Promise<ReceivedFile>) {
  const { l, c } = await lessonForCenter(ctx, lessonId);
  if (l.kind !== 'video' && l.kind !== 'file') throw invalid('/params/lessonId', 'Only video and file lessons take an upload', 'no_upload');
  const purpose = l.kind === 'video' ? 'lesson_video' : 'lesson_file';
  const file = await receive(purpose);
  return inTransactionKeepingFile(ctx, file, async (tx) => {
    const fileId = await recordReceivedFile(tx, file, purpose, c.county_code);
    const now = nowIso();
    // The upload may have taken minutes: the lesson must still be there, and still of its kind.
    const res = await tx.db.updateTable('training_lesson').set({ file_id: fileId, updated_at: now }).where('id', '=', l.id).where('kind', '=', l.kind).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('lesson_changed', 'The lesson was changed or deleted while the file uploaded; open it again');
    return lessonEditorView({ ...l, file_id: fileId, updated_at: now });
  });
}

/** Replaces a quiz lesson's questions; each has 2–6 options and at least one correct one. */
export async function setQuiz(ctx: Ctx, lessonId: string, input: { passPct: number; questions: QuizQuestion[] }) {
  const { l } = await lessonForCenter(ctx, lessonId);
  if (l.kind !== 'quiz') throw invalid('/params/lessonId', 'This lesson is not a quiz', 'not_a_quiz');
  input.questions.forEach((q, i) => {
    if (!q.prompt.trim()) throw invalid(`/body/questions/${i}/prompt`, 'Write the question');
    if (q.options.some((o) => !o.trim())) throw invalid(`/body/questions/${i}/options`, 'An option is empty');
    if (q.correct.length === 0) throw invalid(`/body/questions/${i}/correct`, 'Mark at least one option as correct');
    if (new Set(q.correct).size !== q.correct.length || q.correct.some((c) => c >= q.options.length)) {
      throw invalid(`/body/questions/${i}/correct`, 'A correct answer points at an option that does not exist');
    }
  });
  const questions = input.questions.map((q) => ({ prompt: q.prompt.trim(), options: q.options.map((o) => o.trim()), correct: [...q.correct].sort((a, b) => a - b) }));
  const now = nowIso();
  await ctx.db.updateTable('training_lesson').set({ quiz_json: JSON.stringify(questions), quiz_pass_pct: input.passPct, updated_at: now }).where('id', '=', l.id).execute();
  return lessonEditorView({ ...l, quiz_json: JSON.stringify(questions), quiz_pass_pct: input.passPct, updated_at: now });
}

// ---- studying -----------------------------------------------------------------------------------

async function readableLesson(ctx: Ctx, lessonId: string) {
  const l = await ctx.db.selectFrom('training_lesson').selectAll().where('id', '=', lessonId).executeTakeFirst();
  if (!l) throw notFound('Lesson');
  const { course, center } = await readableCourse(ctx, l.course_id).catch(() => { throw notFound('Lesson'); });
  return { l, course, center };
}

/** A lesson to study: the quiz without its answers (the editor's view adds them), and my progress. */
export async function getLesson(ctx: Ctx, lessonId: string) {
  const { l, course, center } = await readableLesson(ctx, lessonId);
  const p = await ctx.db.selectFrom('training_lesson_progress').selectAll().where('user_id', '=', ctx.actor!.userId).where('lesson_id', '=', l.id).executeTakeFirst();
  const best = await ctx.db.selectFrom('training_quiz_attempt').select(['score_pct', 'passed', 'created_at']).where('user_id', '=', ctx.actor!.userId)
    .where('lesson_id', '=', l.id).orderBy('score_pct', 'desc').orderBy('id', 'desc').executeTakeFirst();
  const file = l.file_id ? await ctx.db.selectFrom('stored_file').select(['content_type', 'size_bytes']).where('id', '=', l.file_id).executeTakeFirst() : undefined;
  const siblings = await ctx.db.selectFrom('training_lesson').innerJoin('training_module', 'training_module.id', 'training_lesson.module_id')
    .select(['training_lesson.id']).where('training_lesson.course_id', '=', l.course_id)
    .orderBy('training_module.position').orderBy('training_module.id').orderBy('training_lesson.position').orderBy('training_lesson.id').execute();
  const at = siblings.findIndex((s) => s.id === l.id);
  return {
    ...lessonSummary(l), courseId: course.id, courseTitle: course.title, body: l.body,
    media: file ? { url: `/api/v1/training/lessons/${l.id}/media`, contentType: file.content_type, sizeBytes: file.size_bytes } : null,
    quiz: parseQuiz(l).map((q) => ({ prompt: q.prompt, options: q.options, multiple: q.correct.length > 1, ...(center ? { correct: q.correct } : {}) })),
    positionSeconds: p?.position_seconds ?? 0, completedAt: p?.completed_at ?? null,
    bestAttempt: best ? { scorePct: best.score_pct, passed: best.passed === 1, at: best.created_at } : null,
    prevLessonId: at > 0 ? siblings[at - 1]!.id : null, nextLessonId: at >= 0 && at < siblings.length - 1 ? siblings[at + 1]!.id : null,
  };
}

/** Saves where the trainee is in a lesson; `completed` marks it done (a quiz is completed only by passing it). */
export async function saveProgress(ctx: Ctx, lessonId: string, input: { positionSeconds: number; completed?: boolean | undefined }) {
  const { l } = await readableLesson(ctx, lessonId);
  if (input.completed && l.kind === 'quiz') throw invalid('/body/completed', 'A quiz is completed by passing it', 'quiz_must_be_passed');
  if (l.duration_seconds > 0 && input.positionSeconds > l.duration_seconds + 5) throw invalid('/body/positionSeconds', `The lesson is ${l.duration_seconds} seconds long`);
  // A video counts as done when it was watched (nearly) to the end, not because the client says so:
  // the "all lessons" certification rule would mean nothing otherwise.
  if (input.completed && l.kind === 'video' && l.duration_seconds > 0 && input.positionSeconds < Math.floor(l.duration_seconds * 0.9)) {
    throw invalid('/body/positionSeconds', `Watch the video to the end first (${input.positionSeconds} of ${l.duration_seconds} seconds)`, 'lesson_not_watched');
  }
  const now = nowIso();
  const completedAt = input.completed ? now : null;
  await ctx.db.insertInto('training_lesson_progress')
    .values({ user_id: ctx.actor!.userId, lesson_id: l.id, course_id: l.course_id, position_seconds: input.positionSeconds, completed_at: completedAt, updated_at: now })
    // Completion is never undone by a later position save (a replay from the start).
    .onConflict((oc) => oc.columns(['user_id', 'lesson_id']).doUpdateSet((eb) => ({
      position_seconds: eb.ref('excluded.position_seconds'),
      completed_at: eb.fn.coalesce('training_lesson_progress.completed_at', 'excluded.completed_at'),
      updated_at: eb.ref('excluded.updated_at'),
    })))
    .execute();
  const p = await ctx.db.selectFrom('training_lesson_progress').selectAll().where('user_id', '=', ctx.actor!.userId).where('lesson_id', '=', l.id).executeTakeFirstOrThrow();
  return { lessonId: l.id, positionSeconds: p.position_seconds, completedAt: p.completed_at };
}

/** Marks a quiz: a question is right when exactly its correct options are chosen; passing completes the lesson. */
export async function attemptQuiz(ctx: Ctx, lessonId: string, input: { answers: number[][] }) {
  const { l } = await readableLesson(ctx, lessonId);
  if (l.kind !== 'quiz') throw invalid('/params/lessonId', 'This lesson is not a quiz', 'not_a_quiz');
  const questions = parseQuiz(l);
  if (questions.length === 0) throw conflict('quiz_empty', 'This quiz has no questions yet');
  if (input.answers.length !== questions.length) throw invalid('/body/answers', `Answer all ${questions.length} questions`, 'answer_count');
  const results = questions.map((q, i) => {
    const chosen = [...new Set(input.answers[i]!)].sort((a, b) => a - b);
    if (chosen.some((c) => c >= q.options.length)) throw invalid(`/body/answers/${i}`, 'An answer points at an option that does not exist');
    return chosen.length === q.correct.length && chosen.every((c, k) => c === q.correct[k]);
  });
  const right = results.filter(Boolean).length;
  const scorePct = Math.floor((right * 100) / questions.length);
  const passed = scorePct >= l.quiz_pass_pct;
  const now = nowIso();
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('training_quiz_attempt').values({
      id: newId('trainingQuizAttempt'), lesson_id: l.id, course_id: l.course_id, user_id: ctx.actor!.userId,
      answers_json: JSON.stringify(input.answers), score_pct: scorePct, passed: passed ? 1 : 0, created_at: now,
    }).execute();
    if (passed) {
      await tx.db.insertInto('training_lesson_progress')
        .values({ user_id: ctx.actor!.userId, lesson_id: l.id, course_id: l.course_id, position_seconds: 0, completed_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'lesson_id']).doUpdateSet((eb) => ({
          completed_at: eb.fn.coalesce('training_lesson_progress.completed_at', 'excluded.completed_at'), updated_at: eb.ref('excluded.updated_at'),
        })))
        .execute();
    }
  });
  return { scorePct, passed, passPct: l.quiz_pass_pct, correct: results, rightCount: right, questionCount: questions.length };
}

// ---- media with HTTP Range --------------------------------------------------------------------

/**
 * Streams a stored video or file, honouring one HTTP Range (`bytes=a-b`, `bytes=a-`, `bytes=-n`)
 * so phones can seek in a lesson video without downloading it all; 416 for a range outside it.
 */
export async function streamStoredFile(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, fileId: string) {
  const row = await ctx.db.selectFrom('stored_file').selectAll().where('id', '=', fileId).executeTakeFirst();
  if (!row || !(await ctx.deps.storage.exists(row.storage_key))) throw notFound('File');
  const size = row.size_bytes;
  reply.header('content-type', row.content_type).header('accept-ranges', 'bytes').header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; media-src 'self'").header('cache-control', 'private, max-age=3600')
    .header('etag', `"${row.sha256.slice(0, 32)}"`);
  const range = req.headers.range;
  if (typeof range === 'string' && range.startsWith('bytes=')) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let start = NaN;
    let end = NaN;
    if (m && m[1] !== '') {
      start = Number(m[1]);
      end = m[2] !== '' ? Math.min(Number(m[2]), size - 1) : size - 1;
    } else if (m && m[2] !== '') {
      start = Math.max(size - Number(m[2]), 0);
      end = size - 1;
    }
    if (!Number.isFinite(start) || !Number.isFinite(end) || start > end || start >= size) {
      reply.header('content-range', `bytes */${size}`);
      throw new AppError(416, 'range_not_satisfiable', `The file is ${size} bytes; the requested range is outside it`);
    }
    return reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', String(end - start + 1))
      .send(ctx.deps.storage.stream(row.storage_key, { start, end }));
  }
  return reply.header('content-length', String(size)).send(ctx.deps.storage.stream(row.storage_key));
}

export async function lessonMedia(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, lessonId: string) {
  const { l } = await readableLesson(ctx, lessonId);
  if (!l.file_id) throw notFound('Lesson file');
  return streamStoredFile(ctx, req, reply, l.file_id);
}

export async function lessonForEditor(ctx: Ctx, lessonId: string) {
  const { l } = await lessonForCenter(ctx, lessonId);
  return lessonEditorView(l);
}

import { PostgresAdapter, sql, type Kysely, type SqlBool } from 'kysely';

/**
 * Training (issue #5): courses of modules and lessons (video, text, file, quiz), progress per
 * lesson, quiz attempts, cohorts (开班) with their staff, enrolments with a waitlist, class
 * meetings and QR attendance, practice sessions shared with a cohort's mentors and their
 * timestamped feedback, short-video assignments and their reviews, certificates.
 * Column meanings are documented in src/modules/training/training.tables.ts.
 * Frozen once released.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = isPg ? sql`timestamptz` : sql`text`;
  const inList = (xs: string[]) => sql.raw(xs.map((x) => `'${x}'`).join(', '));

  await db.schema
    .createTable('training_course')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${inList(['draft', 'published', 'archived'])})`))
    .addColumn('rule_min_attendance_pct', 'integer', (c) => c.notNull().defaultTo(80).check(sql`rule_min_attendance_pct between 0 and 100`))
    .addColumn('rule_all_lessons', 'integer', (c) => c.notNull().defaultTo(1).check(sql`rule_all_lessons in (0, 1)`))
    .addColumn('rule_quizzes_passed', 'integer', (c) => c.notNull().defaultTo(1).check(sql`rule_quizzes_passed in (0, 1)`))
    .addColumn('rule_min_reviewed_practice', 'integer', (c) => c.notNull().defaultTo(1).check(sql`rule_min_reviewed_practice between 0 and 20`))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('archived_at', ts)
    .execute();
  await db.schema.createIndex('training_course_county_idx').on('training_course').columns(['county_code', 'status']).execute();

  await db.schema
    .createTable('training_module')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_module_course_idx').on('training_module').column('course_id').execute();

  await db.schema
    .createTable('training_lesson')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('module_id', 'text', (c) => c.notNull().references('training_module.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${inList(['video', 'text', 'file', 'quiz'])})`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('file_id', 'text', (c) => c.references('stored_file.id'))
    .addColumn('duration_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quiz_pass_pct', 'integer', (c) => c.notNull().defaultTo(60).check(sql`quiz_pass_pct between 1 and 100`))
    .addColumn('quiz_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_lesson_course_idx').on('training_lesson').column('course_id').execute();
  await db.schema.createIndex('training_lesson_module_idx').on('training_lesson').column('module_id').execute();

  await db.schema
    .createTable('training_lesson_progress')
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('lesson_id', 'text', (c) => c.notNull().references('training_lesson.id'))
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('position_seconds', 'integer', (c) => c.notNull().defaultTo(0).check(sql`position_seconds >= 0`))
    .addColumn('completed_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('training_lesson_progress_pk', ['user_id', 'lesson_id'])
    .execute();
  await db.schema.createIndex('training_lesson_progress_course_idx').on('training_lesson_progress').columns(['course_id', 'user_id']).execute();

  await db.schema
    .createTable('training_quiz_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lesson_id', 'text', (c) => c.notNull().references('training_lesson.id'))
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('answers_json', 'text', (c) => c.notNull())
    .addColumn('score_pct', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull().check(sql`passed in (0, 1)`))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_quiz_attempt_user_idx').on('training_quiz_attempt').columns(['course_id', 'user_id']).execute();

  await db.schema
    .createTable('training_cohort')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('place_kind', 'text', (c) => c.notNull().check(sql`place_kind in (${inList(['studio', 'township_hall'])})`))
    .addColumn('place_township_code', 'text')
    .addColumn('place_detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 1 and 1000`))
    .addColumn('enrolled_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${inList(['open', 'closed', 'archived'])})`))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addCheckConstraint('training_cohort_seats_check', sql`enrolled_count >= 0 and enrolled_count <= capacity`)
    .execute();
  await db.schema.createIndex('training_cohort_county_idx').on('training_cohort').columns(['county_code', 'starts_on']).execute();

  await db.schema
    .createTable('training_cohort_staff')
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in (${inList(['instructor', 'mentor'])})`))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('training_cohort_staff_pk', ['cohort_id', 'user_id'])
    .execute();
  await db.schema.createIndex('training_cohort_staff_user_idx').on('training_cohort_staff').column('user_id').execute();

  await db.schema
    .createTable('training_enrolment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${inList(['enrolled', 'waitlisted', 'withdrawn'])})`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull().check(sql`gender in (${inList(['female', 'male'])})`))
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('township_code', 'text', (c) => c.notNull())
    .addColumn('applied_at', ts, (c) => c.notNull())
    .addColumn('enrolled_at', ts)
    .addColumn('waitlisted_at', ts)
    .addColumn('promoted_at', ts)
    .addColumn('withdrawn_at', ts)
    .addColumn('withdraw_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('training_enrolment_cohort_user_key', ['cohort_id', 'user_id'])
    .execute();
  await db.schema.createIndex('training_enrolment_user_idx').on('training_enrolment').column('user_id').execute();
  await db.schema.createIndex('training_enrolment_county_idx').on('training_enrolment').columns(['county_code', 'status']).execute();

  await db.schema
    .createTable('training_meeting')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', ts, (c) => c.notNull())
    .addColumn('ends_at', ts, (c) => c.notNull())
    .addColumn('qr_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_meeting_cohort_idx').on('training_meeting').column('cohort_id').execute();

  await db.schema
    .createTable('training_attendance')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('training_meeting.id'))
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in (${inList(['qr', 'manual'])})`))
    .addColumn('checked_in_at', ts, (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .addPrimaryKeyConstraint('training_attendance_pk', ['meeting_id', 'user_id'])
    .execute();
  await db.schema.createIndex('training_attendance_cohort_idx').on('training_attendance').columns(['cohort_id', 'user_id']).execute();

  await db.schema
    .createTable('training_practice')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('live_session.id'))
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('submitted_at', ts, (c) => c.notNull())
    .addColumn('reviewed_at', ts)
    .addColumn('reviewed_by', 'text')
    .addColumn('review_summary', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('training_practice_cohort_idx').on('training_practice').columns(['cohort_id', 'user_id']).execute();

  await db.schema
    .createTable('training_practice_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('training_practice.session_id'))
    .addColumn('author_user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('at_second', 'integer', (c) => c.notNull().check(sql`at_second >= 0`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_practice_feedback_session_idx').on('training_practice_feedback').column('session_id').execute();

  await db.schema
    .createTable('training_assignment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('instructions', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('training_submission')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('assignment_id', 'text', (c) => c.notNull().references('training_assignment.id'))
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('stored_file.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${inList(['submitted', 'passed', 'redo'])})`))
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_submission_cohort_idx').on('training_submission').columns(['cohort_id', 'status']).execute();
  // One live hand-in per assignment and trainee (a redo opens the way for the next): a double tap stores one.
  await db.schema.createIndex('training_submission_live_uq').on('training_submission').columns(['assignment_id', 'user_id']).unique()
    .where(sql<SqlBool>`status in ('submitted', 'passed')`).execute();

  await db.schema
    .createTable('training_certificate')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cert_no', 'text', (c) => c.notNull().unique())
    .addColumn('county_code', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_course.id'))
    .addColumn('cohort_id', 'text', (c) => c.notNull().references('training_cohort.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('issued_at', ts, (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('host_granted_at', ts)
    .addColumn('host_granted_by', 'text')
    .addUniqueConstraint('training_certificate_cohort_user_key', ['cohort_id', 'user_id'])
    .execute();
  await db.schema.createIndex('training_certificate_county_idx').on('training_certificate').columns(['county_code', 'issued_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'training_certificate', 'training_submission', 'training_assignment', 'training_practice_feedback', 'training_practice',
    'training_attendance', 'training_meeting', 'training_enrolment', 'training_cohort_staff', 'training_cohort',
    'training_quiz_attempt', 'training_lesson_progress', 'training_lesson', 'training_module', 'training_course',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

/**
 * Training (issue #5): courses of modules and lessons with progress and auto-marked quizzes,
 * cohorts with open enrolment and a waitlist, class meetings with rotating QR attendance,
 * practice live sessions shared with a cohort's mentors (timestamped feedback), short-video
 * assignments, certification against per-course rules and a one-click host role.
 * Tables (and what each column means, for the funnel): ./training.tables.ts.
 */
export { trainingRoutes } from './training.routes.js';
export { evaluate as evaluateCompletion, certify, grantHostRole } from './certification.service.js';
export { ageBandOf } from './cohorts.service.js';
export { attendanceCode, checkAttendanceCode, QR_SLOT_SECONDS } from './qr.js';
export type { TrainingTables, AgeBand, Gender, EnrolmentStatus } from './training.tables.js';
export { AGE_BANDS, GENDERS, ENROLMENT_STATUSES } from './training.tables.js';

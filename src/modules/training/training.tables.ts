/**
 * Tables of the training module (migrations/2026-11-27T0600_training.ts).
 *
 * For readers outside the module (the funnel): a person's path through training is
 *   training_enrolment (status 'enrolled', with name, phone, gender, birth year, age band and
 *   township) → training_attendance rows over training_meeting rows of the same cohort →
 *   training_certificate (one per cohort and person; host_granted_at when the host role was given).
 * Every row that belongs to a county carries `county_code` (6 digits); instants are UTC ISO
 * strings (timestamptz on PostgreSQL); dates (`*_on`) are Asia/Shanghai calendar dates.
 */

export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];
export const LESSON_KINDS = ['video', 'text', 'file', 'quiz'] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];
export const COHORT_STATUSES = ['open', 'closed', 'archived'] as const;
export type CohortStatus = (typeof COHORT_STATUSES)[number];
export const PLACE_KINDS = ['studio', 'township_hall'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
export const STAFF_ROLES = ['instructor', 'mentor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const ENROLMENT_STATUSES = ['enrolled', 'waitlisted', 'withdrawn'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
export const GENDERS = ['female', 'male'] as const;
export type Gender = (typeof GENDERS)[number];
/** Age bands the county reports by, computed from the birth year in the year of enrolment. */
export const AGE_BANDS = ['under_25', '25_34', '35_44', '45_54', '55_plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const SUBMISSION_STATUSES = ['submitted', 'passed', 'redo'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** A course (e.g. 抖音入门到开播). Archived courses keep every record; only a course nobody enrolled in may be deleted. */
export interface TrainingCourseTable {
  id: string; // trc_…
  county_code: string; // the center that runs it
  title: string;
  description: string;
  status: CourseStatus; // draft → published → archived
  /** Completion rules checked at certification. */
  rule_min_attendance_pct: number; // 0–100: attended meetings / meetings of the cohort
  rule_all_lessons: number; // 1 = every lesson completed
  rule_quizzes_passed: number; // 1 = every quiz lesson passed
  rule_min_reviewed_practice: number; // practice sessions a mentor marked reviewed (0–20)
  created_by: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

/** A module of a course (入门, 账号搭建, 平台规则…), ordered by position. */
export interface TrainingModuleTable {
  id: string; // trm_…
  course_id: string;
  position: number;
  title: string;
  created_at: string;
}

/** A lesson: video (file_id → stored_file lesson_video), text (body), file (lesson_file) or quiz (quiz_json). */
export interface TrainingLessonTable {
  id: string; // trl_…
  course_id: string;
  module_id: string;
  position: number;
  kind: LessonKind;
  title: string;
  body: string; // text of a text lesson, or notes under a video/file
  file_id: string | null;
  duration_seconds: number; // video length as entered by the editor
  quiz_pass_pct: number; // score needed to pass a quiz lesson
  /** JSON: [{ prompt, options: string[], correct: number[] }] — never sent to trainees with `correct`. */
  quiz_json: string;
  created_at: string;
  updated_at: string;
}

/** Progress per person and lesson: where the video was left, and when the lesson was completed. */
export interface TrainingLessonProgressTable {
  user_id: string;
  lesson_id: string;
  course_id: string;
  position_seconds: number;
  completed_at: string | null; // a passed quiz completes its lesson
  updated_at: string;
}

export interface TrainingQuizAttemptTable {
  id: string; // trq_…
  lesson_id: string;
  course_id: string;
  user_id: string;
  answers_json: string; // number[][]: chosen option indexes per question
  score_pct: number;
  passed: number; // 1 when score_pct >= the lesson's quiz_pass_pct
  created_at: string;
}

/** A cohort (开班) of a course: dates, place, capacity; `enrolled_count` is the seats taken (never above capacity). */
export interface TrainingCohortTable {
  id: string; // trk_…
  county_code: string;
  course_id: string;
  name: string;
  starts_on: string; // YYYY-MM-DD
  ends_on: string;
  place_kind: PlaceKind; // the center's studio or a township hall
  place_township_code: string | null; // 9-digit township code when place_kind = township_hall
  place_detail: string; // address or room
  capacity: number;
  enrolled_count: number; // rows of training_enrolment with status 'enrolled'
  status: CohortStatus; // open (taking enrolments) → closed → archived
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Who teaches a cohort: its instructor and mentors. Only they (and the center) read its trainees' practice. */
export interface TrainingCohortStaffTable {
  cohort_id: string;
  user_id: string;
  role: StaffRole;
  created_at: string;
}

/**
 * One person's place in a cohort, with what they told us when enrolling (what the funnel
 * groups by). `status`: enrolled (holds a seat), waitlisted (cohort was full; promoted in
 * application order when someone withdraws), withdrawn.
 */
export interface TrainingEnrolmentTable {
  id: string; // tre_…
  cohort_id: string;
  course_id: string;
  county_code: string; // the cohort's county
  user_id: string;
  status: EnrolmentStatus;
  name: string; // real name as entered on the enrolment page
  phone: string; // the account's mainland mobile number at enrolment
  gender: Gender;
  birth_year: number;
  age_band: AgeBand; // from birth_year and the year of applied_at
  township_code: string; // 9-digit township (乡镇) region code where the person lives
  applied_at: string; // when they asked (waitlist order)
  enrolled_at: string | null; // when they got a seat (directly or by promotion)
  waitlisted_at: string | null;
  promoted_at: string | null; // set when moved from the waitlist to a seat
  withdrawn_at: string | null;
  withdraw_reason: string;
  updated_at: string;
}

/** A class meeting; its QR code is an HMAC of (meeting id, 30-second slot) under `qr_secret`. */
export interface TrainingMeetingTable {
  id: string; // trt_…
  cohort_id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  qr_secret: string; // never leaves the server
  created_at: string;
}

/** One check-in per person and meeting (by QR scan, or entered by staff). */
export interface TrainingAttendanceTable {
  meeting_id: string;
  cohort_id: string;
  user_id: string;
  method: 'qr' | 'manual';
  checked_in_at: string;
  recorded_by: string | null;
}

/** A practice live session (live_session kind 'practice') a trainee shared with one cohort's mentors. */
export interface TrainingPracticeTable {
  session_id: string; // live_session.id
  cohort_id: string;
  user_id: string; // the trainee (the session's host)
  note: string;
  submitted_at: string;
  reviewed_at: string | null; // a mentor marked the review done (counts for certification)
  reviewed_by: string | null;
  review_summary: string;
}

/** "At second N: text" on a practice session. */
export interface TrainingPracticeFeedbackTable {
  id: string; // trf_…
  session_id: string;
  author_user_id: string;
  at_second: number;
  text: string;
  created_at: string;
}

/** A short-video assignment of a course (拍一条 30 秒产品介绍). */
export interface TrainingAssignmentTable {
  id: string; // tra_…
  course_id: string;
  title: string;
  instructions: string;
  created_at: string;
}

/** A trainee's upload for an assignment; reviewed pass or redo with a comment. */
export interface TrainingSubmissionTable {
  id: string; // trs_…
  assignment_id: string;
  cohort_id: string;
  user_id: string;
  file_id: string; // stored_file (assignment_video)
  status: SubmissionStatus;
  comment: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_at: string;
}

/** A certificate: public by cert_no; host_granted_at when the center gave the host role from it. */
export interface TrainingCertificateTable {
  id: string; // trz_…
  cert_no: string; // e.g. FS-220622-2026-000123
  county_code: string;
  course_id: string;
  cohort_id: string;
  user_id: string;
  holder_name: string; // the enrolment name at issue
  issued_at: string;
  issued_by: string;
  host_granted_at: string | null;
  host_granted_by: string | null;
}

export interface TrainingTables {
  training_course: TrainingCourseTable;
  training_module: TrainingModuleTable;
  training_lesson: TrainingLessonTable;
  training_lesson_progress: TrainingLessonProgressTable;
  training_quiz_attempt: TrainingQuizAttemptTable;
  training_cohort: TrainingCohortTable;
  training_cohort_staff: TrainingCohortStaffTable;
  training_enrolment: TrainingEnrolmentTable;
  training_meeting: TrainingMeetingTable;
  training_attendance: TrainingAttendanceTable;
  training_practice: TrainingPracticeTable;
  training_practice_feedback: TrainingPracticeFeedbackTable;
  training_assignment: TrainingAssignmentTable;
  training_submission: TrainingSubmissionTable;
  training_certificate: TrainingCertificateTable;
}

import { Type, type TSchema } from '@sinclair/typebox';
import { PHONE_PATTERN } from '../../platform/mask.js';
import {
  AGE_BANDS, COHORT_STATUSES, COURSE_STATUSES, ENROLMENT_STATUSES, GENDERS, LESSON_KINDS, PLACE_KINDS, STAFF_ROLES, SUBMISSION_STATUSES,
} from './training.tables.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const N = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const S = Type.String();
const Int = Type.Integer();
const Bool = Type.Boolean();
const body = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });

export const Id = (description: string) => Type.String({ maxLength: 80, description });
export const CountyCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit county code' });
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date YYYY-MM-DD (Asia/Shanghai)' });
const Title = Type.String({ minLength: 1, maxLength: 120 });
const LongText = Type.String({ maxLength: 20000 });

export const Rules = body({
  minAttendancePct: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'attended meetings / meetings of the cohort, in %' })),
  allLessons: Type.Optional(Type.Boolean({ description: 'every lesson completed' })),
  quizzesPassed: Type.Optional(Type.Boolean({ description: 'every quiz passed' })),
  minReviewedPractice: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'practice sessions a mentor reviewed' })),
});
const RulesView = Type.Object({ minAttendancePct: Int, allLessons: Bool, quizzesPassed: Bool, minReviewedPractice: Int });

export const CourseBody = body({ countyCode: CountyCode, title: Title, description: Type.Optional(LongText), rules: Type.Optional(Rules) });
export const CoursePatch = body({ title: Type.Optional(Title), description: Type.Optional(LongText), rules: Type.Optional(Rules) });
const courseFields = {
  id: S, countyCode: S, title: S, description: S, status: lit(COURSE_STATUSES), rules: RulesView, createdAt: S, updatedAt: S, archivedAt: N(S),
};
export const CourseView = Type.Object(courseFields);
export const CourseList = Type.Object({ items: Type.Array(Type.Object({ ...courseFields, lessonCount: Int, enrolledCount: Int })) });
export const PublishedCourseList = Type.Object({ items: Type.Array(Type.Object({ ...courseFields, lessonCount: Int, completedLessons: Int })) });

const lessonSummary = {
  id: S, moduleId: S, position: Int, kind: lit(LESSON_KINDS), title: S, durationSeconds: Int, hasFile: Bool, questionCount: Int, quizPassPct: Int,
};
export const CourseDetail = Type.Object({
  ...courseFields, canEdit: Bool, lessonCount: Int, completedLessons: Int,
  modules: Type.Array(Type.Object({ id: S, position: Int, title: S, lessons: Type.Array(Type.Object({ ...lessonSummary, positionSeconds: Int, completedAt: N(S) })) })),
  assignments: Type.Array(Type.Object({ id: S, title: S, instructions: S })),
});

export const ModuleBody = body({ title: Title });
export const ModulePatch = body({ title: Type.Optional(Title), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) });
export const ModuleView = Type.Object({ id: S, position: Int, title: S });

export const LessonBody = body({
  kind: lit(LESSON_KINDS), title: Title, body: Type.Optional(LongText),
  durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 36000 })), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
});
export const LessonPatch = body({
  kind: Type.Optional(lit(LESSON_KINDS)), title: Type.Optional(Title), body: Type.Optional(LongText),
  durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 36000 })), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  moduleId: Type.Optional(Id('move to this module of the same course')),
});
const Question = Type.Object({ prompt: S, options: Type.Array(S), correct: Type.Array(Int) });
export const LessonEditorView = Type.Object({ ...lessonSummary, body: S, quiz: Type.Array(Question), fileId: N(S) });
export const QuizBody = body({
  passPct: Type.Integer({ minimum: 1, maximum: 100 }),
  questions: Type.Array(body({
    prompt: Type.String({ minLength: 1, maxLength: 500 }),
    options: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 2, maxItems: 6 }),
    correct: Type.Array(Type.Integer({ minimum: 0, maximum: 5 }), { minItems: 1, maxItems: 6 }),
  }), { minItems: 1, maxItems: 50 }),
});
export const LessonView = Type.Object({
  ...lessonSummary, courseId: S, courseTitle: S, body: S,
  media: N(Type.Object({ url: S, contentType: S, sizeBytes: Int })),
  quiz: Type.Array(Type.Object({ prompt: S, options: Type.Array(S), multiple: Bool, correct: Type.Optional(Type.Array(Int)) })),
  positionSeconds: Int, completedAt: N(S), bestAttempt: N(Type.Object({ scorePct: Int, passed: Bool, at: S })),
  prevLessonId: N(S), nextLessonId: N(S),
});
export const ProgressBody = body({ positionSeconds: Type.Integer({ minimum: 0, maximum: 36000 }), completed: Type.Optional(Type.Boolean()) });
export const ProgressView = Type.Object({ lessonId: S, positionSeconds: Int, completedAt: N(S) });
export const AttemptBody = body({ answers: Type.Array(Type.Array(Type.Integer({ minimum: 0, maximum: 5 }), { maxItems: 6 }), { minItems: 1, maxItems: 50 }) });
export const AttemptView = Type.Object({ scorePct: Int, passed: Bool, passPct: Int, correct: Type.Array(Bool), rightCount: Int, questionCount: Int });

// ---- cohorts --------------------------------------------------------------------------------------
const cohortFields = {
  id: S, countyCode: S, countyName: N(S), courseId: S, courseTitle: S, name: S, startsOn: S, endsOn: S, placeKind: lit(PLACE_KINDS),
  placeTownshipCode: N(S), placeTownshipName: N(S), placeDetail: S, capacity: Int, enrolledCount: Int, seatsLeft: Int, waitlistCount: Int,
  status: lit(COHORT_STATUSES), instructor: N(Type.Object({ userId: S, name: S })),
};
const StaffView = Type.Object({ userId: S, name: S, role: lit(STAFF_ROLES) });
export const CohortView = Type.Object({ ...cohortFields, staff: Type.Array(StaffView) });
export const CohortList = Type.Object({ items: Type.Array(CohortView) });
export const OpenCohortList = Type.Object({ items: Type.Array(Type.Object(cohortFields)) });
const enrolmentFields = {
  id: S, cohortId: S, courseId: S, status: lit(ENROLMENT_STATUSES), name: S, gender: lit(GENDERS), birthYear: Int, ageBand: lit(AGE_BANDS),
  townshipCode: S, appliedAt: S, enrolledAt: N(S), waitlistedAt: N(S), promotedAt: N(S), withdrawnAt: N(S),
};
export const CohortPublicView = Type.Object({
  ...cohortFields, courseDescription: S, staff: Type.Array(StaffView), isStaff: Bool,
  myEnrolment: N(Type.Object({ ...enrolmentFields, waitlistPosition: N(Int) })),
});
export const CohortBody = body({
  courseId: Id('the course taught'), name: Title, startsOn: DateString, endsOn: DateString, placeKind: lit(PLACE_KINDS),
  placeTownshipCode: Type.Optional(N(Type.String({ pattern: '^[0-9]{9}$', description: '9-digit township code (township_hall)' }))),
  placeDetail: Type.Optional(Type.String({ maxLength: 200 })), capacity: Type.Integer({ minimum: 1, maximum: 1000 }),
  instructorUserId: Type.Optional(Id('the instructor (a user id)')),
  instructorPhone: Type.Optional(Type.String({ pattern: PHONE_PATTERN, description: 'or the account phone of the instructor' })),
});
export const CohortPatch = body({
  name: Type.Optional(Title), startsOn: Type.Optional(DateString), endsOn: Type.Optional(DateString), placeKind: Type.Optional(lit(PLACE_KINDS)),
  placeTownshipCode: Type.Optional(N(Type.String({ pattern: '^[0-9]{9}$' }))), placeDetail: Type.Optional(Type.String({ maxLength: 200 })),
  capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), status: Type.Optional(lit(COHORT_STATUSES)),
});
export const EnrolBody = body({
  name: Type.String({ minLength: 1, maxLength: 40, description: 'real name' }), gender: lit(GENDERS),
  birthYear: Type.Integer({ minimum: 1900, maximum: 2100 }), townshipCode: Type.String({ pattern: '^[0-9]{9}$', description: 'the 9-digit township (乡镇) code where the person lives' }),
});
export const EnrolmentView = Type.Object({ ...enrolmentFields, alreadyEnrolled: Bool });
export const WithdrawBody = body({ reason: Type.Optional(Type.String({ maxLength: 200 })) });
export const WithdrawView = Type.Object({ id: S, status: Type.Literal('withdrawn'), promotedUserId: N(S) });
export const RosterView = Type.Object({
  cohortId: S, meetingCount: Int, lessonCount: Int,
  items: Type.Array(Type.Object({ ...enrolmentFields, userId: S, phone: S, townshipName: N(S), waitlistPosition: N(Int), attended: Int, completedLessons: Int, certNo: N(S) })),
});
export const StaffBody = body({ phone: Type.String({ pattern: PHONE_PATTERN, description: 'the account phone of the instructor or mentor' }), role: lit(STAFF_ROLES) });

export const MeetingBody = body({ title: Title, startsAt: Type.String({ format: 'date-time' }), endsAt: Type.String({ format: 'date-time' }) });
const MeetingView = Type.Object({ id: S, cohortId: S, title: S, startsAt: S, endsAt: S, attendedCount: Int, checkedInAt: N(S) });
export const MeetingOne = MeetingView;
export const MeetingList = Type.Object({ items: Type.Array(MeetingView) });
export const QrView = Type.Object({
  meetingId: S, cohortId: S, cohortName: S, title: S, startsAt: S, endsAt: S, code: S, url: S, svg: S, slotSeconds: Int, expiresAt: S, refreshInMs: Int,
  attendedCount: Int, enrolledCount: Int,
});
export const CheckinBody = body({ code: Type.String({ minLength: 1, maxLength: 100, description: 'the code from the scanned QR link' }) });
export const CheckinView = Type.Object({ meetingId: S, cohortId: S, title: S, checkedInAt: S, alreadyCheckedIn: Bool });
export const ManualAttendanceBody = body({ userId: Id('the trainee') });
export const AttendanceView = Type.Object({ meetingId: S, title: S, items: Type.Array(Type.Object({ userId: S, name: S, checkedInAt: N(S), method: N(lit(['qr', 'manual'] as const)) })) });

// ---- practice and assignments ---------------------------------------------------------------------
const practiceFields = { sessionId: S, cohortId: S, userId: S, title: S, note: S, submittedAt: S, reviewedAt: N(S), reviewSummary: S };
export const ShareBody = body({ sessionId: Id('a practice live session of mine'), cohortId: Id('a cohort I hold a seat in'), note: Type.Optional(Type.String({ maxLength: 500 })) });
export const PracticeSummary = Type.Object(practiceFields);
export const MyPractice = Type.Object({
  items: Type.Array(PracticeSummary),
  unshared: Type.Array(Type.Object({ sessionId: S, title: S, status: S, scheduledStart: S })),
});
export const CohortPractice = Type.Object({
  cohortId: S,
  items: Type.Array(Type.Object({
    sessionId: S, userId: S, traineeName: S, title: S, sessionStatus: S, startedAt: N(S), endedAt: N(S), note: S, submittedAt: S, reviewedAt: N(S), reviewSummary: S, feedbackCount: Int,
  })),
});
const FeedbackView = Type.Object({ id: S, atSecond: Int, text: S, authorUserId: S, authorName: S, createdAt: S });
export const FeedbackOne = FeedbackView;
export const PracticeDetail = Type.Object({
  ...practiceFields, cohortName: S, traineeName: S, sessionStatus: S, scheduledStart: S, startedAt: N(S), endedAt: N(S), hasReplay: Bool,
  durationSeconds: N(Int), canReview: Bool, feedback: Type.Array(FeedbackView),
});
export const FeedbackBody = body({ atSecond: Type.Integer({ minimum: 0, maximum: 86400, description: 'second of the session the note is about' }), text: Type.String({ minLength: 1, maxLength: 1000 }) });
export const ReviewPracticeBody = body({ summary: Type.String({ maxLength: 2000 }) });

export const AssignmentBody = body({ title: Title, instructions: Type.Optional(Type.String({ maxLength: 2000 })) });
export const AssignmentView = Type.Object({ id: S, title: S, instructions: S });
const SubmissionView = Type.Object({
  id: S, assignmentId: S, cohortId: S, userId: S, status: lit(SUBMISSION_STATUSES), comment: S, reviewedAt: N(S), createdAt: S, videoUrl: S, traineeName: S, assignmentTitle: S,
});
export const SubmissionOne = SubmissionView;
export const SubmissionList = Type.Object({ items: Type.Array(SubmissionView) });
export const ReviewSubmissionBody = body({ verdict: lit(['pass', 'redo'] as const), comment: Type.Optional(Type.String({ maxLength: 1000 })) });

// ---- certification ------------------------------------------------------------------------------------
const Evaluation = {
  attendance: Type.Object({ attended: Int, meetings: Int, pct: Int, requiredPct: Int, met: Bool }),
  lessons: Type.Object({ completed: Int, total: Int, required: Bool, met: Bool }),
  quizzes: Type.Object({ passed: Int, total: Int, required: Bool, met: Bool }),
  practice: Type.Object({ reviewed: Int, required: Int, met: Bool }),
  eligible: Bool,
  missing: Type.Array(Type.Object({ code: lit(['attendance', 'lessons', 'quizzes', 'practice'] as const), detail: S })),
};
const CertBrief = Type.Object({ certNo: S, issuedAt: S, hostGrantedAt: N(S) });
export const CertQueue = Type.Object({
  cohortId: S, cohortName: S, courseTitle: S, canCertify: Bool,
  items: Type.Array(Type.Object({ userId: S, enrolmentId: S, name: S, ...Evaluation, certificate: N(CertBrief) })),
});
export const CertifyBody = body({ userId: Id('the trainee to certify') });
export const CertificateView = Type.Object({
  id: S, certNo: S, countyCode: S, courseId: S, cohortId: S, userId: S, holderName: S, issuedAt: S, hostGrantedAt: N(S), verifyUrl: S,
  alreadyHeldHostRole: Type.Optional(Bool),
});
export const PublicCertificate = Type.Object({
  certNo: S, valid: Bool, holderName: S, courseTitle: S, cohortName: S, startsOn: S, endsOn: S, countyCode: S, countyName: N(S), centerName: N(S),
  issuedAt: S, verifyUrl: S, qrSvg: S,
});
export const MyTraining = Type.Object({
  items: Type.Array(Type.Object({
    enrolmentId: S, status: lit(ENROLMENT_STATUSES), cohortId: S, cohortName: S, courseId: S, courseTitle: S, startsOn: S, endsOn: S, placeDetail: S,
    progress: N(Type.Object(Evaluation)), certificate: N(CertBrief),
  })),
});
export const MediaFile = Type.String({ format: 'binary', description: 'the bytes (206 with Content-Range for a Range request)' });

import { Type, type TString } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Deps, ctxFromRequest } from '../../context.js';
import { receiveUpload } from '../files/index.js';
import type { Role } from '../../platform/http/access.js';
import * as courses from './courses.service.js';
import * as cohorts from './cohorts.service.js';
import * as practice from './practice.service.js';
import * as cert from './certification.service.js';
import * as S from './training.schema.js';
import { COURSE_STATUSES, SUBMISSION_STATUSES } from './training.tables.js';

const CENTER = ['center_admin', 'operator'] as const satisfies readonly Role[];
const tags = ['training'];
const params = <K extends string>(...names: K[]) => Type.Object(Object.fromEntries(names.map((n) => [n, S.Id(n)])) as Record<K, TString>);
const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export function trainingRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const ctx = (req: FastifyRequest) => ctxFromRequest(deps, req);

    // ---- courses (console) -----------------------------------------------------------------------
    app.get('/training/courses', {
      config: { access: CENTER },
      schema: { tags, summary: "Courses of my counties (drafts, published, archived) with lesson and enrolment counts", querystring: Type.Object({ countyCode: Type.Optional(S.CountyCode), status: Type.Optional(lit(COURSE_STATUSES)) }), response: { 200: S.CourseList } },
    }, async (req) => courses.listCourses(ctx(req), req.query));

    app.post('/training/courses', {
      config: { access: CENTER },
      schema: { tags, summary: 'Create a course (draft) with its completion rules', body: S.CourseBody, response: { 201: S.CourseView } },
    }, async (req, reply) => reply.status(201).send(await courses.createCourse(ctx(req), req.body)));

    app.patch('/training/courses/:courseId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Edit a course: title, description, completion rules', params: params('courseId'), body: S.CoursePatch, response: { 200: S.CourseView } },
    }, async (req) => courses.updateCourse(ctx(req), req.params.courseId, req.body));

    app.post('/training/courses/:courseId/publish', {
      config: { access: CENTER },
      schema: { tags, summary: 'Publish a course (needs a lesson); also brings an archived course back', params: params('courseId'), response: { 200: S.CourseView } },
    }, async (req) => courses.setCourseStatus(ctx(req), req.params.courseId, 'published'));

    app.post('/training/courses/:courseId/archive', {
      config: { access: CENTER },
      schema: { tags, summary: 'Archive a course: every record is kept, no new cohorts', params: params('courseId'), response: { 200: S.CourseView } },
    }, async (req) => courses.setCourseStatus(ctx(req), req.params.courseId, 'archived'));

    app.delete('/training/courses/:courseId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Delete a course nobody enrolled in (409 course_has_enrolments otherwise: archive it)', params: params('courseId'), response: { 204: Type.Null() } },
    }, async (req, reply) => { await courses.deleteCourse(ctx(req), req.params.courseId); return reply.status(204).send(null); });

    app.post('/training/courses/:courseId/modules', {
      config: { access: CENTER },
      schema: { tags, summary: 'Add a module to a course', params: params('courseId'), body: S.ModuleBody, response: { 201: S.ModuleView } },
    }, async (req, reply) => reply.status(201).send(await courses.createModule(ctx(req), req.params.courseId, req.body)));

    app.patch('/training/modules/:moduleId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Rename or reorder a module', params: params('moduleId'), body: S.ModulePatch, response: { 200: S.ModuleView } },
    }, async (req) => courses.updateModule(ctx(req), req.params.moduleId, req.body));

    app.delete('/training/modules/:moduleId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Delete an empty module', params: params('moduleId'), response: { 204: Type.Null() } },
    }, async (req, reply) => { await courses.deleteModule(ctx(req), req.params.moduleId); return reply.status(204).send(null); });

    app.post('/training/modules/:moduleId/lessons', {
      config: { access: CENTER },
      schema: { tags, summary: 'Add a lesson (video, text, file or quiz) to a module', params: params('moduleId'), body: S.LessonBody, response: { 201: S.LessonEditorView } },
    }, async (req, reply) => reply.status(201).send(await courses.createLesson(ctx(req), req.params.moduleId, req.body)));

    app.get('/training/lessons/:lessonId/edit', {
      config: { access: CENTER },
      schema: { tags, summary: "A lesson as the editor sees it (with the quiz's answers)", params: params('lessonId'), response: { 200: S.LessonEditorView } },
    }, async (req) => courses.lessonForEditor(ctx(req), req.params.lessonId));

    app.patch('/training/lessons/:lessonId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Edit a lesson', params: params('lessonId'), body: S.LessonPatch, response: { 200: S.LessonEditorView } },
    }, async (req) => courses.updateLesson(ctx(req), req.params.lessonId, req.body));

    app.delete('/training/lessons/:lessonId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Delete a lesson nobody has studied yet', params: params('lessonId'), response: { 204: Type.Null() } },
    }, async (req, reply) => { await courses.deleteLesson(ctx(req), req.params.lessonId); return reply.status(204).send(null); });

    app.put('/training/lessons/:lessonId/file', {
      config: { access: CENTER },
      schema: { tags, summary: "Upload a lesson's video (mp4/webm, up to VIDEO_UPLOAD_MAX_BYTES) or file (PDF/image); multipart field \"file\"", consumes: ['multipart/form-data'], params: params('lessonId'), response: { 200: S.LessonEditorView } },
    }, async (req) => {
      return courses.uploadLessonFile(ctx(req), req.params.lessonId, (purpose) => receiveUpload(req, deps, purpose, deps.config.videoUploadMaxBytes));
    });

    app.put('/training/lessons/:lessonId/quiz', {
      config: { access: CENTER },
      schema: { tags, summary: "Set a quiz lesson's questions and pass mark", params: params('lessonId'), body: S.QuizBody, response: { 200: S.LessonEditorView } },
    }, async (req) => courses.setQuiz(ctx(req), req.params.lessonId, req.body));

    app.post('/training/courses/:courseId/assignments', {
      config: { access: CENTER },
      schema: { tags, summary: 'Add a short-video assignment to a course', params: params('courseId'), body: S.AssignmentBody, response: { 201: S.AssignmentView } },
    }, async (req, reply) => reply.status(201).send(await practice.createAssignment(ctx(req), req.params.courseId, req.body)));

    // ---- studying (phone) ---------------------------------------------------------------------------
    app.get('/training/catalog', {
      config: { access: 'public' },
      schema: { tags, summary: 'Published courses (free and open), with my completed lessons when signed in', querystring: Type.Object({ countyCode: Type.Optional(S.CountyCode) }), response: { 200: S.PublishedCourseList } },
    }, async (req) => courses.listPublishedCourses(ctx(req), req.query.countyCode));

    app.get('/training/courses/:courseId', {
      config: { access: 'public' },
      schema: { tags, summary: 'A course with its modules and lessons (drafts only for its center), and my progress when signed in', params: params('courseId'), response: { 200: S.CourseDetail } },
    }, async (req) => courses.getCourse(ctx(req), req.params.courseId));

    app.get('/training/lessons/:lessonId', {
      config: { access: 'user' },
      schema: { tags, summary: 'A lesson to study: text, media link, quiz without answers, my progress and best attempt', params: params('lessonId'), response: { 200: S.LessonView } },
    }, async (req) => courses.getLesson(ctx(req), req.params.lessonId));

    app.get('/training/lessons/:lessonId/media', {
      config: { access: 'user' },
      schema: { tags, summary: "The lesson's video or file from the platform's storage, with HTTP Range support", params: params('lessonId'), produces: ['video/mp4', 'video/webm', 'application/pdf', 'image/*'] },
    }, async (req, reply) => courses.lessonMedia(ctx(req), req, reply, req.params.lessonId));

    app.put('/training/lessons/:lessonId/progress', {
      config: { access: 'user' },
      schema: { tags, summary: 'Save where I am in a lesson, or mark it completed (a quiz completes by passing)', params: params('lessonId'), body: S.ProgressBody, response: { 200: S.ProgressView } },
    }, async (req) => courses.saveProgress(ctx(req), req.params.lessonId, req.body));

    app.post('/training/lessons/:lessonId/quiz-attempts', {
      config: { access: 'user' },
      schema: { tags, summary: 'Answer a quiz: marked at once; passing completes the lesson', params: params('lessonId'), body: S.AttemptBody, response: { 200: S.AttemptView } },
    }, async (req) => courses.attemptQuiz(ctx(req), req.params.lessonId, req.body));

    app.get('/training/me', {
      config: { access: 'user' },
      schema: { tags, summary: 'My enrolments, where I stand against the completion rules, my certificates', response: { 200: S.MyTraining } },
    }, async (req) => cert.myTraining(ctx(req)));

    // ---- cohorts --------------------------------------------------------------------------------------
    app.get('/training/cohorts', {
      config: { access: 'user' },
      schema: { tags, summary: 'Cohorts of my counties (center), or with ?mine=true those I teach or mentor', querystring: Type.Object({ countyCode: Type.Optional(S.CountyCode), courseId: Type.Optional(S.Id('course')), mine: Type.Optional(Type.Boolean()) }), response: { 200: S.CohortList } },
    }, async (req) => cohorts.listCohorts(ctx(req), req.query));

    app.get('/training/open-cohorts', {
      config: { access: 'public' },
      schema: { tags, summary: 'Cohorts taking enrolments (open, not ended), with seats left', querystring: Type.Object({ countyCode: Type.Optional(S.CountyCode) }), response: { 200: S.OpenCohortList } },
    }, async (req) => cohorts.listOpenCohorts(ctx(req), req.query.countyCode));

    app.post('/training/cohorts', {
      config: { access: CENTER },
      schema: { tags, summary: 'Open a cohort (开班): dates, place, capacity, instructor', body: S.CohortBody, response: { 201: S.CohortView } },
    }, async (req, reply) => reply.status(201).send(await cohorts.createCohort(ctx(req), req.body)));

    app.get('/training/cohorts/:cohortId', {
      config: { access: 'public' },
      schema: { tags, summary: 'A cohort as the enrolment page shows it, with my enrolment and waitlist place when signed in', params: params('cohortId'), response: { 200: S.CohortPublicView } },
    }, async (req) => cohorts.getCohort(ctx(req), req.params.cohortId));

    app.patch('/training/cohorts/:cohortId', {
      config: { access: CENTER },
      schema: { tags, summary: 'Edit a cohort; raising the capacity seats the waitlist in order, lowering it below the seats taken is refused', params: params('cohortId'), body: S.CohortPatch, response: { 200: S.CohortView } },
    }, async (req) => cohorts.updateCohort(ctx(req), req.params.cohortId, req.body));

    app.post('/training/cohorts/:cohortId/staff', {
      config: { access: CENTER },
      schema: { tags, summary: 'Add an instructor or mentor by phone (one instructor: the previous one stays as a mentor)', params: params('cohortId'), body: S.StaffBody, response: { 200: Type.Object({ userId: Type.String(), name: Type.String(), role: Type.String() }) } },
    }, async (req) => cohorts.addStaff(ctx(req), req.params.cohortId, req.body));

    app.delete('/training/cohorts/:cohortId/staff/:userId', {
      config: { access: CENTER },
      schema: { tags, summary: "Remove a mentor (they stop seeing the cohort's practice sessions)", params: params('cohortId', 'userId'), response: { 204: Type.Null() } },
    }, async (req, reply) => { await cohorts.removeStaff(ctx(req), req.params.cohortId, req.params.userId); return reply.status(204).send(null); });

    app.post('/training/cohorts/:cohortId/enrol', {
      config: { access: 'user' },
      schema: { tags, summary: 'Enrol (no entry requirement): a seat while there is one, otherwise the waitlist; grants the trainee role in the county', params: params('cohortId'), body: S.EnrolBody, response: { 200: S.EnrolmentView } },
    }, async (req) => cohorts.enrol(ctx(req), req.params.cohortId, req.body));

    app.post('/training/enrolments/:enrolmentId/withdraw', {
      config: { access: 'user' },
      schema: { tags, summary: 'Withdraw (the person or the center); the seat goes to the first on the waitlist', params: params('enrolmentId'), body: S.WithdrawBody, response: { 200: S.WithdrawView } },
    }, async (req) => cohorts.withdraw(ctx(req), req.params.enrolmentId, req.body));

    app.get('/training/cohorts/:cohortId/roster', {
      config: { access: 'user' },
      schema: { tags, summary: "The cohort's people (seats and waitlist in order) with attendance and progress, for its staff and center", params: params('cohortId'), response: { 200: S.RosterView } },
    }, async (req) => cohorts.roster(ctx(req), req.params.cohortId));

    // ---- meetings and attendance -------------------------------------------------------------------------
    app.post('/training/cohorts/:cohortId/meetings', {
      config: { access: CENTER },
      schema: { tags, summary: 'Schedule a class meeting', params: params('cohortId'), body: S.MeetingBody, response: { 201: S.MeetingOne } },
    }, async (req, reply) => reply.status(201).send(await cohorts.createMeeting(ctx(req), req.params.cohortId, req.body)));

    app.get('/training/cohorts/:cohortId/meetings', {
      config: { access: 'user' },
      schema: { tags, summary: "The cohort's class meetings (staff: head counts; trainee: my check-ins)", params: params('cohortId'), response: { 200: S.MeetingList } },
    }, async (req) => cohorts.listMeetings(ctx(req), req.params.cohortId));

    app.get('/training/meetings/:meetingId/qr', {
      config: { access: 'user' },
      schema: { tags, summary: "The meeting's check-in QR for the instructor's screen; changes every 30 s (ask again after refreshInMs)", params: params('meetingId'), response: { 200: S.QrView } },
    }, async (req, reply) => { reply.header('cache-control', 'no-store'); return cohorts.meetingQr(ctx(req), req.params.meetingId); });

    app.post('/training/meetings/:meetingId/checkin', {
      config: { access: 'user' },
      schema: { tags, summary: 'Check in with the scanned code (current or previous 30-s code only); a second check-in answers the first', params: params('meetingId'), body: S.CheckinBody, response: { 200: S.CheckinView } },
    }, async (req) => cohorts.checkIn(ctx(req), req.params.meetingId, req.body));

    app.get('/training/meetings/:meetingId/attendance', {
      config: { access: 'user' },
      schema: { tags, summary: "Who checked in to a meeting (the cohort's staff and center)", params: params('meetingId'), response: { 200: S.AttendanceView } },
    }, async (req) => cohorts.meetingAttendance(ctx(req), req.params.meetingId));

    app.post('/training/meetings/:meetingId/attendance', {
      config: { access: 'user' },
      schema: { tags, summary: 'Record a check-in by hand (staff), idempotent', params: params('meetingId'), body: S.ManualAttendanceBody, response: { 200: S.AttendanceView } },
    }, async (req) => cohorts.recordAttendance(ctx(req), req.params.meetingId, req.body));

    // ---- practice --------------------------------------------------------------------------------------------
    app.post('/training/practice', {
      config: { access: 'user' },
      schema: { tags, summary: "Share one of my practice live sessions with my cohort's mentors", body: S.ShareBody, response: { 200: S.PracticeSummary } },
    }, async (req) => practice.sharePractice(ctx(req), req.body));

    app.get('/training/practice', {
      config: { access: 'user' },
      schema: { tags, summary: 'My shared practice sessions, and my practice sessions not shared yet', response: { 200: S.MyPractice } },
    }, async (req) => practice.myPractice(ctx(req)));

    app.get('/training/cohorts/:cohortId/practice', {
      config: { access: 'user' },
      schema: { tags, summary: "Practice sessions shared with a cohort (its instructor, mentors and center; anyone else 404)", params: params('cohortId'), response: { 200: S.CohortPractice } },
    }, async (req) => practice.listCohortPractice(ctx(req), req.params.cohortId));

    app.get('/training/practice/:sessionId', {
      config: { access: 'user' },
      schema: { tags, summary: 'A shared practice session with its timestamped feedback', params: params('sessionId'), response: { 200: S.PracticeDetail } },
    }, async (req) => practice.getPractice(ctx(req), req.params.sessionId));

    app.post('/training/practice/:sessionId/feedback', {
      config: { access: 'user' },
      schema: { tags, summary: 'Leave timestamped feedback (at second N: text) on a practice session', params: params('sessionId'), body: S.FeedbackBody, response: { 201: S.FeedbackOne } },
    }, async (req, reply) => reply.status(201).send(await practice.addFeedback(ctx(req), req.params.sessionId, req.body)));

    app.post('/training/practice/:sessionId/review', {
      config: { access: 'user' },
      schema: { tags, summary: 'Finish the review of a practice session (counts towards certification); once', params: params('sessionId'), body: S.ReviewPracticeBody, response: { 200: S.PracticeSummary } },
    }, async (req) => practice.reviewPractice(ctx(req), req.params.sessionId, req.body));

    // ---- assignments -------------------------------------------------------------------------------------------
    app.post('/training/assignments/:assignmentId/submissions', {
      config: { access: 'user' },
      schema: { tags, summary: 'Hand in a short video (mp4/webm/mov) for an assignment; multipart field "file"', consumes: ['multipart/form-data'], params: params('assignmentId'), querystring: Type.Object({ cohortId: S.Id('my cohort') }), response: { 201: S.SubmissionOne } },
    }, async (req, reply) => {
      // The checks come before the body is taken in.
      const receive = () => receiveUpload(req, deps, 'assignment_video', deps.config.videoUploadMaxBytes);
      return reply.status(201).send(await practice.submitAssignment(ctx(req), req.params.assignmentId, req.query.cohortId, receive));
    });

    app.get('/training/submissions', {
      config: { access: 'user' },
      schema: { tags, summary: 'My assignment submissions and their reviews', response: { 200: S.SubmissionList } },
    }, async (req) => practice.mySubmissions(ctx(req)));

    app.get('/training/cohorts/:cohortId/submissions', {
      config: { access: 'user' },
      schema: { tags, summary: "A cohort's assignment submissions (its staff and center)", params: params('cohortId'), querystring: Type.Object({ status: Type.Optional(lit(SUBMISSION_STATUSES)) }), response: { 200: S.SubmissionList } },
    }, async (req) => practice.listSubmissions(ctx(req), req.params.cohortId, req.query.status));

    app.get('/training/submissions/:submissionId/video', {
      config: { access: 'user' },
      schema: { tags, summary: 'The submitted video (its trainee, the cohort staff and center), with HTTP Range support', params: params('submissionId'), produces: ['video/mp4', 'video/webm', 'video/quicktime'] },
    }, async (req, reply) => practice.submissionVideo(ctx(req), req, reply, req.params.submissionId));

    app.post('/training/submissions/:submissionId/review', {
      config: { access: 'user' },
      schema: { tags, summary: 'Pass a submission, or ask for a redo with a comment; once', params: params('submissionId'), body: S.ReviewSubmissionBody, response: { 200: S.SubmissionOne } },
    }, async (req) => practice.reviewSubmission(ctx(req), req.params.submissionId, req.body));

    // ---- certification ----------------------------------------------------------------------------------------------
    app.get('/training/cohorts/:cohortId/certification', {
      config: { access: 'user' },
      schema: { tags, summary: 'The certification queue: each seated trainee against the completion rules', params: params('cohortId'), response: { 200: S.CertQueue } },
    }, async (req) => cert.certificationQueue(ctx(req), req.params.cohortId));

    app.post('/training/cohorts/:cohortId/certificates', {
      config: { access: CENTER },
      schema: { tags, summary: 'Certify a trainee who meets every rule (422 requirements_not_met lists what is missing)', params: params('cohortId'), body: S.CertifyBody, response: { 201: S.CertificateView } },
    }, async (req, reply) => reply.status(201).send(await cert.certify(ctx(req), req.params.cohortId, req.body.userId)));

    app.post('/training/certificates/:certNo/grant-host', {
      config: { access: CENTER },
      schema: { tags, summary: 'Grant the certified trainee the host role in the county (one click, audited, once)', params: params('certNo'), response: { 200: S.CertificateView } },
    }, async (req) => cert.grantHostRole(ctx(req), req.params.certNo));

    app.get('/training/certificates/:certNo', {
      config: { access: 'public' },
      schema: { tags, summary: 'Verify a certificate by its number (public; the name partly masked) with a verification QR', params: params('certNo'), response: { 200: S.PublicCertificate } },
    }, async (req) => cert.publicCertificate(ctx(req), req.params.certNo));
  };
}

/** The training API (src/modules/training) as the web app uses it. */
import { api } from '../../api/client';

export type LessonKind = 'video' | 'text' | 'file' | 'quiz';
export type EnrolmentStatus = 'enrolled' | 'waitlisted' | 'withdrawn';
export interface Rules { minAttendancePct: number; allLessons: boolean; quizzesPassed: boolean; minReviewedPractice: number }
export interface Course {
  id: string; countyCode: string; title: string; description: string; status: 'draft' | 'published' | 'archived'; rules: Rules;
  createdAt: string; updatedAt: string; archivedAt: string | null; lessonCount?: number; enrolledCount?: number; completedLessons?: number;
}
export interface LessonSummary {
  id: string; moduleId: string; position: number; kind: LessonKind; title: string; durationSeconds: number; hasFile: boolean; questionCount: number; quizPassPct: number;
  positionSeconds: number; completedAt: string | null;
}
export interface CourseDetail extends Course {
  canEdit: boolean; lessonCount: number; completedLessons: number;
  modules: { id: string; position: number; title: string; lessons: LessonSummary[] }[];
  assignments: { id: string; title: string; instructions: string }[];
}
export interface QuizQuestion { prompt: string; options: string[]; correct: number[] }
export interface LessonEditor extends Omit<LessonSummary, 'positionSeconds' | 'completedAt'> { body: string; quiz: QuizQuestion[]; fileId: string | null }
export interface Lesson extends Omit<LessonSummary, 'moduleId'> {
  moduleId: string; courseId: string; courseTitle: string; body: string;
  media: { url: string; contentType: string; sizeBytes: number } | null;
  quiz: { prompt: string; options: string[]; multiple: boolean }[];
  bestAttempt: { scorePct: number; passed: boolean; at: string } | null;
  prevLessonId: string | null; nextLessonId: string | null;
}
export interface Attempt { scorePct: number; passed: boolean; passPct: number; correct: boolean[]; rightCount: number; questionCount: number }
export interface Cohort {
  id: string; countyCode: string; countyName: string | null; courseId: string; courseTitle: string; name: string; startsOn: string; endsOn: string;
  placeKind: 'studio' | 'township_hall'; placeTownshipCode: string | null; placeTownshipName: string | null; placeDetail: string;
  capacity: number; enrolledCount: number; seatsLeft: number; waitlistCount: number; status: 'open' | 'closed' | 'archived';
  instructor: { userId: string; name: string } | null; staff?: { userId: string; name: string; role: 'instructor' | 'mentor' }[];
}
export interface Enrolment {
  id: string; cohortId: string; courseId: string; status: EnrolmentStatus; name: string; gender: 'female' | 'male'; birthYear: number; ageBand: 'under_25' | '25_34' | '35_44' | '45_54' | '55_plus';
  townshipCode: string; appliedAt: string; enrolledAt: string | null; waitlistedAt: string | null; promotedAt: string | null; withdrawnAt: string | null;
}
export interface CohortPublic extends Cohort { courseDescription: string; isStaff: boolean; myEnrolment: (Enrolment & { waitlistPosition: number | null }) | null }
export interface RosterRow extends Enrolment { userId: string; phone: string; townshipName: string | null; waitlistPosition: number | null; attended: number; completedLessons: number; certNo: string | null }
export interface Meeting { id: string; cohortId: string; title: string; startsAt: string; endsAt: string; attendedCount: number; checkedInAt: string | null }
export interface Qr { meetingId: string; cohortId: string; cohortName: string; title: string; code: string; url: string; svg: string; refreshInMs: number; attendedCount: number; enrolledCount: number; expiresAt: string }
export interface PracticeRow { sessionId: string; userId: string; traineeName: string; title: string; sessionStatus: string; startedAt: string | null; endedAt: string | null; note: string; submittedAt: string; reviewedAt: string | null; reviewSummary: string; feedbackCount: number }
export interface Feedback { id: string; atSecond: number; text: string; authorUserId: string; authorName: string; createdAt: string }
export interface PracticeDetail {
  sessionId: string; cohortId: string; userId: string; title: string; note: string; submittedAt: string; reviewedAt: string | null; reviewSummary: string;
  cohortName: string; traineeName: string; sessionStatus: string; scheduledStart: string; startedAt: string | null; endedAt: string | null; hasReplay: boolean;
  durationSeconds: number | null; canReview: boolean; feedback: Feedback[];
}
export interface Submission { id: string; assignmentId: string; cohortId: string; userId: string; status: 'submitted' | 'passed' | 'redo'; comment: string; reviewedAt: string | null; createdAt: string; videoUrl: string; traineeName: string; assignmentTitle: string }
export interface Evaluation {
  attendance: { attended: number; meetings: number; pct: number; requiredPct: number; met: boolean };
  lessons: { completed: number; total: number; required: boolean; met: boolean };
  quizzes: { passed: number; total: number; required: boolean; met: boolean };
  practice: { reviewed: number; required: number; met: boolean };
  eligible: boolean;
  missing: { code: 'attendance' | 'lessons' | 'quizzes' | 'practice'; detail: string }[];
}
export interface CertBrief { certNo: string; issuedAt: string; hostGrantedAt: string | null }
export interface QueueRow extends Evaluation { userId: string; enrolmentId: string; name: string; certificate: CertBrief | null }
export interface PublicCert { certNo: string; valid: boolean; holderName: string; courseTitle: string; cohortName: string; startsOn: string; endsOn: string; countyName: string | null; centerName: string | null; issuedAt: string; verifyUrl: string; qrSvg: string }
export interface MyItem { enrolmentId: string; status: EnrolmentStatus; cohortId: string; cohortName: string; courseId: string; courseTitle: string; startsOn: string; endsOn: string; placeDetail: string; progress: Evaluation | null; certificate: CertBrief | null }

const T = '/training';
export const trainingApi = {
  catalog: (countyCode?: string) => api.get<{ items: Course[] }>(`${T}/catalog`, { countyCode }),
  openCohorts: (countyCode?: string) => api.get<{ items: Cohort[] }>(`${T}/open-cohorts`, { countyCode }),
  course: (id: string) => api.get<CourseDetail>(`${T}/courses/${id}`),
  lesson: (id: string) => api.get<Lesson>(`${T}/lessons/${id}`),
  progress: (id: string, positionSeconds: number, completed?: boolean) => api.put<{ completedAt: string | null }>(`${T}/lessons/${id}/progress`, { positionSeconds, ...(completed ? { completed } : {}) }),
  attempt: (id: string, answers: number[][]) => api.post<Attempt>(`${T}/lessons/${id}/quiz-attempts`, { answers }),
  cohort: (id: string) => api.get<CohortPublic>(`${T}/cohorts/${id}`),
  enrol: (id: string, body: { name: string; gender: 'female' | 'male'; birthYear: number; townshipCode: string }) => api.post<Enrolment & { alreadyEnrolled: boolean }>(`${T}/cohorts/${id}/enrol`, body),
  withdraw: (enrolmentId: string, reason?: string) => api.post<{ promotedUserId: string | null }>(`${T}/enrolments/${enrolmentId}/withdraw`, reason ? { reason } : {}),
  checkin: (meetingId: string, code: string) => api.post<{ title: string; checkedInAt: string; alreadyCheckedIn: boolean; cohortId: string }>(`${T}/meetings/${meetingId}/checkin`, { code }),
  me: () => api.get<{ items: MyItem[] }>(`${T}/me`),
  myPractice: () => api.get<{ items: { sessionId: string; cohortId: string; title: string; submittedAt: string; reviewedAt: string | null; reviewSummary: string }[]; unshared: { sessionId: string; title: string; status: string }[] }>(`${T}/practice`),
  share: (sessionId: string, cohortId: string) => api.post(`${T}/practice`, { sessionId, cohortId }),
  practice: (sessionId: string) => api.get<PracticeDetail>(`${T}/practice/${sessionId}`),
  mySubmissions: () => api.get<{ items: Submission[] }>(`${T}/submissions`),
  submit: (assignmentId: string, cohortId: string, file: File) => api.upload<Submission>('POST', `${T}/assignments/${assignmentId}/submissions?cohortId=${encodeURIComponent(cohortId)}`, file),
  certificate: (certNo: string) => api.get<PublicCert>(`${T}/certificates/${certNo}`),

  // console
  courses: () => api.get<{ items: Course[] }>(`${T}/courses`),
  createCourse: (body: { countyCode: string; title: string; description?: string }) => api.post<Course>(`${T}/courses`, body),
  updateCourse: (id: string, body: { title?: string; description?: string; rules?: Partial<Rules> }) => api.patch<Course>(`${T}/courses/${id}`, body),
  publish: (id: string) => api.post<Course>(`${T}/courses/${id}/publish`),
  archive: (id: string) => api.post<Course>(`${T}/courses/${id}/archive`),
  deleteCourse: (id: string) => api.delete<void>(`${T}/courses/${id}`),
  addModule: (courseId: string, title: string) => api.post(`${T}/courses/${courseId}/modules`, { title }),
  addLesson: (moduleId: string, body: { kind: LessonKind; title: string; body?: string; durationSeconds?: number }) => api.post<LessonEditor>(`${T}/modules/${moduleId}/lessons`, body),
  lessonEditor: (id: string) => api.get<LessonEditor>(`${T}/lessons/${id}/edit`),
  updateLesson: (id: string, body: { title?: string; body?: string; durationSeconds?: number }) => api.patch<LessonEditor>(`${T}/lessons/${id}`, body),
  deleteLesson: (id: string) => api.delete<void>(`${T}/lessons/${id}`),
  uploadLessonFile: (id: string, file: File) => api.upload<LessonEditor>('PUT', `${T}/lessons/${id}/file`, file),
  setQuiz: (id: string, passPct: number, questions: QuizQuestion[]) => api.put<LessonEditor>(`${T}/lessons/${id}/quiz`, { passPct, questions }),
  addAssignment: (courseId: string, title: string, instructions: string) => api.post(`${T}/courses/${courseId}/assignments`, { title, instructions }),
  cohorts: (mine: boolean) => api.get<{ items: Cohort[] }>(`${T}/cohorts`, mine ? { mine: true } : {}),
  createCohort: (body: Record<string, unknown>) => api.post<Cohort>(`${T}/cohorts`, body),
  updateCohort: (id: string, body: Record<string, unknown>) => api.patch<Cohort>(`${T}/cohorts/${id}`, body),
  roster: (id: string) => api.get<{ meetingCount: number; lessonCount: number; items: RosterRow[] }>(`${T}/cohorts/${id}/roster`),
  addStaff: (id: string, phone: string, role: 'instructor' | 'mentor') => api.post(`${T}/cohorts/${id}/staff`, { phone, role }),
  removeStaff: (id: string, userId: string) => api.delete<void>(`${T}/cohorts/${id}/staff/${userId}`),
  meetings: (id: string) => api.get<{ items: Meeting[] }>(`${T}/cohorts/${id}/meetings`),
  createMeeting: (id: string, body: { title: string; startsAt: string; endsAt: string }) => api.post<Meeting>(`${T}/cohorts/${id}/meetings`, body),
  attendance: (meetingId: string) => api.get<{ items: { userId: string; name: string; checkedInAt: string | null; method: 'qr' | 'manual' | null }[] }>(`${T}/meetings/${meetingId}/attendance`),
  markAttended: (meetingId: string, userId: string) => api.post(`${T}/meetings/${meetingId}/attendance`, { userId }),
  qr: (meetingId: string) => api.get<Qr>(`${T}/meetings/${meetingId}/qr`),
  cohortPractice: (id: string) => api.get<{ items: PracticeRow[] }>(`${T}/cohorts/${id}/practice`),
  feedback: (sessionId: string, atSecond: number, text: string) => api.post<Feedback>(`${T}/practice/${sessionId}/feedback`, { atSecond, text }),
  review: (sessionId: string, summary: string) => api.post(`${T}/practice/${sessionId}/review`, { summary }),
  submissions: (id: string) => api.get<{ items: Submission[] }>(`${T}/cohorts/${id}/submissions`),
  reviewSubmission: (id: string, verdict: 'pass' | 'redo', comment: string) => api.post<Submission>(`${T}/submissions/${id}/review`, { verdict, comment }),
  queue: (id: string) => api.get<{ canCertify: boolean; items: QueueRow[] }>(`${T}/cohorts/${id}/certification`),
  certify: (id: string, userId: string) => api.post<{ certNo: string }>(`${T}/cohorts/${id}/certificates`, { userId }),
  grantHost: (certNo: string) => api.post<{ hostGrantedAt: string }>(`${T}/certificates/${certNo}/grant-host`),
};

/** 95 → "1:35" */
export function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, isProblem } from '../../api/client';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { fieldMessages, problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { SmsLoginForm } from '../store/AuthForms';
import { PageHeader } from '../store/PageHeader';
import { EmptyState, ErrorState } from '../store/States';
import { useToast } from '../store/Toast';
import { mmss, trainingApi, type Attempt, type Evaluation, type Lesson, type LessonKind } from './trainingApi';
import './training.css';

function Loading() {
  const { t } = useI18n();
  return <div className="state" aria-busy="true">{t('common.loading')}</div>;
}

function kindLabel(kind: LessonKind, t: Translate) {
  return t(`tr.kind.${kind}`);
}

/** Sign-in by SMS code (a new number gets an account), shown where a page needs it. */
function SignInPanel({ why }: { why: string }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="learn-signin">
      <h2 id="learn-signin">{t('tr.signInTitle')}</h2>
      <p className="form-note">{why}</p>
      <SmsLoginForm />
    </section>
  );
}

/** /learn: cohorts taking enrolments and the published courses. */
export function LearnHomePage() {
  const { t } = useI18n();
  const { status } = useSession();
  const data = useAsync(async () => {
    const [cohorts, courses] = await Promise.all([trainingApi.openCohorts(), trainingApi.catalog()]);
    return { cohorts: cohorts.items, courses: courses.items };
  }, [status]);
  return (
    <>
      <PageHeader title={t('tr.learnTitle')} />
      {data.error ? <ErrorState error={data.error} onRetry={data.reload} /> : !data.data ? <Loading /> : (
        <>
          <section className="panel" aria-labelledby="open-cohorts">
            <h2 id="open-cohorts">{t('tr.openCohorts')}</h2>
            {data.data.cohorts.length === 0 ? <p className="muted">{t('tr.noOpenCohorts')}</p> : (
              <ul className="learn-list">
                {data.data.cohorts.map((c) => (
                  <li key={c.id}>
                    <Link className="learn-row" to={`/learn/cohorts/${c.id}`}>
                      <span className="grow">
                        <span className="learn-title">{c.name}</span>
                        <span className="muted" style={{ display: 'block' }}>{c.courseTitle} · {c.startsOn} ~ {c.endsOn}</span>
                      </span>
                      <span className={c.seatsLeft > 0 ? 'tag tag-green' : 'tag tag-grey'}>{c.seatsLeft > 0 ? t('tr.seatsLeft', { n: c.seatsLeft }) : t('tr.fullWaitlist')}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="panel" aria-labelledby="courses-h">
            <h2 id="courses-h">{t('tr.courses')}</h2>
            {data.data.courses.length === 0 ? <p className="muted">{t('tr.noCourses')}</p> : (
              <ul className="learn-list">
                {data.data.courses.map((c) => (
                  <li key={c.id}>
                    <Link className="learn-row" to={`/learn/courses/${c.id}`}>
                      <span className="grow">
                        <span className="learn-title">{c.title}</span>
                        <span className="muted" style={{ display: 'block' }}>{t('tr.lessonProgress', { done: c.completedLessons ?? 0, total: c.lessonCount ?? 0 })}</span>
                        <span className="learn-bar"><span style={{ width: `${c.lessonCount ? Math.round(((c.completedLessons ?? 0) * 100) / c.lessonCount) : 0}%` }} /></span>
                      </span>
                      <span className="chevron" aria-hidden="true">›</span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {status === 'signedIn' && <div style={{ padding: '0 8px 8px' }}><Link className="btn btn-block" to="/learn/me">{t('tr.myLearning')}</Link></div>}
        </>
      )}
    </>
  );
}

/** /learn/courses/:id: modules and lessons with my progress; assignments to hand in. */
export function LearnCoursePage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const { status } = useSession();
  const course = useAsync(() => trainingApi.course(id), [id, status]);
  const mine = useAsync(async () => (status === 'signedIn' ? (await trainingApi.me()).items : []), [status]);
  const subs = useAsync(async () => (status === 'signedIn' ? (await trainingApi.mySubmissions()).items : []), [status]);
  const toast = useToast();
  const c = course.data;
  const myCohort = mine.data?.find((m) => m.courseId === id && m.status === 'enrolled');
  const upload = async (assignmentId: string, file: File | undefined) => {
    if (!file || !myCohort) return;
    try {
      await trainingApi.submit(assignmentId, myCohort.cohortId, file);
      toast(t('tr.submitted'));
      subs.reload();
    } catch (err) {
      toast(problemText(err, t));
    }
  };
  return (
    <>
      <PageHeader title={c?.title ?? t('tr.course')} />
      {course.error ? <ErrorState error={course.error} onRetry={course.reload} /> : !c ? <Loading /> : (
        <>
          <section className="panel">
            <p className="learn-body">{c.description || t('tr.noDescription')}</p>
            <p className="muted">{t('tr.lessonProgress', { done: c.completedLessons, total: c.lessonCount })}</p>
            <span className="learn-bar"><span style={{ width: `${c.lessonCount ? Math.round((c.completedLessons * 100) / c.lessonCount) : 0}%` }} /></span>
          </section>
          {c.modules.length === 0 && <EmptyState title={t('tr.noLessons')} />}
          {c.modules.map((m) => (
            <section className="panel" key={m.id} aria-label={m.title}>
              <h2>{m.title}</h2>
              {m.lessons.length === 0 ? <p className="muted">{t('tr.noLessons')}</p> : (
                <ul className="learn-list">
                  {m.lessons.map((l) => (
                    <li key={l.id}>
                      <Link className="learn-row" to={`/learn/lessons/${l.id}`} data-testid="lesson-row">
                        <span className="grow"><span className="learn-kind">{kindLabel(l.kind, t)}</span>{l.title}</span>
                        {l.completedAt ? <span className="learn-done">✓ {t('tr.done')}</span> : <span className="chevron" aria-hidden="true">›</span>}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          ))}
          {c.assignments.length > 0 && (
            <section className="panel" aria-labelledby="assign-h">
              <h2 id="assign-h">{t('tr.assignments')}</h2>
              <ul className="learn-list">
                {c.assignments.map((a) => {
                  const mineSubs = (subs.data ?? []).filter((s) => s.assignmentId === a.id);
                  const last = mineSubs[0];
                  return (
                    <li key={a.id} style={{ padding: '8px 0' }}>
                      <div className="learn-title">{a.title}</div>
                      {a.instructions && <p className="muted">{a.instructions}</p>}
                      {last && <p className={last.status === 'redo' ? 'hint-red' : 'muted'}>{t(`tr.sub.${last.status}`)}{last.comment ? `：${last.comment}` : ''}</p>}
                      {!myCohort ? <p className="muted">{t('tr.assignmentNeedsSeat')}</p> : (!last || last.status === 'redo') && (
                        <label className="btn">
                          {t('tr.uploadVideo')}
                          <input type="file" accept="video/mp4,video/webm,video/quicktime" hidden onChange={(e) => void upload(a.id, e.target.files?.[0])} />
                        </label>
                      )}
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
        </>
      )}
    </>
  );
}

function QuizForm({ lesson, onDone }: { lesson: Lesson; onDone: (a: Attempt) => void }) {
  const { t } = useI18n();
  const [answers, setAnswers] = useState<number[][]>(() => lesson.quiz.map(() => []));
  const [result, setResult] = useState<Attempt | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (qi: number, oi: number, multiple: boolean) => {
    setResult(null);
    setAnswers((prev) => prev.map((a, i) => (i !== qi ? a : multiple ? (a.includes(oi) ? a.filter((x) => x !== oi) : [...a, oi]) : [oi])));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (answers.some((a) => a.length === 0)) { setError(t('tr.answerAll')); return; }
    setBusy(true);
    setError(null);
    try {
      const r = await trainingApi.attempt(lesson.id, answers);
      setResult(r);
      onDone(r);
    } catch (err) {
      setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  if (lesson.quiz.length === 0) return <p className="muted">{t('tr.quizEmpty')}</p>;
  return (
    <form onSubmit={submit} noValidate>
      {lesson.quiz.map((q, qi) => (
        <fieldset className="learn-q" key={qi}>
          <legend>{qi + 1}. {q.prompt} {q.multiple && <span className="muted">{t('tr.multiple')}</span>}</legend>
          {q.options.map((o, oi) => {
            const chosen = answers[qi]!.includes(oi);
            const mark = result && chosen ? (result.correct[qi] ? ' right' : ' wrong') : '';
            return (
              <label key={oi} className={`learn-opt${mark}`}>
                <input type={q.multiple ? 'checkbox' : 'radio'} name={`q${qi}`} checked={chosen} onChange={() => toggle(qi, oi, q.multiple)} />
                {o}
              </label>
            );
          })}
        </fieldset>
      ))}
      {error && <div className="form-error" role="alert">{error}</div>}
      {result && (
        <div className={result.passed ? 'form-note' : 'form-error'} role="status" data-testid="quiz-result">
          {result.passed ? t('tr.quizPassed', { score: result.scorePct }) : t('tr.quizFailed', { score: result.scorePct, pass: result.passPct })}
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{result && !result.passed ? t('tr.tryAgain') : t('tr.submitAnswers')}</button>
    </form>
  );
}

/** /learn/lessons/:id: the lesson player. Video position is saved as it plays; completion by a button, the end of the video, or a passed quiz. */
export function LessonPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const { status } = useSession();
  const lesson = useAsync(() => (status === 'signedIn' ? trainingApi.lesson(id) : Promise.resolve(null)), [id, status]);
  const [completedAt, setCompletedAt] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const lastSaved = useRef(0);
  const l = lesson.data;
  useEffect(() => { setCompletedAt(l?.completedAt ?? null); }, [l]);

  const save = async (completed?: boolean) => {
    if (!l) return;
    // At the end, the lesson's declared length (the file may be a second shorter or longer).
    const pos = completed && l.kind === 'video' && l.durationSeconds ? l.durationSeconds : Math.floor(videoRef.current?.currentTime ?? 0);
    try {
      const r = await trainingApi.progress(l.id, Math.min(pos, l.durationSeconds || pos), completed);
      setSaveError(null);
      if (r.completedAt) setCompletedAt(r.completedAt);
    } catch (err) {
      setSaveError(problemText(err, t));
    }
  };
  if (status === 'loading') return <Loading />;
  if (status !== 'signedIn') return <><PageHeader title={t('tr.lesson')} /><SignInPanel why={t('tr.signInToStudy')} /></>;
  return (
    <>
      <PageHeader title={l?.title ?? t('tr.lesson')} />
      {lesson.error ? <ErrorState error={lesson.error} onRetry={lesson.reload} /> : !l ? <Loading /> : (
        <>
          {l.kind === 'video' && (l.media ? (
            <video
              ref={videoRef} className="learn-video" src={l.media.url} controls playsInline preload="metadata"
              onLoadedMetadata={(e) => { if (l.positionSeconds > 0 && l.positionSeconds < (e.currentTarget.duration || Infinity) - 2) e.currentTarget.currentTime = l.positionSeconds; }}
              onTimeUpdate={(e) => { const now = e.currentTarget.currentTime; if (Math.abs(now - lastSaved.current) >= 10) { lastSaved.current = now; void save(); } }}
              onPause={() => void save()} onEnded={() => void save(true)}
            />
          ) : <EmptyState title={t('tr.videoMissing')} />)}
          <section className="panel">
            <p className="muted">{l.courseTitle} · {kindLabel(l.kind, t)}{l.durationSeconds ? ` · ${mmss(l.durationSeconds)}` : ''}</p>
            {l.body && <p className="learn-body">{l.body}</p>}
            {l.kind === 'file' && l.media && <p><a className="btn" href={l.media.url} target="_blank" rel="noreferrer">{t('tr.openFile')}</a></p>}
            {l.kind === 'quiz' && <QuizForm lesson={l} onDone={(a) => { if (a.passed) setCompletedAt(new Date().toISOString()); }} />}
            {saveError && <div className="form-error" role="alert">{saveError}</div>}
            {l.kind !== 'quiz' && (completedAt
              ? <p className="learn-done" role="status" data-testid="lesson-done">✓ {t('tr.completedAt', { at: formatDateTime(completedAt) })}</p>
              : <button type="button" className="btn btn-primary btn-block" onClick={() => void save(true)}>{t('tr.markDone')}</button>)}
            {l.kind === 'quiz' && completedAt && <p className="learn-done" data-testid="lesson-done">✓ {t('tr.quizDone')}</p>}
          </section>
          <div className="learn-nav" style={{ padding: '0 8px 8px' }}>
            {l.prevLessonId ? <Link className="btn" to={`/learn/lessons/${l.prevLessonId}`}>{t('tr.prev')}</Link> : <span />}
            <Link className="btn" to={`/learn/courses/${l.courseId}`}>{t('tr.toCourse')}</Link>
            {l.nextLessonId ? <Link className="btn" to={`/learn/lessons/${l.nextLessonId}`}>{t('tr.next')}</Link> : <span />}
          </div>
        </>
      )}
    </>
  );
}

const GENDERS = ['female', 'male'] as const;

/** /learn/cohorts/:id: what the cohort is, then sign in by SMS and enrol (no entry requirement); waitlist when full. */
export function CohortEnrolPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const { status, user } = useSession();
  const cohort = useAsync(() => trainingApi.cohort(id), [id, status]);
  const c = cohort.data;
  const towns = useAsync(async () => (c ? (await api.get<{ items: { code: string; name: string }[] }>('/regions', { parent: c.countyCode })).items : []), [c?.countyCode]);
  const [form, setForm] = useState({ name: '', gender: '' as '' | 'female' | 'male', birthYear: '', townshipCode: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (user && !form.name && !/^用户\d{4}$/.test(user.name)) setForm((f) => ({ ...f, name: user.name })); }, [user]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (k: keyof typeof form) => (v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrors((e) => { const { [k]: _gone, ...rest } = e; return rest; }); // the message goes once the field is changed
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!form.name.trim()) local.name = t('tr.err.name');
    if (!form.gender) local.gender = t('tr.err.gender');
    if (!/^\d{4}$/.test(form.birthYear)) local.birthYear = t('tr.err.birthYear');
    if (!form.townshipCode) local.townshipCode = t('tr.err.township');
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await trainingApi.enrol(id, { name: form.name.trim(), gender: form.gender as 'female' | 'male', birthYear: Number(form.birthYear), townshipCode: form.townshipCode });
      cohort.reload();
    } catch (err) {
      const f = fieldMessages(err, t);
      setErrors(f);
      if (!Object.keys(f).length) setGeneral(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async () => {
    if (!c?.myEnrolment || !window.confirm(t('tr.withdrawConfirm'))) return;
    try {
      await trainingApi.withdraw(c.myEnrolment.id);
      cohort.reload();
    } catch (err) {
      setGeneral(problemText(err, t));
    }
  };
  const me = c?.myEnrolment && c.myEnrolment.status !== 'withdrawn' ? c.myEnrolment : null;
  return (
    <>
      <PageHeader title={t('tr.enrolTitle')} />
      {cohort.error ? <ErrorState error={cohort.error} onRetry={cohort.reload} /> : !c ? <Loading /> : (
        <>
          <section className="panel">
            <h2 style={{ marginTop: 0 }}>{c.name}</h2>
            <div className="kv"><span>{t('tr.course')}</span><Link to={`/learn/courses/${c.courseId}`}>{c.courseTitle}</Link></div>
            <div className="kv"><span>{t('tr.dates')}</span><span>{c.startsOn} ~ {c.endsOn}</span></div>
            <div className="kv"><span>{t('tr.place')}</span><span>{c.placeKind === 'studio' ? t('tr.studio') : c.placeTownshipName ?? ''} {c.placeDetail}</span></div>
            {c.instructor && <div className="kv"><span>{t('tr.instructor')}</span><span>{c.instructor.name}</span></div>}
            <div className="kv"><span>{t('tr.seats')}</span><span>{c.seatsLeft > 0 ? t('tr.seatsLeft', { n: c.seatsLeft }) : t('tr.fullWaitlistN', { n: c.waitlistCount })}</span></div>
            <p className="form-note">{t('tr.freeOpen')}</p>
          </section>
          {status === 'loading' ? <Loading /> : status !== 'signedIn' ? <SignInPanel why={t('tr.signInToEnrol')} /> : me ? (
            <section className="panel" role="status" data-testid="enrol-status">
              {me.status === 'enrolled'
                ? <p className="learn-done">✓ {t('tr.youAreEnrolled')}</p>
                : <p className="hint-red">{t('tr.youAreWaitlisted', { n: c.myEnrolment?.waitlistPosition ?? 0 })}</p>}
              <div className="learn-nav">
                <Link className="btn btn-primary" to={`/learn/courses/${c.courseId}`}>{t('tr.startLearning')}</Link>
                <button type="button" className="btn" onClick={() => void withdraw()}>{t('tr.withdraw')}</button>
              </div>
              {general && <div className="form-error" role="alert">{general}</div>}
            </section>
          ) : c.status !== 'open' ? <EmptyState title={t('tr.notOpen')} action={<Link className="btn" to="/learn">{t('tr.otherCohorts')}</Link>} /> : (
            <section className="panel" aria-labelledby="enrol-h">
              <h2 id="enrol-h">{t('tr.enrolForm')}</h2>
              <form onSubmit={submit} noValidate>
                <div className="field">
                  <label htmlFor="en-name">{t('tr.realName')}</label>
                  <input id="en-name" value={form.name} maxLength={40} onChange={(e) => set('name')(e.target.value)} aria-invalid={errors.name ? true : undefined} />
                  {errors.name && <span className="field-error">{errors.name}</span>}
                </div>
                <div className="field" role="radiogroup" aria-label={t('tr.gender')}>
                  <span>{t('tr.gender')}</span>
                  <div className="segmented">
                    {GENDERS.map((g) => <button key={g} type="button" className={form.gender === g ? 'on' : ''} aria-pressed={form.gender === g} onClick={() => set('gender')(g)}>{t(`tr.gender.${g}`)}</button>)}
                  </div>
                  {errors.gender && <span className="field-error">{errors.gender}</span>}
                </div>
                <div className="field">
                  <label htmlFor="en-year">{t('tr.birthYear')}</label>
                  <input id="en-year" inputMode="numeric" maxLength={4} placeholder="1982" value={form.birthYear} onChange={(e) => set('birthYear')(e.target.value.replace(/\D/g, ''))} aria-invalid={errors.birthYear ? true : undefined} />
                  {errors.birthYear && <span className="field-error">{errors.birthYear}</span>}
                </div>
                <div className="field">
                  <label htmlFor="en-town">{t('tr.township')}</label>
                  <select id="en-town" className="learn-select" value={form.townshipCode} onChange={(e) => set('townshipCode')(e.target.value)} aria-invalid={errors.townshipCode ? true : undefined}>
                    <option value="">{t('tr.chooseTownship')}</option>
                    {(towns.data ?? []).map((r) => <option key={r.code} value={r.code}>{r.name}</option>)}
                  </select>
                  {errors.townshipCode && <span className="field-error">{errors.townshipCode}</span>}
                </div>
                <p className="form-note">{t('tr.phoneUsed', { phone: user?.phone ?? '' })}</p>
                {general && <div className="form-error" role="alert">{general}</div>}
                <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{c.seatsLeft > 0 ? t('tr.enrolNow') : t('tr.joinWaitlist')}</button>
              </form>
            </section>
          )}
        </>
      )}
    </>
  );
}

/** /learn/checkin/:meetingId?code=…: opened by scanning the classroom QR; signs in if needed, then checks in. */
export function CheckinPage() {
  const { t } = useI18n();
  const { meetingId = '' } = useParams();
  const [params] = useSearchParams();
  const code = params.get('code') ?? '';
  const { status } = useSession();
  const [state, setState] = useState<{ kind: 'busy' } | { kind: 'ok'; title: string; at: string; again: boolean; cohortId: string } | { kind: 'error'; err: unknown } | null>(null);
  const tried = useRef(false);
  useEffect(() => {
    if (status !== 'signedIn' || tried.current) return;
    tried.current = true;
    setState({ kind: 'busy' });
    trainingApi.checkin(meetingId, code).then(
      (r) => setState({ kind: 'ok', title: r.title, at: r.checkedInAt, again: r.alreadyCheckedIn, cohortId: r.cohortId }),
      (err: unknown) => setState({ kind: 'error', err }),
    );
  }, [status, meetingId, code]);
  return (
    <>
      <PageHeader title={t('tr.checkinTitle')} />
      {status === 'loading' ? <Loading /> : status !== 'signedIn' ? <SignInPanel why={t('tr.signInToCheckin')} /> : !state || state.kind === 'busy' ? <Loading /> : state.kind === 'ok' ? (
        <section className="panel learn-result" role="status" data-testid="checkin-ok">
          <div className="big learn-ok">✓</div>
          <h2>{state.again ? t('tr.checkedInAlready') : t('tr.checkedIn')}</h2>
          <p>{state.title}</p>
          <p className="muted">{formatDateTime(state.at)}</p>
          <Link className="btn" to="/learn/me">{t('tr.myLearning')}</Link>
        </section>
      ) : (
        <section className="panel learn-result" role="alert" data-testid="checkin-error">
          <div className="big learn-no">!</div>
          <h2>{problemText(state.err, t)}</h2>
          {isProblem(state.err, 'not_enrolled') && <p className="muted">{t('tr.checkinNotEnrolledHint')}</p>}
          {(isProblem(state.err, 'qr_expired') || isProblem(state.err, 'qr_invalid') || isProblem(state.err, 'qr_other_meeting')) && <p className="muted">{t('tr.scanAgainHint')}</p>}
        </section>
      )}
    </>
  );
}

function Checklist({ p }: { p: Evaluation }) {
  const { t } = useI18n();
  const row = (met: boolean, text: string) => <li><span className={met ? 'learn-ok' : 'learn-no'} aria-hidden="true">{met ? '✓' : '○'}</span><span>{text}</span></li>;
  return (
    <ul className="learn-check" aria-label={t('tr.requirements')}>
      {row(p.attendance.met, t('tr.req.attendance', { attended: p.attendance.attended, meetings: p.attendance.meetings, pct: p.attendance.pct, need: p.attendance.requiredPct }))}
      {row(p.lessons.met, t('tr.req.lessons', { done: p.lessons.completed, total: p.lessons.total }))}
      {p.quizzes.total > 0 && row(p.quizzes.met, t('tr.req.quizzes', { done: p.quizzes.passed, total: p.quizzes.total }))}
      {p.practice.required > 0 && row(p.practice.met, t('tr.req.practice', { done: p.practice.reviewed, need: p.practice.required }))}
    </ul>
  );
}

/** /learn/me: my cohorts, where I stand against the rules, certificates, practice sessions to share. */
export function MyLearningPage() {
  const { t } = useI18n();
  const { status } = useSession();
  const me = useAsync(() => (status === 'signedIn' ? trainingApi.me() : Promise.resolve(null)), [status]);
  const practice = useAsync(() => (status === 'signedIn' ? trainingApi.myPractice() : Promise.resolve(null)), [status]);
  const [share, setShare] = useState({ sessionId: '', cohortId: '' });
  const [shareError, setShareError] = useState<string | null>(null);
  const navigate = useNavigate();
  if (status === 'loading') return <Loading />;
  if (status !== 'signedIn') return <><PageHeader title={t('tr.myLearning')} /><SignInPanel why={t('tr.signInToStudy')} /></>;
  const seated = (me.data?.items ?? []).filter((i) => i.status === 'enrolled');
  const doShare = async (e: FormEvent) => {
    e.preventDefault();
    const cohortId = share.cohortId || seated[0]?.cohortId || '';
    if (!share.sessionId || !cohortId) { setShareError(t('tr.err.share')); return; }
    try {
      await trainingApi.share(share.sessionId, cohortId);
      setShareError(null);
      practice.reload();
    } catch (err) {
      setShareError(problemText(err, t));
    }
  };
  return (
    <>
      <PageHeader title={t('tr.myLearning')} />
      {me.error ? <ErrorState error={me.error} onRetry={me.reload} /> : !me.data ? <Loading /> : me.data.items.length === 0 ? (
        <EmptyState title={t('tr.noEnrolments')} action={<button type="button" className="btn btn-primary" onClick={() => navigate('/learn')}>{t('tr.findCohort')}</button>}>{t('tr.noEnrolmentsHint')}</EmptyState>
      ) : me.data.items.map((i) => (
        <section className="panel" key={i.enrolmentId} aria-label={i.cohortName}>
          <h2 style={{ marginTop: 0 }}>{i.cohortName}</h2>
          <p className="muted">{i.courseTitle} · {i.startsOn} ~ {i.endsOn} · {t(`tr.status.${i.status}`)}</p>
          {i.progress && <Checklist p={i.progress} />}
          {i.certificate
            ? <Link className="btn btn-primary btn-block" to={`/learn/cert/${i.certificate.certNo}`} data-testid="my-cert">{t('tr.viewCertificate')}</Link>
            : i.status === 'enrolled' && <Link className="btn btn-block" to={`/learn/courses/${i.courseId}`}>{t('tr.continueLearning')}</Link>}
        </section>
      ))}
      {seated.length > 0 && (
        <section className="panel" aria-labelledby="practice-h">
          <h2 id="practice-h">{t('tr.practice')}</h2>
          <p className="form-note">{t('tr.practiceHint')}</p>
          {(practice.data?.items ?? []).length > 0 && (
            <ul className="learn-list">
              {practice.data!.items.map((p) => (
                <li key={p.sessionId} className="learn-row">
                  <span className="grow"><span className="learn-title">{p.title}</span><span className="muted" style={{ display: 'block' }}>{p.reviewedAt ? t('tr.reviewed') : t('tr.waitingReview')}</span></span>
                </li>
              ))}
            </ul>
          )}
          {(practice.data?.unshared ?? []).length === 0 ? <p className="muted">{t('tr.noUnshared')} <Link to="/host/sessions/new">{t('tr.createPractice')}</Link></p> : (
            <form onSubmit={doShare} className="field">
              <select className="learn-select" value={share.sessionId} onChange={(e) => setShare((s) => ({ ...s, sessionId: e.target.value }))} aria-label={t('tr.choosePractice')}>
                <option value="">{t('tr.choosePractice')}</option>
                {practice.data!.unshared.map((s) => <option key={s.sessionId} value={s.sessionId}>{s.title}</option>)}
              </select>
              {seated.length > 1 && (
                <select className="learn-select" value={share.cohortId} onChange={(e) => setShare((s) => ({ ...s, cohortId: e.target.value }))} aria-label={t('tr.chooseCohort')}>
                  {seated.map((s) => <option key={s.cohortId} value={s.cohortId}>{s.cohortName}</option>)}
                </select>
              )}
              {shareError && <div className="form-error" role="alert">{shareError}</div>}
              <button type="submit" className="btn btn-primary">{t('tr.shareWithMentors')}</button>
            </form>
          )}
        </section>
      )}
    </>
  );
}

/** /learn/cert/:certNo: the public certificate page with its verification QR. */
export function CertificatePage() {
  const { t } = useI18n();
  const { certNo = '' } = useParams();
  const cert = useAsync(() => trainingApi.certificate(certNo), [certNo]);
  const c = cert.data;
  return (
    <>
      <PageHeader title={t('tr.certificate')} />
      {cert.error ? (isProblem(cert.error, 'not_found') ? <EmptyState title={t('tr.certNotFound')}>{t('tr.certNotFoundHint')}</EmptyState> : <ErrorState error={cert.error} onRetry={cert.reload} />) : !c ? <Loading /> : (
        <section className="panel">
          <div className="learn-cert" data-testid="certificate">
            <div className="learn-ok">✓ {t('tr.certValid')}</div>
            <h2>{t('tr.certHeading')}</h2>
            <p style={{ fontSize: 22, margin: '8px 0' }}>{c.holderName}</p>
            <p>{t('tr.certText', { course: c.courseTitle, cohort: c.cohortName })}</p>
            <p className="muted">{c.startsOn} ~ {c.endsOn}</p>
            <p className="muted">{c.centerName ?? c.countyName ?? ''} · {formatDateTime(c.issuedAt)}</p>
            <p className="muted">{t('tr.certNo')}：{c.certNo}</p>
            {/* The SVG is made by the server's qrcode library from the certificate's own URL. */}
            <div className="qr" aria-label={t('tr.verifyQr')} dangerouslySetInnerHTML={{ __html: c.qrSvg }} />
            <p className="muted">{t('tr.verifyHint')}</p>
          </div>
        </section>
      )}
    </>
  );
}

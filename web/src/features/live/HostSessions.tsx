import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { liveApi, PLATFORMS, type ExternalPlatform, type LiveSession, type SessionKind, type SessionSummary } from '../../api/liveSessions';
import { useI18n } from '../../i18n';
import { addDays, todayShanghai } from '../../shared/format';
import { fieldMessages, problemText } from '../../shared/problems';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { signInPath } from '../store/buy';
import { PageHeader } from '../store/PageHeader';
import { EmptyState, ErrorState } from '../store/States';
import { fromLocalInput, formatWindow, kindKey, platformKey, sessionBadge, toLocalInput } from './sessionShared';
import './live-sessions.css';

const HOSTING = ['host', 'trainee'] as const;

/** Only hosts and trainees get the host pages; others are sent to sign in or told why. */
export function useHostGate(returnTo: string): ReactElement | null {
  const { t } = useI18n();
  const session = useSession();
  if (session.status === 'loading') return <div className="state" role="status">{t('common.loading')}</div>;
  if (session.status !== 'signedIn') return <Navigate to={signInPath(returnTo)} replace />;
  if (!hasRole(session.user, HOSTING)) {
    return <><PageHeader title={t('live.host.title')} /><EmptyState title={t('live.host.notHost')} action={<Link to="/live" className="btn btn-primary">{t('store.tab.live')}</Link>} /></>;
  }
  return null;
}

function SessionRow({ s }: { s: SessionSummary }) {
  const { t, lang } = useI18n();
  return (
    <li className="hs-row" data-testid="host-session">
      <Link to={`/host/sessions/${s.id}`} className="hs-row-link">
        <span className="hs-row-title">{s.title}</span>
        <span className="muted">{formatWindow(s.scheduledStart, s.scheduledEnd, lang)} · {t(kindKey(s.kind))}</span>
        <span className={`hs-badge st-${s.status} ap-${s.approval}`}>{sessionBadge(s, t)}</span>
        <span className="muted">{t('live.list.products', { n: s.itemCount })} · {t('live.preview.reservations', { n: s.reservationCount })}</span>
      </Link>
    </li>
  );
}

/** 我的直播: upcoming and recent sessions of the signed-in host, and a button to schedule one. */
export function HostSessionsPage() {
  const { t } = useI18n();
  const gate = useHostGate('/host/sessions');
  const today = todayShanghai();
  const data = useAsync((signal) => (gate ? Promise.resolve({ items: [], truncated: false }) : liveApi.list({ mine: true, from: addDays(today, -60), to: addDays(today, 30) }, signal)), [!!gate]);
  useEffect(() => { document.title = `${t('live.host.title')} - ${t('app.name')}`; }, [t]);
  if (gate) return gate;
  const items = data.data?.items ?? [];
  const now = Date.now();
  const upcoming = items.filter((s) => s.status === 'live' || (s.status === 'scheduled' && new Date(s.scheduledEnd).getTime() > now));
  const past = items.filter((s) => !upcoming.includes(s)).reverse();
  return (
    <>
      <PageHeader title={t('live.host.title')} />
      <div className="hs-toolbar"><Link to="/host/sessions/new" className="btn btn-primary btn-block" data-testid="new-session">{t('live.host.new')}</Link></div>
      {data.error ? <ErrorState error={data.error} onRetry={data.reload} />
        : data.loading && !data.data ? <div className="state" role="status">{t('common.loading')}</div>
          : items.length === 0 ? <EmptyState title={t('live.host.empty')}>{t('live.host.emptyHint')}</EmptyState> : (
            <>
              <section className="ll-section"><h2>{t('live.host.upcoming')}</h2>
                {upcoming.length ? <ul className="hs-list">{upcoming.map((s) => <SessionRow key={s.id} s={s} />)}</ul> : <p className="muted hs-pad">{t('live.host.noUpcoming')}</p>}
              </section>
              {past.length > 0 && <section className="ll-section"><h2>{t('live.host.past')}</h2><ul className="hs-list">{past.map((s) => <SessionRow key={s.id} s={s} />)}</ul></section>}
            </>
          )}
    </>
  );
}

interface FormState { kind: SessionKind; title: string; description: string; start: string; end: string; platform: ExternalPlatform; externalUrl: string; externalCode: string }

/** 新建 / 修改直播: kind, title, description, time (Asia/Shanghai), and for external sessions the platform, link and code. */
export function HostSessionFormPage() {
  const { t } = useI18n();
  const { sessionId } = useParams();
  const navigate = useNavigate();
  const { user } = useSession();
  const gate = useHostGate(sessionId ? `/host/sessions/${sessionId}/edit` : '/host/sessions/new');
  const traineeOnly = !hasRole(user, ['host']);
  const existing = useAsync((signal) => (sessionId && !gate ? liveApi.get(sessionId, signal) : Promise.resolve(null)), [sessionId, !!gate]);
  const [f, setF] = useState<FormState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (sessionId && !existing.data) return;
    const s = existing.data;
    const start = new Date(Date.now() + 60 * 60_000);
    start.setMinutes(0, 0, 0);
    setF(s ? {
      kind: s.kind, title: s.title, description: s.description, start: toLocalInput(s.scheduledStart), end: toLocalInput(s.scheduledEnd),
      platform: s.platform ?? 'douyin', externalUrl: s.externalUrl ?? '', externalCode: s.externalCode ?? '',
    } : {
      kind: traineeOnly ? 'practice' : 'hosted', title: '', description: '', start: toLocalInput(start.toISOString()), end: toLocalInput(new Date(start.getTime() + 2 * 3600_000).toISOString()),
      platform: 'douyin', externalUrl: '', externalCode: '',
    });
  }, [existing.data, sessionId, traineeOnly]);
  useEffect(() => { document.title = `${t(sessionId ? 'live.form.editTitle' : 'live.form.newTitle')} - ${t('app.name')}`; }, [t, sessionId]);
  if (gate) return gate;
  if (existing.error) return <><PageHeader title={t('live.form.editTitle')} /><ErrorState error={existing.error} onRetry={existing.reload} /></>;
  if (!f) return <div className="state" role="status">{t('common.loading')}</div>;
  const msgs = error ? fieldMessages(error, t) : {};
  const set = (patch: Partial<FormState>) => setF({ ...f, ...patch });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const scheduledStart = fromLocalInput(f.start);
    const scheduledEnd = fromLocalInput(f.end);
    if (!scheduledStart || !scheduledEnd) { setError(new Error('time')); return; }
    setBusy(true);
    setError(null);
    const ext = f.kind === 'external' ? { platform: f.platform, externalUrl: f.externalUrl.trim() || null, externalCode: f.externalCode.trim() || null } : {};
    try {
      const saved: LiveSession = sessionId
        ? await liveApi.update(sessionId, { title: f.title.trim(), description: f.description.trim(), scheduledStart, scheduledEnd, ...ext })
        : await liveApi.create({
          kind: f.kind, title: f.title.trim(), description: f.description.trim(), scheduledStart, scheduledEnd,
          ...(f.kind === 'external' ? { platform: f.platform, ...(f.externalUrl.trim() ? { externalUrl: f.externalUrl.trim() } : {}), ...(f.externalCode.trim() ? { externalCode: f.externalCode.trim() } : {}) } : {}),
        });
      navigate(`/host/sessions/${saved.id}`, { replace: !!sessionId });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const kinds: SessionKind[] = traineeOnly ? ['practice'] : ['hosted', 'external', 'practice'];
  return (
    <>
      <PageHeader title={t(sessionId ? 'live.form.editTitle' : 'live.form.newTitle')} />
      <form className="hs-form" onSubmit={(e) => void submit(e)} noValidate>
        {error != null && <p className="form-error" role="alert">{error instanceof Error && error.message === 'time' ? t('live.form.badTime') : problemText(error, t)}</p>}
        {!sessionId && (
          <fieldset className="field hs-kinds">
            <legend>{t('live.form.kind')}</legend>
            {kinds.map((k) => (
              <label key={k} className={f.kind === k ? 'chip active' : 'chip'}>
                <input type="radio" name="kind" value={k} checked={f.kind === k} onChange={() => set({ kind: k })} /> {t(kindKey(k))}
              </label>
            ))}
            <p className="form-note">{t(`live.form.kindHint.${f.kind}` as 'live.form.kindHint.hosted')}</p>
          </fieldset>
        )}
        <div className="field">
          <label htmlFor="ls-title">{t('live.form.title')}</label>
          <input id="ls-title" value={f.title} maxLength={60} onChange={(e) => set({ title: e.target.value })} aria-invalid={!!msgs.title} required />
          {msgs.title && <span className="field-error">{msgs.title}</span>}
        </div>
        <div className="field">
          <label htmlFor="ls-desc">{t('live.form.description')}</label>
          <textarea id="ls-desc" value={f.description} maxLength={2000} rows={3} onChange={(e) => set({ description: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="ls-start">{t('live.form.start')}</label>
          <input id="ls-start" type="datetime-local" value={f.start} onChange={(e) => set({ start: e.target.value })} aria-invalid={!!msgs.scheduledStart} />
          {msgs.scheduledStart && <span className="field-error">{msgs.scheduledStart}</span>}
        </div>
        <div className="field">
          <label htmlFor="ls-end">{t('live.form.end')}</label>
          <input id="ls-end" type="datetime-local" value={f.end} onChange={(e) => set({ end: e.target.value })} aria-invalid={!!msgs.scheduledEnd} />
          {msgs.scheduledEnd && <span className="field-error">{msgs.scheduledEnd}</span>}
        </div>
        {f.kind === 'external' && (
          <>
            <div className="field">
              <label htmlFor="ls-platform">{t('live.form.platform')}</label>
              <select id="ls-platform" value={f.platform} onChange={(e) => set({ platform: e.target.value as ExternalPlatform })}>
                {PLATFORMS.map((p) => <option key={p} value={p}>{t(platformKey(p))}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor="ls-url">{t('live.form.externalUrl')}</label>
              <input id="ls-url" type="url" inputMode="url" value={f.externalUrl} placeholder="https://" onChange={(e) => set({ externalUrl: e.target.value })} aria-invalid={!!msgs.externalUrl} />
              {msgs.externalUrl && <span className="field-error">{msgs.externalUrl}</span>}
            </div>
            <div className="field">
              <label htmlFor="ls-code">{t('live.form.externalCode')}</label>
              <input id="ls-code" value={f.externalCode} maxLength={200} onChange={(e) => set({ externalCode: e.target.value })} />
            </div>
          </>
        )}
        {sessionId && existing.data && existing.data.kind !== 'practice' && existing.data.approval !== 'pending' && <p className="form-note">{t('live.form.reapproval')}</p>}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="save-session">{t(sessionId ? 'common.save' : 'live.form.create')}</button>
      </form>
    </>
  );
}

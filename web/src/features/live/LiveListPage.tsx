import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { liveApi, type SessionSummary } from '../../api/liveSessions';
import { useI18n } from '../../i18n';
import { hasRole, useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { EmptyState, ErrorState } from '../store/States';
import { formatSlot, platformKey } from './sessionShared';
import './live-sessions.css';

function SessionCard({ s, live }: { s: SessionSummary; live: boolean }) {
  const { t, lang } = useI18n();
  return (
    <li className="ll-card" data-testid={live ? 'live-now' : 'live-upcoming'}>
      <Link to={`/live/${s.id}`} className="ll-link">
        <div className="ll-cover">
          {s.coverUrl ? <img src={s.coverUrl} alt="" /> : <div className="lp-cover-empty" aria-hidden="true">LIVE</div>}
          <span className={`lp-status st-${s.status}`}>{live ? t('live.status.live') : formatSlot(s.scheduledStart, lang)}</span>
        </div>
        <div className="ll-body">
          <span className="ll-title">{s.title}</span>
          <span className="muted">{s.host.name}{s.platform ? ` · ${t(platformKey(s.platform))}` : ''}</span>
          <span className="muted">{live ? t('live.list.products', { n: s.itemCount }) : t('live.preview.reservations', { n: s.reservationCount })}</span>
        </div>
      </Link>
    </li>
  );
}

/** The 直播 tab: sessions live now, then the pre-announcements, soonest first. */
export function LiveListPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const data = useAsync((signal) => liveApi.publicList(signal), []);
  useEffect(() => { document.title = `${t('store.tab.live')} - ${t('app.name')}`; }, [t]);
  const isHost = hasRole(user, ['host', 'trainee']);
  return (
    <>
      <header className="store-header">
        <h1 className="page-title">{t('store.tab.live')}</h1>
        {isHost && <Link to="/host/sessions" className="ll-host-link">{t('live.host.entry')}</Link>}
      </header>
      {data.error && !data.data ? <ErrorState error={data.error} onRetry={data.reload} />
        : !data.data ? <div className="state" role="status">{t('common.loading')}</div>
          : data.data.live.length === 0 && data.data.upcoming.length === 0 ? (
            <EmptyState title={t('live.list.empty')} action={<Link to="/" className="btn btn-primary">{t('store.goShopping')}</Link>}>{t('live.list.emptyHint')}</EmptyState>
          ) : (
            <>
              {data.data.live.length > 0 && (
                <section className="ll-section">
                  <h2>{t('live.list.liveNow')}</h2>
                  <ul className="ll-grid">{data.data.live.map((s) => <SessionCard key={s.id} s={s} live />)}</ul>
                </section>
              )}
              {data.data.upcoming.length > 0 && (
                <section className="ll-section">
                  <h2>{t('live.list.upcoming')}</h2>
                  <ul className="ll-grid">{data.data.upcoming.map((s) => <SessionCard key={s.id} s={s} live={false} />)}</ul>
                </section>
              )}
            </>
          )}
    </>
  );
}

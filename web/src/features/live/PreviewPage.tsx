import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { liveApi, type PublicSession } from '../../api/liveSessions';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { signInPath } from '../store/buy';
import { PageHeader } from '../store/PageHeader';
import { Price } from '../store/Price';
import { ErrorState } from '../store/States';
import { useToast } from '../store/Toast';
import { copyText, formatWindow, platformKey, statusKey } from './sessionShared';
import './live-sessions.css';

function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** "2天 03:04:05" until the start; null once it is due. */
function useCountdown(iso: string) {
  const now = useNow();
  const left = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (left <= 0) return null;
  const d = Math.floor(left / 86400);
  const hms = [Math.floor((left % 86400) / 3600), Math.floor((left % 3600) / 60), left % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return { d, hms };
}

function Countdown({ at }: { at: string }) {
  const { t } = useI18n();
  const c = useCountdown(at);
  if (!c) return <p className="lp-countdown">{t('live.preview.startingSoon')}</p>;
  return <p className="lp-countdown" aria-live="off">{t('live.preview.startsIn')} {c.d > 0 && t('live.preview.days', { n: c.d })} <strong>{c.hms}</strong></p>;
}

function ReserveButton({ s, onChange }: { s: PublicSession; onChange: (p: Partial<PublicSession>) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (s.status !== 'scheduled' || s.kind === 'practice') return null;
  const toggle = async () => {
    if (session.status !== 'signedIn') {
      navigate(signInPath(location.pathname));
      return;
    }
    setBusy(true);
    try {
      const r = s.reserved ? await liveApi.unreserve(s.id) : await liveApi.reserve(s.id);
      onChange(r);
      toast(r.reserved ? t('live.preview.reservedToast') : t('live.preview.unreservedToast'));
    } catch (err) {
      toast(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={s.reserved ? 'btn btn-block' : 'btn btn-primary btn-block'} onClick={() => void toggle()} disabled={busy} aria-pressed={s.reserved} data-testid="reserve">
      {s.reserved ? t('live.preview.reserved') : t('live.preview.reserve')}
    </button>
  );
}

/**
 * The pre-announcement (直播预告) of a session: cover, host, time and countdown, the products
 * with their live prices, and 预约 (one reminder when it goes live). The room page shows this
 * while the session is scheduled; it also answers for a cancelled or ended session.
 */
export function PreviewPage({ sessionId }: { sessionId: string }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const data = useAsync((signal) => liveApi.publicGet(sessionId, signal), [sessionId]);
  const s = data.data;
  useEffect(() => { if (s) document.title = `${s.title} - ${t('app.name')}`; }, [s, t]);
  if (data.error && !s) return <><PageHeader title={t('live.preview.title')} /><ErrorState error={data.error} onRetry={data.reload} /></>;
  if (!s) return <><PageHeader title={t('live.preview.title')} /><div className="state" role="status">{t('common.loading')}</div></>;
  const copy = async (text: string) => toast((await copyText(text)) ? t('live.copied') : t('live.copyFailed'));
  return (
    <div className="live-preview" data-testid="live-preview">
      <PageHeader title={t('live.preview.title')} />
      <div className="lp-cover">
        {s.coverUrl ? <img src={s.coverUrl} alt="" /> : <div className="lp-cover-empty" aria-hidden="true">LIVE</div>}
        <span className={`lp-status st-${s.status}`}>{t(statusKey(s.status))}</span>
      </div>
      <section className="lp-head">
        <h2 className="lp-title">{s.title}</h2>
        <p className="lp-host">{t('live.preview.host', { name: s.host.name })}</p>
        <p className="lp-time">{formatWindow(s.scheduledStart, s.scheduledEnd, lang)}</p>
        {s.status === 'scheduled' && <Countdown at={s.scheduledStart} />}
        {s.status === 'live' && <p className="lp-countdown"><strong>{t('live.preview.liveNow')}</strong></p>}
        {s.status === 'cancelled' && <p className="form-error">{t('live.preview.cancelled')}</p>}
        {s.status === 'ended' && <p className="muted">{s.hasReplay ? t('live.preview.endedReplay') : t('live.preview.ended')}</p>}
        <p className="muted" data-testid="reservation-count">{t('live.preview.reservations', { n: s.reservationCount })}</p>
        <ReserveButton s={s} onChange={(p) => data.setData({ ...s, ...p })} />
      </section>
      {s.kind === 'external' && s.platform && (
        <section className="lp-section">
          <h3>{t('live.preview.watchOn', { platform: t(platformKey(s.platform)) })}</h3>
          {s.externalUrl && (
            <div className="lp-copy-row">
              <a href={s.externalUrl} target="_blank" rel="noopener noreferrer">{s.externalUrl}</a>
              <button type="button" className="btn" onClick={() => void copy(s.externalUrl!)}>{t('live.copy')}</button>
            </div>
          )}
          {s.externalCode && (
            <div className="lp-copy-row">
              <span>{t('live.preview.code')}: <strong>{s.externalCode}</strong></span>
              <button type="button" className="btn" onClick={() => void copy(s.externalCode!)}>{t('live.copy')}</button>
            </div>
          )}
        </section>
      )}
      {s.description && <section className="lp-section"><h3>{t('live.preview.about')}</h3><p className="lp-desc">{s.description}</p></section>}
      <section className="lp-section">
        <h3>{t('live.preview.products', { n: s.items.length })}</h3>
        {s.items.length === 0 ? <p className="muted">{t('live.preview.noProducts')}</p> : (
          <ul className="lp-items">
            {s.items.map((i) => (
              <li key={i.skuId} className="lp-item" data-testid="preview-item">
                <Link to={`/p/${i.productId}`} className="lp-item-link">
                  <span className="lp-code">{t('live.roomCode', { n: i.roomCode })}</span>
                  {i.imageUrl ? <img src={i.imageUrl} alt="" /> : <span className="lp-img-empty" aria-hidden="true" />}
                  <span className="lp-item-body">
                    <span className="lp-item-title">{i.title}</span>
                    <span className="muted">{i.spec}</span>
                    <span className="lp-item-price">
                      <span className="lp-live-label">{t('live.livePrice')}</span> <Price fen={i.livePriceFen} />
                      {i.listPriceFen > i.livePriceFen && <s className="muted"> ¥{(i.listPriceFen / 100).toFixed(2)}</s>}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

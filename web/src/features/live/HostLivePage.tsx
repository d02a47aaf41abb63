import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { newIdempotencyKey } from '../../api/orders';
import { liveApi } from '../../api/liveSessions';
import { liveRoomApi, type Ban, type FlashSale, type Figures, type RoomComment, type RoomItem } from '../../api/liveRoom';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { signInPath } from '../store/buy';
import { Price } from '../store/Price';
import { EmptyState, ErrorState } from '../store/States';
import { useToast } from '../store/Toast';
import { useRoomFeed, useUntil } from './RoomFeed';
import './Room.css';

const LEADS = [5, 10, 15, 30];
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** The running flash sale, with its countdown and the close button. */
function RunningSale({ sale, item, offsetMs, onClose }: { sale: FlashSale; item: RoomItem | undefined; offsetMs: number; onClose: () => void }) {
  const { t } = useI18n();
  const left = useUntil(sale.startsAt, offsetMs);
  const [asking, setAsking] = useState(false);
  return (
    <div className="hl-flash" data-testid="hl-flash">
      <div>
        <div><strong>{item ? `${item.roomCode}号 ${item.title}` : ''}</strong> <Price fen={sale.priceFen} /></div>
        <div>{sale.status === 'draft' ? t('hostLive.flash.ready') : left > 0 ? t('hostLive.flash.countdown', { s: Math.ceil(left / 1000) }) : t('hostLive.flash.open')}
          {' · '}{t('hostLive.flash.left', { left: sale.stockLeft, total: sale.stockTotal })}</div>
      </div>
      {asking ? (
        <span className="hl-leads">
          <button type="button" className="hl-btn warn" onClick={() => { setAsking(false); onClose(); }}>{t('hostLive.confirm')}</button>
          <button type="button" className="hl-btn" onClick={() => setAsking(false)}>{t('hostLive.cancel')}</button>
        </span>
      ) : <button type="button" className="hl-btn warn" onClick={() => setAsking(true)} title={t('hostLive.flash.closeAsk')}>{t('hostLive.flash.close')}</button>}
    </div>
  );
}

/** Prepare a flash sale for one item and start it with a countdown length. */
function FlashForm({ sessionId, item, defaultLead, onDone }: { sessionId: string; item: RoomItem; defaultLead: number; onDone: (s: FlashSale) => void }) {
  const { t } = useI18n();
  const [price, setPrice] = useState(yuan(Math.max(1, Math.round(item.livePriceFen * 0.8))));
  const [stock, setStock] = useState(String(Math.min(10, item.stockLeft)));
  const [limit, setLimit] = useState('1');
  const [lead, setLead] = useState(defaultLead);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const priceFen = Math.round(Number(price) * 100);
    const n = Number(stock);
    const l = Number(limit);
    if (!Number.isFinite(priceFen) || priceFen < 1 || priceFen > item.livePriceFen) return setError(t('hostLive.flash.badPrice'));
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(l) || l < 1) return setError(t('hostLive.flash.badNumber'));
    setBusy(true);
    setError(null);
    try {
      const created = await liveRoomApi.createFlashSale(sessionId, { itemId: item.itemId, priceFen, stock: n, perBuyerLimit: l });
      onDone(await liveRoomApi.startFlashSale(sessionId, created.saleId, { leadSeconds: lead }));
    } catch (err) {
      setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="hl-section" onSubmit={(e) => void submit(e)} data-testid="hl-flash-form">
      <h2>{t('hostLive.flash.new', { title: `${item.roomCode}号 ${item.title}` })}</h2>
      <div className="hl-form">
        <label>{t('hostLive.flash.price')}<input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} data-testid="hl-flash-price" /></label>
        <label>{t('hostLive.flash.stock')}<input inputMode="numeric" value={stock} onChange={(e) => setStock(e.target.value)} data-testid="hl-flash-stock" /></label>
        <label>{t('hostLive.flash.limit')}<input inputMode="numeric" value={limit} onChange={(e) => setLimit(e.target.value)} /></label>
        <label>{t('hostLive.flash.lead')}
          <span className="hl-leads" role="radiogroup">
            {LEADS.map((s) => <button key={s} type="button" role="radio" aria-checked={lead === s} className={lead === s ? 'hl-btn on' : 'hl-btn'} onClick={() => setLead(s)}>{t('hostLive.flash.leadSeconds', { n: s })}</button>)}
          </span>
        </label>
      </div>
      {error && <div className="form-error" role="alert">{error}</div>}
      <button type="submit" className="hl-btn on" style={{ width: '100%', marginTop: 8 }} disabled={busy} data-testid="hl-flash-start">{t('hostLive.flash.start')}</button>
    </form>
  );
}

/**
 * 直播控制台: one-thumb controls for the host (or the center) while on camera — figures strip,
 * run-of-show with a 讲解 toggle and stock left, flash sale with its countdown length, comments
 * with reply / hide / let through, mute and remove viewers.
 */
export function HostLivePage() {
  const { sessionId = '' } = useParams();
  const { t, lang } = useI18n();
  const toast = useToast();
  const session = useSession();
  const feed = useRoomFeed(sessionId);
  const room = feed.room;
  const [figures, setFigures] = useState<Figures | null>(null);
  const [comments, setComments] = useState<RoomComment[]>([]);
  const [bans, setBans] = useState<Ban[]>([]);
  const [sales, setSales] = useState<{ items: FlashSale[]; leadSeconds: number } | null>(null);
  const [flashFor, setFlashFor] = useState<RoomItem | null>(null);
  const [stockFor, setStockFor] = useState<string | null>(null);
  const [replyTo, setReplyTo] = useState<RoomComment | null>(null);
  const [say, setSay] = useState('');
  const [banAsk, setBanAsk] = useState<RoomComment | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [f, c, b, s] = await Promise.all([liveRoomApi.figures(sessionId), liveRoomApi.comments(sessionId), liveRoomApi.bans(sessionId), liveRoomApi.flashSales(sessionId)]);
      setFigures(f); setComments(c.items); setBans(b.items); setSales(s);
    } catch { /* the feed shows the error; try again on the next tick */ }
  }, [sessionId]);
  useEffect(() => {
    if (session.status !== 'signedIn' || !room?.me?.canControl) return;
    void refresh();
    const timer = setInterval(() => void refresh(), 5000);
    return () => clearInterval(timer);
  }, [refresh, session.status, room?.me?.canControl]);
  // New comments arrive on the socket; fetch the moderation view (held, hidden, ids) when they do.
  const count = room?.comments.length ?? 0;
  useEffect(() => { if (room?.me?.canControl) liveRoomApi.comments(sessionId).then((c) => setComments(c.items)).catch(() => {}); }, [count, sessionId, room?.me?.canControl]);
  useEffect(() => { document.title = `${t('hostLive.title')} - ${t('app.name')}`; }, [t]);

  if (session.status === 'signedOut') return <Navigate to={signInPath(`/host/sessions/${sessionId}/live`)} replace />;
  if (feed.error && !room) return <div className="hl"><ErrorState error={feed.error} onRetry={() => void feed.reload()} /></div>;
  if (!room || session.status === 'loading') return <div className="hl state" role="status">{t('common.loading')}</div>;
  if (!room.me?.canControl) return <div className="hl"><EmptyState title={t('problem.not_session_host')} action={<Link to={`/live/${sessionId}`} className="btn btn-primary">{t('hostLive.openRoom')}</Link>} /></div>;

  const live = room.session.status === 'live';
  const act = async (key: string, fn: () => Promise<unknown>, done?: string) => {
    setBusy(key);
    try { await fn(); if (done) toast(done); await refresh(); } catch (err) { toast(problemText(err, t)); } finally { setBusy(null); }
  };
  const pin = (item: RoomItem) => {
    const on = room.pinned?.itemId === item.itemId;
    void act(`pin:${item.itemId}`, async () => {
      const r = await liveRoomApi.pin(sessionId, on ? null : item.itemId);
      feed.setRoom((x) => (x ? { ...x, pinned: r.item } : x));
    }, on ? t('hostLive.unpinned') : t('hostLive.pinned', { title: item.title }));
  };
  const running = sales?.items.find((s) => s.status === 'announced' || s.status === 'open' || s.status === 'draft') ?? null;
  const sendSay = async (e: FormEvent) => {
    e.preventDefault();
    if (!say.trim()) return;
    await act('say', async () => {
      await liveRoomApi.comment(sessionId, say.trim(), newIdempotencyKey(), replyTo?.id);
      setSay(''); setReplyTo(null);
    });
  };
  const figure = (label: string, value: string, testId: string, sub?: string) => (
    <div className="hl-fig"><strong data-testid={testId}>{value}</strong><span>{label}{sub ? ` · ${sub}` : ''}</span></div>
  );
  const rate = (c: number) => `${(c * 100).toFixed(1)}%`;
  const time = (iso: string) => new Date(iso).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });

  return (
    <div className="store-page hl" data-testid="host-live">
      <div className="hl-head">
        <Link to={`/host/sessions/${encodeURIComponent(sessionId)}`} className="hl-btn">‹ {t('hostLive.back')}</Link>
        <h1>{room.session.title}</h1>
        <Link to={`/live/${encodeURIComponent(sessionId)}`} className="hl-btn">{t('hostLive.openRoom')}</Link>
      </div>
      {!live && <div className="hl-confirm" role="status">{t('hostLive.notLive')}</div>}
      <div className="hl-strip" aria-live="polite">
        {figure(t('hostLive.figures.viewers'), String(room.viewers.now), 'fig-viewers', t('hostLive.figures.peak', { n: Math.max(room.viewers.peak, figures?.viewersPeak ?? 0) }))}
        {figure(t('hostLive.figures.gmv'), `¥${yuan(figures?.gmvFen ?? 0)}`, 'fig-gmv')}
        {figure(t('hostLive.figures.orders'), String(figures?.ordersPlaced ?? 0), 'fig-orders')}
        {figure(t('hostLive.figures.perMinute'), String(figures?.ordersLastMinute ?? 0), 'fig-opm')}
      </div>

      {running && <RunningSale sale={room.flashSale?.saleId === running.saleId ? { ...running, ...room.flashSale } : running} item={room.items.find((i) => i.itemId === running.itemId)} offsetMs={feed.offsetMs}
        onClose={() => void act('close', () => liveRoomApi.closeFlashSale(sessionId, running.saleId))} />}
      {flashFor && !running && <FlashForm sessionId={sessionId} item={flashFor} defaultLead={sales?.leadSeconds ?? 10} onDone={(s) => { setFlashFor(null); setSales((x) => (x ? { ...x, items: [s, ...x.items] } : x)); feed.setRoom((r) => (r ? { ...r, flashSale: s } : r)); }} />}

      <section className="hl-section">
        <h2>{t('hostLive.runOfShow')}</h2>
        <ul className="hl-items">
          {room.items.map((i) => {
            const on = room.pinned?.itemId === i.itemId;
            const f = figures?.items.find((x) => x.itemId === i.itemId);
            return (
              <li key={i.itemId} className={on ? 'hl-item pinned' : 'hl-item'} data-testid="hl-item">
                <span className="hl-code">{i.roomCode}</span>
                <div className="hl-item-info">
                  <div className="room-card-title">{i.title}</div>
                  <div className="muted"><Price fen={i.livePriceFen} /> · <span data-testid="hl-stock">{t('hostLive.stockLeft', { n: i.stockLeft })}</span></div>
                  {f && <div className="muted">{t('hostLive.sold', { n: f.units, rate: rate(f.conversion) })}</div>}
                </div>
                <button type="button" className="hl-btn" aria-expanded={stockFor === i.itemId} onClick={() => setStockFor(stockFor === i.itemId ? null : i.itemId)} data-testid="hl-stock-open">{t('hostLive.stock')}</button>
                <button type="button" className="hl-btn" disabled={!live || !!running || i.stockLeft <= 0} onClick={() => setFlashFor(flashFor?.itemId === i.itemId ? null : i)}>{t('hostLive.flash')}</button>
                <button type="button" className={on ? 'hl-btn on' : 'hl-btn'} aria-pressed={on} disabled={!live || busy === `pin:${i.itemId}`} onClick={() => pin(i)} data-testid="hl-pin">
                  {on ? t('hostLive.explaining') : t('hostLive.explain')}
                </button>
                {stockFor === i.itemId && (
                  <div className="hl-stock-row" role="group" aria-label={t('hostLive.stockAdjust')}>
                    {[-5, -1, 1, 5, 10].map((d) => (
                      <button key={d} type="button" className="hl-btn" disabled={i.stockLeft + d < 0 || busy === `stock:${i.itemId}`} data-testid={`hl-stock-${d}`}
                        onClick={() => void act(`stock:${i.itemId}`, async () => {
                          const updated = await liveApi.updateItem(sessionId, i.itemId, { stock: i.stockLeft + d });
                          feed.setRoom((x) => (x ? { ...x, items: x.items.map((y) => (y.itemId === i.itemId ? { ...y, stockLeft: updated.stockLeft } : y)) } : x));
                        })}>{d > 0 ? `+${d}` : d}</button>
                    ))}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="hl-section">
        <h2>{t('hostLive.comments')}</h2>
        {banAsk && (
          <div className="hl-confirm" role="alertdialog">
            <p>{t('hostLive.banAsk', { name: banAsk.userLabel })}</p>
            <button type="button" className="hl-btn warn" onClick={() => { const c = banAsk; setBanAsk(null); void act('ban', () => liveRoomApi.ban(sessionId, c.userId!, { kind: 'ban' })); }}>{t('hostLive.confirm')}</button>{' '}
            <button type="button" className="hl-btn" onClick={() => setBanAsk(null)}>{t('hostLive.cancel')}</button>
          </div>
        )}
        {comments.length === 0 ? <p className="muted">{t('hostLive.commentsEmpty')}</p> : (
          <ul className="hl-comments" data-testid="hl-comments">
            {[...comments].reverse().map((c) => (
              <li key={c.id} className={`hl-comment ${c.status ?? ''}`}>
                <div><strong>{c.userLabel}</strong>{c.fromHost && <span className="room-host-tag"> {t('room.hostTag')}</span>} {c.text}</div>
                {c.status === 'held' && <div className="muted">{t('hostLive.held', { words: (c.flaggedWords ?? []).join('、') })}</div>}
                {c.status === 'hidden' && <div className="muted">{t('hostLive.hidden')}</div>}
                {!c.fromHost && (
                  <div className="hl-comment-actions">
                    <button type="button" className="hl-btn" onClick={() => setReplyTo(c)}>{t('hostLive.reply')}</button>
                    {c.status === 'visible' && <button type="button" className="hl-btn" onClick={() => void act(`hide:${c.id}`, () => liveRoomApi.hide(sessionId, c.id))}>{t('hostLive.hide')}</button>}
                    {c.status !== 'visible' && <button type="button" className="hl-btn" onClick={() => void act(`show:${c.id}`, () => liveRoomApi.show(sessionId, c.id))}>{t('hostLive.show')}</button>}
                    {c.userId && <button type="button" className="hl-btn" onClick={() => void act(`mute:${c.id}`, () => liveRoomApi.ban(sessionId, c.userId!, { kind: 'mute', minutes: 10 }))}>{t('hostLive.mute')}</button>}
                    {c.userId && <button type="button" className="hl-btn warn" onClick={() => setBanAsk(c)}>{t('hostLive.ban')}</button>}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
        <form className="hl-say" onSubmit={(e) => void sendSay(e)}>
          <input value={say} onChange={(e) => setSay(e.target.value)} maxLength={200} placeholder={replyTo ? t('hostLive.replyTo', { name: replyTo.userLabel }) : t('hostLive.say')} aria-label={t('hostLive.say')} disabled={!live} />
          {replyTo && <button type="button" className="hl-btn" onClick={() => setReplyTo(null)}>×</button>}
          <button type="submit" className="hl-btn on" disabled={!live || !say.trim() || busy === 'say'}>{t('room.send')}</button>
        </form>
      </section>

      {bans.length > 0 && (
        <section className="hl-section">
          <h2>{t('hostLive.bans')}</h2>
          <ul className="hl-items">
            {bans.map((b) => (
              <li key={`${b.userId}:${b.kind}`} className="hl-item">
                <div className="hl-item-info"><strong>{b.userLabel}</strong> {b.kind === 'ban' ? t('hostLive.banLabel') : t('hostLive.muteLabel')} · {b.until ? t('hostLive.until', { time: time(b.until) }) : t('hostLive.wholeSession')}</div>
                <button type="button" className="hl-btn" onClick={() => void act(`unban:${b.userId}`, () => liveRoomApi.unban(sessionId, b.userId, b.kind))}>{t('hostLive.unban')}</button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {isProblem(feed.error) && <div className="form-error" role="alert">{problemText(feed.error, t)}</div>}
    </div>
  );
}

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { checkoutsApi, newIdempotencyKey } from '../../api/orders';
import { liveRoomApi, type CommentBuy, type FlashSale, type Room, type RoomItem } from '../../api/liveRoom';
import { useI18n, type Translate } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { Sheet, mmss, signInPath } from '../store/buy';
import { Price } from '../store/Price';
import { ProductImage } from '../store/ProductCard';
import { EmptyState, ErrorState } from '../store/States';
import { IconCart } from '../store/icons';
import { useToast } from '../store/Toast';
import { PreviewPage } from './PreviewPage';
import { VideoPlayer } from './VideoPlayer';
import { RoomBuySheet } from './RoomBuySheet';
import { useRoomFeed, useUntil, type PrivateReply } from './RoomFeed';
import './Room.css';

/** The words for a comment-to-buy answer, in the viewer's language. */
export function buyReplyText(b: CommentBuy, unit: string, t: Translate): string {
  return b.outcome === 'reserved' ? t('room.reply.reserved', { n: b.quantity, unit }) : t(`room.reply.${b.outcome}` as const, { code: b.roomCode });
}

/** /live/:sessionId — the pre-announcement while scheduled, the room once live, a closing card after. */
export function RoomRoute() {
  const { sessionId = '' } = useParams();
  const feed = useRoomFeed(sessionId);
  const { t } = useI18n();
  const seenLive = useRef(false);
  if (feed.error && !feed.room) {
    if (isProblem(feed.error) && feed.error.status === 404) {
      return <div className="room-page-state"><EmptyState title={t('room.notFound')} action={<Link to="/live" className="btn btn-primary">{t('store.tab.live')}</Link>} /></div>;
    }
    return <div className="room-page-state"><ErrorState error={feed.error} onRetry={() => void feed.reload()} /></div>;
  }
  if (!feed.room) return <div className="room-page-state state" role="status">{t('common.loading')}</div>;
  const status = feed.room.session.status;
  // Before it starts, and when opened after it ended or was cancelled: the pre-announcement page
  // (times, products, 预约, the replay note). A viewer already in the room when it ends stays, with
  // the closing card over the video.
  if (status === 'scheduled' || (!seenLive.current && (status === 'ended' || status === 'cancelled'))) return <PreviewPage sessionId={sessionId} />;
  seenLive.current = true;
  return <RoomView sessionId={sessionId} feed={feed} room={feed.room} />;
}

type Feed = ReturnType<typeof useRoomFeed>;

function FlashCard({ sale, item, offsetMs, onBuy }: { sale: FlashSale; item: RoomItem | undefined; offsetMs: number; onBuy: () => void }) {
  const { t } = useI18n();
  const left = useUntil(sale.startsAt, offsetMs);
  const toEnd = useUntil(sale.endsAt, offsetMs);
  const over = sale.status === 'closed' || (!!sale.endsAt && toEnd <= 0);
  const open = !over && left <= 0;
  const secs = Math.ceil(left / 1000);
  const pct = sale.stockTotal > 0 ? Math.round((sale.stockLeft / sale.stockTotal) * 100) : 0;
  return (
    <div className="room-flash" data-testid="flash-card" data-state={over ? 'closed' : open ? 'open' : 'countdown'}>
      <div className="room-flash-head">
        <strong>{t('room.flash.title')}</strong>
        {over ? <span>{t('room.flash.closed')}</span>
          : open ? <span>{t('room.flash.open')}</span>
          : <span className="room-flash-count" data-testid="flash-countdown" aria-live="polite">{secs > 60 ? t('room.flash.startsInLong', { time: mmss(secs) }) : t('room.flash.startsIn', { s: secs })}</span>}
      </div>
      <div className="room-flash-body">
        {item && <div className="room-flash-img"><ProductImage src={item.imageUrl} alt={item.title} /></div>}
        <div className="room-flash-info">
          <div className="room-card-title">{item?.title}</div>
          <div><Price fen={sale.priceFen} big /> {item && <s className="room-muted">¥{(item.livePriceFen / 100).toFixed(2)}</s>}</div>
          <div className="room-progress" aria-hidden="true"><span style={{ width: `${pct}%` }} /></div>
          <div className="room-small">{t('room.flash.left', { n: sale.stockLeft })} · {t('room.flash.limit', { n: sale.perBuyerLimit })}</div>
        </div>
        <button type="button" className="room-grab" disabled={!open || sale.stockLeft <= 0} onClick={onBuy} data-testid="flash-buy">
          {over ? t('room.flash.closed') : sale.stockLeft <= 0 ? t('room.soldOut') : open ? t('room.flash.buy') : t('room.flash.wait')}
        </button>
      </div>
    </div>
  );
}

function PinnedCard({ item, onBuy }: { item: RoomItem; onBuy: () => void }) {
  const { t } = useI18n();
  return (
    <div className="room-pinned" data-testid="pinned-card">
      <div className="room-pinned-img"><ProductImage src={item.imageUrl} alt={item.title} /><span className="room-pinned-tag">{t('room.pinned')}</span></div>
      <div className="room-pinned-info">
        <div className="room-card-title">{t('room.code', { n: item.roomCode })} {item.title}</div>
        <div><span className="room-live-label">{t('room.livePrice')}</span> <Price fen={item.livePriceFen} /></div>
        <div className="room-small" data-testid="pinned-stock">{item.stockLeft > 0 ? t('room.stockLeft', { n: item.stockLeft, unit: item.unit }) : t('room.soldOut')}</div>
      </div>
      <button type="button" className="room-grab" onClick={onBuy} disabled={item.stockLeft <= 0} data-testid="pinned-grab">{item.stockLeft > 0 ? t('room.grab') : t('room.soldOut')}</button>
    </div>
  );
}

function ReplyCard({ reply, onClose }: { reply: PrivateReply; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div className={`room-reply kind-${reply.kind}`} role="status" data-testid="room-reply">
      <span>{reply.text}</span>
      {reply.payUrl && <Link to={reply.payUrl} className="room-reply-pay" data-testid="reply-pay">{t('room.reply.pay')}</Link>}
      <button type="button" className="room-reply-x" onClick={onClose} aria-label={t('room.reply.dismiss')}>×</button>
    </div>
  );
}

/** Hearts that float up from the like button; each lives 1.2 s. */
function useHearts() {
  const [hearts, setHearts] = useState<number[]>([]);
  const n = useRef(0);
  const add = useCallback(() => {
    const k = ++n.current;
    setHearts((h) => [...h.slice(-12), k]);
    setTimeout(() => setHearts((h) => h.filter((x) => x !== k)), 1200);
  }, []);
  return { hearts, add };
}

function RoomView({ sessionId, feed, room }: { sessionId: string; feed: Feed; room: Room }) {
  const { t } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const [buying, setBuying] = useState<{ item: RoomItem; sale: FlashSale | null } | null>(null);
  const [bagOpen, setBagOpen] = useState(false);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const commentKey = useRef<{ key: string; text: string } | null>(null);
  const { hearts, add: addHeart } = useHearts();
  const [likes, setLikes] = useState(room.likes);
  const pendingLikes = useRef(0);
  const listRef = useRef<HTMLUListElement>(null);
  const live = room.session.status === 'live';
  const me = room.me;

  useEffect(() => { document.title = `${room.session.title} - ${t('app.name')}`; }, [room.session.title, t]);
  useEffect(() => { setLikes((l) => Math.max(l, room.likes)); }, [room.likes]);
  useEffect(() => { listRef.current?.scrollTo({ top: listRef.current.scrollHeight }); }, [room.comments.length]);

  // Back from paying (?paid=<checkout>): say so once the payment is confirmed.
  const paid = params.get('paid');
  useEffect(() => {
    if (!paid || !signedIn) return;
    let stop = false;
    let n = 0;
    const check = async () => {
      try {
        const c = await checkoutsApi.get(paid);
        if (c.status === 'paid') { toast(t('room.buy.paid')); setParams({}, { replace: true }); return; }
      } catch { /* keep waiting a little */ }
      if (!stop && ++n < 15) setTimeout(() => void check(), 1000);
    };
    void check();
    return () => { stop = true; };
  }, [paid, signedIn, setParams, t, toast]);

  // Likes go out in batches, once a second.
  useEffect(() => {
    const timer = setInterval(() => {
      const n = pendingLikes.current;
      if (!n) return;
      pendingLikes.current = 0;
      liveRoomApi.like(sessionId, Math.min(n, 100)).then((r) => setLikes((l) => Math.max(l, r.total))).catch(() => {});
    }, 1000);
    return () => clearInterval(timer);
  }, [sessionId]);

  const needSignIn = () => navigate(signInPath(location.pathname));
  const openBuy = (item: RoomItem, sale: FlashSale | null = null) => {
    if (!signedIn) return needSignIn();
    if (me?.banned || feed.closedFor === 4403) { toast(t('room.banned')); return; }
    setBagOpen(false);
    setBuying({ item, sale });
  };
  const like = () => {
    addHeart();
    if (!signedIn || !live) return;
    setLikes((l) => l + 1);
    pendingLikes.current++;
  };
  const share = async () => {
    try { await navigator.clipboard.writeText(window.location.href.split('?')[0]!); toast(t('room.shareCopied')); } catch { toast(window.location.href.split('?')[0]!); }
  };
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || sending) return;
    if (!signedIn) return needSignIn();
    if (!commentKey.current || commentKey.current.text !== body) commentKey.current = { key: newIdempotencyKey(), text: body };
    setSending(true);
    feed.expectOwnReply();
    try {
      const res = await liveRoomApi.comment(sessionId, body, commentKey.current.key);
      feed.addComment(res.comment);
      setText('');
      commentKey.current = null;
      if (res.buy) {
        const unit = room.items.find((i) => i.roomCode === res.buy!.roomCode)?.unit ?? '';
        feed.addReply({ kind: 'comment_buy', text: buyReplyText(res.buy, unit, t), checkoutId: res.buy.checkoutId ?? undefined, payUrl: res.buy.payUrl ?? undefined });
      }
    } catch (err) {
      toast(problemText(err, t));
      if (isProblem(err) && err.status < 500 && err.status !== 429) commentKey.current = null;
    } finally {
      setSending(false);
    }
  };

  // A private reply that repeats the answer the POST already gave (same checkout) is shown once.
  const replies = feed.replies.filter((r, i, all) => !r.checkoutId || all.findIndex((x) => x.checkoutId === r.checkoutId) === i);
  const sale = room.flashSale && room.flashSale.status !== 'draft' ? room.flashSale : null;
  const saleItem = sale ? room.items.find((i) => i.itemId === sale.itemId) : undefined;
  const example = room.items[0] ? `${room.items[0].roomCode}号 1${room.items[0].unit}` : '1号 1份';

  return (
    <div className="room" data-testid="room" data-status={room.session.status} data-connected={feed.connected ? 'true' : 'false'}>
      <div className="room-video">
        {room.session.kind !== 'external' && <VideoPlayer sessionId={sessionId} videoState={room.session.videoState} />}
      </div>
      <div className="room-top">
        <div className="room-host">
          <span className="room-avatar" aria-hidden="true">{[...room.session.host.name][0] ?? '主'}</span>
          <span className="room-host-text">
            <strong>{room.session.host.name}</strong>
            <span data-testid="viewers">{t('room.viewers', { n: room.viewers.now })} · {t('room.likes', { n: likes })}</span>
          </span>
        </div>
        <button type="button" className="room-close" onClick={() => navigate('/live')} aria-label={t('room.close')}>×</button>
      </div>
      {!feed.connected && feed.closedFor === null && live && <div className="room-conn" role="status">{t('room.connectionLost')}</div>}
      <div className="room-ticker" aria-live="polite" data-testid="ticker">
        {feed.ticker.map((o) => <div key={o.key} className="room-ticker-item">{t('room.ordered', { name: o.buyerLabel, n: o.quantity, unit: o.unit })}</div>)}
      </div>
      {me?.canControl && <Link to={`/host/sessions/${encodeURIComponent(sessionId)}/live`} className="room-console-link">{t('room.console')}</Link>}

      {!live && (
        <div className="room-ended" data-testid="room-ended">
          <strong>{room.session.status === 'cancelled' ? t('room.cancelled') : t('room.ended')}</strong>
          <p>{t('room.endedHint')}</p>
          <Link to="/" className="btn btn-primary">{t('room.toStore')}</Link>
        </div>
      )}

      <div className="room-lower">
        <ul className="room-comments" ref={listRef} aria-label={t('hostLive.comments')} data-testid="comments">
          {room.comments.map((c) => (
            <li key={c.id} className={c.fromHost ? 'from-host' : undefined}>
              {c.fromHost && <span className="room-host-tag">{t('room.hostTag')}</span>}
              <span className="room-comment-name">{c.userLabel}</span> {c.text}
              {c.status === 'held' && <span className="room-held"> ({t('room.heldNote')})</span>}
            </li>
          ))}
        </ul>
        <div className="room-cards">
          {sale && <FlashCard sale={sale} item={saleItem} offsetMs={feed.offsetMs} onBuy={() => saleItem && openBuy(saleItem, sale)} />}
          {live && room.pinned && <PinnedCard item={room.pinned} onBuy={() => openBuy(room.pinned!)} />}
        </div>
        {replies.map((r) => <ReplyCard key={r.key} reply={r} onClose={() => feed.dismissReply(r.key)} />)}
        <div className="room-bar">
          <form className="room-say" onSubmit={(e) => void send(e)}>
            {me?.muted || me?.banned || feed.closedFor === 4403 ? (
              <span className="room-say-off">{me?.banned || feed.closedFor === 4403 ? t('room.banned') : t('room.muted')}</span>
            ) : signedIn ? (
              <>
                <input value={text} onChange={(e) => setText(e.target.value)} maxLength={200} placeholder={t('room.commentPlaceholder')} aria-label={t('room.commentPlaceholder')}
                  title={t('room.commentHint', { example })} disabled={!live} data-testid="comment-input" enterKeyHint="send" />
                {text.trim() && <button type="submit" className="room-send" disabled={sending} data-testid="comment-send">{t('room.send')}</button>}
              </>
            ) : (
              <button type="button" className="room-say-off" onClick={needSignIn}>{t('room.signInToComment')}</button>
            )}
          </form>
          <button type="button" className="room-bag" onClick={() => setBagOpen(true)} aria-label={t('room.bag')} data-testid="bag">
            <IconCart size={22} aria-hidden="true" /><span className="room-bag-count">{room.items.length}</span>
          </button>
          <button type="button" className="room-like" onClick={like} aria-label={t('room.like')} data-testid="like">
            <span aria-hidden="true">♥</span>
            {hearts.map((k) => <span key={k} className="room-heart" aria-hidden="true">♥</span>)}
          </button>
          <button type="button" className="room-share" onClick={() => void share()} aria-label={t('room.share')}><span aria-hidden="true">↗</span></button>
        </div>
      </div>

      {bagOpen && (
        <Sheet title={t('room.bagTitle', { n: room.items.length })} onClose={() => setBagOpen(false)}>
          {room.items.length === 0 ? <p className="muted">{t('room.bagEmpty')}</p> : (
            <ul className="room-bag-list" data-testid="bag-list">
              {room.items.map((i) => (
                <li key={i.itemId} className="room-bag-item">
                  <span className="room-bag-code">{i.roomCode}</span>
                  <div className="thumb"><ProductImage src={i.imageUrl} alt={i.title} /></div>
                  <div className="room-bag-info">
                    <div className="room-card-title">{i.title}{room.pinned?.itemId === i.itemId && <span className="tag tag-red"> {t('room.pinned')}</span>}</div>
                    <div className="muted">{i.spec}</div>
                    <div><Price fen={i.livePriceFen} /> <span className="muted">{i.stockLeft > 0 ? t('room.stockLeft', { n: i.stockLeft, unit: i.unit }) : t('room.soldOut')}</span></div>
                  </div>
                  <button type="button" className="btn btn-primary" disabled={!live || i.stockLeft <= 0} onClick={() => openBuy(i)}>{t('room.grab')}</button>
                </li>
              ))}
            </ul>
          )}
        </Sheet>
      )}
      {buying && (
        <RoomBuySheet sessionId={sessionId} item={room.items.find((i) => i.itemId === buying.item.itemId) ?? buying.item}
          sale={buying.sale ? (room.flashSale?.saleId === buying.sale.saleId ? room.flashSale : buying.sale) : null}
          offsetMs={feed.offsetMs} onClose={() => setBuying(null)} />
      )}
    </div>
  );
}

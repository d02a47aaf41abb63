/**
 * The live room's state, kept current: the room view from GET /room, then the room's WebSocket
 * events applied to it (pin, stock, flash sale, comments, order ticker, viewers, likes, session
 * state, private replies) through the shared client (web/src/shared/liveSocket.ts), which resumes
 * from the last event id after a drop; a `resync` refetches the room. While the socket is down,
 * the room is polled so nothing freezes.
 *
 * The server clock: every client counts a flash sale down by the server's clock, not its own
 * (phones are often seconds off) and not by the video (which arrives seconds late). The offset
 * first estimated from the room's HTTP answer, then taken from the socket client's ping/pong
 * measurements (the median of several round trips).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { liveRoomApi, type FlashSale, type Room, type RoomComment, type RoomItem } from '../../api/liveRoom';
import { connectLiveSocket } from '../../shared/liveSocket';

export interface TickerEntry { key: number; buyerLabel: string; quantity: number; unit: string; title: string }
export interface PrivateReply { key: number; kind: 'comment_buy' | 'muted' | 'banned' | 'notice'; text: string; checkoutId?: string | undefined; payUrl?: string | undefined }

type Frame = { id: number | null; type: string; data: any; at: string };

const MAX_COMMENTS = 120;

/** A clock offset sample: server minus client, with the round trip it was measured over. */
interface Sample { offset: number; rtt: number }

export function useRoomFeed(sessionId: string) {
  const [room, setRoom] = useState<Room | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [connected, setConnected] = useState(false);
  /** The socket stopped for good (banned: 4403, not allowed: 4404): no reconnecting, no polling. */
  const [closedFor, setClosedFor] = useState<number | null>(null);
  const [ticker, setTicker] = useState<TickerEntry[]>([]);
  const [replies, setReplies] = useState<PrivateReply[]>([]);
  const [offsetMs, setOffsetMs] = useState(0);
  const best = useRef<Sample | null>(null);
  const seq = useRef(0);
  // While this tab's own comment is being posted, its answer comes back in the POST (in the
  // viewer's language); the same answer sent privately over the socket is for other devices.
  const ownPostUntil = useRef(0);

  const sample = useCallback((s: Sample) => {
    // A sample over a shorter round trip is closer to the truth; older ones age out slowly.
    if (!best.current || s.rtt <= best.current.rtt * 1.2) {
      best.current = s;
      setOffsetMs(Math.round(s.offset));
    }
  }, []);

  const load = useCallback(async (signal?: AbortSignal) => {
    const t0 = Date.now();
    try {
      const r = await liveRoomApi.room(sessionId, signal);
      const t1 = Date.now();
      sample({ offset: Date.parse(r.serverTime) - (t0 + t1) / 2, rtt: t1 - t0 + 50 });
      setRoom(r);
      setError(null);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      setError(err);
    }
  }, [sessionId, sample]);

  const apply = useCallback((f: Frame) => {
    const d = f.data;
    switch (f.type) {
      case 'order':
        setTicker((t) => [...t.slice(-2), { key: ++seq.current, buyerLabel: d.buyerLabel, quantity: d.quantity, unit: d.unit, title: d.title }]);
        return;
      case 'reply':
        if (d.kind === 'comment_buy' && Date.now() < ownPostUntil.current) return;
        setReplies((r) => [...r.slice(-2), { key: ++seq.current, kind: d.kind, text: d.text, checkoutId: d.checkoutId, payUrl: d.payUrl }]);
        if (d.kind === 'banned' || d.kind === 'muted') setRoom((r) => (r && r.me ? { ...r, me: { ...r.me, muted: true, banned: r.me.banned || d.kind === 'banned' } } : r));
        return;
    }
    setRoom((r) => {
      if (!r) return r;
      switch (f.type) {
        case 'session':
          return { ...r, session: { ...r.session, status: d.status, videoState: d.videoState, startedAt: d.startedAt, endedAt: d.endedAt }, pinned: d.status === 'live' ? r.pinned : null };
        case 'pin': {
          const item = d.item as RoomItem | null;
          return { ...r, pinned: item, items: item ? r.items.map((i) => (i.itemId === item.itemId ? item : i)) : r.items };
        }
        case 'stock': {
          const left = new Map<string, number>((d.items as { itemId: string; stockLeft: number }[]).map((i) => [i.itemId, i.stockLeft]));
          const upd = (i: RoomItem) => (left.has(i.itemId) ? { ...i, stockLeft: left.get(i.itemId)! } : i);
          return { ...r, items: r.items.map(upd), pinned: r.pinned ? upd(r.pinned) : null };
        }
        case 'flash_sale':
          // A closed sale's card says so for a few seconds, then goes.
          if (d.status === 'closed') setTimeout(() => setRoom((x) => (x?.flashSale && x.flashSale.saleId === d.saleId && x.flashSale.status === 'closed' ? { ...x, flashSale: null } : x)), 8000);
          return { ...r, flashSale: d as FlashSale };
        case 'comment': {
          if (r.comments.some((c) => c.id === d.id)) return r;
          const c: RoomComment = { id: d.id, userLabel: d.userLabel, text: d.text, at: d.at, fromHost: d.fromHost, status: 'visible' };
          return { ...r, comments: [...r.comments, c].slice(-MAX_COMMENTS) };
        }
        case 'comment_hidden':
          return { ...r, comments: r.comments.filter((c) => c.id !== d.id) };
        case 'viewers':
          return { ...r, viewers: { now: d.now, peak: d.peak } };
        case 'likes':
          return { ...r, likes: Math.max(r.likes, d.total) };
        default:
          return r;
      }
    });
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  // The room's socket (web/src/shared/liveSocket.ts): reconnects and resumes from the last id by
  // itself; a resync (or the first open, so nothing between the HTTP answer and the socket's
  // start is missed) refetches the room.
  useEffect(() => {
    if (typeof WebSocket === 'undefined') return;
    const live = connectLiveSocket({ sessionId });
    let opened = false;
    const offs = [
      live.onAny((frame) => apply(frame as unknown as Frame)),
      live.onResync(() => void load()),
      live.onStatus((st) => {
        setConnected(st.state === 'open');
        if (st.state === 'closed' && st.code !== undefined && st.code !== 1000) setClosedFor(st.code);
        if (st.state === 'open' && !opened) { opened = true; void load(); }
      }),
    ];
    // The socket's clock estimate (median of ping/pong round trips) replaces the HTTP one once it has samples.
    const clock = setInterval(() => {
      const c = live.clock();
      if (c.samples > 0) { best.current = { offset: c.offsetMs, rtt: c.rttMs ?? 0 }; setOffsetMs((o) => (Math.abs(o - c.offsetMs) > 15 ? Math.round(c.offsetMs) : o)); }
    }, 1000);
    return () => { offs.forEach((off) => off()); clearInterval(clock); live.close(); };
  }, [sessionId, load, apply]);

  // While the socket is down, poll so the room never freezes.
  useEffect(() => {
    if (connected || closedFor !== null) return;
    const timer = setInterval(() => void load(), 4000);
    return () => clearInterval(timer);
  }, [connected, closedFor, load]);

  const dismissReply = useCallback((key: number) => setReplies((r) => r.filter((x) => x.key !== key)), []);
  const addReply = useCallback((r: Omit<PrivateReply, 'key'>) => setReplies((x) => [...x.filter((y) => !r.checkoutId || y.checkoutId !== r.checkoutId).slice(-2), { ...r, key: ++seq.current }]), []);
  /** Call before posting a comment: for a few seconds, socket answers to comment-to-buy are the POST's. */
  const expectOwnReply = useCallback(() => { ownPostUntil.current = Date.now() + 5000; }, []);
  const addComment = useCallback((c: RoomComment) => setRoom((r) => (r && !r.comments.some((x) => x.id === c.id) ? { ...r, comments: [...r.comments, c].slice(-MAX_COMMENTS) } : r)), []);

  return { room, setRoom, error, connected, closedFor, ticker, replies, dismissReply, addReply, expectOwnReply, addComment, offsetMs, reload: load };
}

/** The server's now, by the measured offset. */
export function serverNow(offsetMs: number): number {
  return Date.now() + offsetMs;
}

/**
 * Milliseconds until an instant by the server's clock, updated often enough for a countdown,
 * and exactly at the instant itself (a timer set for it), so a button opens on time.
 */
export function useUntil(iso: string | null | undefined, offsetMs: number): number {
  const calc = useCallback(() => (iso ? Date.parse(iso) - serverNow(offsetMs) : 0), [iso, offsetMs]);
  const [left, setLeft] = useState(calc);
  useEffect(() => {
    setLeft(calc());
    if (!iso) return;
    const tick = setInterval(() => setLeft(calc()), 200);
    const ms = calc();
    const exact = ms > 0 ? setTimeout(() => setLeft(calc()), ms + 1) : undefined;
    return () => { clearInterval(tick); clearTimeout(exact); };
  }, [iso, calc]);
  return left;
}

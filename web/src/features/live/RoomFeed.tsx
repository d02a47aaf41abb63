/**
 * The live room's state, kept current: the room view from GET /room, then the room's WebSocket
 * events applied to it (pin, stock, flash sale, comments, order ticker, viewers, likes, session
 * state, private replies). The socket resumes from the last event id after a drop (`?after=&epoch=`)
 * and refetches the room on `resync`. While it is down, the room is polled so nothing freezes.
 *
 * The server clock: every client counts a flash sale down by the server's clock, not its own
 * (phones are often seconds off) and not by the video (which arrives seconds late). The offset
 * is measured from the socket's `hello` and `ping`/`pong` (and the HTTP answer before that),
 * keeping the sample with the shortest round trip.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { liveRoomApi, type FlashSale, type Room, type RoomComment, type RoomItem } from '../../api/liveRoom';

export interface TickerEntry { key: number; buyerLabel: string; quantity: number; unit: string; title: string }
export interface PrivateReply { key: number; kind: 'comment_buy' | 'muted' | 'banned' | 'notice'; text: string; checkoutId?: string | undefined; payUrl?: string | undefined }

type Frame = { id: number | null; type: string; data: any; at: string };

const FINAL_CLOSE = [4403, 4404, 1003, 1008, 1009];
const MAX_COMMENTS = 120;

/** A clock offset sample: server minus client, with the round trip it was measured over. */
interface Sample { offset: number; rtt: number }

export function useRoomFeed(sessionId: string) {
  const [room, setRoom] = useState<Room | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [connected, setConnected] = useState(false);
  const [ticker, setTicker] = useState<TickerEntry[]>([]);
  const [replies, setReplies] = useState<PrivateReply[]>([]);
  const [offsetMs, setOffsetMs] = useState(0);
  const best = useRef<Sample | null>(null);
  const seq = useRef(0);
  const cursor = useRef<{ lastId: number | null; epoch: string | null }>({ lastId: null, epoch: null });
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

  // The socket, reconnecting with a growing pause; resumes from the last id it saw.
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    let delay = 1000;
    const connect = () => {
      if (stopped || typeof WebSocket === 'undefined') return;
      const c = cursor.current;
      const q = c.lastId !== null && c.epoch ? `?after=${c.lastId}&epoch=${encodeURIComponent(c.epoch)}` : '';
      const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${proto}//${location.host}/api/v1/live/sessions/${encodeURIComponent(sessionId)}/ws${q}`);
      const sendPing = () => { if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', t: Date.now() })); };
      ws.onopen = () => { setConnected(true); delay = 1000; sendPing(); ping = setInterval(sendPing, 15_000); };
      ws.onmessage = (m) => {
        let f: Frame;
        try { f = JSON.parse(String(m.data)) as Frame; } catch { return; }
        if (f.type === 'hello') {
          const fresh = cursor.current.epoch !== f.data.epoch;
          cursor.current = { lastId: fresh ? f.data.lastId : cursor.current.lastId ?? f.data.lastId, epoch: f.data.epoch };
          if (fresh) void load();
          return;
        }
        if (f.type === 'pong') {
          const now = Date.now();
          sample({ offset: f.data.serverTime - (f.data.t + now) / 2, rtt: now - f.data.t });
          return;
        }
        if (f.type === 'resync') {
          cursor.current = { lastId: f.data.lastId, epoch: f.data.epoch };
          void load();
          return;
        }
        if (typeof f.id === 'number') {
          if (cursor.current.lastId !== null && f.id <= cursor.current.lastId) return; // already applied
          cursor.current.lastId = f.id;
        }
        apply(f);
      };
      ws.onclose = (e) => {
        setConnected(false);
        clearInterval(ping);
        if (stopped || FINAL_CLOSE.includes(e.code)) return;
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10_000);
      };
    };
    connect();
    return () => { stopped = true; clearTimeout(retry); clearInterval(ping); ws?.close(1000); };
  }, [sessionId, load, apply, sample]);

  // While the socket is down, poll so the room never freezes.
  useEffect(() => {
    if (connected) return;
    const timer = setInterval(() => void load(), 4000);
    return () => clearInterval(timer);
  }, [connected, load]);

  const dismissReply = useCallback((key: number) => setReplies((r) => r.filter((x) => x.key !== key)), []);
  const addReply = useCallback((r: Omit<PrivateReply, 'key'>) => setReplies((x) => [...x.filter((y) => !r.checkoutId || y.checkoutId !== r.checkoutId).slice(-2), { ...r, key: ++seq.current }]), []);
  /** Call before posting a comment: for a few seconds, socket answers to comment-to-buy are the POST's. */
  const expectOwnReply = useCallback(() => { ownPostUntil.current = Date.now() + 5000; }, []);
  const addComment = useCallback((c: RoomComment) => setRoom((r) => (r && !r.comments.some((x) => x.id === c.id) ? { ...r, comments: [...r.comments, c].slice(-MAX_COMMENTS) } : r)), []);

  return { room, setRoom, error, connected, ticker, replies, dismissReply, addReply, expectOwnReply, addComment, offsetMs, reload: load };
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

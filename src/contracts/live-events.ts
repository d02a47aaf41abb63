/**
 * The live room's WebSocket events, shared by the server (src/modules/live, src/platform/realtime)
 * and the web app (web/src/features/live). Every frame a viewer receives is
 * `{ id, type, data, at }`: `id` increases per room, so a client that reconnects with the last
 * id it saw gets exactly what it missed. Private events (`reply`) reach one user's sockets only
 * and carry no id (they are not replayed).
 */

export interface LiveItemView {
  itemId: string;
  roomCode: number;
  productId: string;
  skuId: string;
  title: string;
  spec: string;
  unit: string;
  imageUrl: string | null;
  livePriceFen: number;
  listPriceFen: number;
  stockLeft: number;
}

export interface LiveEventMap {
  /** The session's state and whether video is arriving. */
  session: { status: 'scheduled' | 'live' | 'ended' | 'cancelled'; videoState: 'offline' | 'receiving'; startedAt: string | null; endedAt: string | null };
  /** The product being explained (讲解中), or null when unpinned. */
  pin: { item: LiveItemView | null };
  /** Stock left per run-of-show item; coalesced into ticks. */
  stock: { items: { itemId: string; stockLeft: number }[] };
  /** A flash sale (秒杀): announced with a start instant in the future, then open, then closed. */
  flash_sale: {
    saleId: string; itemId: string; status: 'announced' | 'open' | 'closed';
    startsAt: string; endsAt: string | null; priceFen: number; stockTotal: number; stockLeft: number; perBuyerLimit: number;
  };
  comment: { id: string; userLabel: string; text: string; at: string; fromHost: boolean };
  comment_hidden: { id: string };
  /** The order ticker: "张* 刚刚下单 2 盒". */
  order: { buyerLabel: string; quantity: number; unit: string; title: string; at: string };
  /** Viewers now and peak; coalesced into ticks. */
  viewers: { now: number; peak: number };
  likes: { total: number };
  /** Private to one viewer: the answer to their comment-to-buy, a mute notice… */
  reply: { kind: 'comment_buy' | 'muted' | 'banned' | 'notice'; text: string; checkoutId?: string; payUrl?: string };
}

export type LiveEventType = keyof LiveEventMap;
export type LiveEvent = { [K in LiveEventType]: { type: K; data: LiveEventMap[K] } }[LiveEventType];
/** What goes over the wire. */
export type LiveFrame = LiveEvent & { id: number | null; at: string };

/** The room name a session's events travel under. */
export function liveRoom(sessionId: string): string {
  return `live:${sessionId}`;
}

/**
 * Control frames of the socket itself (never published by services, never replayed; `id` null).
 * - `hello`: first frame of every connection: the server clock and the room's last event id and
 *   epoch. A client that reconnects sends `?after=<last id>&epoch=<epoch>`.
 * - `resync`: the frames the client missed are no longer all kept (or the room's id stream was
 *   restarted: another epoch): refetch the room state over HTTP, then carry on from `lastId`.
 * - `pong`: the answer to the client's `{type:'ping', t}`, for its server-clock offset estimate.
 */
export interface LiveControlMap {
  hello: { sessionId: string; serverTime: number; lastId: number; epoch: string };
  resync: { lastId: number; epoch: string; reason: 'too_far_behind' | 'epoch_changed' };
  pong: { t: number; serverTime: number };
}
export type LiveControlType = keyof LiveControlMap;
export type LiveControlFrame = { [K in LiveControlType]: { type: K; data: LiveControlMap[K]; id: null; at: string } }[LiveControlType];
/** Anything the server sends on a room socket. */
export type LiveServerFrame = LiveFrame | LiveControlFrame;
/** The only message a client may send: a clock probe (at most LIVE_MAX_INBOUND_BYTES). */
export interface LiveClientPing { type: 'ping'; t: number }
export const LIVE_MAX_INBOUND_BYTES = 4096;

/**
 * Close codes of a room socket. 1xxx are the protocol's; 44xx mean "do not retry as is".
 * A client reconnects (with backoff, resuming) after any code not marked final.
 */
export const LIVE_CLOSE = {
  /** Server shutting down or restarting: reconnect. */
  goingAway: 1001,
  /** Binary frame: not retried as is. */
  unsupported: 1003,
  /** Malformed or unexpected message. */
  policy: 1008,
  /** Message larger than LIVE_MAX_INBOUND_BYTES. */
  tooBig: 1009,
  /** Final: the viewer may not watch this session (banned). */
  forbidden: 4403,
  /** Final: no such session, or one this viewer cannot see. */
  notFound: 4404,
  /** The client read too slowly and was dropped: reconnect (resumes or resyncs). */
  tooSlow: 4408,
  /** This server process missed frames (its Redis subscription dropped): reconnect at once and resume. */
  resume: 4409,
} as const;
/** Close codes after which a client should stop reconnecting. */
export const LIVE_FINAL_CLOSE_CODES: readonly number[] = [LIVE_CLOSE.forbidden, LIVE_CLOSE.notFound, LIVE_CLOSE.unsupported, LIVE_CLOSE.policy, LIVE_CLOSE.tooBig];

/** High-rate event types merged into one frame per tick per room (stock by itemId; the others keep the latest). */
export const COALESCED_EVENT_TYPES: readonly LiveEventType[] = ['stock', 'viewers', 'likes'];

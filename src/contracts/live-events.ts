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

/** The live room: the room view, buying, pins, flash sales, comments, likes, mutes/bans, live figures. */
import { api, request } from './client';
import type { Checkout } from './orders';

const id = (s: string) => encodeURIComponent(s);
const S = (sessionId: string) => `/live/sessions/${id(sessionId)}`;

/** A run-of-show item as the room shows it (the `pin` event's item). */
export interface RoomItem {
  itemId: string; roomCode: number; productId: string; skuId: string; title: string; spec: string; unit: string;
  imageUrl: string | null; livePriceFen: number; listPriceFen: number; stockLeft: number;
}

export interface FlashSale {
  saleId: string; itemId: string; status: 'draft' | 'announced' | 'open' | 'closed';
  startsAt: string | null; endsAt: string | null; priceFen: number; stockTotal: number; stockLeft: number; perBuyerLimit: number;
  leadSeconds?: number | null; createdAt?: string; closedAt?: string | null; stockReturned?: number;
}

export type BuyOutcome = 'reserved' | 'unknown_code' | 'sold_out' | 'no_address' | 'over_limit' | 'not_buyer' | 'unavailable' | 'banned';

export interface RoomComment {
  id: string; userLabel: string; text: string; at: string; fromHost: boolean;
  status?: 'visible' | 'held' | 'hidden'; replyToId?: string | null;
  userId?: string; flaggedWords?: string[];
  buy?: { outcome: BuyOutcome; roomCode: number | null; quantity: number | null };
}

export interface Room {
  session: {
    id: string; title: string; kind: string; status: 'scheduled' | 'live' | 'ended' | 'cancelled'; videoState: 'offline' | 'receiving';
    startedAt: string | null; endedAt: string | null; scheduledStart: string; scheduledEnd: string; host: { id: string; name: string }; coverUrl: string | null;
  };
  pinned: RoomItem | null;
  items: RoomItem[];
  flashSale: FlashSale | null;
  comments: RoomComment[];
  likes: number;
  viewers: { now: number; peak: number };
  me: { userId: string; canControl: boolean; muted: boolean; banned: boolean; until: string | null } | null;
  serverTime: string;
}

export interface CommentBuy { outcome: BuyOutcome; roomCode: number; quantity: number; checkoutId: string | null; payUrl: string | null; text: string }

export interface Ban { sessionId: string; userId: string; userLabel: string; kind: 'mute' | 'ban'; until: string | null; reason: string; createdAt: string }

export interface Figures {
  sessionId: string; status: string; viewersNow: number; viewersPeak: number; uniqueViewers: number; watchMinutes: number; likes: number; comments: number;
  ordersPlaced: number; ordersPaid: number; placedFen: number; gmvFen: number; ordersLastMinute: number; ordersPerMinute: number;
  items: { itemId: string; roomCode: number; title: string; spec: string; stockLeft: number; units: number; buyers: number; gmvFen: number; conversion: number }[];
}

export const liveRoomApi = {
  room: (sessionId: string, signal?: AbortSignal) => api.get<Room>(`${S(sessionId)}/room`, undefined, signal),
  buy: (sessionId: string, body: { itemId: string; quantity: number; addressId: string; flashSaleId?: string | undefined }, idempotencyKey: string) =>
    request<Checkout>('POST', `${S(sessionId)}/checkouts`, { body, headers: { 'idempotency-key': idempotencyKey } }),
  pin: (sessionId: string, itemId: string | null) => api.put<{ item: RoomItem | null }>(`${S(sessionId)}/pin`, { itemId }),
  comments: (sessionId: string, before?: string) => api.get<{ items: RoomComment[] }>(`${S(sessionId)}/comments`, { before, limit: 100 }),
  comment: (sessionId: string, text: string, idempotencyKey: string, replyToId?: string) =>
    request<{ comment: RoomComment; buy: CommentBuy | null }>('POST', `${S(sessionId)}/comments`, { body: replyToId ? { text, replyToId } : { text }, headers: { 'idempotency-key': idempotencyKey } }),
  hide: (sessionId: string, commentId: string) => api.post<RoomComment>(`${S(sessionId)}/comments/${id(commentId)}/hide`),
  show: (sessionId: string, commentId: string) => api.post<RoomComment>(`${S(sessionId)}/comments/${id(commentId)}/show`),
  like: (sessionId: string, count: number) => api.post<{ total: number }>(`${S(sessionId)}/likes`, { count }),
  flashSales: (sessionId: string) => api.get<{ items: FlashSale[]; leadSeconds: number }>(`${S(sessionId)}/flash-sales`),
  createFlashSale: (sessionId: string, body: { itemId: string; priceFen: number; stock: number; perBuyerLimit: number }) => api.post<FlashSale>(`${S(sessionId)}/flash-sales`, body),
  startFlashSale: (sessionId: string, saleId: string, body: { leadSeconds?: number; durationSeconds?: number }) => api.post<FlashSale>(`${S(sessionId)}/flash-sales/${id(saleId)}/start`, body),
  closeFlashSale: (sessionId: string, saleId: string) => api.post<FlashSale>(`${S(sessionId)}/flash-sales/${id(saleId)}/close`),
  bans: (sessionId: string) => api.get<{ items: Ban[] }>(`${S(sessionId)}/bans`),
  ban: (sessionId: string, userId: string, body: { kind: 'mute' | 'ban'; minutes?: number; reason?: string }) => api.put<Ban>(`${S(sessionId)}/bans/${id(userId)}`, body),
  unban: (sessionId: string, userId: string, kind: 'mute' | 'ban') => api.delete<{ ok: true }>(`${S(sessionId)}/bans/${id(userId)}/${kind}`),
  figures: (sessionId: string, signal?: AbortSignal) => api.get<Figures>(`${S(sessionId)}/figures`, undefined, signal),
};

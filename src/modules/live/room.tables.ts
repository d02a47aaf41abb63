/** Tables of the live room (migrations/2026-11-27T0510_live_room.ts). */

export const FLASH_SALE_STATUSES = ['draft', 'announced', 'closed'] as const;
export type FlashSaleStatus = (typeof FLASH_SALE_STATUSES)[number];
export const COMMENT_STATUSES = ['visible', 'held', 'hidden'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];
export const AUTHOR_KINDS = ['viewer', 'host', 'center'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];
export const BUY_OUTCOMES = ['reserved', 'unknown_code', 'sold_out', 'no_address', 'over_limit', 'not_buyer', 'unavailable', 'banned'] as const;
export type BuyOutcome = (typeof BUY_OUTCOMES)[number];
export const BAN_KINDS = ['mute', 'ban'] as const;
export type BanKind = (typeof BAN_KINDS)[number];

/**
 * A flash sale (秒杀). Created as a draft (its stock already set aside from the item), started
 * (announced, with starts_at a few seconds ahead; "open" is simply now >= starts_at), closed
 * (what is left goes back to the item, recorded in stock_returned).
 */
export interface LiveFlashSaleTable {
  id: string;
  session_id: string;
  item_id: string;
  price_fen: number;
  stock_total: number;
  stock_left: number;
  stock_returned: number;
  per_buyer_limit: number;
  status: FlashSaleStatus;
  lead_seconds: number | null;
  starts_at: string | null;
  ends_at: string | null;
  created_by: string;
  created_at: string;
  announced_at: string | null;
  closed_at: string | null;
  updated_at: string;
}

/** How many units each buyer has taken in a sale (the per-buyer limit, by conditional upsert). */
export interface LiveFlashSaleBuyerTable {
  sale_id: string;
  user_id: string;
  quantity: number;
}

/** Units a buyer has taken of one run-of-show item, capped by LIVE_MAX_PER_BUYER. */
export interface LiveItemBuyerTable {
  item_id: string;
  user_id: string;
  quantity: number;
}

export interface LiveCommentTable {
  id: string;
  session_id: string;
  user_id: string;
  author_kind: AuthorKind;
  text: string;
  status: CommentStatus;
  /** Words the filter caught, comma-separated ('' when none). */
  flagged_words: string;
  reply_to_id: string | null;
  /** The poster's Idempotency-Key: a resent comment is stored (and bought) once. */
  client_key: string | null;
  buy_room_code: number | null;
  buy_quantity: number | null;
  buy_outcome: BuyOutcome | null;
  checkout_id: string | null;
  created_at: string;
  hidden_at: string | null;
  hidden_by: string | null;
}

/** A mute (no comments) or a ban (no comments, no buying, no WebSocket) in one session. */
export interface LiveBanTable {
  session_id: string;
  user_id: string;
  kind: BanKind;
  /** null: for the rest of the session. */
  until: string | null;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface RoomTables {
  live_flash_sale: LiveFlashSaleTable;
  live_flash_sale_buyer: LiveFlashSaleBuyerTable;
  live_item_buyer: LiveItemBuyerTable;
  live_comment: LiveCommentTable;
  live_ban: LiveBanTable;
}

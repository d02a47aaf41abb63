/** Tables of the live module (migrations/2026-11-27T0500_live.ts). */

export const SESSION_KINDS = ['hosted', 'external', 'practice'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
export const SESSION_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const APPROVALS = ['pending', 'approved', 'rejected'] as const;
export type Approval = (typeof APPROVALS)[number];
export const EXTERNAL_PLATFORMS = ['douyin', 'kuaishou', 'wechat_channels'] as const;
export type ExternalPlatform = (typeof EXTERNAL_PLATFORMS)[number];

export interface LiveSessionTable {
  id: string;
  county_code: string;
  host_user_id: string;
  kind: SessionKind;
  title: string;
  description: string;
  cover_file_id: string | null;
  scheduled_start: string;
  scheduled_end: string;
  status: SessionStatus;
  approval: Approval;
  approval_note: string;
  approved_by: string | null;
  /** External sessions only: where the host streams, and the session's own link and code. */
  platform: ExternalPlatform | null;
  external_url: string | null;
  external_code: string | null;
  pinned_item_id: string | null;
  /** What the ingest last saw; 'receiving' while video arrives. */
  video_state: 'offline' | 'receiving';
  video_seen_at: string | null;
  /** Recording of a hosted session, relative to the recordings directory. */
  replay_path: string | null;
  started_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The secret in rtmp://<host>/live/<key>. One active key per session; rotating revokes the old. */
export interface LiveStreamKeyTable {
  stream_key: string;
  session_id: string;
  created_at: string;
  revoked_at: string | null;
}

/** One run-of-show line: a SKU with its live price and the stock set aside for the session. */
export interface LiveSessionItemTable {
  id: string;
  session_id: string;
  position: number;
  /** What viewers type to buy by comment ("3号 2份"). */
  room_code: number;
  product_id: string;
  sku_id: string;
  supplier_id: string;
  live_price_fen: number;
  stock_allotted: number;
  stock_left: number;
  /** Planned slot: minutes after the start, and length. */
  slot_minute: number | null;
  slot_minutes: number | null;
  talking_points: string;
  created_at: string;
  updated_at: string;
}

export interface LiveReservationTable {
  session_id: string;
  user_id: string;
  created_at: string;
  reminded_at: string | null;
}

export interface LiveSessionMentorTable {
  session_id: string;
  user_id: string;
  created_at: string;
}

export interface LiveExternalSaleTable {
  id: string;
  session_id: string;
  product_id: string | null;
  label: string;
  orders: number;
  units: number;
  gmv_fen: number;
  source: 'manual' | 'import';
  created_by: string | null;
  created_at: string;
}

export interface LiveSessionStatTable {
  session_id: string;
  viewers_now: number;
  viewers_peak: number;
  watch_seconds: number;
  unique_viewers: number;
  comments: number;
  likes: number;
  updated_at: string;
}

export interface LiveTables {
  live_session: LiveSessionTable;
  live_stream_key: LiveStreamKeyTable;
  live_session_item: LiveSessionItemTable;
  live_reservation: LiveReservationTable;
  live_session_mentor: LiveSessionMentorTable;
  live_external_sale: LiveExternalSaleTable;
  live_session_stat: LiveSessionStatTable;
}

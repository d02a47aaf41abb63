/** Live sessions: scheduling, run-of-show, approval, stream key, state, pre-announcement, reservations, report. */
import { api } from './client';

const id = (s: string) => encodeURIComponent(s);
const S = '/live/sessions';

export type SessionKind = 'hosted' | 'external' | 'practice';
export type SessionStatus = 'scheduled' | 'live' | 'ended' | 'cancelled';
export type Approval = 'pending' | 'approved' | 'rejected';
export type ExternalPlatform = 'douyin' | 'kuaishou' | 'wechat_channels';
export const PLATFORMS: readonly ExternalPlatform[] = ['douyin', 'kuaishou', 'wechat_channels'];

export interface LiveItem {
  id: string; position: number; roomCode: number; productId: string; skuId: string; supplierId: string;
  title: string; spec: string; unit: string; imageUrl: string | null;
  listPriceFen: number; livePriceFen: number; stockAllotted: number; stockLeft: number;
  slotMinute: number | null; slotMinutes: number | null; talkingPoints: string;
}

export interface LiveSession {
  id: string; countyCode: string; kind: SessionKind; title: string; description: string;
  host: { id: string; name: string }; coverUrl: string | null; scheduledStart: string; scheduledEnd: string;
  status: SessionStatus; approval: Approval; approvalNote: string; approvedBy: string | null;
  platform: ExternalPlatform | null; externalUrl: string | null; externalCode: string | null;
  videoState: 'offline' | 'receiving'; startedAt: string | null; endedAt: string | null; hasReplay: boolean;
  reservationCount: number; items: LiveItem[];
  can: { edit: boolean; approve: boolean; goLive: boolean; end: boolean; cancel: boolean; streamKey: boolean };
  goLiveFrom: string; createdAt: string; updatedAt: string;
}

export interface SessionSummary {
  id: string; countyCode: string; kind: SessionKind; title: string; host: { id: string; name: string }; coverUrl: string | null;
  scheduledStart: string; scheduledEnd: string; status: SessionStatus; approval: Approval; platform: ExternalPlatform | null;
  itemCount: number; reservationCount: number; startedAt: string | null; endedAt: string | null; updatedAt: string;
}

export interface SessionInput {
  kind?: SessionKind;
  title?: string;
  description?: string;
  scheduledStart?: string;
  scheduledEnd?: string;
  platform?: ExternalPlatform;
  externalUrl?: string | null;
  externalCode?: string | null;
}

export interface ListQuery {
  from?: string; to?: string; status?: SessionStatus; approval?: Approval; kind?: SessionKind; countyCode?: string; hostUserId?: string; mine?: boolean;
}

export interface ItemInput {
  skuId?: string; livePriceFen?: number; stock?: number; slotMinute?: number | null; slotMinutes?: number | null; talkingPoints?: string;
}

export interface StreamKey { sessionId: string; streamKey: string; ingestUrl: string; fullUrl: string; createdAt: string }

export interface PublicSession {
  id: string; kind: SessionKind; title: string; description: string; host: { id: string; name: string }; coverUrl: string | null;
  scheduledStart: string; scheduledEnd: string; status: SessionStatus; platform: ExternalPlatform | null; externalUrl: string | null; externalCode: string | null;
  startedAt: string | null; endedAt: string | null; hasReplay: boolean; reservationCount: number; reserved: boolean;
  items: { roomCode: number; productId: string; skuId: string; title: string; spec: string; unit: string; imageUrl: string | null; listPriceFen: number; livePriceFen: number; stockLeft: number }[];
}

export interface ExternalSale { id: string; productId: string | null; label: string; orders: number; units: number; gmvFen: number; source: 'manual' | 'import'; createdAt: string }

export interface SessionReport {
  sessionId: string; title: string; kind: SessionKind; status: SessionStatus; startedAt: string | null; endedAt: string | null; durationMinutes: number;
  viewers: { peak: number; average: number; unique: number; watchMinutes: number };
  comments: number; likes: number; orders: number; buyers: number; units: number; gmvFen: number; refundedFen: number;
  products: { skuId: string; productId: string; roomCode: number | null; title: string; spec: string; orders: number; buyers: number; units: number; gmvFen: number; conversion: number | null }[];
  external: { orders: number; units: number; gmvFen: number; sales: ExternalSale[] };
}

export const liveApi = {
  create: (body: SessionInput & { kind: SessionKind; title: string; scheduledStart: string; scheduledEnd: string }) => api.post<LiveSession>(S, body),
  list: (q: ListQuery = {}, signal?: AbortSignal) => api.get<{ items: SessionSummary[]; truncated: boolean }>(S, { ...q }, signal),
  get: (sessionId: string, signal?: AbortSignal) => api.get<LiveSession>(`${S}/${id(sessionId)}`, undefined, signal),
  update: (sessionId: string, body: SessionInput) => api.patch<LiveSession>(`${S}/${id(sessionId)}`, body),
  uploadCover: (sessionId: string, file: Blob) => api.upload<LiveSession>('PUT', `${S}/${id(sessionId)}/cover`, file),
  addItem: (sessionId: string, body: ItemInput & { skuId: string; livePriceFen: number; stock: number }) => api.post<LiveItem>(`${S}/${id(sessionId)}/items`, body),
  updateItem: (sessionId: string, itemId: string, body: ItemInput) => api.patch<LiveItem>(`${S}/${id(sessionId)}/items/${id(itemId)}`, body),
  removeItem: (sessionId: string, itemId: string) => api.delete<LiveItem[]>(`${S}/${id(sessionId)}/items/${id(itemId)}`),
  reorder: (sessionId: string, itemIds: string[]) => api.put<LiveItem[]>(`${S}/${id(sessionId)}/items/order`, { itemIds }),
  /** `seenUpdatedAt`: the session as the reviewer saw it; a later change by the host is refused (concurrent_change). */
  approve: (sessionId: string, note: string, seenUpdatedAt: string) => api.post<LiveSession>(`${S}/${id(sessionId)}/approve`, { note, expectedUpdatedAt: seenUpdatedAt }),
  reject: (sessionId: string, note: string, seenUpdatedAt: string) => api.post<LiveSession>(`${S}/${id(sessionId)}/reject`, { note, expectedUpdatedAt: seenUpdatedAt }),
  streamKey: (sessionId: string) => api.get<StreamKey>(`${S}/${id(sessionId)}/stream-key`),
  rotateKey: (sessionId: string) => api.post<StreamKey>(`${S}/${id(sessionId)}/stream-key/rotate`),
  goLive: (sessionId: string) => api.post<LiveSession>(`${S}/${id(sessionId)}/go-live`),
  end: (sessionId: string) => api.post<LiveSession>(`${S}/${id(sessionId)}/end`),
  cancel: (sessionId: string, reason: string) => api.post<LiveSession>(`${S}/${id(sessionId)}/cancel`, { reason }),
  report: (sessionId: string, signal?: AbortSignal) => api.get<SessionReport>(`${S}/${id(sessionId)}/report`, undefined, signal),
  addSale: (sessionId: string, body: { label: string; orders: number; units: number; gmvFen: number; productId?: string }) => api.post<ExternalSale>(`${S}/${id(sessionId)}/external-sales`, body),
  importSales: (sessionId: string, file: Blob) => api.upload<{ imported: number; replaced: number; gmvFen: number; sales: ExternalSale[] }>('POST', `${S}/${id(sessionId)}/external-sales/import`, file),
  deleteSale: (sessionId: string, saleId: string) => api.delete<{ ok: true }>(`${S}/${id(sessionId)}/external-sales/${id(saleId)}`),
  publicList: (signal?: AbortSignal) => api.get<{ live: SessionSummary[]; upcoming: SessionSummary[] }>('/live/public/sessions', undefined, signal),
  publicGet: (sessionId: string, signal?: AbortSignal) => api.get<PublicSession>(`/live/public/sessions/${id(sessionId)}`, undefined, signal),
  reserve: (sessionId: string) => api.put<{ reserved: boolean; reservationCount: number }>(`${S}/${id(sessionId)}/reservation`),
  unreserve: (sessionId: string) => api.delete<{ reserved: boolean; reservationCount: number }>(`${S}/${id(sessionId)}/reservation`),
};

export interface ShowcaseItem { productId: string; title: string; unit: string; coverUrl: string | null; supplierName: string; minPriceFen: number | null; sellable: boolean }
/** The host's showcase (owned by the hosts module): the products a run-of-show may draw from. */
export const showcaseApi = {
  list: (hostUserId: string, signal?: AbortSignal) => api.get<{ hostUserId: string; items: ShowcaseItem[] }>(`/hosts/${id(hostUserId)}/showcase`, undefined, signal),
};

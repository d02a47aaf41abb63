/** The host roster (主播矩阵): profiles, real name, linked accounts, showcase, matchmaking, samples, performance, the funnel. */
import { api, download, toQueryString } from './client';

const id = (s: string) => encodeURIComponent(s);

export type HostKind = 'local' | 'returned_youth' | 'guest' | 'official';
export const HOST_KINDS: readonly HostKind[] = ['local', 'returned_youth', 'guest', 'official'];
export type Verification = 'none' | 'pending' | 'verified' | 'rejected';
export type Platform = 'douyin' | 'kuaishou' | 'wechat_channels';
export const PLATFORMS: readonly Platform[] = ['douyin', 'kuaishou', 'wechat_channels'];
export type Slot = 'morning' | 'afternoon' | 'evening';
export type MatchStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';
export type SampleStatus = 'requested' | 'shipped' | 'received' | 'return_shipped' | 'returned' | 'cancelled';
export type FunnelStep = 'enrolled' | 'attended' | 'certified' | 'first_live' | 'active_30' | 'active_90';
export const FUNNEL_STEPS: readonly FunnelStep[] = ['enrolled', 'attended', 'certified', 'first_live', 'active_30', 'active_90'];
export type FunnelStage = Exclude<FunnelStep, 'enrolled'>;
export const DROPOUT_REASONS = ['no_time', 'family_care', 'farm_work', 'low_income', 'camera_shy', 'no_equipment', 'poor_network', 'left_county', 'health', 'found_job', 'lost_interest', 'other'] as const;
export type DropoutReason = (typeof DROPOUT_REASONS)[number];
export type Grouping = 'cohort' | 'township' | 'age_band' | 'gender';

export interface Availability { weekdays: number[]; slots: Slot[]; note: string }
export interface ExternalAccount { platform: Platform; handle: string; followers: number; source: 'manual' | 'import'; updatedAt: string }
export interface PledgeSplit { charityBp: number; developmentBp: number }

export interface HostProfile {
  hostUserId: string;
  countyCode: string;
  accountName: string;
  phoneMasked: string;
  kind: HostKind;
  townshipCode: string;
  townshipName: string;
  displayName: string;
  bio: string;
  specialities: string[];
  availability: Availability;
  verification: Verification;
  realName: string | null;
  idNumberMasked: string | null;
  birthYear: number | null;
  age: number | null;
  gender: 'male' | 'female' | null;
  guardian: { name: string; relation: string; phone: string; consentOn: string } | null;
  verificationNote: string;
  verifiedAt: string | null;
  externalAccounts: ExternalAccount[];
  showcaseCount: number;
  policy: { kind: 'regular' | 'official'; basis: 'selection' | 'rate' | 'fixed'; rateBp: number; fixedFen: number; pledge: PledgeSplit | null; isDefault: boolean } | null;
  createdAt: string;
  updatedAt: string;
}

export interface RosterRow {
  hostUserId: string;
  accountName: string;
  phoneMasked: string;
  onRoster: boolean;
  kind: HostKind | null;
  townshipCode: string | null;
  townshipName: string | null;
  displayName: string;
  specialities: string[];
  verification: Verification;
  realName: string | null;
  idNumberMasked: string | null;
  age: number | null;
  gender: string | null;
  followers: number;
  externalAccounts: ExternalAccount[];
  showcaseCount: number;
  policyKind: string | null;
  updatedAt: string | null;
}

export interface ProfileInput {
  countyCode: string;
  kind: HostKind;
  townshipCode: string;
  displayName: string;
  bio?: string;
  specialities?: string[];
  availability?: Availability;
}

export interface RealNameInput {
  realName: string;
  idNumber: string;
  guardian?: { name: string; relation: string; phone: string; consentOn: string };
}

export interface ShowcaseItem {
  productId: string;
  title: string;
  unit: string;
  coverUrl: string | null;
  origin: string;
  supplierId: string;
  supplierName: string;
  minPriceFen: number | null;
  commissionRateBp: number | null;
  inSelection: boolean;
  sellable: boolean;
  addedAt: string;
}

export interface PublicHost {
  hostUserId: string;
  countyCode: string;
  countyName: string;
  displayName: string;
  kind: HostKind;
  townshipName: string;
  bio: string;
  specialities: string[];
  externalAccounts: { platform: Platform; handle: string; followers: number }[];
  showcase: ShowcaseItem[];
  pledge: PledgeSplit | null;
}

export interface DirectoryHost { hostUserId: string; displayName: string; kind: HostKind; townshipName: string; specialities: string[]; followers: number }

export interface Match {
  id: string;
  countyCode: string;
  kind: 'invite' | 'apply';
  status: MatchStatus;
  hostUserId: string;
  hostName: string;
  productId: string;
  productTitle: string;
  supplierId: string;
  supplierName: string;
  message: string;
  decisionNote: string;
  decidedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Sample {
  id: string;
  countyCode: string;
  status: SampleStatus;
  hostUserId: string;
  hostName: string;
  productId: string;
  productTitle: string;
  supplierId: string;
  supplierName: string;
  quantity: number;
  returnRequired: boolean;
  recipientName: string;
  recipientPhone: string;
  addressText: string;
  note: string;
  carrier: string | null;
  trackingNo: string | null;
  shippedAt: string | null;
  receivedAt: string | null;
  returnCarrier: string | null;
  returnTrackingNo: string | null;
  returnShippedAt: string | null;
  returnedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SampleInput {
  productId: string;
  quantity: number;
  returnRequired: boolean;
  recipientName: string;
  recipientPhone: string;
  addressText: string;
  note?: string;
}

export interface HostFigures {
  hostUserId: string;
  displayName: string;
  kind: HostKind | null;
  local: boolean;
  sessions: number;
  externalSessions: number;
  hoursLive: number;
  avgViewers: number | null;
  peakViewers: number;
  uniqueViewers: number;
  orders: number;
  gmvFen: number;
  refundsFen: number;
  commissionFen: number;
  pledgedFen: number;
  externalOrders: number;
  externalGmvFen: number;
  conversion: number | null;
}

export interface CountyPerformance {
  countyCode: string;
  from: string;
  to: string;
  totals: {
    countyOrders: number; countyGmvFen: number; hostGmvFen: number; localGmvFen: number;
    localShareOfCounty: number | null; localShareOfHosts: number | null; hosts: number; localHosts: number;
    sessions: number; hoursLive: number; commissionFen: number; pledgedFen: number;
  };
  items: (HostFigures & { rank: number })[];
}

export interface HostPerformance extends HostFigures {
  countyCode: string;
  from: string;
  to: string;
  rank: number;
  of: number;
  daily: { date: string; orders: number; gmvFen: number }[];
}

export interface FunnelTally {
  total: number;
  counts: Record<FunnelStep, number>;
  conversion: Record<FunnelStep, number | null>;
  pending: { active_30: number; active_90: number };
}

export interface Funnel {
  countyCode: string;
  cohortId: string | null;
  steps: FunnelStep[];
  threshold: number;
  overall: FunnelTally;
  groups: Record<Grouping, ({ key: string; label: string } & FunnelTally)[]>;
  reasons: { code: DropoutReason; count: number; byStage: Record<string, number> }[];
  followedUp: number;
}

export interface FunnelPerson {
  enrolmentId: string;
  userId: string;
  cohortId: string;
  cohortName: string;
  name: string;
  phone: string;
  gender: string;
  ageBand: string;
  townshipCode: string;
  townshipName: string;
  attendancePct: number;
  firstLiveAt: string | null;
  reached: Record<FunnelStep, boolean>;
  pending: { active_30: boolean; active_90: boolean };
  stoppedBefore: FunnelStage | null;
  followups: number;
  lastFollowup: { reasonCode: string; stage: string; note: string; calledOn: string } | null;
}

export interface FunnelFilter { countyCode: string; cohortId?: string | undefined; from?: string | undefined; to?: string | undefined }
export interface Period { from: string; to: string }


export const hostsApi = {
  roster: (q: { countyCode: string; kind?: HostKind | undefined; verification?: Verification | undefined; q?: string | undefined }) => api.get<{ countyCode: string; items: RosterRow[] }>('/hosts', q),
  get: (hostUserId: string) => api.get<HostProfile>(`/hosts/${id(hostUserId)}`),
  putProfile: (hostUserId: string, body: ProfileInput) => api.put<HostProfile>(`/hosts/${id(hostUserId)}/profile`, body),
  me: () => api.get<HostProfile>('/me/host'),
  patchMe: (body: { displayName?: string; bio?: string; specialities?: string[]; availability?: Availability }) => api.patch<HostProfile>('/me/host', body),
  setRealName: (hostUserId: string, body: RealNameInput) => api.put<HostProfile>(`/hosts/${id(hostUserId)}/real-name`, body),
  /** `seenUpdatedAt`: the profile as the reviewer saw it; a later change is refused (real_name_changed). */
  reviewRealName: (hostUserId: string, verdict: 'verify' | 'reject', seenUpdatedAt: string, note?: string) =>
    api.post<HostProfile>(`/hosts/${id(hostUserId)}/real-name/review`, { verdict, expectedUpdatedAt: seenUpdatedAt, ...(note ? { note } : {}) }),
  revealId: (hostUserId: string, reason: string) => api.post<{ hostUserId: string; realName: string; idNumber: string }>(`/hosts/${id(hostUserId)}/real-name/reveal`, { reason }),
  putAccount: (hostUserId: string, platform: Platform, body: { handle: string; followers: number }) => api.put<HostProfile>(`/hosts/${id(hostUserId)}/external-accounts/${platform}`, body),
  deleteAccount: (hostUserId: string, platform: Platform) => api.delete<HostProfile>(`/hosts/${id(hostUserId)}/external-accounts/${platform}`),
  importAccounts: (countyCode: string, file: File) => api.upload<{ applied: number; errors: { row: number; code: string; detail: string }[] }>('POST', `/host-imports/external-accounts${toQueryString({ countyCode })}`, file),
  settings: (countyCode: string) => api.get<{ countyCode: string; maxCommissionBp: number; isDefault: boolean; updatedAt: string | null }>(`/host-settings/${countyCode}`),
  putSettings: (countyCode: string, maxCommissionBp: number) => api.put<{ countyCode: string; maxCommissionBp: number; isDefault: boolean; updatedAt: string | null }>(`/host-settings/${countyCode}`, { maxCommissionBp }),
  directory: (countyCode: string) => api.get<{ countyCode: string; items: DirectoryHost[] }>('/store/hosts', { countyCode }),
  publicHost: (hostUserId: string) => api.get<PublicHost>(`/store/hosts/${id(hostUserId)}`),

  showcase: (hostUserId: string) => api.get<{ hostUserId: string; items: ShowcaseItem[] }>(`/hosts/${id(hostUserId)}/showcase`),
  addToShowcase: (hostUserId: string, productId: string) => api.post<{ added: boolean; items: ShowcaseItem[] }>(`/hosts/${id(hostUserId)}/showcase`, { productId }),
  removeFromShowcase: (hostUserId: string, productId: string) => api.delete<{ hostUserId: string; items: ShowcaseItem[] }>(`/hosts/${id(hostUserId)}/showcase/${id(productId)}`),

  matches: (q: { status?: MatchStatus | undefined; countyCode?: string | undefined; hostUserId?: string | undefined } = {}) => api.get<{ items: Match[] }>('/host-matches', q),
  createMatch: (body: { kind: 'invite' | 'apply'; productId: string; hostUserId?: string; message?: string }) => api.post<Match>('/host-matches', body),
  decideMatch: (matchId: string, verdict: 'approve' | 'reject', note?: string) => api.post<Match>(`/host-matches/${id(matchId)}/decide`, { verdict, ...(note ? { note } : {}) }),
  withdrawMatch: (matchId: string) => api.post<Match>(`/host-matches/${id(matchId)}/withdraw`),

  samples: (q: { status?: SampleStatus | undefined; countyCode?: string | undefined } = {}) => api.get<{ items: Sample[] }>('/host-samples', q),
  requestSample: (body: SampleInput) => api.post<Sample>('/host-samples', body),
  sampleAction: (sampleId: string, action: 'ship' | 'receive' | 'return-ship' | 'returned' | 'cancel', body?: { carrier: string; trackingNo: string }) =>
    api.post<Sample>(`/host-samples/${id(sampleId)}/${action}`, body ?? {}),

  performance: (countyCode: string, p: Period) => api.get<CountyPerformance>('/host-performance', { countyCode, ...p }),
  performanceXlsx: (countyCode: string, p: Period) => download('/host-performance/export', { countyCode, ...p }, `主播业绩-${p.from}-${p.to}.xlsx`),
  hostPerformance: (hostUserId: string, p: Period) => api.get<HostPerformance>(`/hosts/${id(hostUserId)}/performance`, { ...p }),

  funnel: (f: FunnelFilter) => api.get<Funnel>('/host-funnel', { ...f }),
  funnelXlsx: (f: FunnelFilter) => download('/host-funnel/export', { ...f }, `主播培养漏斗-${f.countyCode}.xlsx`),
  funnelPeople: (f: FunnelFilter & { stoppedBefore?: FunnelStage | undefined }) => api.get<{ countyCode: string; items: FunnelPerson[] }>('/host-funnel/people', { ...f }),
  recordFollowup: (body: { enrolmentId: string; stage: FunnelStage; reasonCode: DropoutReason; note?: string; calledOn?: string }) =>
    api.post<{ id: string }>('/host-funnel/followups', body),
};

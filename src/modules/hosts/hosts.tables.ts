/**
 * Tables of the hosts module: the showcase (migrations/2026-11-27T0500_live.ts) and the
 * roster, matchmaking, samples and funnel follow-ups (migrations/2026-11-27T0610_hosts.ts).
 */

export const HOST_KINDS = ['local', 'returned_youth', 'guest', 'official'] as const;
/** local (本地主播), returned_youth (返乡青年), guest (外请达人), official (干部主播). */
export type HostProfileKind = (typeof HOST_KINDS)[number];
/** The kinds counted as the county's own hosts in "local hosts' share of sales". */
export const LOCAL_KINDS: readonly HostProfileKind[] = ['local', 'returned_youth', 'official'];
export const VERIFICATIONS = ['none', 'pending', 'verified', 'rejected'] as const;
export type Verification = (typeof VERIFICATIONS)[number];
export const PLATFORMS = ['douyin', 'kuaishou', 'wechat_channels'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const MATCH_KINDS = ['invite', 'apply'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];
export const MATCH_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];
export const SAMPLE_STATUSES = ['requested', 'shipped', 'received', 'return_shipped', 'returned', 'cancelled'] as const;
export type SampleStatus = (typeof SAMPLE_STATUSES)[number];
export const FUNNEL_STAGES = ['attended', 'certified', 'first_live', 'active_30', 'active_90'] as const;
/** The step a person did not reach (a follow-up records why). */
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** A product from the selection base that a host may put in its run-of-shows. */
export interface HostShowcaseItemTable {
  county_code: string;
  host_user_id: string;
  product_id: string;
  added_at: string;
}

export interface HostProfileTable {
  host_user_id: string;
  county_code: string;
  kind: HostProfileKind;
  /** 9-digit township code inside the county. */
  township_code: string;
  display_name: string;
  bio: string;
  /** JSON array of strings. */
  specialities: string;
  /** JSON: { weekdays: number[] (1 = Monday), slots: ('morning'|'afternoon'|'evening')[], note: string }. */
  availability: string;
  verification: Verification;
  real_name: string | null;
  /** AES-256-GCM of the ID number ("v1:iv.tag.ciphertext"); decrypted only by an audited reveal. */
  id_cipher: string | null;
  /** Keyed HMAC of the ID number: the unique key that stops one ID verifying two hosts. */
  id_hash: string | null;
  id_masked: string | null;
  birth_date: string | null;
  gender: 'male' | 'female' | null;
  guardian_name: string | null;
  guardian_relation: string | null;
  guardian_phone: string | null;
  guardian_consent_on: string | null;
  verification_note: string;
  verified_by: string | null;
  verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface HostExternalAccountTable {
  host_user_id: string;
  platform: Platform;
  county_code: string;
  handle: string;
  followers: number;
  source: 'manual' | 'import';
  updated_at: string;
}

/** The most commission (bp of a line) a county lets any host policy take; no row: 5,000. */
export interface HostCountySettingTable {
  county_code: string;
  max_commission_bp: number;
  updated_by: string | null;
  updated_at: string;
}

export interface HostMatchTable {
  id: string;
  county_code: string;
  kind: MatchKind;
  host_user_id: string;
  product_id: string;
  supplier_id: string;
  message: string;
  status: MatchStatus;
  decision_note: string;
  decided_by: string | null;
  decided_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface HostSampleRequestTable {
  id: string;
  county_code: string;
  host_user_id: string;
  product_id: string;
  supplier_id: string;
  quantity: number;
  /** 0/1: the host sends the sample back after the session. */
  return_required: number;
  recipient_name: string;
  recipient_phone: string;
  address_text: string;
  note: string;
  status: SampleStatus;
  carrier: string | null;
  tracking_no: string | null;
  shipped_at: string | null;
  received_at: string | null;
  return_carrier: string | null;
  return_tracking_no: string | null;
  return_shipped_at: string | null;
  returned_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface HostFollowupTable {
  id: string;
  county_code: string;
  enrolment_id: string;
  stage: FunnelStage;
  reason_code: string;
  note: string;
  /** Business date of the call (YYYY-MM-DD). */
  called_on: string;
  called_by: string | null;
  created_at: string;
}

export interface HostsTables {
  host_showcase_item: HostShowcaseItemTable;
  host_profile: HostProfileTable;
  host_external_account: HostExternalAccountTable;
  host_county_setting: HostCountySettingTable;
  host_match: HostMatchTable;
  host_sample_request: HostSampleRequestTable;
  host_followup: HostFollowupTable;
}

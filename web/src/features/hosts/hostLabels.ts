/** Labels and formatters the host pages share (no Ant Design: the phone pages use them too). */
import type { HostKind, MatchStatus, Platform, SampleStatus, Verification } from '../../api/hosts';
import type { MessageKey, Translate } from '../../i18n';

export const kindLabel = (k: HostKind, t: Translate) => t(`hs.kind.${k}` as MessageKey);
export const platformLabel = (p: Platform, t: Translate) => t(`hs.platform.${p}` as MessageKey);
export const verificationLabel = (v: Verification, t: Translate) => t(`hs.verification.${v}` as MessageKey);
export const sampleStatusLabel = (s: SampleStatus, t: Translate) => t(`hs.sampleStatus.${s}` as MessageKey);
export const matchStatusLabel = (s: MatchStatus, t: Translate) => t(`hs.matchStatus.${s}` as MessageKey);

/** 0.1234 → "12.3%", null → "—". */
export function formatShare(n: number | null | undefined): string {
  return n == null ? '—' : `${(n * 100).toFixed(1)}%`;
}

/** 12800 → "1.3万" in Chinese, "12.8k" in English. */
export function formatFollowers(n: number, lang: string): string {
  if (lang === 'zh-CN') return n >= 10_000 ? `${(n / 10_000).toFixed(n >= 100_000 ? 0 : 1)}万` : String(n);
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(n);
}

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const SLOTS = ['morning', 'afternoon', 'evening'] as const;

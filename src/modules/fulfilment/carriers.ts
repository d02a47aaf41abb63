/**
 * Carriers a supplier may ship with, and a loose check of their tracking numbers: 8–30
 * letters and digits, SF Express numbers start with "SF". Loose on purpose: carriers change
 * their formats, and a real courier-API adapter can check more later.
 */
export const CARRIERS = ['SF', 'ZTO', 'YTO', 'YUNDA', 'STO', 'JD', 'EMS'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const CARRIER_NAMES: Record<Carrier, string> = {
  SF: '顺丰速运', ZTO: '中通快递', YTO: '圆通速递', YUNDA: '韵达快递', STO: '申通快递', JD: '京东物流', EMS: '中国邮政EMS',
};

/** Names people type in a spreadsheet, lower-cased, mapped to our codes. */
const ALIASES: Record<string, Carrier> = {
  sf: 'SF', '顺丰': 'SF', '顺丰速运': 'SF', '顺丰快递': 'SF', 'sf express': 'SF',
  zto: 'ZTO', '中通': 'ZTO', '中通快递': 'ZTO',
  yto: 'YTO', '圆通': 'YTO', '圆通速递': 'YTO', '圆通快递': 'YTO',
  yunda: 'YUNDA', yd: 'YUNDA', '韵达': 'YUNDA', '韵达快递': 'YUNDA', '韵达速递': 'YUNDA',
  sto: 'STO', '申通': 'STO', '申通快递': 'STO',
  jd: 'JD', '京东': 'JD', '京东物流': 'JD', '京东快递': 'JD',
  ems: 'EMS', '邮政': 'EMS', '中国邮政': 'EMS', '邮政ems': 'EMS', '中国邮政ems': 'EMS', '邮政快递': 'EMS',
};

/** A carrier code or a common name (顺丰, 中通快递, sf) to our code; null when unknown. */
export function parseCarrier(text: string): Carrier | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  return ALIASES[t] ?? null;
}

/** Trims and upper-cases a tracking number (scanners and spreadsheets add spaces). */
export function normalizeTrackingNo(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** Why a tracking number cannot be one of this carrier's, or null when it looks right. */
export function trackingProblem(carrier: Carrier, trackingNo: string): string | null {
  if (!/^[A-Z0-9]{8,30}$/.test(trackingNo)) return 'A tracking number is 8 to 30 letters and digits';
  if (carrier === 'SF' && !trackingNo.startsWith('SF')) return 'SF Express tracking numbers start with SF';
  return null;
}

import type { RegionSource } from '../regions/index.js';
import type { LicenceKind, LicenceStatus } from './suppliers.tables.js';

/** Names people see, in both languages (the web app has its own catalogue; this serves error details). */
export const LICENCE_LABELS: Record<LicenceKind, { zh: string; en: string }> = {
  food_business: { zh: '食品经营许可证（JY）', en: 'food business licence (JY)' },
  food_production: { zh: '食品生产许可证（SC）', en: 'food production licence (SC)' },
  workshop_registration: { zh: '食品小作坊登记证', en: 'small food workshop registration' },
  produce_certificate: { zh: '食用农产品承诺达标合格证', en: 'produce compliance certificate' },
};

/**
 * The review workflow, as data: from each status, the statuses a licence may move to.
 * `expired` is reached only by the expiry job; a rejected licence goes back to
 * `submitted` when its holder corrects and resubmits it.
 */
export const LICENCE_TRANSITIONS: Record<LicenceStatus, readonly LicenceStatus[]> = {
  submitted: ['verified', 'rejected', 'expired'],
  rejected: ['submitted'],
  verified: ['expired'],
  expired: [],
};

/**
 * Checks a licence number's shape. Returns a reason when it is wrong, null when it is fine.
 * - SC + 14 digits: category (3: 1xx food, 2xx additive), province (2), city (2), county (2), sequence (4), check (1)
 * - JY + 14 digits: business type (1: 1 sale, 2 catering, 3 canteen), province (2), city (2), county (2), sequence (6), check (1)
 * The province digits must be a real province code.
 */
export function checkLicenceNumber(kind: LicenceKind, number: string, regions: RegionSource): string | null {
  switch (kind) {
    case 'food_production': {
      if (!/^SC[12]\d{13}$/.test(number)) return 'A food production licence number is SC followed by 14 digits, the first 1 or 2 (e.g. SC10122062200015)';
      if (!regions.get(number.slice(5, 7))) return `Digits 4–5 (${number.slice(5, 7)}) are not a province code`;
      return null;
    }
    case 'food_business': {
      if (!/^JY[123]\d{13}$/.test(number)) return 'A food business licence number is JY followed by 14 digits, the first 1, 2 or 3 (e.g. JY12206220000012)';
      if (!regions.get(number.slice(3, 5))) return `Digits 2–3 (${number.slice(3, 5)}) are not a province code`;
      return null;
    }
    case 'workshop_registration':
      // Formats differ by province (e.g. 吉食坊登字…); ask for something that looks like a number.
      if (number.length < 4 || number.length > 50 || !/\d/.test(number)) return 'Enter the registration number as printed (4–50 characters, with digits)';
      return null;
    case 'produce_certificate':
      // The 承诺达标合格证 carries no national number; a producer's own serial is optional.
      return number.length > 50 ? 'At most 50 characters' : null;
  }
}

import { describe, expect, it } from 'vitest';
import type { Region, RegionSource } from '../regions/index.js';
import { LICENCE_TRANSITIONS, checkLicenceNumber } from './licence-rules.js';
import { LICENCE_KINDS, LICENCE_STATUSES } from './suppliers.tables.js';

/** Only the provinces the tests use; enough to see that the province digits are looked up. */
const PROVINCES: Record<string, string> = { 11: '北京市', 22: '吉林省', 23: '黑龙江省', 44: '广东省' };
const regions: RegionSource = {
  get: (code) => (PROVINCES[code] ? ({ code, name: PROVINCES[code], level: 'province', parentCode: null } satisfies Region) : null),
  children: () => [],
  path: () => [],
  close: () => {},
};

describe('checkLicenceNumber', () => {
  it('accepts SC and JY numbers of the right shape with a real province', () => {
    for (const n of ['SC10122062200015', 'SC20111010500011', 'SC11344010600019']) expect(checkLicenceNumber('food_production', n, regions), n).toBeNull();
    for (const n of ['JY12206220000012', 'JY21101050000014', 'JY34401060000017']) expect(checkLicenceNumber('food_business', n, regions), n).toBeNull();
  });

  it('rejects SC numbers with the wrong prefix, length, characters, category or province', () => {
    for (const n of ['', 'SC', 'XK10122062200015', 'sc10122062200015', 'SC 10122062200015', 'SC1012206220001', 'SC101220622000155',
      'SC10122O62200015', 'SC30122062200015', 'SC00122062200015', 'SC10199062200015', 'SC10133062200015', 'SC１0122062200015', 'JY12206220000012']) {
      expect(checkLicenceNumber('food_production', n, regions), n).not.toBeNull();
    }
    expect(checkLicenceNumber('food_production', 'SC10199062200015', regions)).toContain('99');
  });

  it('rejects JY numbers with the wrong business type, length or province', () => {
    for (const n of ['JY02206220000012', 'JY42206220000012', 'JY1220622000001', 'JY122062200000123', 'JY19906220000012', 'JY1220622000001X', 'SC10122062200015']) {
      expect(checkLicenceNumber('food_business', n, regions), n).not.toBeNull();
    }
    expect(checkLicenceNumber('food_business', 'JY19906220000012', regions)).toContain('99');
  });

  it('takes a workshop registration as printed, but it must contain digits and fit', () => {
    expect(checkLicenceNumber('workshop_registration', '吉食坊登字2206220001号', regions)).toBeNull();
    for (const n of ['登记证号', '12', 'x'.repeat(48) + '123']) expect(checkLicenceNumber('workshop_registration', n, regions), n).not.toBeNull();
  });

  it('lets a produce certificate go without a number, up to 50 characters', () => {
    expect(checkLicenceNumber('produce_certificate', '', regions)).toBeNull();
    expect(checkLicenceNumber('produce_certificate', '合格证-2026-001', regions)).toBeNull();
    expect(checkLicenceNumber('produce_certificate', '1'.repeat(51), regions)).not.toBeNull();
  });

  it('has a rule for every kind', () => {
    for (const kind of LICENCE_KINDS) expect(() => checkLicenceNumber(kind, 'SC10122062200015', regions)).not.toThrow();
  });
});

describe('LICENCE_TRANSITIONS', () => {
  it('covers every status and only moves between known ones', () => {
    expect(Object.keys(LICENCE_TRANSITIONS).sort()).toEqual([...LICENCE_STATUSES].sort());
    for (const to of Object.values(LICENCE_TRANSITIONS).flat()) expect(LICENCE_STATUSES).toContain(to);
  });

  it('never lets a verified licence be rejected or go back to review, and expired is final', () => {
    expect(LICENCE_TRANSITIONS.verified).toEqual(['expired']);
    expect(LICENCE_TRANSITIONS.expired).toEqual([]);
    expect(LICENCE_TRANSITIONS.rejected).toEqual(['submitted']);
    expect([...LICENCE_TRANSITIONS.submitted].sort()).toEqual(['expired', 'rejected', 'verified']);
  });
});

/**
 * Client-side checks that mirror the server's rules, so most mistakes are caught before
 * a request is sent. The server stays the authority; its answers are shown the same way.
 */
import type { LicenceKind } from '../api/types';

/** Two-digit province codes of mainland China (GB/T 2260). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
]);

export type LicenceNumberProblem = 'sc_format' | 'jy_format' | 'province' | 'workshop_format' | 'too_long' | 'required';

/** Returns why a licence number is wrong for its kind, or null when it looks right. */
export function checkLicenceNumber(kind: LicenceKind, number: string): LicenceNumberProblem | null {
  switch (kind) {
    case 'food_production':
      if (!/^SC[12]\d{13}$/.test(number)) return 'sc_format';
      return PROVINCES.has(number.slice(5, 7)) ? null : 'province';
    case 'food_business':
      if (!/^JY[123]\d{13}$/.test(number)) return 'jy_format';
      return PROVINCES.has(number.slice(3, 5)) ? null : 'province';
    case 'workshop_registration':
      if (!number) return 'required';
      return number.length < 4 || number.length > 50 || !/\d/.test(number) ? 'workshop_format' : null;
    case 'produce_certificate':
      return number.length > 50 ? 'too_long' : null;
  }
}

export const BANK_ACCOUNT_RE = /^\d{8,30}$/;
export const GTIN_RE = /^\d{8,14}$/;

/** GS1 check digit for GTIN-8/12/13/14. */
export function isValidGtin(gtin: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

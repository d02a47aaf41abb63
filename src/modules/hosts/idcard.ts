import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Resident identity card numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
 * sequence (odd = male), and an ISO 7064 MOD 11-2 check character (0–9 or X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export interface IdCardFacts {
  normalized: string;
  birthDate: string;
  gender: 'male' | 'female';
}

export type IdCardProblem = 'format' | 'checksum' | 'birth_date';

/** Checks an 18-character ID number; returns its birth date and gender, or what is wrong with it. */
export function parseIdNumber(input: string, today: string): IdCardFacts | { problem: IdCardProblem } {
  const id = input.trim().toUpperCase();
  if (!/^[1-9][0-9]{16}[0-9X]$/.test(id)) return { problem: 'format' };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i]!;
  if (CHECK[sum % 11] !== id[17]) return { problem: 'checksum' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const d = new Date(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birthDate || birthDate > today || birthDate < '1900-01-01') return { problem: 'birth_date' };
  return { normalized: id, birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
}

/** Whole years from a birth date to a date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Two keys from HOST_ID_KEY: one encrypts, the other hashes, so neither reveals the other. */
function subKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `fengshou host id ${purpose}`, 32));
}

/** AES-256-GCM with a fresh 96-bit nonce; "v1:" names the scheme so keys can be rotated later. */
export function encryptId(master: Buffer, id: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subKey(master, 'encryption'), iv);
  const ct = Buffer.concat([cipher.update(id, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
}

export function decryptId(master: Buffer, stored: string): string {
  const m = /^v1:([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) throw new Error('unknown ID cipher format');
  const decipher = createDecipheriv('aes-256-gcm', subKey(master, 'encryption'), Buffer.from(m[1]!, 'base64url'), { authTagLength: 16 });
  decipher.setAuthTag(Buffer.from(m[2]!, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(m[3]!, 'base64url')), decipher.final()]).toString('utf8');
}

/** Keyed hash of the ID number: equal IDs hash equal, and nothing is learnt without the key. */
export function hashId(master: Buffer, id: string): string {
  return createHmac('sha256', subKey(master, 'lookup')).update(id).digest('base64url');
}

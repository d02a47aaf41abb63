import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { maskIdNumber } from '../../platform/mask.js';
import { ageOn, decryptId, encryptId, hashId, parseIdNumber } from './idcard.js';

/** The published example of GB 11643-1999: 11010519491231002X. */
const SAMPLE = '11010519491231002X';
const KEY = Buffer.alloc(32, 1);

describe('GB 11643 ID numbers', () => {
  it('accepts the standard example and reads its birth date and gender', () => {
    expect(parseIdNumber(SAMPLE, '2026-11-27')).toEqual({ normalized: SAMPLE, birthDate: '1949-12-31', gender: 'female' });
    expect(parseIdNumber(SAMPLE.toLowerCase(), '2026-11-27')).toMatchObject({ normalized: SAMPLE });
    expect(parseIdNumber(` ${SAMPLE} `, '2026-11-27')).toMatchObject({ normalized: SAMPLE });
  });

  it('refuses a changed digit (checksum), a bad shape and an impossible or future birth date', () => {
    expect(parseIdNumber('110105194912310021', '2026-11-27')).toEqual({ problem: 'checksum' });
    expect(parseIdNumber('11010519491231002', '2026-11-27')).toEqual({ problem: 'format' });
    expect(parseIdNumber('01010519491231002X', '2026-11-27')).toEqual({ problem: 'format' });
    expect(parseIdNumber('1101051949123100XX', '2026-11-27')).toEqual({ problem: 'format' });
    // 1949-02-30 with a correct check character is still refused for its date.
    const body = '11010519490230002';
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const withCheck = body + '10X98765432'[[...body].reduce((s, c, i) => s + Number(c) * w[i]!, 0) % 11];
    expect(parseIdNumber(withCheck, '2026-11-27')).toEqual({ problem: 'birth_date' });
  });

  it('every single-digit change of a valid number is caught by the check character', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
      const d = (Number(SAMPLE[pos]) + delta) % 10;
      const changed = SAMPLE.slice(0, pos) + d + SAMPLE.slice(pos + 1);
      const r = parseIdNumber(changed, '2026-11-27');
      expect('problem' in r).toBe(true);
    }));
  });

  it('age in whole years, the birthday counting from its day', () => {
    expect(ageOn('2010-11-27', '2026-11-27')).toBe(16);
    expect(ageOn('2010-11-28', '2026-11-27')).toBe(15);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('masks to the first three and last four characters', () => {
    expect(maskIdNumber(SAMPLE)).toBe('110***********002X');
    expect(maskIdNumber('123')).toBe('***');
  });
});

describe('ID number encryption', () => {
  it('round-trips, uses a fresh nonce each time, and fails under another key or when tampered with', () => {
    const a = encryptId(KEY, SAMPLE);
    const b = encryptId(KEY, SAMPLE);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:/);
    expect(a).not.toContain('19491231');
    expect(decryptId(KEY, a)).toBe(SAMPLE);
    expect(() => decryptId(Buffer.alloc(32, 2), a)).toThrow();
    const [, body] = a.split(':');
    const [iv, tag, ct] = body!.split('.');
    const flipped = `v1:${iv}.${tag}.${ct!.slice(0, -2)}${ct!.slice(-2) === 'AA' ? 'AB' : 'AA'}`;
    expect(() => decryptId(KEY, flipped)).toThrow();
    expect(() => decryptId(KEY, 'plain')).toThrow();
  });

  it('hashes equal numbers equally under one key and differently under another', () => {
    expect(hashId(KEY, SAMPLE)).toBe(hashId(KEY, SAMPLE));
    expect(hashId(KEY, SAMPLE)).not.toBe(hashId(Buffer.alloc(32, 2), SAMPLE));
    expect(hashId(KEY, SAMPLE)).not.toContain(SAMPLE);
  });
});

describe('HOST_ID_KEY', () => {
  it('is required in production, named in the error with how to make one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/HOST_ID_KEY.*openssl rand -hex 32/s);
  });

  it('reads 64 hex characters or base64 of 32 bytes; anything else is refused without echoing it', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ HOST_ID_KEY: hex, NODE_ENV: 'production' }).hostIdKey.equals(Buffer.from(hex, 'hex'))).toBe(true);
    const b64 = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ HOST_ID_KEY: b64 }).hostIdKey.equals(Buffer.alloc(32, 9))).toBe(true);
    let message = '';
    try { loadConfig({ HOST_ID_KEY: 'too-short-secret' }); } catch (e) { message = (e as Error).message; }
    expect(message).toContain('HOST_ID_KEY');
    expect(message).not.toContain('too-short-secret');
  });

  it('outside production a fixed development key is used, so a dev database stays readable', () => {
    const a = loadConfig({}).hostIdKey;
    expect(a).toHaveLength(32);
    expect(loadConfig({}).hostIdKey.equals(a)).toBe(true);
  });
});

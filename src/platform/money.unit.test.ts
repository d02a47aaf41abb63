import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitByBasisPoints } from './money.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('splitByBasisPoints', () => {
  it('splits exactly when the shares divide evenly', () => {
    expect(splitByBasisPoints(10000, [7000, 2000, 1000])).toEqual([7000, 2000, 1000]);
    expect(splitByBasisPoints(0, [5000, 5000])).toEqual([0, 0]);
  });

  it('gives the leftover fen to the largest remainders, ties to the earlier part', () => {
    expect(splitByBasisPoints(100, [3333, 3333, 3334])).toEqual([33, 33, 34]);
    expect(splitByBasisPoints(1, [5000, 5000])).toEqual([1, 0]);
    expect(splitByBasisPoints(2, [3333, 3333, 3334])).toEqual([1, 0, 1]);
    expect(splitByBasisPoints(10, [1500, 8500])).toEqual([2, 8]); // 1.5 / 8.5: tie, earlier wins
  });

  it('splits negative amounts like their absolute value', () => {
    expect(splitByBasisPoints(-100, [3333, 3333, 3334])).toEqual([-33, -33, -34]);
    expect(splitByBasisPoints(-1, [5000, 5000])).toEqual([-1, 0]);
  });

  it('is exact at the edge of safe integers', () => {
    const parts = splitByBasisPoints(Number.MAX_SAFE_INTEGER, [3333, 3333, 3334]);
    expect(parts.every(Number.isSafeInteger)).toBe(true);
    expect(BigInt(parts[0]!) + BigInt(parts[1]!) + BigInt(parts[2]!)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('refuses shares that do not add up to 10000, bad shares and non-integer amounts', () => {
    expect(() => splitByBasisPoints(100, [5000, 4999])).toThrow(RangeError);
    expect(() => splitByBasisPoints(100, [])).toThrow(RangeError);
    expect(() => splitByBasisPoints(100, [-1, 10001])).toThrow(RangeError);
    expect(() => splitByBasisPoints(100, [5000.5, 4999.5])).toThrow(RangeError);
    expect(() => splitByBasisPoints(1.5, [10000])).toThrow(RangeError);
    expect(() => splitByBasisPoints(Number.MAX_SAFE_INTEGER + 1, [10000])).toThrow(RangeError);
  });

  it('always sums to the whole, each part within one fen of its exact share', () => {
    const shares = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }).map((ws) => {
      // Turn arbitrary weights into basis points that add up to exactly 10000.
      const total = sum(ws);
      const bps = ws.map((w) => Math.floor((w * 10000) / total));
      bps[0]! += 10000 - sum(bps);
      return bps;
    });
    fc.assert(fc.property(fc.integer({ min: -1e11, max: 1e11 }), shares, (fen, bps) => {
      const parts = splitByBasisPoints(fen, bps);
      expect(sum(parts)).toBe(fen);
      parts.forEach((p, i) => {
        const exact = (fen * bps[i]!) / 10000;
        expect(Math.abs(p - exact)).toBeLessThan(1);
      });
    }));
  });
});

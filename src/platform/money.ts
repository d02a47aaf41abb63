/** Money is always integer fen. These helpers are the one place it is formatted or split. */

export function assertFen(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
}

/** 1280 -> "¥12.80" */
export function formatFen(fen: number): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Applies a rate in basis points (1/100 of a percent), rounding half up to whole fen. */
export function applyBasisPoints(fen: number, bp: number): number {
  assertFen(fen);
  return Math.round((fen * bp) / 10000);
}

/**
 * Splits an amount of fen into parts by basis points (which must add up to 10,000), so that
 * the parts always add up to the whole: each part gets the floor of its exact share, and the
 * fen left over go one each to the parts with the largest remainders (ties: the earlier part).
 * A negative amount splits like its absolute value, negated. Exact for every safe integer
 * (the products are computed with BigInt).
 *
 * splitByBasisPoints(100, [3333, 3333, 3334]) -> [33, 33, 34]
 */
export function splitByBasisPoints(fen: number, basisPoints: readonly number[]): number[] {
  assertFen(fen);
  if (basisPoints.length === 0) throw new RangeError('nothing to split into');
  let total = 0;
  for (const bp of basisPoints) {
    if (!Number.isInteger(bp) || bp < 0 || bp > 10000) throw new RangeError(`not a basis-point share: ${bp}`);
    total += bp;
  }
  if (total !== 10000) throw new RangeError(`basis points add up to ${total}, not 10000`);
  if (fen < 0) return splitByBasisPoints(-fen, basisPoints).map((p) => (p === 0 ? 0 : -p));
  const whole = BigInt(fen);
  const floors = basisPoints.map((bp) => (whole * BigInt(bp)) / 10000n);
  const remainders = basisPoints.map((bp, i) => ({ i, r: (whole * BigInt(bp)) % 10000n }));
  let left = Number(whole - floors.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const parts = floors.map(Number);
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i]! += 1;
    left--;
  }
  return parts;
}
